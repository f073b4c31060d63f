"""Calendar pages: a facilitator's own calendar, schedules per unit, room and site for staff."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import SessionStatus
from core.models import Role
from tests.factories import (
    ActivityFactory,
    BuildingFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    RoomFactory,
    SessionFactory,
    StaffMemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


UTC = dt.UTC
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 3, 1, 8, tzinfo=UTC)  # Monday 1 March 2027, 09:00 in Brussels


@pytest.fixture
def world(site):
    building = BuildingFactory(site=site, code="H1", name="Building H1")
    unit = UnitFactory(building=building, code="A1")
    room = RoomFactory(site=site, building=building, name="Classroom 1")
    activity = ActivityFactory(title_fr="Atelier théâtre", title_en="Drama workshop")
    volunteer = UserFactory(username="volunteer", role=Role.FACILITATOR, sites=[site])
    facilitator = FacilitatorFactory(user=volunteer, sites=[site])
    cycle = CycleFactory(term=TermFactory(site=site), activity=activity, facilitators=[facilitator], eligible_units=[unit])
    detainee = DetaineeFactory(unit=unit, first_name="Karim", last_name="Secretlastname", prison_number="P100001")
    EnrolmentFactory(detainee=detainee, cycle=cycle)
    officer = UserFactory(username="officer-a1", role=Role.STAFF, sites=[site])
    StaffMemberFactory(user=officer, site=site, units=[unit])
    return {"site": site, "unit": unit, "room": room, "cycle": cycle, "volunteer": volunteer,
            "facilitator": facilitator, "officer": officer}


def session_at(world, day, hour, minute=0, **kwargs):
    start = dt.datetime(2027, 3, day, hour, minute, tzinfo=BRUSSELS)
    return SessionFactory(cycle=world["cycle"], room=world["room"], starts_at=start,
                          ends_at=start + dt.timedelta(minutes=90), **kwargs)


@time_machine.travel(NOW, tick=False)
def test_facilitator_week_shows_room_building_units_participants_in_brussels_time(client, world):
    session_at(world, 3, 13, 30)
    client.force_login(world["volunteer"])

    response = client.get(reverse("calendars:my-calendar"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "13:30–15:00" in body  # stored 12:30 UTC
    assert "Classroom 1, Building H1" in body
    assert "A1" in body
    assert "Karim (P100001)" in body
    assert "Secretlastname" not in body
    assert reverse("calendars:session-ics", args=[world["cycle"].sessions.get().uuid]) in body
    assert "Add this calendar to my calendar app" in body


@time_machine.travel(NOW, tick=False)
def test_facilitator_list_view_shows_next_sessions_first_and_not_past_ones(client, world):
    session_at(world, 1, 6)  # over before "now"
    later = session_at(world, 20, 10)
    sooner = session_at(world, 8, 10)
    client.force_login(world["volunteer"])

    response = client.get(reverse("calendars:my-calendar"), {"view": "list"})

    assert [e.session for e in response.context["entries"]] == [sooner, later]


@time_machine.travel(NOW, tick=False)
def test_week_navigation_shows_the_chosen_week(client, world):
    session_at(world, 10, 9)
    client.force_login(world["volunteer"])

    this_week = client.get(reverse("calendars:my-calendar"))
    next_week = client.get(reverse("calendars:my-calendar"), {"date": "2027-03-10"})

    assert this_week.context["entries"] == []
    assert len(next_week.context["entries"]) == 1
    assert next_week.context["period"].first == dt.date(2027, 3, 8)


@time_machine.travel(NOW, tick=False)
def test_cancelled_session_is_shown_as_cancelled(client, world):
    session_at(world, 3, 9, status=SessionStatus.CANCELLED)
    client.force_login(world["volunteer"])

    assert "Cancelled" in client.get(reverse("calendars:my-calendar")).content.decode()


def test_facilitator_cannot_open_another_facilitators_calendar_or_a_unit_room_site(client, world, site):
    other = FacilitatorFactory(sites=[site])
    client.force_login(world["volunteer"])

    assert client.get(reverse("calendars:facilitator", args=[other.pk])).status_code == 404
    assert client.get(reverse("calendars:unit", args=[world["unit"].pk])).status_code == 404
    assert client.get(reverse("calendars:room", args=[world["room"].pk])).status_code == 404
    assert client.get(reverse("calendars:site", args=[site.pk])).status_code == 404
    assert client.get(reverse("calendars:movement-list", args=[world["unit"].pk])).status_code == 404
    assert client.get(reverse("calendars:gate-list", args=[site.pk])).status_code == 404


def test_coordinator_opens_a_facilitators_calendar_of_their_site(client, world, coordinator):
    client.force_login(coordinator)
    assert client.get(reverse("calendars:facilitator", args=[world["facilitator"].pk])).status_code == 200


@time_machine.travel(NOW, tick=False)
def test_staff_see_unit_room_and_site_schedules_of_their_site_for_a_day(client, world, site):
    session_at(world, 3, 9)
    client.force_login(world["officer"])

    for name, pk in (("unit", world["unit"].pk), ("room", world["room"].pk), ("site", site.pk)):
        day = client.get(reverse(f"calendars:{name}", args=[pk]), {"date": "2027-03-03"})
        assert day.status_code == 200
        assert len(day.context["entries"]) == 1
        assert "Karim" not in day.content.decode()  # schedules carry no detainee data
    other_day = client.get(reverse("calendars:unit", args=[world["unit"].pk]), {"date": "2027-03-04"})
    assert other_day.context["entries"] == []
    week = client.get(reverse("calendars:unit", args=[world["unit"].pk]), {"date": "2027-03-04", "span": "week"})
    assert len(week.context["entries"]) == 1


def test_staff_of_another_site_get_404(client, world, other_site):
    stranger = UserFactory(username="officer-elsewhere", role=Role.STAFF, sites=[other_site])
    client.force_login(stranger)

    assert client.get(reverse("calendars:unit", args=[world["unit"].pk])).status_code == 404
    assert client.get(reverse("calendars:site", args=[world["site"].pk])).status_code == 404


def test_bad_date_says_so_and_shows_today(client, world):
    client.force_login(world["officer"])
    response = client.get(reverse("calendars:unit", args=[world["unit"].pk]), {"date": "31/02/2027"})
    assert response.status_code == 200
    assert "is not a date" in response.content.decode()


def test_schedules_index_lists_units_with_movement_lists(client, world):
    client.force_login(world["officer"])
    body = client.get(reverse("calendars:schedules")).content.decode()
    assert reverse("calendars:movement-list", args=[world["unit"].pk]) in body
    assert reverse("calendars:gate-list", args=[world["site"].pk]) in body


def _queries(client, url, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200
    return len(captured), len(response.context["entries"])


@time_machine.travel(NOW, tick=False)
@pytest.mark.parametrize("who,url_name", [("volunteer", "my-calendar"), ("officer", "unit"), ("officer", "site")])
def test_calendar_query_count_is_the_same_for_one_and_three_sessions(client, world, who, url_name, django_assert_max_num_queries):
    args = {"my-calendar": [], "unit": [world["unit"].pk], "site": [world["site"].pk]}[url_name]
    url = reverse(f"calendars:{url_name}", args=args)
    params = {"span": "week", "date": "2027-03-01"}
    client.force_login(world[who])
    session_at(world, 2, 9)
    client.get(url, params)  # warm the session and caches
    one, count = _queries(client, url, params)
    assert count == 1
    other_cycle = CycleFactory(term=world["cycle"].term, facilitators=[world["facilitator"]], eligible_units=[world["unit"]])
    EnrolmentFactory(cycle=other_cycle, detainee=DetaineeFactory(unit=world["unit"]))
    session_at(world, 3, 9)
    SessionFactory(cycle=other_cycle, room=RoomFactory(site=world["site"]),
                   starts_at=dt.datetime(2027, 3, 4, 9, tzinfo=BRUSSELS), ends_at=dt.datetime(2027, 3, 4, 10, tzinfo=BRUSSELS))
    with django_assert_max_num_queries(one):
        response = client.get(url, params)
    assert len(response.context["entries"]) == 3


def test_location_names_the_building_once():
    from scheduling.calendars import room_and_building

    assert room_and_building("Classroom 1", "Building H1") == "Classroom 1, Building H1"
    assert room_and_building("Building A: Classroom CL1", "Building A") == "Building A: Classroom CL1"
    assert room_and_building("Sports hall", None) == "Sports hall"


@time_machine.travel(NOW, tick=False)
def test_unit_calendar_shows_a_session_the_unit_no_longer_goes_to_as_cancelled(client, world):
    session = session_at(world, 3, 9)
    session.cancelled_units.add(world["unit"])
    client.force_login(world["officer"])

    response = client.get(reverse("calendars:unit", args=[world["unit"].pk]), {"date": "2027-03-03"})

    [entry] = response.context["entries"]
    assert entry.cancelled and entry.units_not_coming == ["A1"]
    assert "Not coming" in response.content.decode()


def test_a_facilitator_is_told_what_changed_in_the_next_two_weeks(client, world, django_assert_max_num_queries):
    from scheduling.services import cancel_session

    with time_machine.travel(NOW - dt.timedelta(days=20), tick=False):
        long_ago = session_at(world, 4, 14)
        long_ago.sequence = 1  # changed three weeks ago: already known
        long_ago.save()
    with time_machine.travel(NOW, tick=False):
        cancelled = session_at(world, 3, 9)
        cancel_session(cancelled, reason="strike")
        moved = session_at(world, 5, 13, 30)
        moved.sequence = 1  # a re-publish moved it from the day before
        moved.moved_from_starts_at, moved.moved_from_room = moved.starts_at - dt.timedelta(days=1), moved.room
        moved.save()
        session_at(world, 8, 9)  # unchanged
        far = session_at(world, 25, 9)  # beyond two weeks
        far.sequence = 1
        far.save()
        client.force_login(world["volunteer"])

        with django_assert_max_num_queries(30):
            calendar = client.get(reverse("calendars:my-calendar"))
        home = client.get(reverse("home")).content.decode()

    assert [s.pk for s in calendar.context["changes"]] == [cancelled.pk, moved.pk]
    notice = calendar.content.decode().split('id="changes"')[1].split("</section>")[0]
    assert "Cancelled" in notice and "Wednesday 3 March, 09:00" in notice and "· Strike" in notice
    assert "Changed" in notice and "Friday 5 March, 13:30" in notice and "Classroom 1" in notice
    assert "Moved: first planned Thu 4 Mar, 13:30, Classroom 1" in notice
    assert 'id="changes"' in home and "Friday 5 March, 13:30" in home
    client.force_login(world["officer"])
    assert 'id="changes"' not in client.get(reverse("home")).content.decode()
