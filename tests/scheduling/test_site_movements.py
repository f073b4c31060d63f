"""The site's movements of the day: per departure time, how many people each unit sends where, and
the units asked to escort to more sessions at once than their staff can."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import SessionStatus
from core.models import Role
from prisons.models import Placement
from scheduling.site_movements import site_movements
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    units_with_officer,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 3, 3)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 3, 7, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(site):
    return units_with_officer(site, officer="chief", a1_limit=1)


def cycle_at(world, title, hour, minute=0, minutes=90, status=SessionStatus.SCHEDULED):
    cycle = CycleFactory(term=world["term"], eligible_units=[world["a1"], world["a2"]],
                         activity=ActivityFactory(title_en=title, title_fr=title))
    start = dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=BRUSSELS)
    session = SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=minutes), status=status,
                             room=RoomFactory(site=world["site"], building=world["building"], name=f"Room {title}"))
    return cycle, session


def enrol(cycle, unit, n):
    for _ in range(n):
        EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit))


def test_each_unit_sends_its_people_by_departure_time_and_overloads_are_named(world):
    theatre, _session = cycle_at(world, "Theatre", 9)
    choir, _session = cycle_at(world, "Choir", 9, 30)  # overlaps theatre: A1 escorts to two at once
    painting, painting_session = cycle_at(world, "Painting", 13, 30)
    cancelled, _session = cycle_at(world, "Yoga", 15, status=SessionStatus.CANCELLED)
    enrol(theatre, world["a1"], 3)
    enrol(theatre, world["a2"], 2)
    enrol(choir, world["a1"], 1)
    enrol(painting, world["a2"], 4)
    enrol(cancelled, world["a1"], 5)
    moved = DetaineeFactory(unit=world["a2"])  # lives in A1 today, by the placement history
    Placement.objects.create(detainee=moved, unit=world["a1"], status="present", valid_from=DAY)
    EnrolmentFactory(cycle=painting, detainee=moved)

    plan = site_movements(world["officer"], world["site"], DAY)

    assert [(d.departs, d.unit.code, d.people, d.activity, d.returns) for d in plan.departures] == [
        (dt.time(9), "A1", 3, "Theatre", dt.time(10, 30)),
        (dt.time(9), "A2", 2, "Theatre", dt.time(10, 30)),
        (dt.time(9, 30), "A1", 1, "Choir", dt.time(11)),
        (dt.time(13, 30), "A1", 1, "Painting", dt.time(15)),
        (dt.time(13, 30), "A2", 4, "Painting", dt.time(15)),
    ]
    assert plan.people == 11
    assert [(o.unit.code, o.at, o.sessions, o.limit) for o in plan.overloads] == [("A1", dt.time(9, 30), 2, 1)]
    assert all(d.moved_from is None for d in plan.departures)
    # Painting was first planned at 10:00 that day: the escorts' page says so.
    painting_session.moved_from_starts_at = painting_session.starts_at - dt.timedelta(hours=3, minutes=30)
    painting_session.moved_from_room = painting_session.room
    painting_session.save()
    plan = site_movements(world["officer"], world["site"], DAY)
    assert {d.moved_from.time() for d in plan.departures if d.activity == "Painting"} == {dt.time(10)}
    # A2 no longer goes to the painting session: its four stay home.
    painting_session.cancelled_units.add(world["a2"])
    plan = site_movements(world["officer"], world["site"], DAY)
    assert [(d.unit.code, d.people) for d in plan.departures if d.activity == "Painting"] == [("A1", 1)]


def test_the_page_and_the_api(client, world, facilitator_user, other_site, django_assert_max_num_queries):
    theatre, _session = cycle_at(world, "Theatre", 9)
    choir, _session = cycle_at(world, "Choir", 9, 30)
    enrol(theatre, world["a1"], 2)
    enrol(choir, world["a1"], 1)
    client.force_login(world["officer"])
    url = reverse("calendars:site-movements", args=[world["site"].pk])
    client.get(url)
    with django_assert_max_num_queries(18):
        page = client.get(url, {"date": DAY.isoformat()}).content.decode()
    assert "A1 sends people to 2 sessions at 09:30, but its staff can escort to 1 at a time." in page
    assert reverse("calendars:movement-list", args=[world["a1"].pk]) in page
    for hour in (11, 13, 14, 15):
        cycle, _session = cycle_at(world, f"Workshop {hour}", hour)
        enrol(cycle, world["a2"], 3)
    with django_assert_max_num_queries(18):
        assert client.get(url, {"date": DAY.isoformat()}).context["movements"].people == 15
    assert url in client.get(reverse("calendars:schedules")).content.decode()

    client.force_login(facilitator_user)
    assert client.get(url).status_code == 404
    elsewhere = UserFactory(username="chief-b", role=Role.STAFF, sites=[other_site])
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404

    api = APIClient()
    api.force_authenticate(world["officer"])
    data = api.get("/api/v1/site-movements/", {"site": world["site"].pk, "date": DAY.isoformat()}).data
    assert (data["people"], data["overloads"][0]["unit"], data["departures"][0]["departs"]) == (15, "A1", "09:00")
    assert api.get("/api/v1/site-movements/", {"site": world["site"].pk, "date": "3 March"}).status_code == 400
    api.force_authenticate(elsewhere)
    assert api.get("/api/v1/site-movements/", {"site": world["site"].pk}).status_code == 404
