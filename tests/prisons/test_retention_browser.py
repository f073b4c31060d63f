"""Data retention in headless Chromium: the coordinator follows the home page's count to the
retention page, confirms, and the record of someone who left long ago is anonymised."""
import datetime as dt

import pytest
from django.utils import timezone

from prisons.models import Detainee, Placement
from tests.browser import chromium_page, sign_in
from tests.factories import DetaineeFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_coordinator_anonymises_who_left_long_ago(live_server, coordinator, unit):
    left = timezone.localdate() - dt.timedelta(days=800)
    person = DetaineeFactory(unit=unit, last_name="Longgone", status="released")
    Placement.objects.create(detainee=person, unit=None, status="released", valid_from=left)
    DetaineeFactory(unit=unit, last_name="Stillhere")

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        assert "1 record or note past its retention period" in page.locator("main").inner_text()
        page.click("main a:has-text('Data retention')")
        page.wait_for_selector("table#retention-due")
        assert "LONGGONE" in page.locator("table#retention-due").inner_text()
        page.check("#apply-retention input[name=confirm]")
        page.click("#apply-retention button[type=submit]")
        page.wait_for_selector("text=1 person anonymised. 0 screening notes erased. 0 volunteer candidates deleted.")
        assert "Nobody's record is due for anonymisation." in page.locator("main").inner_text()
        assert "from the retention page" in page.locator("table#retention-runs").inner_text()
        assert page.csp_violations == []

    person.refresh_from_db()
    assert person.anonymised_at is not None and person.last_name == ""
    assert Detainee.objects.get(last_name="Stillhere").anonymised_at is None
