"""A site's week at a glance for the meeting with the direction: per day, what starts and ends, what
waits on someone; constant queries; coordinators and the site's officers only."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import CycleMaterial
from scheduling.week import week_summary
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY = dt.date(2027, 3, 22)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False)


def at(day, hour):
    return dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)


def make_cycle(site, units, facilitators, code, days, participants_per_unit=2):
    cycle = CycleFactory(term=TermFactory(site=site), code=code, eligible_units=units, facilitators=facilitators)
    sessions = [SessionFactory(cycle=cycle, starts_at=at(day, 10), ends_at=at(day, 12)) for day in days]
    for unit in units:
        for _ in range(participants_per_unit):
            EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit))
    return cycle, sessions


def test_each_day_counts_sessions_cancellations_participants_outside_people_and_rooms(site, unit, coordinator):
    site.daily_outside_quota = 1
    site.save()
    other_unit = UnitFactory(building__site=site)
    volunteer, teacher = FacilitatorFactory(sites=[site]), FacilitatorFactory(sites=[site])
    tuesday = MONDAY + dt.timedelta(days=1)
    _drawing, drawing_sessions = make_cycle(site, [unit, other_unit], [volunteer], "drawing", [MONDAY, tuesday])
    _french, _ = make_cycle(site, [unit], [teacher], "french", [tuesday])
    drawing_sessions[0].cancelled_units.add(other_unit)  # Monday: the other unit does not come
    _yoga, (yoga_session,) = make_cycle(site, [unit], [teacher], "yoga", [MONDAY + dt.timedelta(days=2)])
    yoga_session.status = "cancelled"
    yoga_session.save()
    french_session = _french.sessions.get()  # moved from Monday 10:00 to Tuesday: Tuesday counts it moved
    french_session.moved_from_starts_at, french_session.moved_from_room = at(MONDAY, 10), french_session.room
    french_session.save()

    summary = week_summary(coordinator, site, MONDAY + dt.timedelta(days=3))
    assert summary.monday == MONDAY
    by_day = {d.date: d for d in summary.days}
    assert (by_day[MONDAY].sessions, by_day[MONDAY].participants, by_day[MONDAY].outside_people) == (1, 2, 1)
    assert (by_day[tuesday].sessions, by_day[tuesday].participants, by_day[tuesday].outside_people) == (2, 6, 2)
    assert by_day[tuesday].over_quota and not by_day[MONDAY].over_quota
    assert by_day[tuesday].rooms == 2
    assert by_day[MONDAY + dt.timedelta(days=2)].cancelled == 1
    assert (by_day[tuesday].moved, by_day[MONDAY].moved) == (1, 0)
    assert (summary.totals.sessions, summary.totals.cancelled, summary.totals.moved) == (3, 1, 1)
    assert {c.code for c in summary.starting} == {"drawing", "french"}
    assert {c.code for c in summary.ending} == {"drawing", "french"}


def test_page_shows_the_week_and_what_waits(client, site, unit, coordinator):
    cycle, _sessions = make_cycle(site, [unit], [FacilitatorFactory(sites=[site])], "drawing", [MONDAY])
    CycleMaterial.objects.create(cycle=cycle, item="Brushes", requested_by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("calendars:week", args=[site.pk]), {"date": MONDAY.isoformat()}).content.decode()
    assert "From Monday 22 March 2027 to Sunday 28 March 2027" in page
    assert "1 item of material awaiting the direction" in page
    assert f'href="{reverse("activities:material-list")}">1 item of material' in page
    assert "Starts:" in page and "(drawing)" in page


def test_the_page_takes_the_same_queries_for_one_cycle_or_ten(client, site, unit, coordinator,
                                                               django_assert_max_num_queries):
    client.force_login(coordinator)
    make_cycle(site, [unit], [FacilitatorFactory(sites=[site])], "c0", [MONDAY])
    url = reverse("calendars:week", args=[site.pk])
    with CaptureQueriesContext(connection) as captured:
        client.get(url, {"date": MONDAY.isoformat()})
    for n in range(1, 10):
        make_cycle(site, [unit], [FacilitatorFactory(sites=[site])], f"c{n}",
                   [MONDAY + dt.timedelta(days=n % 5), MONDAY + dt.timedelta(days=(n + 2) % 5)])
    with django_assert_max_num_queries(len(captured)):
        client.get(url, {"date": MONDAY.isoformat()})


def test_officers_of_the_site_see_it_facilitators_and_other_sites_do_not(client, site, other_site, staff_user,
                                                                        facilitator_user):
    client.force_login(staff_user)
    assert client.get(reverse("calendars:week", args=[site.pk])).status_code == 200
    assert client.get(reverse("calendars:week", args=[other_site.pk])).status_code == 404
    api = client.get("/api/v1/week-summary/", {"site": site.pk, "date": MONDAY.isoformat()})
    assert api.status_code == 200 and api.json()["monday"] == MONDAY.isoformat() and len(api.json()["days"]) == 7
    assert api.json()["days"][0]["moved"] == 0
    assert client.get("/api/v1/week-summary/", {"site": site.pk, "date": "22/03/2027"}).status_code == 400
    client.force_login(facilitator_user)
    assert client.get(reverse("calendars:week", args=[site.pk])).status_code == 404
