import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from activities.models import Session, SessionStatus
from enrolment.models import Attendance
from prisons.models import RegimePeriod
from scheduling import services
from scheduling.models import DraftSession
from tests.factories import DetaineeFactory, EnrolmentFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = dt.UTC
pytestmark = pytest.mark.usefixtures("published")


@pytest.fixture
def prison(site):
    return build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 9))


def _period(prison, weekday, index):
    return RegimePeriod.objects.get(site=prison.site, weekday=weekday, index=index)


@pytest.fixture
def published(prison, coordinator):
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 0, 0), room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 1, 0), room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=_period(prison, 1, 1), room=prison.hall)
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        services.publish(prison.term, dt.date(2027, 3, 15), coordinator)


def _on(cycle, day):
    return next(s for s in Session.objects.filter(cycle=cycle) if s.starts_at.astimezone(BRUSSELS).date() == day)


def test_cancelling_one_unit_of_a_shared_session_marks_its_participants_absent(prison, coordinator):
    from_a2 = DetaineeFactory(unit=prison.a2)
    from_a2_enrolment = EnrolmentFactory(detainee=from_a2, cycle=prison.sport, enrolled_on=dt.date(2027, 3, 1))
    from_a1_enrolment = prison.detainee.enrolments.get(cycle=prison.sport)
    tuesday = dt.date(2027, 3, 23)

    done = services.cancel_sessions(site=prison.site, unit=prison.a1, first_date=tuesday, last_date=tuesday,
                                    reason="staff_shortage", by=coordinator)
    assert (done.sessions_cancelled, done.sessions_reduced) == (1, 1)  # French (A1 only); sport goes on for A2
    sport = _on(prison.sport, tuesday)
    assert sport.status == SessionStatus.SCHEDULED and sport.sequence == 1
    assert list(sport.cancelled_units.all()) == [prison.a1]
    absent = Attendance.objects.get(session=sport, enrolment=from_a1_enrolment)
    assert (absent.status, absent.absence_reason) == ("absent", "not_escorted")
    assert not Attendance.objects.filter(session=sport, enrolment=from_a2_enrolment).exists()
    french = _on(prison.french, tuesday)
    assert french.status == SessionStatus.CANCELLED and french.sequence == 1
    assert (french.cancellation_code, french.cancellation_text) == ("staff_shortage", "Staff shortage")

    # The other unit goes too: nobody is left, so the session is cancelled.
    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=tuesday, last_date=tuesday,
                             reason="strike", by=coordinator)
    sport.refresh_from_db()
    assert sport.status == SessionStatus.CANCELLED and sport.sequence == 2
    assert _on(prison.sport, dt.date(2027, 3, 30)).status == SessionStatus.SCHEDULED


def test_cancel_a_whole_site_for_some_periods_only(prison, coordinator):
    done = services.cancel_sessions(
        site=prison.site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 3, 31), reason="other",
        reason_text="Fire drill", periods=[_period(prison, 1, 1)], by=coordinator)
    assert done.sessions_cancelled == 3  # sport on the 16th, 23rd and 30th
    assert {s.status for s in Session.objects.filter(cycle=prison.sport)
            if s.starts_at.date() <= dt.date(2027, 3, 31)} == {SessionStatus.CANCELLED}
    assert not Session.objects.filter(cycle=prison.french, status=SessionStatus.CANCELLED).exists()
    assert _on(prison.sport, dt.date(2027, 3, 16)).cancellation_text == "Other: Fire drill"


def test_cancel_needs_a_reason_and_saves_nothing_without(prison, coordinator):
    with pytest.raises(ValidationError) as error:
        services.cancel_sessions(site=prison.site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 3, 16),
                                 reason="other", by=coordinator)
    assert "reason_text" in error.value.message_dict
    assert not Session.objects.filter(status=SessionStatus.CANCELLED).exists()


def test_cancel_a_single_session(prison, coordinator):
    session = _on(prison.french, dt.date(2027, 3, 22))
    services.cancel_session(session, reason="technical", reason_text="Heating broken", by=coordinator)
    session.refresh_from_db()
    assert session.status == SessionStatus.CANCELLED and session.sequence == 1


def test_move_a_single_session_to_a_suggested_free_slot(prison, coordinator):
    session = _on(prison.french, dt.date(2027, 3, 30))
    options = {(s.period.weekday, s.period.index, s.room.code) for s in services.free_slots(session)}
    # Tuesday: 08:30 is its own slot (free once it moves); 10:15 is sport (unit A1 escorts one at a time);
    # 13:30 is free. Only the classroom suits French.
    assert options == {(1, 0, "class"), (1, 3, "class")}
    services.move_session(session, day=dt.date(2027, 3, 30), period=_period(prison, 1, 3), room=prison.classroom,
                          by=coordinator)
    session.refresh_from_db()
    assert session.starts_at == dt.datetime(2027, 3, 30, 11, 30, tzinfo=UTC) and session.sequence == 1
    with pytest.raises(ValidationError):
        services.move_session(session, day=dt.date(2027, 3, 30), period=_period(prison, 1, 1),
                              room=prison.classroom, by=coordinator)
