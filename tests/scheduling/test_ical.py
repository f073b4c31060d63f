"""iCal output: parsed by icalendar and by libical (Debian's GObject bindings, system python3)."""
import datetime as dt
import json
import shutil
import subprocess
import uuid
from zoneinfo import ZoneInfo

import icalendar
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import SessionStatus
from core.models import Role
from scheduling import feeds
from scheduling.models import FeedKind
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
SYSTEM_PYTHON = "/usr/bin/python3"

LIBICAL_READER = r"""
import json, sys
import gi
gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib as ICal
calendar = ICal.Component.new_from_string(sys.stdin.read())
assert calendar is not None and calendar.isa() == ICal.ComponentKind.VCALENDAR_COMPONENT
timezones = []
zone = calendar.get_first_component(ICal.ComponentKind.VTIMEZONE_COMPONENT)
while zone is not None:
    timezones.append(zone.get_first_property(ICal.PropertyKind.TZID_PROPERTY).get_tzid())
    zone = calendar.get_next_component(ICal.ComponentKind.VTIMEZONE_COMPONENT)
events = []
event = calendar.get_first_component(ICal.ComponentKind.VEVENT_COMPONENT)
while event is not None:
    start, end = event.get_dtstart(), event.get_dtend()
    events.append({
        "uid": event.get_uid(), "summary": event.get_summary(), "location": event.get_location(),
        "sequence": event.get_sequence(), "status": event.get_status().value_nick,
        "tzid": start.get_timezone().get_tzid() if start.get_timezone() else None,
        "start_utc": start.as_timet_with_zone(start.get_timezone()),
        "end_utc": end.as_timet_with_zone(end.get_timezone()),
        "dtstamp_utc": event.get_dtstamp().as_timet(),
    })
    event = calendar.get_next_component(ICal.ComponentKind.VEVENT_COMPONENT)
print(json.dumps({"timezones": timezones, "events": events}))
"""


def libical_parse(body: bytes) -> dict:
    """Read an .ics with libical, an independent C implementation of RFC 5545."""
    if not shutil.which(SYSTEM_PYTHON):
        pytest.skip("Debian's python3 is needed for libical (make system-deps)")
    probe = subprocess.run(
        [SYSTEM_PYTHON, "-c", "import gi; gi.require_version('ICalGLib', '3.0')"], capture_output=True
    )
    if probe.returncode != 0:
        pytest.skip("gir1.2-ical-3.0 and python3-gi are needed (make system-deps)")
    result = subprocess.run(
        [SYSTEM_PYTHON, "-c", LIBICAL_READER], input=body, capture_output=True, check=True, timeout=60
    )
    return json.loads(result.stdout)


def events_of(body: bytes) -> list:
    return icalendar.Calendar.from_ical(body).walk("VEVENT")


