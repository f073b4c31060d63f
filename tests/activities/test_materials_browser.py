"""Material for the gate in headless Chromium: a facilitator asks from the cycle page, the
coordinator records the direction's decision from the material page, the officer reads the gate list."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.utils import translation

from tests.browser import chromium_page, sign_in
from tests.factories import CycleFactory, SessionFactory, TermFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 3, 3)


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield



def test_asked_for_approved_and_shown_at_the_gate(live_server, site, unit, facilitator_user, coordinator, staff_user):
    facilitator = facilitator_user.facilitator
    facilitator.last_name, facilitator.authorisation_valid_until = "Painter", DAY + dt.timedelta(days=300)
    facilitator.save()
    cycle = CycleFactory(term=TermFactory(site=site), code="draw-1", facilitators=[facilitator], eligible_units=[unit])
    start = dt.datetime.combine(DAY, dt.time(13, 30), tzinfo=BRUSSELS)
    SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2))

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, facilitator_user.username)
        page.goto(f"{live_server.url}/activities/cycles/{cycle.pk}/")
        page.click("a:has-text('Ask for material')")
        page.fill("#id_item", "Acrylic paint, 75 ml tubes")
        page.fill("#id_quantity", "0")
        page.click("main form button[type=submit]")
        assert "Ensure this value is greater than or equal to 1." in page.locator(".field-error").inner_text()
        assert page.input_value("#id_item") == "Acrylic paint, 75 ml tubes"
        page.fill("#id_quantity", "12")
        page.click("main form button[type=submit]")
        page.wait_for_selector("h2#material")
        assert "Awaiting the direction's decision" in page.locator("table.materials").inner_text()
        assert page.csp_violations == []

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        assert "1 item of material awaiting the direction's decision" in page.locator("main").inner_text()
        page.click("nav.mainnav a:has-text('Material')")
        page.wait_for_selector("h1:has-text('Material for the gate')")
        page.fill("table.materials input[name=decision_note]", "Direction note 2027/114")
        page.click("table.materials button[value=approved]")
        page.wait_for_selector("text=No item awaits the direction's decision.")
        assert page.csp_violations == []

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, staff_user.username)
        page.goto(f"{live_server.url}/calendar/gate/{site.pk}/?date={DAY.isoformat()}")
        row = page.locator("table.gate-list tbody tr").first
        assert "12 × Acrylic paint, 75 ml tubes" in row.inner_text() and "Not approved" not in row.inner_text()
