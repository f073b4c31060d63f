"""Weekly slips: each detainee of a unit gets their sessions of the week, in their language, from
the same people and sessions as the movement lists."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import SessionStatus
from core.models import AuditEntry, Role
from prisons.models import DetaineeLanguage, Placement
from scheduling.week_slips import week_slips
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
WEDNESDAY = dt.date(2027, 3, 3)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 1, 7, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(site):
    world = units_with_officer(site)
    unit, other_unit, term, officer = world["a1"], world["a2"], world["term"], world["officer"]
    room = RoomFactory(site=site, building=world["building"], name="Classroom 1")
    theatre = CycleFactory(term=term, eligible_units=[unit, other_unit],
                           activity=ActivityFactory(title_fr="Théâtre", title_nl="Theater", title_en="Theatre"))

    def session(day, hour, status=SessionStatus.SCHEDULED):
        start = dt.datetime.combine(day, dt.time(hour), tzinfo=BRUSSELS)
        return SessionFactory(cycle=theatre, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90),
                              status=status)

    monday, thursday = session(dt.date(2027, 3, 1), 9), session(dt.date(2027, 3, 4), 14)
    session(dt.date(2027, 3, 2), 9, SessionStatus.CANCELLED)
    session(dt.date(2027, 3, 8), 9)  # next week's
    return {"site": site, "unit": unit, "other_unit": other_unit, "cycle": theatre, "officer": officer,
            "monday": monday, "thursday": thursday}


def person(world, unit, number, language, cell="", **enrolment):
    detainee = DetaineeFactory(unit=unit, prison_number=number, cell=cell, last_name=f"Name{number}")
    DetaineeLanguage.objects.create(detainee=detainee, language=language)
    EnrolmentFactory(cycle=world["cycle"], detainee=detainee, **enrolment)
    return detainee


def test_each_detainee_of_the_unit_gets_their_sessions_of_the_week_in_their_language(world):
    person(world, world["unit"], "P1", "nl", cell="12")
    person(world, world["unit"], "P2", "fr", cell="3")
    person(world, world["other_unit"], "P3", "fr")  # lives in A2: A2's slips
    person(world, world["unit"], "P4", "fr", enrolled_on=dt.date(2027, 3, 3))  # joins on Wednesday
    moved_in = person(world, world["other_unit"], "P5", "en")
    Placement.objects.create(detainee=moved_in, unit=world["other_unit"], status="present",
                             valid_from=dt.date(2027, 1, 1), valid_until=dt.date(2027, 3, 2))
    Placement.objects.create(detainee=moved_in, unit=world["unit"], status="present", valid_from=dt.date(2027, 3, 3))
    withdrawn = person(world, world["unit"], "P6", "fr")
    withdrawn.enrolments.update(status="withdrawn")

    slips = week_slips(world["officer"], world["unit"], WEDNESDAY)

    assert [(s.detainee.prison_number, s.language) for s in slips] == [("P4", "fr"), ("P5", "en"), ("P2", "fr"),
                                                                      ("P1", "nl")]  # by cell, then name
    lines = {s.detainee.prison_number: [(line.day, line.starts, line.ends, line.title) for line in s.lines]
             for s in slips}
    both = [(dt.date(2027, 3, 1), dt.time(9), dt.time(10, 30)), (dt.date(2027, 3, 4), dt.time(14), dt.time(15, 30))]
    assert lines["P1"] == [(*both[0], "Theater"), (*both[1], "Theater")]
    assert lines["P2"] == [(*both[0], "Théâtre"), (*both[1], "Théâtre")]
    assert lines["P4"] == [(*both[1], "Théâtre")]  # enrolled from Wednesday
    assert lines["P5"] == [(*both[1], "Theatre")]  # in the unit from Wednesday
    # The unit no longer goes to Thursday's session: nobody's slip has it.
    world["thursday"].cancelled_units.add(world["unit"])
    assert [len(s.lines) for s in week_slips(world["officer"], world["unit"], WEDNESDAY)] == [1, 1]


def test_the_slips_page_prints_each_slip_in_its_language_and_is_audited(client, world,
                                                                      django_assert_max_num_queries):
    person(world, world["unit"], "P1", "nl", cell="12")
    client.force_login(world["officer"])
    url = reverse("calendars:week-slips", args=[world["unit"].pk])
    client.get(url, {"date": WEDNESDAY.isoformat()})
    with django_assert_max_num_queries(19):
        page = client.get(url, {"date": WEDNESDAY.isoformat()}).content.decode()
    assert page.count('class="week-slip" lang="nl"') == 1 and "Theater" in page and "NAMEP1" in page
    assert "Uw activiteiten deze week" in page  # the slip in Dutch, whatever the officer reads
    for number in range(2, 12):
        person(world, world["unit"], f"P{number}", "fr")
    with django_assert_max_num_queries(19):
        assert client.get(url, {"date": WEDNESDAY.isoformat()}).content.decode().count('class="week-slip"') == 11
    assert AuditEntry.objects.filter(object_type="week_slips", action="export").count() == 3
    movements = client.get(reverse("calendars:movement-list", args=[world["unit"].pk])).content.decode()
    assert url in movements


def test_only_those_who_see_the_units_movements_get_its_slips(client, world, facilitator_user, other_site):
    person(world, world["unit"], "P1", "fr")
    url = reverse("calendars:week-slips", args=[world["unit"].pk])
    client.force_login(facilitator_user)
    assert client.get(url).status_code == 404
    elsewhere = UserFactory(username="officer-b", role=Role.STAFF, sites=[other_site])
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404

    api = APIClient()
    api.force_authenticate(world["officer"])
    data = api.get("/api/v1/week-slips/", {"unit": world["unit"].pk, "date": WEDNESDAY.isoformat()}).data
    assert [(slip["prison_number"], [line["starts"] for line in slip["lines"]]) for slip in data] == [
        ("P1", ["09:00", "14:00"])]
    assert api.get("/api/v1/week-slips/", {"unit": world["unit"].pk, "date": "03/03"}).status_code == 400
    api.force_authenticate(elsewhere)
    assert api.get("/api/v1/week-slips/", {"unit": world["unit"].pk}).status_code == 404
