"""A session moved by the coordinator, as the unit's officer then reads it, in headless Chromium: the
movement list of the day it left says where it went, the day it arrived marks it as moved."""
import datetime as dt

import pytest

from activities.models import Session
from core.models import Role
from scheduling.calendars import BRUSSELS
from tests.browser import chromium_page, sign_in
from tests.factories import StaffMemberFactory, UserFactory

from .small_prison import english  # noqa: F401  (autouse fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
TUESDAY, NEXT_MONDAY = dt.date(2027, 3, 23), dt.date(2027, 3, 29)


@pytest.fixture
def browser_page():
    with chromium_page(viewport={"width": 1300, "height": 1000}) as page:
        yield page


def _choose_slot(page, server, session, day, start):
    page.goto(f"{server.url}/planning/sessions/{session.pk}/?day={day}#move")
    option = page.locator("select[name=move-slot] option", has_text=start).first
    page.select_option("select[name=move-slot]", option.get_attribute("value"))
    page.click("text=Move the session")
    page.wait_for_load_state()


def test_a_move_reaches_the_officers_movement_lists(live_server, browser_page, published_prison):
    prison = published_prison
    officer = UserFactory(username="officer", role=Role.STAFF, sites=[prison.site])
    StaffMemberFactory(site=prison.site, user=officer, units=[prison.a1])
    french = next(s for s in Session.objects.filter(cycle=prison.french)
                  if s.starts_at.astimezone(BRUSSELS).date() == TUESDAY)  # 08:30, classroom
    page = browser_page

    sign_in(page, live_server, "coord")
    _choose_slot(page, live_server, french, NEXT_MONDAY, "10:15")
    assert "Moved: first planned Tue 23 Mar, 08:30" in page.locator("main").inner_text()

    page.click("form[action*=logout] button")
    sign_in(page, live_server, "officer")
    page.goto(f"{live_server.url}/calendar/movements/{prison.a1.pk}/?date={TUESDAY}")
    main = page.locator("main").inner_text()
    assert "Moved to another day" in main and "now on Monday 29 March 2027, 10:15" in main
    page.goto(f"{live_server.url}/calendar/movements/{prison.a1.pk}/?date={NEXT_MONDAY}")
    rows = page.locator("table.movement-list tbody tr", has_text="French")  # Monday's own at 08:30, and this one
    assert [rows.nth(i).locator("td").first.inner_text() for i in range(rows.count())] == ["08:30", "10:15"]
    assert "moved, first planned Tue 23 Mar, 08:30" in rows.nth(1).inner_text()
    assert "moved" not in rows.nth(0).inner_text()
    assert not page.csp_violations
