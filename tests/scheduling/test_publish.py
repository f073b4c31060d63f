import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from activities.models import ExcludedDate, Session, SessionStatus
from prisons.models import RegimePeriod
from scheduling import services
from scheduling.models import ChangeKind, DraftSession

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = dt.UTC


@pytest.fixture
def prison(site):
    return build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 9))


def _period(prison, weekday, index):
    return RegimePeriod.objects.get(site=prison.site, weekday=weekday, index=index)


@pytest.fixture
def draft(prison):
    return {
        "french_mon": DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 0, 0),
                                                  room=prison.classroom),
        "french_tue": DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 1, 0),
                                                  room=prison.classroom),
        "sport": DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=_period(prison, 1, 1),
                                             room=prison.hall),
    }


def _local(session):
    return session.starts_at.astimezone(BRUSSELS)


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publish_creates_dated_sessions_across_the_dst_week_at_local_times(prison, draft, coordinator):
    ExcludedDate.objects.create(term=prison.term, date=dt.date(2027, 3, 29), label="Easter Monday")
    result = services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    assert result.changed and result.publication.number == 1
    mondays = list(Session.objects.filter(cycle=prison.french, slot_key__isnull=False).order_by("starts_at"))
    assert [(_local(s).date(), _local(s).time()) for s in mondays if _local(s).weekday() == 0] == [
        (dt.date(2027, 3, 15), dt.time(8, 30)), (dt.date(2027, 3, 22), dt.time(8, 30)),
        (dt.date(2027, 4, 5), dt.time(8, 30)),
    ]
    tuesdays = [s for s in mondays if _local(s).weekday() == 1]
    # 30 March is the first Tuesday of summer time: same local time, one hour earlier in UTC.
    before, after = tuesdays[1], tuesdays[2]
    assert before.starts_at == dt.datetime(2027, 3, 23, 7, 30, tzinfo=UTC)
    assert after.starts_at == dt.datetime(2027, 3, 30, 6, 30, tzinfo=UTC)
    assert after.ends_at == dt.datetime(2027, 3, 30, 8, 0, tzinfo=UTC)
    assert len({s.uuid for s in mondays}) == len(mondays) == 7
    assert all(s.sequence == 0 and s.room == prison.classroom for s in mondays)
    assert {c.kind for c in result.publication.changes.all()} == {ChangeKind.NEW}
    assert result.created == 7 + 4


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_a_second_publish_without_change_changes_nothing(prison, draft, coordinator):
    first = services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    state = list(Session.objects.values_list("uuid", "starts_at", "room", "sequence", "status").order_by("uuid"))
    again = services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    assert not again.changed and again.publication == first.publication
    assert prison.term.publications.count() == 1
    assert list(Session.objects.values_list("uuid", "starts_at", "room", "sequence", "status").order_by("uuid")) == state


def test_republish_keeps_uuids_moves_cancels_and_creates(prison, draft, coordinator):
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    french_tue = {s.pk: s.uuid for s in Session.objects.filter(slot_key__isnull=False, cycle=prison.french)
                  if _local(s).weekday() == 1}
    sport_before = {s.pk: (s.uuid, s.starts_at) for s in Session.objects.filter(cycle=prison.sport)}
    held = Session.objects.filter(cycle=prison.french).order_by("starts_at").first()
    held.status = SessionStatus.HELD
    held.save()

    # Tuesday French moves later the same day; Monday French goes; sport gets a Monday session too.
    draft["french_tue"].period = _period(prison, 1, 3)
    draft["french_tue"].save()
    draft["french_mon"].delete()
    prison.french.sessions_per_week = 1
    prison.french.save()
    prison.sport.sessions_per_week = 2
    prison.sport.save()
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=_period(prison, 0, 1), room=prison.hall)

    with time_machine.travel(dt.datetime(2027, 3, 25, 9, 0, tzinfo=UTC), tick=False):
        result = services.publish(prison.term, dt.date(2027, 3, 29), coordinator)
    assert result.changed and result.publication.number == 2
    kinds = sorted((c.kind, c.cycle.code) for c in result.publication.changes.all())
    assert kinds == [("cancelled", "french"), ("moved", "french"), ("new", "sport")]

    for pk, uid in french_tue.items():
        session = Session.objects.get(pk=pk)
        assert session.uuid == uid
        if session.starts_at.date() >= dt.date(2027, 3, 29):
            assert _local(session).time() == dt.time(13, 30) and session.sequence == 1
        else:
            assert _local(session).time() == dt.time(8, 30) and session.sequence == 0
    mondays = [s for s in Session.objects.filter(cycle=prison.french) if _local(s).weekday() == 0]
    assert {(_local(s).date(), s.status, s.sequence) for s in mondays} == {
        (dt.date(2027, 3, 15), SessionStatus.HELD, 0),
        (dt.date(2027, 3, 22), SessionStatus.SCHEDULED, 0),
        (dt.date(2027, 3, 29), SessionStatus.CANCELLED, 1),
        (dt.date(2027, 4, 5), SessionStatus.CANCELLED, 1),
    }
    for pk, (uid, starts_at) in sport_before.items():
        session = Session.objects.get(pk=pk)
        assert (session.uuid, session.starts_at, session.sequence) == (uid, starts_at, 0)
    new_sport = [s for s in Session.objects.filter(cycle=prison.sport) if _local(s).weekday() == 0]
    assert [_local(s).date() for s in new_sport] == [dt.date(2027, 3, 29), dt.date(2027, 4, 5)]
    assert result.created == 2 and result.moved == 2 and result.cancelled == 2


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publish_refuses_a_draft_with_errors_and_saves_nothing(prison, draft, coordinator):
    draft["sport"].period = draft["french_tue"].period
    draft["sport"].save()
    with pytest.raises(ValidationError) as error:
        services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    assert any("two places" in m for m in error.value.messages)
    assert not Session.objects.exists() and not prison.term.publications.exists()


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publish_warns_when_the_gate_quota_is_exceeded(prison, draft, coordinator):
    from tests.factories import FacilitatorFactory

    prison.site.daily_outside_quota = 1
    prison.site.save()
    prison.sport.facilitators.set([FacilitatorFactory(sites=[prison.site])])  # a second outside person on Tuesdays
    result = services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    assert result.changed
    assert {f.code for f in result.warnings} == {"gate_quota_exceeded"}
    assert len(result.warnings) == 4  # the four Tuesdays of the term
