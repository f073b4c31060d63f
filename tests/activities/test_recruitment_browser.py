"""Recruiting in headless Chromium: the coordinator records that access was granted, with the
badge, and then the induction, which makes the facilitator record."""
import datetime as dt

import pytest
from django.utils import timezone

from activities import recruitment
from activities.models import RecruitmentStage, VolunteerCandidate
from tests.browser import chromium_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_access_granted_then_induction_makes_the_facilitator(live_server, site, coordinator):
    today = timezone.localdate()
    amina = recruitment.record_candidate({
        "site": site, "first_name": "Amina", "last_name": "Diallo", "email": "amina@example.org", "phone": "",
        "partner": None, "languages": ["fr"], "skills": "", "source": "event",
        "contacted_on": today - dt.timedelta(days=30), "note": ""}, by=coordinator)
    amina = recruitment.advance(amina, by=coordinator, on=today - dt.timedelta(days=20))
    recruitment.advance(amina, by=coordinator, on=today - dt.timedelta(days=15))

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        page.goto(f"{live_server.url}/activities/recruitment/")
        row = page.locator(f"#candidate-{amina.pk}")
        row.locator("summary:has-text('Access granted')").click()
        row.locator("input[name=authorisation_number]").fill("B-2026-77")
        row.locator("button:has-text('Record')").first.click()
        page.wait_for_selector("text=Valid until: Give the date until which the authorisation is valid.")
        row = page.locator(f"#candidate-{amina.pk}")
        assert row.locator("input[name=authorisation_number]").input_value() == "B-2026-77"
        row.locator("input[name=valid_until]").fill((today + dt.timedelta(days=365)).isoformat())
        row.locator("button:has-text('Record')").first.click()
        page.wait_for_selector("h2#step-induction:has-text('(1)')")
        row = page.locator(f"#candidate-{amina.pk}")
        row.locator("summary:has-text('Induction done')").click()
        row.locator("button:has-text('Record')").first.click()
        page.wait_for_selector("text=is ready: their facilitator record is made")
        assert page.csp_violations == []

    amina = VolunteerCandidate.objects.get(pk=amina.pk)
    assert amina.stage == RecruitmentStage.READY and amina.facilitator.authorisation_number == "B-2026-77"
