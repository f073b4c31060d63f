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
