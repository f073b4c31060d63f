"""Attendance API: same rules as the pages; a user who may not see the session gets 404, never data."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import translation
from rest_framework.test import APIClient

from core.models import Role
from enrolment.models import Attendance, AttendanceChange
from tests.factories import (
    CycleFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
SESSION_START = dt.datetime(2027, 3, 10, 14, 0, tzinfo=BRUSSELS)
DURING = SESSION_START + dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def cycle(site, facilitator_user):
    return CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])


@pytest.fixture
def session(cycle):
    return SessionFactory(cycle=cycle, starts_at=SESSION_START, ends_at=SESSION_START + dt.timedelta(hours=2))


@pytest.fixture
def people(cycle):
    return [EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1)) for _ in range(2)]


def url(session, suffix=""):
    return f"/api/v1/registers/{session.pk}/{suffix}"


@time_machine.travel(DURING, tick=False)
def test_facilitator_reads_and_records_the_register(api, facilitator_user, session, people):
    api.force_authenticate(facilitator_user)
    register = api.get(url(session)).json()
    assert register["editable"] is True
    assert {line["enrolment"] for line in register["lines"]} == {p.pk for p in people}
    assert all(line["last_name"] == "" for line in register["lines"])

    answer = api.put(url(session), {"lines": [
        {"enrolment": people[0].pk, "status": "present", "late": True},
        {"enrolment": people[1].pk, "status": "absent", "absence_reason": "refused"},
    ]}, format="json")
    assert answer.status_code == 200, answer.json()
    assert {(line["status"], line["absence_reason"]) for line in answer.json()["lines"]} == {("present", ""), ("absent", "refused")}


@time_machine.travel(DURING, tick=False)
def test_missing_reason_is_a_400_naming_the_row(api, facilitator_user, session, people):
    api.force_authenticate(facilitator_user)
    answer = api.put(url(session), {"lines": [{"enrolment": people[0].pk, "status": "absent"}]}, format="json")
    assert answer.status_code == 400
    assert "Row" in answer.json()[f"e{people[0].pk}"][0]
    assert not Attendance.objects.exists()


@time_machine.travel(DURING, tick=False)
def test_all_present_endpoint(api, coordinator, session, people):
    api.force_authenticate(coordinator)
    answer = api.post(url(session, "all-present/"))
    assert answer.status_code == 200
    assert [line["status"] for line in answer.json()["lines"]] == ["present", "present"]
    assert all(line["last_name"] for line in answer.json()["lines"])


def test_outsiders_get_404_and_staff_403(api, site, other_site, session, people, staff_user, cycle):
    stranger = UserFactory(role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=stranger, sites=[site])
    Attendance.objects.create(session=session, enrolment=people[0], status="present")
    for outsider in (stranger, UserFactory(role=Role.COORDINATOR, sites=[other_site])):
        api.force_authenticate(outsider)
        assert api.get(url(session)).status_code == 404
        assert api.put(url(session), {"lines": []}, format="json").status_code == 404
        assert api.post(url(session, "all-present/")).status_code == 404
        assert api.get("/api/v1/attendance/").json()["results"] == []
    cycle.eligible_units.add(staff_user.staff_member.units.first())
    api.force_authenticate(staff_user)
    assert api.get(url(session)).status_code == 403
    assert api.get("/api/v1/attendance/").json()["results"] == []


def test_locked_register_is_403_for_the_facilitator(api, facilitator_user, session, people):
    api.force_authenticate(facilitator_user)
    with time_machine.travel(SESSION_START + dt.timedelta(days=8), tick=False):
        assert api.get(url(session)).json()["editable"] is False
        answer = api.put(url(session), {"lines": [{"enrolment": people[0].pk, "status": "present"}]}, format="json")
        assert answer.status_code == 403


@time_machine.travel(DURING, tick=False)
def test_attendance_list_shows_history(api, coordinator, facilitator_user, session, people):
    api.force_authenticate(facilitator_user)
    api.put(url(session), {"lines": [{"enrolment": people[0].pk, "status": "present"}]}, format="json")
    api.force_authenticate(coordinator)
    api.put(url(session), {"lines": [{"enrolment": people[0].pk, "status": "absent", "absence_reason": "sick"}], "note": "fix"}, format="json")
    lines = api.get("/api/v1/attendance/", {"session": session.pk}).json()["results"]
    assert len(lines) == 1 and [c["note"] for c in lines[0]["changes"]] == ["", "fix"]
    assert AttendanceChange.objects.count() == 2


@pytest.mark.parametrize("sessions", [1, 3])
def test_attendance_list_queries_do_not_grow(api, coordinator, cycle, people, sessions, django_assert_max_num_queries):
    for day in range(sessions):
        session = SessionFactory(cycle=cycle, starts_at=SESSION_START + dt.timedelta(days=day), ends_at=SESSION_START + dt.timedelta(days=day, hours=1))
        for person in people:
            Attendance.objects.create(session=session, enrolment=person, status="present")
    api.force_authenticate(coordinator)
    with django_assert_max_num_queries(6):
        assert len(api.get("/api/v1/attendance/").json()["results"]) == 2 * sessions
