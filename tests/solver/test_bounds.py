"""Per-cohort lower bounds (bounds.py): valid, and they raise the bound where isolation is forced."""

from ortools.sat.python import cp_model

from scheduling.solver import bounds
from scheduling.solver.generator import generate
from scheduling.solver.model import build_model
from scheduling.solver.problem import load_problem
from scheduling.solver.slots import compute_slots

from .builders import periods, problem


def _optimum(prob, with_bounds: bool) -> tuple[int, float, int]:
    tm = build_model(prob, compute_slots(prob))
    tm.model.minimize(tm.weighted)
    added = bounds.add_cohort_bounds(tm, deterministic=5, wall=60)[1] if with_bounds else 0
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.max_deterministic_time = 20
    assert solver.solve(tm.model) == cp_model.OPTIMAL
    return round(solver.objective_value), added


def test_forced_isolation_is_a_cut_and_keeps_the_optimum():
    # Two days of two periods; a (2 sessions, min_days 2) and b (1 session) form a compact
    # cohort: one of a's sessions is alone on its day, or a loses a day (5 > 2).
    raw = problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        activities=[{"id": "a", "sessions": 2, "min_days": 2}, {"id": "b", "sessions": 1}],
        cohorts=[{"id": "c", "activities": ["a", "b"], "compact": True}],
        weights={"min_days": 5, "isolation": 2},
    )
    prob = load_problem(raw)
    assert _optimum(prob, False)[0] == 2
    assert _optimum(prob, True) == (2, 1)


def test_cohort_bounds_keep_the_optimum_of_a_generated_week():
    prob = load_problem(generate("small", 2, "prison"))
    plain, _ = _optimum(prob, False)
    assert _optimum(prob, True)[0] == plain


def test_cohort_bound_leaves_the_objective_terms_untouched():
    """Regression: building a cut by `+=` once extended the cohort's isolation expression in
    place, so the objective counted the activities' capacity penalties twice (reported 2, true 1)."""
    from scheduling.solver import check_solution, solve

    periods = [{"id": f"p{i}", "day": 0, "index": i} for i in range(3)]
    problem = {
        "format": "relais-timetable/1",
        "periods": periods,
        "rooms": [{"id": "r0", "capacity": 0, "kind": "classroom"},
                  {"id": "r1", "capacity": 0, "kind": "classroom"}],
        "activities": [{"id": "a0", "sessions": 1}, {"id": "a2", "sessions": 1},
                       {"id": "a3", "sessions": 1, "participants": 1}, {"id": "a4", "sessions": 1}],
        "cohorts": [{"id": "c0", "activities": ["a0"]},
                    {"id": "c1", "activities": ["a0", "a3"], "compact": True}],
        "weights": {"isolation": 1, "capacity": 1},
    }
    solution = solve(problem, workers=1, seed=0, deterministic_time=2)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 1)
    assert check_solution(problem, solution) == []
