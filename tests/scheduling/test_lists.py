"""Movement list per day and unit, gate list per day and site, and their xlsx downloads."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import CycleMaterial, FacilitatorKind, MaterialStatus, SessionStatus
from core.models import AuditEntry, Role
from prisons.models import Placement
from scheduling.lists import gate_quota_findings
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    PartnerFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    units_with_officer,
)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


UTC = dt.UTC
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 3, 3)
NOW = dt.datetime(2027, 3, 3, 7, tzinfo=UTC)


@pytest.fixture
def world(site):
    world = units_with_officer(site)
    room = RoomFactory(site=site, building=world["building"], name="Classroom 1")
    return {**world, "unit": world["a1"], "other_unit": world["a2"], "room": room}


def cycle_with_session(world, hour, minute=0, title="Atelier", facilitators=(), status=SessionStatus.SCHEDULED):
    cycle = CycleFactory(term=world["term"], activity=ActivityFactory(title_fr=title, title_en=title),
                         facilitators=list(facilitators), eligible_units=[world["unit"]])
    start = dt.datetime.combine(DAY, dt.time(hour, minute), tzinfo=BRUSSELS)
    SessionFactory(cycle=cycle, room=world["room"], starts_at=start, ends_at=start + dt.timedelta(minutes=90), status=status)
    return cycle


def enrol(cycle, unit, last, first, number, cell=""):
    detainee = DetaineeFactory(unit=unit, last_name=last, first_name=first, prison_number=number, cell=cell)
    EnrolmentFactory(detainee=detainee, cycle=cycle)
    return detainee


def movement_page(client, world, **params):
    return client.get(reverse("calendars:movement-list", args=[world["unit"].pk]), {"date": DAY.isoformat(), **params})


@time_machine.travel(NOW, tick=False)
def test_movement_list_sorted_by_departure_then_name_in_local_time(client, world):
    afternoon = cycle_with_session(world, 13, 30, "Theatre")
    morning = cycle_with_session(world, 9, 0, "Cooking")
    enrol(afternoon, world["unit"], "Adams", "Bob", "P1")
    enrol(morning, world["unit"], "Zed", "Ann", "P2", cell="12")
    enrol(morning, world["unit"], "Brown", "Carl", "P3")
    enrol(morning, world["other_unit"], "Other", "Unit", "P4")  # leaves from A2, not A1
    client.force_login(world["officer"])

    rows = movement_page(client, world).context["rows"]

    assert [(r.departs, r.returns, r.last_name, r.activity, r.room) for r in rows] == [
        (dt.time(9), dt.time(10, 30), "Brown", "Cooking", "Classroom 1, Building H1"),
        (dt.time(9), dt.time(10, 30), "Zed", "Cooking", "Classroom 1, Building H1"),
        (dt.time(13, 30), dt.time(15), "Adams", "Theatre", "Classroom 1, Building H1"),
    ]
    assert rows[1].cell == "12"


@time_machine.travel(NOW, tick=False)
def test_movement_list_uses_the_unit_on_that_date(client, world):
    cycle = cycle_with_session(world, 9)
    moved_in = enrol(cycle, world["other_unit"], "Moved", "In", "P5")
    Placement.objects.create(detainee=moved_in, unit=world["unit"], status="present", valid_from=DAY - dt.timedelta(days=30), valid_until=DAY)
    Placement.objects.create(detainee=moved_in, unit=world["other_unit"], status="present", valid_from=DAY + dt.timedelta(days=1))
    withdrawn = enrol(cycle, world["unit"], "Gone", "Away", "P6")
    withdrawn.enrolments.update(status="withdrawn")
    client.force_login(world["officer"])

    rows = movement_page(client, world).context["rows"]

    assert [r.prison_number for r in rows] == ["P5"]


@time_machine.travel(NOW, tick=False)
def test_cancelled_session_gives_no_movement_and_is_listed_as_cancelled(client, world):
    cycle = cycle_with_session(world, 9, status=SessionStatus.CANCELLED)
    enrol(cycle, world["unit"], "Brown", "Carl", "P3")
    client.force_login(world["officer"])

    response = movement_page(client, world)

    assert response.context["rows"] == []
    assert "Cancelled today" in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_movement_xlsx_reads_back_with_frozen_header_times_and_text_cells(client, world):
    cycle = cycle_with_session(world, 9, 15, "=HYPERLINK(\"http://x\")")
    enrol(cycle, world["unit"], "-Minus", "@At", "P7")
    client.force_login(world["officer"])

    response = movement_page(client, world, format="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = book.active
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["Leaves at", "Back at", "Last name", "First name", "Prison number", "Cell", "Activity", "Room"]
    row = [c for c in sheet[2]]
    assert row[0].value == dt.time(9, 15) and row[1].value == dt.time(10, 45)
    assert row[2].value == "-Minus" and row[2].data_type == "s"
    assert row[3].value == "@At"
    assert row[6].value == '=HYPERLINK("http://x")' and row[6].data_type == "s"
    assert sheet.column_dimensions["C"].width == 22
    entry = AuditEntry.objects.get()
    assert (entry.action, entry.object_type, entry.user) == ("export", "movement_list", world["officer"])
    assert "Minus" not in entry.detail


def outside(site, *, valid_until, kind=FacilitatorKind.VOLUNTEER, name="Vol"):
    return FacilitatorFactory(sites=[site], kind=kind, last_name=name, partner=PartnerFactory(name=f"Org {name}"),
                              authorisation_number=f"AUT-{name}", authorisation_valid_until=valid_until)


@time_machine.travel(NOW, tick=False)
def test_gate_list_shows_outside_people_flags_expired_and_warns_over_quota(client, world, site):
    site.daily_outside_quota = 1
    site.save()
    valid = outside(site, valid_until=DAY + dt.timedelta(days=200), name="Valid")
    expired = outside(site, valid_until=DAY - dt.timedelta(days=1), name="Expired")
    expiring = outside(site, valid_until=DAY + dt.timedelta(days=10), name="Expiring")
    staff = outside(site, valid_until=None, kind=FacilitatorKind.STAFF, name="Staff")
    cycle_with_session(world, 9, facilitators=[valid, expired, staff])
    cycle_with_session(world, 13, facilitators=[valid, expiring])
    client.force_login(world["officer"])

    response = client.get(reverse("calendars:gate-list", args=[site.pk]), {"date": DAY.isoformat()})

    rows = response.context["rows"]
    assert {r.facilitator.last_name: r.authorisation for r in rows} == {
        "Valid": "valid", "Expired": "expired", "Expiring": "expiring",
    }
    by_name = {r.facilitator.last_name: r for r in rows}
    assert (by_name["Valid"].arrives, by_name["Valid"].leaves) == (dt.time(9), dt.time(14, 30))
    assert by_name["Valid"].organisation == "Org Valid"
    body = response.content.decode()
    assert "over the daily quota of 1" in body
    assert "expired" in body


@time_machine.travel(NOW, tick=False)
def test_gate_quota_findings_for_publishing(world, site):
    site.daily_outside_quota = 1
    site.save()
    people = [outside(site, valid_until=DAY + dt.timedelta(days=200), name=f"P{i}") for i in range(2)]
    cycle_with_session(world, 9, facilitators=people)

    findings = gate_quota_findings(site, [DAY, DAY + dt.timedelta(days=1)])

    assert [(f.code, f.severity) for f in findings] == [("gate_quota_exceeded", "warning")]
    assert findings[0].message.startswith("2027-03-03: 2 outside facilitators")
    site.daily_outside_quota = 2
    assert gate_quota_findings(site, [DAY]) == []


@time_machine.travel(NOW, tick=False)
def test_gate_xlsx_export_is_audited(client, world, site):
    cycle_with_session(world, 9, facilitators=[outside(site, valid_until=DAY - dt.timedelta(days=3), name="Late")])
    client.force_login(world["officer"])

    response = client.get(reverse("calendars:gate-list", args=[site.pk]), {"date": DAY.isoformat(), "format": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["C2"].value == "LATE Vol" or sheet["C2"].value.startswith("LATE")
    assert sheet["G2"].value == "expired"
    assert AuditEntry.objects.get().object_type == "gate_list"


def _count(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"date": DAY.isoformat()})
    assert response.status_code == 200
    return len(captured), len(response.context["rows"])


@time_machine.travel(NOW, tick=False)
def test_list_query_counts_are_the_same_for_one_and_three_sessions(client, world, site, django_assert_max_num_queries):
    movements = reverse("calendars:movement-list", args=[world["unit"].pk])
    gate = reverse("calendars:gate-list", args=[site.pk])
    client.force_login(world["officer"])

    def add_session(hour, n):
        facilitator = outside(site, valid_until=DAY + dt.timedelta(days=100), name=f"F{n}")
        cycle = cycle_with_session(world, hour, facilitators=[facilitator])
        CycleMaterial.objects.create(cycle=cycle, item="Paper", quantity=20, status=MaterialStatus.APPROVED)
        CycleMaterial.objects.create(cycle=cycle, item="Scissors", quantity=8)
        enrol(cycle, world["unit"], f"Last{n}", "First", f"N{n}")
        Placement.objects.create(detainee=cycle.enrolments.get().detainee, unit=world["unit"], status="present", valid_from=DAY)

    add_session(9, 1)
    client.get(movements)
    one_movement, rows = _count(client, movements)
    one_gate, gate_rows = _count(client, gate)
    assert (rows, gate_rows) == (1, 1)
    add_session(11, 2)
    add_session(13, 3)
    with django_assert_max_num_queries(one_movement):
        assert len(client.get(movements, {"date": DAY.isoformat()}).context["rows"]) == 3
    with django_assert_max_num_queries(one_gate):
        rows = client.get(gate, {"date": DAY.isoformat()}).context["rows"]
    assert [(r.material, r.material_not_approved) for r in rows] == [(["20 × Paper"], ["8 × Scissors"])] * 3


def test_staff_of_another_site_cannot_open_lists(client, world, other_site):
    stranger = UserFactory(username="officer-elsewhere", role=Role.STAFF, sites=[other_site])
    client.force_login(stranger)
    assert client.get(reverse("calendars:movement-list", args=[world["unit"].pk])).status_code == 404
    assert client.get(reverse("calendars:gate-list", args=[world["site"].pk])).status_code == 404


@time_machine.travel(NOW, tick=False)
def test_home_step_seven_counts_movements_today_and_links_to_the_lists(client, world):
    cycle = cycle_with_session(world, 9)
    enrol(cycle, world["unit"], "Brown", "Carl", "P3")
    enrol(cycle, world["unit"], "Zed", "Ann", "P2")
    client.force_login(world["officer"])

    response = client.get(reverse("home"))

    [step] = [s for s in response.context["steps"] if s.number == 7]
    assert dict((str(label), count) for label, count, _url in step.counts)["movements out of units today"] == 2
    assert reverse("calendars:schedules") in response.content.decode()


@time_machine.travel(NOW, tick=False)
def test_unit_left_out_of_a_session_moves_nobody_and_sees_it_cancelled(client, world):
    cycle = cycle_with_session(world, 9)
    cycle.eligible_units.add(world["other_unit"])
    enrol(cycle, world["unit"], "Brown", "Carl", "P3")
    enrol(cycle, world["other_unit"], "Still", "Going", "P8")
    session = cycle.sessions.get()
    session.cancelled_units.add(world["unit"])  # e.g. a lockdown of A1 only
    client.force_login(world["officer"])

    mine = movement_page(client, world)
    other = client.get(reverse("calendars:movement-list", args=[world["other_unit"].pk]), {"date": DAY.isoformat()})

    assert mine.context["rows"] == []
    assert "Cancelled today" in mine.content.decode()
    assert [r.prison_number for r in other.context["rows"]] == ["P8"]
