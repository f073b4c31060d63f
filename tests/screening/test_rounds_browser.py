"""A screening round in headless Chromium: tick, plan a morning, read the day's list, print the invitations."""
import datetime as dt

import pytest
from django.utils import timezone

from enrolment.models import EnrolmentStatus
from screening.models import Interview
from tests.browser import chromium_page, sign_in
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    TermFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_screener_plans_a_morning_and_prints_the_day(live_server, screener, site, unit):
    today = timezone.localdate()
    term = TermFactory(site=site, first_date=today + dt.timedelta(days=20), last_date=today + dt.timedelta(days=120))
    cycle = CycleFactory(term=term, screening_required=True, eligible_units=[unit],
                         activity=ActivityFactory(title_en="Restorative justice group", title_fr="Groupe de justice restauratrice"))
    waiting = [EnrolmentFactory(cycle=cycle, status=EnrolmentStatus.PENDING, requested_on=today,
                                detainee=DetaineeFactory(unit=unit, site=site, last_name=name))
               for name in ("Alpha", "Bravo", "Charlie")]
    room = RoomFactory(site=site, name="Interview room")
    day = today + dt.timedelta(days=7)
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, screener.username)
        page.goto(f"{live_server.url}/screening/to-screen/")
        assert page.locator("input[name=application]:checked").count() == 3
        page.uncheck(f"#screen-{waiting[2].pk}")
        page.fill("input[name=day]", day.isoformat())
        page.fill("input[name=start]", "09:00")
        page.fill("input[name=end]", "10:00")
        page.fill("input[name=minutes]", "30")
        page.select_option("select[name=room]", value=str(room.pk))
        page.click("button:has-text('Plan the interviews')")
        page.wait_for_load_state()
        assert "2 interviews planned." in page.locator(".messages").inner_text()
        rows = page.locator("#screening-day tbody tr")
        assert rows.count() == 2
        assert rows.nth(0).inner_text().startswith("09:00") and rows.nth(1).inner_text().startswith("09:30")
        page.click("a:has-text('Print the invitations')")
        page.wait_for_load_state()
        assert page.locator("article.invitation").count() == 2
        assert "Invitation à un entretien" in page.locator("article.invitation").first.inner_text()
        assert page.csp_violations == []
    assert Interview.objects.filter(enrolment__in=waiting[:2]).count() == 2
