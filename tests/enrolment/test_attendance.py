"""Registers: pre-filled, all present, reasons, who may edit until when, corrections with history."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from activities.models import SessionStatus
from core.models import Role
from enrolment import attendance
from enrolment.attendance import Entry
from enrolment.models import AbsenceReason, Attendance, AttendanceChange, EnrolmentStatus
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
SESSION_START = dt.datetime(2027, 3, 10, 14, 0, tzinfo=BRUSSELS)


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(site, facilitator_user):
    return CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])


@pytest.fixture
def session(cycle):
    return SessionFactory(cycle=cycle, starts_at=SESSION_START, ends_at=SESSION_START + dt.timedelta(hours=2))


def enrol(cycle, *, on=dt.date(2027, 2, 1), **kwargs):
    return EnrolmentFactory(cycle=cycle, enrolled_on=on, **kwargs)


def present(enrolment, **kwargs):
    return Entry(enrolment.pk, "present", **kwargs)


def absent(enrolment, reason, text=""):
    return Entry(enrolment.pk, "absent", reason, text)


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_register_is_prefilled_with_those_enrolled_on_the_session_day(session, cycle):
    on_time = enrol(cycle)
    left_after = enrol(cycle, status=EnrolmentStatus.WITHDRAWN, ended_on=dt.date(2027, 3, 20))
    enrol(cycle, on=dt.date(2027, 3, 11))  # enrolled after the session
    enrol(cycle, status=EnrolmentStatus.WITHDRAWN, ended_on=dt.date(2027, 3, 1))  # left before it
    EnrolmentFactory(cycle=cycle, status=EnrolmentStatus.APPROVED)  # waiting list
    EnrolmentFactory(status=EnrolmentStatus.ENROLLED, enrolled_on=dt.date(2027, 2, 1))  # another cycle

    lines = attendance.register_lines(session)

    assert {line.enrolment for line in lines} == {on_time, left_after}
    assert not any(line.recorded for line in lines)


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_all_present_marks_everyone_not_yet_recorded(session, cycle, facilitator_user):
    first, second, third = enrol(cycle), enrol(cycle), enrol(cycle)
    attendance.record_register(session, [absent(first, AbsenceReason.SICK)], facilitator_user)

    attendance.mark_all_present(session, facilitator_user)

    recorded = {a.enrolment_id: (a.status, a.absence_reason) for a in Attendance.objects.filter(session=session)}
    assert recorded == {first.pk: ("absent", "sick"), second.pk: ("present", ""), third.pk: ("present", "")}


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_absence_needs_a_reason_and_nothing_is_saved_on_error(session, cycle, facilitator_user):
    fine, missing_reason = enrol(cycle), enrol(cycle)
    lines = {line.enrolment.pk: line for line in attendance.register_lines(session)}

    with pytest.raises(ValidationError) as error:
        attendance.record_register(
            session, [present(fine), Entry(missing_reason.pk, "absent")], facilitator_user
        )

    message = error.value.message_dict[f"e{missing_reason.pk}"][0]
    assert f"Row {lines[missing_reason.pk].number}" in message
    assert missing_reason.detainee.prison_number in message
    assert "reason" in message
    assert not Attendance.objects.exists()


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_other_reason_needs_details(session, cycle, facilitator_user):
    person = enrol(cycle)
    with pytest.raises(ValidationError, match="needs details"):
        attendance.record_register(session, [absent(person, AbsenceReason.OTHER)], facilitator_user)

    attendance.record_register(session, [absent(person, AbsenceReason.OTHER, "hospital appointment")], facilitator_user)
    assert Attendance.objects.get().reason_text == "hospital appointment"


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_late_and_left_early_are_kept_for_someone_present(session, cycle, facilitator_user):
    person = enrol(cycle)
    attendance.record_register(session, [present(person, late=True, left_early=True)], facilitator_user)
    line = Attendance.objects.get()
    assert (line.status, line.late, line.left_early) == ("present", True, True)


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_facilitator_of_another_session_may_not_record(session, cycle, site):
    person = enrol(cycle)
    stranger = UserFactory(role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=stranger, sites=[site])

    with pytest.raises(PermissionDenied):
        attendance.record_register(session, [present(person)], stranger)
    assert not Attendance.objects.exists()


def test_facilitator_edits_for_seven_days_then_the_register_locks(session, cycle, facilitator_user):
    person = enrol(cycle)
    last_day = SESSION_START + dt.timedelta(days=7, hours=6)  # 20:00 local on day 7
    with time_machine.travel(last_day, tick=False):
        attendance.record_register(session, [present(person)], facilitator_user)

    with time_machine.travel(SESSION_START + dt.timedelta(days=8), tick=False):
        assert not facilitator_user.has_perm("enrolment.change_attendance", session)
        with pytest.raises(PermissionDenied, match="locked"):
            attendance.record_register(session, [absent(person, AbsenceReason.SICK)], facilitator_user)
    assert Attendance.objects.get().status == "present"


def test_register_does_not_open_before_the_session_day(session, cycle, facilitator_user):
    person = enrol(cycle)
    with time_machine.travel(SESSION_START - dt.timedelta(days=1), tick=False), pytest.raises(PermissionDenied):
        attendance.record_register(session, [present(person)], facilitator_user)


def test_coordinator_corrects_a_locked_register_with_history(session, cycle, facilitator_user, coordinator):
    person = enrol(cycle)
    with time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False):
        attendance.record_register(session, [present(person)], facilitator_user)

    with time_machine.travel(SESSION_START + dt.timedelta(days=30), tick=False):
        attendance.record_register(
            session, [absent(person, AbsenceReason.CLASH_COURT)], coordinator, note="Court summons found later"
        )

    first, correction = AttendanceChange.objects.order_by("at", "id")
    assert first.before == {} and first.after["status"] == "present" and first.by == facilitator_user
    assert correction.by == coordinator
    assert correction.before["status"] == "present"
    assert correction.after == {
        "status": "absent", "absence_reason": "clash_court", "reason_text": "", "late": False, "left_early": False,
    }
    assert correction.note == "Court summons found later"
    line = Attendance.objects.get()
    assert (line.status, line.absence_reason, line.recorded_by) == ("absent", "clash_court", coordinator)


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_saving_the_same_register_again_adds_no_history(session, cycle, facilitator_user):
    person = enrol(cycle)
    attendance.record_register(session, [present(person)], facilitator_user)
    attendance.record_register(session, [present(person)], facilitator_user)
    assert AttendanceChange.objects.count() == 1


@time_machine.travel(SESSION_START - dt.timedelta(days=2), tick=False)
def test_cancelled_session_marks_everyone_session_cancelled(session, cycle, facilitator_user):
    first, second = enrol(cycle), enrol(cycle)
    session.status = SessionStatus.CANCELLED
    session.save()

    attendance.mark_session_cancelled(session)

    assert set(Attendance.objects.values_list("enrolment_id", "status", "absence_reason")) == {
        (first.pk, "absent", "session_cancelled"), (second.pk, "absent", "session_cancelled"),
    }
    assert not facilitator_user.has_perm("enrolment.change_attendance", session)
    attendance.mark_session_cancelled(session)  # twice is harmless
    assert AttendanceChange.objects.count() == 2


@time_machine.travel(SESSION_START + dt.timedelta(hours=1), tick=False)
def test_unit_that_cannot_come_is_marked_absent(session, cycle, site):
    locked_down = UnitFactory(building__site=site)
    inside = enrol(cycle, detainee=DetaineeFactory(unit=locked_down))
    elsewhere = enrol(cycle)

    attendance.mark_unit_absent(session, locked_down, AbsenceReason.NOT_ESCORTED)

    assert list(Attendance.objects.values_list("enrolment_id", "absence_reason")) == [(inside.pk, "not_escorted")]
    assert elsewhere.attendances.count() == 0


@time_machine.travel(SESSION_START + dt.timedelta(days=3), tick=False)
def test_two_consecutive_absences_are_listed_for_follow_up(cycle, coordinator, facilitator_user):
    from core.rules import visible_enrolments

    sessions = [
        SessionFactory(cycle=cycle, starts_at=SESSION_START + dt.timedelta(days=d), ends_at=SESSION_START + dt.timedelta(days=d, hours=2))
        for d in (-14, -7, 0)
    ]
    dropping, steady = enrol(cycle), enrol(cycle)
    for index, session in enumerate(sessions):
        entries = [present(steady)]
        entries.append(present(dropping) if index == 0 else absent(dropping, AbsenceReason.REFUSED))
        Attendance.objects.bulk_create(
            Attendance(session=session, enrolment_id=e.enrolment_id, **e.values()) for e in entries
        )

    assert attendance.consecutive_absences(visible_enrolments(coordinator)) == [(dropping, 2)]


@time_machine.travel(SESSION_START + dt.timedelta(days=3), tick=False)
def test_home_step_ten_counts_missing_registers_and_follow_ups(cycle, coordinator, facilitator_user):
    from core.selectors import workflow_steps

    taken, missing = (
        SessionFactory(cycle=cycle, starts_at=SESSION_START - dt.timedelta(days=d), ends_at=SESSION_START - dt.timedelta(days=d, hours=-1))
        for d in (0, 7)
    )
    SessionFactory(cycle=cycle, starts_at=SESSION_START - dt.timedelta(days=1), ends_at=SESSION_START, status=SessionStatus.CANCELLED)
    SessionFactory(cycle=cycle, starts_at=SESSION_START + dt.timedelta(days=7), ends_at=SESSION_START + dt.timedelta(days=7, hours=1))
    person = enrol(cycle)
    Attendance.objects.create(session=taken, enrolment=person, status="absent", absence_reason="sick")
    Attendance.objects.create(session=SessionFactory(cycle=cycle, starts_at=SESSION_START - dt.timedelta(days=40), ends_at=SESSION_START - dt.timedelta(days=40, hours=-1)), enrolment=person, status="absent", absence_reason="refused")

    step = workflow_steps(coordinator)[9]

    assert step.url_name == "attendance:my-sessions"
    # registers missing, absences, dropouts, notes about missed sessions waiting for a reply
    assert [count for _label, count, _url in step.counts] == [1, 1, 0, 0]
    facilitators_step = workflow_steps(facilitator_user)[9]
    assert facilitators_step.counts[0][1] == 1
    assert len(facilitators_step.counts) == 2  # they do not hold feedback interviews
