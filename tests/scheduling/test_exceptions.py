import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import AvailabilityException, Session
from core.models import Role
from prisons.models import RegimePeriod, RoomClosure
from scheduling import services
from scheduling.checks import sessions_hit_by_exceptions
from scheduling.models import DraftSession
from tests.factories import UserFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
UTC = dt.UTC
START = dt.date(2027, 3, 15)
pytestmark = pytest.mark.usefixtures("published")


@pytest.fixture
def prison(site):
    return build_small_prison(site, first_date=START, last_date=dt.date(2027, 4, 9))


def _period(prison, weekday, index):
    return RegimePeriod.objects.get(site=prison.site, weekday=weekday, index=index)


@pytest.fixture
def published(prison, coordinator):
    # French (Ana) on Monday and Tuesday 08:30 in the classroom; sport on Tuesday 10:15 in the hall.
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 0, 0), room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 1, 0), room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=_period(prison, 1, 1), room=prison.hall)
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False):
        services.publish(prison.term, START, coordinator)


def _on(cycle, day):
    return next(s for s in Session.objects.filter(cycle=cycle) if s.starts_at.astimezone(BRUSSELS).date() == day)


def _away(prison, day, start=None, end=None, available=False):
    return AvailabilityException.objects.create(facilitator=prison.ana, date=day, start=start, end=end,
                                                available=available)


def _hit(scope):
    return [(f.code, f.rows[0]) for f in sessions_hit_by_exceptions(scope, START)]


def test_an_away_day_hits_that_dates_session_only(prison):
    monday = dt.date(2027, 3, 22)
    _away(prison, monday)
    _away(prison, dt.date(2027, 3, 16), available=True)  # exceptionally available: not an absence

    findings = sessions_hit_by_exceptions(prison.term, START)
    assert [(f.code, f.severity, f.rows) for f in findings] == [
        ("facilitator_away", "warning", [_on(prison.french, monday).pk])]
    assert "Ana Lopez" in findings[0].message and "French (french)" in findings[0].message
    assert "08:30–10:00" in findings[0].message
    assert _hit(prison.site) == _hit(prison.term)


def test_a_partial_day_away_hits_only_overlapping_sessions(prison):
    _away(prison, dt.date(2027, 3, 22), dt.time(9, 0), dt.time(9, 30))  # within Monday's 08:30–10:00
    _away(prison, dt.date(2027, 3, 23), dt.time(10, 0), dt.time(12, 0))  # Tuesday's French ends at 10:00
    assert _hit(prison.term) == [("facilitator_away", _on(prison.french, dt.date(2027, 3, 22)).pk)]


def test_facilitators_named_on_a_session_replace_the_cycles(prison):
    from tests.factories import FacilitatorFactory

    monday = dt.date(2027, 3, 22)
    _away(prison, monday)
    _on(prison.french, monday).facilitators.set([FacilitatorFactory(sites=[prison.site])])
    assert _hit(prison.term) == []


def test_a_room_closure_hits_overlapping_sessions_of_that_date(prison):
    RoomClosure.objects.create(room=prison.hall, date=dt.date(2027, 3, 30), reason="Floor works")
    RoomClosure.objects.create(room=prison.classroom, date=dt.date(2027, 3, 23), start=dt.time(13, 0))
    RoomClosure.objects.create(room=prison.classroom, date=dt.date(2027, 3, 29), start=dt.time(8, 0),
                               end=dt.time(9, 0))
    findings = sessions_hit_by_exceptions(prison.term, START)
    assert [(f.code, f.rows[0]) for f in findings] == [
        ("room_closed", _on(prison.french, dt.date(2027, 3, 29)).pk),
        ("room_closed", _on(prison.sport, dt.date(2027, 3, 30)).pk),
    ]
    assert "Sports hall" in findings[1].message and "Sport (sport)" in findings[1].message


def test_sessions_before_the_date_asked_are_not_reported(prison):
    _away(prison, dt.date(2027, 3, 15))
    assert sessions_hit_by_exceptions(prison.term, dt.date(2027, 3, 16)) == []


def test_free_slots_skip_the_away_facilitators_hours_and_closed_rooms(prison, coordinator):
    tuesday = dt.date(2027, 3, 30)
    session = _on(prison.french, tuesday)

    def options():
        return {(s.period.weekday, s.period.index, s.room.code) for s in services.free_slots(session, tuesday)}

    assert options() == {(1, 0, "class"), (1, 3, "class")}
    _away(prison, tuesday, dt.time(13, 0), dt.time(16, 0))
    assert options() == {(1, 0, "class")}
    RoomClosure.objects.create(room=prison.classroom, date=tuesday, start=dt.time(8, 0), end=dt.time(9, 0))
    assert options() == set()
    with pytest.raises(ValidationError):
        services.move_session(session, day=tuesday, period=_period(prison, 1, 3), room=prison.classroom,
                              by=coordinator)
    # The week after, 13:30 stays free (08:30 is that week's own French session).
    assert {(s.period.index, s.room.code) for s in services.free_slots(session, dt.date(2027, 4, 6))} == {
        (3, "class")}


def test_moving_or_cancelling_the_session_clears_its_finding(prison, coordinator):
    monday, tuesday = dt.date(2027, 3, 22), dt.date(2027, 3, 30)
    _away(prison, monday)
    RoomClosure.objects.create(room=prison.hall, date=tuesday)
    assert len(_hit(prison.term)) == 2

    services.move_session(_on(prison.french, monday), day=dt.date(2027, 3, 23), period=_period(prison, 1, 3),
                          room=prison.classroom, by=coordinator)
    assert _hit(prison.term) == [("room_closed", _on(prison.sport, tuesday).pk)]
    services.cancel_session(_on(prison.sport, tuesday), reason="technical", reason_text="Hall closed",
                            by=coordinator)
    assert _hit(prison.term) == []


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_dated_sessions_page_lists_hit_sessions_with_move_and_cancel(client, prison, coordinator):
    _away(prison, dt.date(2027, 3, 22))
    client.force_login(coordinator)
    page = client.get(reverse("planning:term-sessions", args=[prison.term.pk])).content.decode()
    url = reverse("planning:session", args=[_on(prison.french, dt.date(2027, 3, 22)).pk])
    assert 'data-code="facilitator_away"' in page and "Ana Lopez is away" in page
    assert f'{url}#move"' in page and f'{url}#cancel"' in page
    planning = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert "1 upcoming session hit by an absence, a room closure or a regime change" in planning


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_hit_sessions_on_the_page_do_not_grow_the_queries(client, prison, coordinator):
    client.force_login(coordinator)
    url = reverse("planning:term-sessions", args=[prison.term.pk])
    _away(prison, dt.date(2027, 3, 22))
    one = _count(client, url)
    _away(prison, dt.date(2027, 3, 23))
    RoomClosure.objects.create(room=prison.hall, date=dt.date(2027, 3, 30))
    assert len(_hit(prison.term)) == 3
    assert _count(client, url) == one


def test_a_coordinator_of_another_site_gets_404(client, prison, other_site):
    _away(prison, dt.date(2027, 3, 22))
    client.force_login(UserFactory(username="elsewhere", role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("planning:term-sessions", args=[prison.term.pk])).status_code == 404
    session = _on(prison.french, dt.date(2027, 3, 22))
    assert client.get(reverse("planning:session", args=[session.pk])).status_code == 404
