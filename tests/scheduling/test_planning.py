import pytest
from django.test import override_settings

from scheduling import services
from scheduling.models import DraftSession, SolverRunStatus
from scheduling.problem_builder import build_problem, draft_assignments
from scheduling.solver import check_solution, compute_penalties

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def prison(site):
    return build_small_prison(site)


def _as_solution(problem, assignments):
    return {"format": "relais-timetable-solution/1", "status": "FEASIBLE", "assignments": assignments,
            "penalties": compute_penalties(problem, assignments), "explanation": [], "warnings": []}


@override_settings(TASKS=IMMEDIATE)
def test_plan_runs_the_solver_and_leaves_a_valid_draft(prison, coordinator):
    run = services.request_plan(prison.term, coordinator, time_limit=10, workers=1)
    run.refresh_from_db()
    assert run.status == SolverRunStatus.DONE
    assert run.solver_status == "OPTIMAL"
    assert run.requested_by == coordinator and run.finished_at >= run.started_at
    assert run.applied
    assert DraftSession.objects.filter(term=prison.term).count() == 3
    problem = build_problem(prison.term).problem
    assert check_solution(problem, _as_solution(problem, draft_assignments(prison.term))) == []
    assert [f for f in services.check_draft(prison.term) if f.severity == "error"] == []


@override_settings(TASKS=IMMEDIATE)
def test_replan_keeps_pins_and_the_rest_of_the_draft(prison, coordinator):
    services.request_plan(prison.term, coordinator, time_limit=10, workers=1)
    sport = DraftSession.objects.get(cycle=prison.sport)
    services.set_pinned(sport, True)
    before = sorted(draft_assignments(prison.term), key=str)
    run = services.request_plan(prison.term, coordinator, time_limit=10, workers=1)
    run.refresh_from_db()
    assert run.problem["stability"] == "strict"
    assert run.problem["previous"] == before
    assert sorted(draft_assignments(prison.term), key=str) == before
    assert DraftSession.objects.get(cycle=prison.sport).pinned


@override_settings(TASKS=IMMEDIATE)
def test_infeasible_term_keeps_no_draft_and_explains_why(prison, coordinator):
    prison.french.capacity = 15  # the only reachable classroom holds 10
    prison.french.save()
    run = services.request_plan(prison.term, coordinator, time_limit=10, workers=1)
    run.refresh_from_db()
    assert run.solver_status == "INFEASIBLE"
    assert not run.applied
    assert not DraftSession.objects.filter(term=prison.term).exists()
    refs = [ref for line in run.solution["explanation"] for ref in line["refs"]]
    assert {"type": "activity", "id": "french"} in refs


def test_a_move_that_creates_a_clash_needs_confirmation(prison):
    from prisons.models import RegimePeriod

    mon0 = RegimePeriod.objects.get(site=prison.site, weekday=0, index=0)
    tue0 = RegimePeriod.objects.get(site=prison.site, weekday=1, index=0)
    tue1 = RegimePeriod.objects.get(site=prison.site, weekday=1, index=1)
    first = DraftSession.objects.create(term=prison.term, cycle=prison.french, period=mon0, room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=tue0, room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=tue1, room=prison.hall)
    assert [f for f in services.check_draft(prison.term) if f.severity == "error"] == []

    result = services.move_draft_session(first, tue1, prison.classroom)
    assert not result.applied and result.needs_confirmation
    codes = {f.code for f in result.created}
    assert {"cohort_clash", "escort_limit", "same_day"} <= codes
    first.refresh_from_db()
    assert first.period == mon0

    result = services.move_draft_session(first, tue1, prison.classroom, confirmed=True)
    assert result.applied
    assert any(f.severity == "error" for f in services.check_draft(prison.term))


def test_a_clean_move_is_applied_at_once(prison):
    from prisons.models import RegimePeriod

    mon0 = RegimePeriod.objects.get(site=prison.site, weekday=0, index=0)
    mon1 = RegimePeriod.objects.get(site=prison.site, weekday=0, index=1)
    tue0 = RegimePeriod.objects.get(site=prison.site, weekday=1, index=0)
    first = DraftSession.objects.create(term=prison.term, cycle=prison.french, period=mon0, room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=tue0, room=prison.classroom)
    result = services.move_draft_session(first, mon1, prison.classroom)
    assert result.applied and result.created == []


def test_plan_term_command_plans_and_publishes(prison, capsys):
    from django.core.management import call_command

    call_command("plan_term", str(prison.term.pk), "--time-limit", "10", "--workers", "1", "--publish",
                 "--effective-date", "2027-03-01")
    out = capsys.readouterr().out
    assert "OPTIMAL" in out and "published v1" in out
    assert prison.term.publications.count() == 1
    assert prison.french.sessions.count() == 2 * 9
