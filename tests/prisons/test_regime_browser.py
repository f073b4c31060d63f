"""The regime in headless Chromium: a coordinator follows the units list to the site's regime, moves the
second morning period on Mondays and Tuesdays, sees the session it leaves out, and gives a unit its lunch."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from prisons.models import RegimePeriod
from tests.browser import chromium_page, sign_in
from tests.factories import CycleFactory, RoomFactory, SessionFactory, units_with_officer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
BRUSSELS = ZoneInfo("Europe/Brussels")


def test_coordinator_changes_the_periods_and_a_unit_s_lunch(live_server, coordinator, site):
    prison = units_with_officer(site)
    for index, (start, end) in {1: ("08:30", "10:00"), 2: ("10:15", "11:45"), 4: ("13:30", "15:00")}.items():
        RegimePeriod.objects.create(site=site, weekday=0, index=index, start=start, end=end)
    cycle = CycleFactory(term=prison["term"], code="theatre", eligible_units=[prison["a1"]])
    monday = dt.date.today() + dt.timedelta(days=7 - dt.date.today().weekday())
    SessionFactory(cycle=cycle, room=RoomFactory(site=site, code="R1"),
                   starts_at=dt.datetime.combine(monday, dt.time(10, 15), tzinfo=BRUSSELS),
                   ends_at=dt.datetime.combine(monday, dt.time(11, 45), tzinfo=BRUSSELS))

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        page.goto(f"{live_server.url}/prisons/units/")
        page.click("main a:has-text('Regime: Haren')")
        page.wait_for_selector("table#regime-periods")
        assert "Every coming session fits the regime." in page.locator("table#off-regime").inner_text()
        page.locator("table#regime-periods tr", has_text="Monday").locator("a:has-text('Edit')").click()
        page.wait_for_selector("#edit-periods")
        assert page.input_value("textarea[name=periods]") == "08:30-10:00\n10:15-11:45\n\n13:30-15:00"
        page.check("input[name=weekdays][value='1']")
        page.fill("textarea[name=periods]", "08:30-10:00\n10:00-11:30\n\n13:30-15:00")
        page.click("main form.stacked button[type=submit]")
        page.wait_for_selector("text=1 coming session no longer fits the regime")
        periods = page.locator("table#regime-periods").inner_text()
        assert "Tuesday\t08:30–10:00 · 10:00–11:30 · break · 13:30–15:00" in periods
        assert "10:15–11:45 is no longer on the periods of Monday" in page.locator("table#off-regime").inner_text()

        page.locator(f"tr#unit-{prison['a1'].pk} a:has-text('Edit')").click()
        page.fill("input[name=escort_limit]", "1")
        page.select_option("select[name=blocked-0-weekday]", "0")
        page.fill("input[name=blocked-0-start]", "11:00")
        page.fill("input[name=blocked-0-end]", "12:30")
        page.select_option("select[name=blocked-0-reason]", "meal")
        page.click("main form.stacked button[type=submit]")
        page.wait_for_selector("table#regime-units")
        assert "1 session at a time" in page.locator(f"tr#unit-{prison['a1'].pk}").inner_text()
        assert "A1 cannot leave 11:00–12:30 (Meal)" in page.locator("table#off-regime").inner_text()
        assert page.csp_violations == []
