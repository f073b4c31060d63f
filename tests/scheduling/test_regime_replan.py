"""A regime change after publishing, carried through: the sessions it breaks are listed, one re-plan
moves only what must move, and publishing it leaves no session off the regime."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from activities.models import SessionStatus
from prisons import regime
from scheduling import services
from scheduling.models import SolverRun

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db


def _plan(term):
    run = SolverRun.objects.create(term=term, time_limit=20, problem=services.plan_problem(term))
    run = services.execute_run(run.pk, workers=1)
    assert run.solution["status"] in ("OPTIMAL", "FEASIBLE")
    return run


def test_new_work_hours_are_carried_through_by_re_planning_and_publishing(client, site, coordinator):
    with time_machine.travel(dt.datetime(2027, 2, 20, 9, tzinfo=dt.UTC), tick=False):
        prison = build_small_prison(site)
        _plan(prison.term)
        services.publish(prison.term, dt.date(2027, 3, 1), coordinator, accept_warnings=True)
        assert regime.sessions_off_regime(site) == []
        before = {(s.cycle.code, s.starts_at) for s in prison.term.cycles.get(code="sport").sessions.all()}

        # A1's people now work in the workshops on Tuesday mornings (its Monday count stays).
        rows = [regime.BlockedRow(0, dt.time(13), dt.time(14), "count", "", "row 1"),
                regime.BlockedRow(1, dt.time(8), dt.time(12), "work", "", "row 2")]
        regime.set_unit_regime(prison.a1, escort_limit=1, blocked=rows, by=coordinator)
        off = regime.sessions_off_regime(site)
        assert off and {o.session.cycle.code for o in off} <= {"french", "sport"}
        client.force_login(coordinator)
        page = client.get(reverse("prisons:site-regime", args=[site.pk])).content.decode()
        assert reverse("planning:term", args=[prison.term.pk]) in page

        _plan(prison.term)
        result = services.publish(prison.term, dt.date(2027, 3, 1), coordinator, accept_warnings=True)
        assert result.moved > 0
        assert regime.sessions_off_regime(site) == []
        tuesdays = [s.starts_at.astimezone(ZoneInfo("Europe/Brussels")) for s in prison.term.cycles.get(
            code="french").sessions.filter(status=SessionStatus.SCHEDULED) if s.starts_at.weekday() == 1]
        assert tuesdays and all(start.hour >= 12 for start in tuesdays)
        if not any(o.session.cycle.code == "sport" for o in off):  # what did not have to move stayed put
            assert {(s.cycle.code, s.starts_at) for s in prison.term.cycles.get(code="sport").sessions.all()} == before