@pytest.fixture
def world(site):
    building = BuildingFactory(site=site, code="H1", name="Building H1")
    unit = UnitFactory(building=building, code="A1")
    room = RoomFactory(site=site, building=building, name="Classroom 1")
    activity = ActivityFactory(title_fr="Atelier théâtre", title_nl="Theaterworkshop", title_en="Drama workshop")
    volunteer = UserFactory(username="volunteer", role=Role.FACILITATOR, sites=[site], language="nl")
    facilitator = FacilitatorFactory(user=volunteer, sites=[site])
    term = TermFactory(site=site, first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    cycle = CycleFactory(term=term, activity=activity, facilitators=[facilitator], eligible_units=[unit])
    officer = UserFactory(username="officer-a1", role=Role.STAFF, sites=[site], language="fr")
    StaffMemberFactory(user=officer, site=site, units=[unit])
    return {"site": site, "unit": unit, "room": room, "cycle": cycle, "term": term,
            "volunteer": volunteer, "facilitator": facilitator, "officer": officer}


def local(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def session_at(world, start, minutes=90, **kwargs):
    return SessionFactory(cycle=world["cycle"], room=world["room"], starts_at=start,
                          ends_at=start + dt.timedelta(minutes=minutes), **kwargs)


def fetch(client, issued):
    response = client.get(issued.path)
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"].startswith("text/calendar")
    return response.content


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_unit_feed_event_has_uid_dtstamp_sequence_location_and_title_in_owner_language(client, world):
    session = session_at(world, local(2027, 3, 2, 9), sequence=3)
    issued = feeds.issue_feed(world["volunteer"], FeedKind.FACILITATOR, world["facilitator"])

    [event] = events_of(fetch(client, issued))

    assert str(event["UID"]) == f"{session.uuid}@relais"
    assert event["SEQUENCE"] == 3
    assert event.decoded("DTSTAMP") == session.updated_at.replace(microsecond=0)
    assert str(event["LOCATION"]) == "Classroom 1, Building H1"
    assert str(event["SUMMARY"]) == "Theaterworkshop"  # the volunteer reads Dutch
    assert event["DTSTART"].params["TZID"] == "Europe/Brussels"
    assert str(event["STATUS"]) == "CONFIRMED"


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_vtimezone_is_limited_to_the_term_dates(client, world):
    session_at(world, local(2027, 3, 2, 9))
    issued = feeds.issue_feed(world["officer"], FeedKind.UNIT, world["unit"])

    calendar = icalendar.Calendar.from_ical(fetch(client, issued))

    [timezone] = calendar.walk("VTIMEZONE")
    assert str(timezone["TZID"]) == "Europe/Brussels"
    transitions = [sub.decoded("DTSTART") for sub in timezone.subcomponents]
    assert all(dt.datetime(2027, 1, 1) <= moment <= dt.datetime(2027, 6, 27) for moment in transitions)
    assert any(moment.date() == dt.date(2027, 3, 28) for moment in transitions)  # spring DST
    assert not any(moment.month == 10 for moment in transitions)  # the term ends in June


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_dst_weeks_of_march_and_october_have_right_local_and_utc_times(client, world):
    autumn = TermFactory(site=world["site"], name="Autumn", first_date=dt.date(2027, 9, 6), last_date=dt.date(2027, 12, 17))
    autumn_cycle = CycleFactory(term=autumn, activity=world["cycle"].activity,
                                facilitators=[world["facilitator"]], eligible_units=[world["unit"]])
    # 9:00 Brussels on each side of the last Sundays of March (28th) and October (31st) 2027
    before_spring = session_at(world, local(2027, 3, 26, 9))
    after_spring = session_at(world, local(2027, 3, 29, 9))
    before_autumn = SessionFactory(cycle=autumn_cycle, room=world["room"], starts_at=local(2027, 10, 29, 9),
                                   ends_at=local(2027, 10, 29, 10, 30))
    after_autumn = SessionFactory(cycle=autumn_cycle, room=world["room"], starts_at=local(2027, 11, 1, 9),
                                  ends_at=local(2027, 11, 1, 10, 30))
    expected_utc = {
        before_spring.uuid: dt.datetime(2027, 3, 26, 8, tzinfo=UTC),
        after_spring.uuid: dt.datetime(2027, 3, 29, 7, tzinfo=UTC),
        before_autumn.uuid: dt.datetime(2027, 10, 29, 7, tzinfo=UTC),
        after_autumn.uuid: dt.datetime(2027, 11, 1, 8, tzinfo=UTC),
    }
    issued = feeds.issue_feed(world["officer"], FeedKind.UNIT, world["unit"])
    body = fetch(client, issued)

    for event in events_of(body):
        uuid = event["UID"].split("@")[0]
        start = event.decoded("DTSTART")
        assert (start.hour, start.minute) == (9, 0)  # local time unchanged across DST
        assert start.astimezone(UTC) == expected_utc[dt_uuid(uuid)]
        assert event.decoded("DTEND") - start == dt.timedelta(minutes=90)
    parsed = libical_parse(body)
    assert parsed["timezones"] == ["Europe/Brussels"]
    assert len(parsed["events"]) == 4
    for event in parsed["events"]:
        uuid = dt_uuid(event["uid"].split("@")[0])
        assert event["tzid"] == "Europe/Brussels"
        assert event["start_utc"] == int(expected_utc[uuid].timestamp())
        assert event["end_utc"] - event["start_utc"] == 90 * 60


def dt_uuid(value):
    return uuid.UUID(str(value))


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_uid_stays_sequence_grows_and_cancelled_session_stays_in_feed(client, world):
    session = session_at(world, local(2027, 3, 10, 9))
    issued = feeds.issue_feed(world["officer"], FeedKind.UNIT, world["unit"])
    [first] = events_of(fetch(client, issued))

    # a re-publish moves it (same UUID, SEQUENCE + 1), a later one cancels it (SEQUENCE + 1)
    with time_machine.travel(dt.datetime(2027, 3, 2, 12, tzinfo=UTC), tick=False):
        session.starts_at, session.ends_at = local(2027, 3, 10, 13, 30), local(2027, 3, 10, 15)
        session.sequence += 1
        session.save()
    [moved] = events_of(fetch(client, issued))
    with time_machine.travel(dt.datetime(2027, 3, 3, 12, tzinfo=UTC), tick=False):
        session.status, session.cancellation_code = SessionStatus.CANCELLED, "strike"
        session.sequence += 1
        session.save()
    body = fetch(client, issued)
    [cancelled] = events_of(body)

    assert first["UID"] == moved["UID"] == cancelled["UID"] == f"{session.uuid}@relais"
    assert [first["SEQUENCE"], moved["SEQUENCE"], cancelled["SEQUENCE"]] == [0, 1, 2]
    assert first.decoded("DTSTAMP") < moved.decoded("DTSTAMP") < cancelled.decoded("DTSTAMP")
    assert moved.decoded("DTSTART") == local(2027, 3, 10, 13, 30)
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert "Annulée\xa0: Grève" in str(cancelled["DESCRIPTION"])  # the feed's language, not the canceller's
    [libical_event] = libical_parse(body)["events"]
    assert libical_event["status"] == "cancelled"
    assert libical_event["sequence"] == 2


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_cancelled_session_stays_until_the_term_is_over(client, world):
    session_at(world, local(2027, 2, 15, 9), status=SessionStatus.CANCELLED)
    issued = feeds.issue_feed(world["officer"], FeedKind.UNIT, world["unit"])
    assert len(events_of(fetch(client, issued))) == 1
    with time_machine.travel(dt.datetime(2027, 8, 30, 12, tzinfo=UTC), tick=False):
        assert events_of(fetch(client, issued)) == []  # term ended more than 30 days ago


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("kind", ["facilitator", "unit", "room", "site"])
def test_no_detainee_data_in_feeds(client, world, coordinator, kind):
    detainee = DetaineeFactory(unit=world["unit"], first_name="Zoltanfirst", last_name="Quixlastname", prison_number="P987654")
    EnrolmentFactory(detainee=detainee, cycle=world["cycle"])
    session_at(world, local(2027, 3, 2, 9))
    target = {"facilitator": world["facilitator"], "unit": world["unit"], "room": world["room"], "site": world["site"]}[kind]

    body = fetch(client, feeds.issue_feed(coordinator, kind, target))

    assert len(events_of(body)) == 1
    for secret in (b"Zoltanfirst", b"Quixlastname", b"P987654"):
        assert secret not in body


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
@pytest.mark.parametrize("kind", ["facilitator", "unit", "room", "site"])
def test_feed_query_count_is_the_same_for_one_and_three_sessions(client, world, coordinator, kind, django_assert_max_num_queries):
    issued = feeds.issue_feed(coordinator, kind, world[kind])
    session_at(world, local(2027, 3, 2, 9))
    client.get(issued.path)  # the first use records last_used_at (one write, once an hour)
    cache.clear()  # count the queries of a feed rendered afresh, not served from the cache
    with CaptureQueriesContext(connection) as one_session:
        assert len(events_of(fetch(client, issued))) == 1
    session_at(world, local(2027, 3, 3, 9))
    session_at(world, local(2027, 3, 4, 9))
    cache.clear()
    with django_assert_max_num_queries(len(one_session)):
        assert len(events_of(fetch(client, issued))) == 3
    assert len(one_session) <= 8


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_one_off_ics_download_for_a_session(client, world):
    session = session_at(world, local(2027, 3, 2, 9))
    client.force_login(world["volunteer"])

    response = client.get(reverse("calendars:session-ics", args=[session.uuid]))

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    [event] = events_of(response.content)
    assert str(event["UID"]) == f"{session.uuid}@relais"
    assert libical_parse(response.content)["events"][0]["uid"] == f"{session.uuid}@relais"


def test_one_off_ics_of_someone_elses_session_is_404(client, world, site):
    session = session_at(world, local(2027, 3, 2, 9))
    stranger = UserFactory(username="stranger", role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=stranger, sites=[site])
    client.force_login(stranger)

    assert client.get(reverse("calendars:session-ics", args=[session.uuid])).status_code == 404


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_unchanged_feed_answers_304_to_a_conditional_request_and_changes_after_a_publish(client, world):
    session = session_at(world, local(2027, 3, 2, 9))
    issued = feeds.issue_feed(world["officer"], FeedKind.UNIT, world["unit"])
    first = client.get(issued.path)
    etag = first["ETag"]

    assert client.get(issued.path, headers={"If-None-Match": etag}).status_code == 304
    with time_machine.travel(dt.datetime(2027, 3, 1, 13, tzinfo=UTC), tick=False):
        session.room = RoomFactory(site=world["site"], name="Gym")
        session.sequence += 1
        session.save()
        changed = client.get(issued.path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    [event] = events_of(changed.content)
    assert str(event["LOCATION"]).startswith("Gym")


@time_machine.travel(dt.datetime(2027, 3, 1, 12, tzinfo=UTC), tick=False)
def test_unit_left_out_of_a_session_sees_it_cancelled_in_its_feed_only(client, world, site):
    other_unit = UnitFactory(building=world["unit"].building, code="A2")
    world["cycle"].eligible_units.add(other_unit)
    session = session_at(world, local(2027, 3, 2, 9))
    session.cancelled_units.add(world["unit"])
    session.sequence += 1
    session.save()
    coordinator = UserFactory(username="coord-feeds", role=Role.COORDINATOR, sites=[site])

    [for_a1] = events_of(fetch(client, feeds.issue_feed(coordinator, FeedKind.UNIT, world["unit"])))
    [for_a2] = events_of(fetch(client, feeds.issue_feed(coordinator, FeedKind.UNIT, other_unit)))
    [for_site] = events_of(fetch(client, feeds.issue_feed(coordinator, FeedKind.SITE, site)))

    assert str(for_a1["STATUS"]) == "CANCELLED"
    assert str(for_a2["STATUS"]) == str(for_site["STATUS"]) == "CONFIRMED"
    assert for_a1["UID"] == for_a2["UID"] and for_a1["SEQUENCE"] == 1
    assert "A1" not in str(for_site["DESCRIPTION"]) and "A2" in str(for_site["DESCRIPTION"])
