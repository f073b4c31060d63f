"""Neighbourhood lower bounds (bounds.py): valid, and they raise the bound where isolation is
forced by a cohort alone or by a facilitator shared between cohorts."""

from ortools.sat.python import cp_model

from scheduling.solver import bounds
from scheduling.solver.generator import generate
from scheduling.solver.model import build_model
from scheduling.solver.problem import load_problem
from scheduling.solver.slots import compute_slots

from .builders import periods, problem


def _optimum(prob, with_bounds: bool, every_kind: bool = False) -> tuple[int, int]:
    tm = build_model(prob, compute_slots(prob))
    tm.model.minimize(tm.weighted)
    added = bounds.add_cohort_bounds(tm, deterministic=5, wall=60)[1] if with_bounds else 0
    if every_kind:
        added += bounds.add_bounds(tm, bounds.facilitator_and_wing_neighbourhoods(prob),
                                   deterministic=5, wall=60)[1]
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


def test_every_kind_of_bound_keeps_the_optimum_of_generated_weeks():
    for seed in (2, 3):
        prob = load_problem(generate("small", seed, "prison"))
        plain, _ = _optimum(prob, False)
        optimum, added = _optimum(prob, True, every_kind=True)
        assert optimum == plain
        assert added > 0


def _shared_volunteer() -> dict:
    """One room, two days of two periods. A volunteer free on Monday only leads `a1` (compact
    cohort with `b1`) and `a2` (compact cohort with `b2`). Each cohort alone pairs up on Monday
    at no cost; together the volunteer fills Monday, so b1 and b2 go to Tuesday and all four
    sessions are isolated."""
    return problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        people=[{"id": "vol", "unavailable": ["d1i0", "d1i1"]}],
        activities=[{"id": "a1", "sessions": 1, "facilitators": ["vol"]},
                    {"id": "a2", "sessions": 1, "facilitators": ["vol"]},
                    {"id": "b1", "sessions": 1}, {"id": "b2", "sessions": 1}],
        cohorts=[{"id": "c1", "activities": ["a1", "b1"], "compact": True},
                 {"id": "c2", "activities": ["a2", "b2"], "compact": True}],
        weights={"isolation": 1},
    )


def test_facilitator_bound_sees_what_no_cohort_alone_shows():
    prob = load_problem(_shared_volunteer())
    tm = build_model(prob, compute_slots(prob))
    assert bounds.add_cohort_bounds(tm, deterministic=5, wall=60)[1] == 0  # each pairs up alone
    hoods = bounds.facilitator_neighbourhoods(prob)
    assert [sorted(prob.activities[a].id for a in hood.activities) for hood in hoods] == [
        ["a1", "a2", "b1", "b2"]]
    bounds.add_bounds(tm, hoods, deterministic=5, wall=60)
    assert [bound for _, bound in tm.proven] == [4]
    assert _optimum(prob, True, every_kind=True)[0] == 4


def test_solver_proves_the_shared_volunteer_week_optimal():
    from scheduling.solver import check_solution, solve

    raw = _shared_volunteer()
    solution = solve(raw, workers=1, seed=0, deterministic_time=5)
    assert (solution["status"], solution["objective"], solution["bound"]) == ("OPTIMAL", 4, 4)
    assert check_solution(raw, solution) == []


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


def test_wing_bound_sees_an_escort_limit_that_no_cohort_alone_shows():
    # Wing W escorts one group at a time. a1 and a2 can only come on Monday, so they take both
    # Monday periods; b1 and b2 go to Tuesday and no cohort pairs up (each would alone).
    raw = problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        wings=[{"id": "W", "max_parallel": 1}],
        activities=[
            {"id": "a1", "sessions": 1, "wings": ["W"], "unavailable": ["d1i0", "d1i1"]},
            {"id": "a2", "sessions": 1, "wings": ["W"], "unavailable": ["d1i0", "d1i1"]},
            {"id": "b1", "sessions": 1, "wings": ["W"]},
            {"id": "b2", "sessions": 1, "wings": ["W"]}],
        cohorts=[{"id": "c1", "activities": ["a1", "b1"], "compact": True},
                 {"id": "c2", "activities": ["a2", "b2"], "compact": True}],
        weights={"isolation": 1},
    )
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    assert bounds.add_cohort_bounds(tm, deterministic=5, wall=60)[1] == 0
    assert bounds.facilitator_neighbourhoods(prob) == []
    hoods = bounds.wing_neighbourhoods(prob)
    assert [sorted(prob.cohorts[c].id for c in hood.compact) for hood in hoods] == [["c1", "c2"]]
    bounds.add_bounds(tm, hoods, deterministic=5, wall=60)
    assert [bound for _, bound in tm.proven] == [4]
    assert _optimum(prob, True, every_kind=True)[0] == 4


def test_bounds_give_up_after_several_sub_problems_in_a_row_prove_nothing(monkeypatch):
    # School-like curricula are too hard to bound in a sliver of time: the stage stops early
    # instead of spending its whole budget for no cut.
    monkeypatch.setattr(bounds, "PER_NEIGHBOURHOOD_DETERMINISTIC", 0.002)
    prob = load_problem(generate("medium", 0, "dense"))
    tm = build_model(prob, compute_slots(prob))
    hoods = bounds.cohort_neighbourhoods(prob) + bounds.facilitator_neighbourhoods(prob)
    assert len(hoods) > 2 * bounds.GIVE_UP_AFTER
    run = bounds.add_bounds(tm, hoods, deterministic=100, wall=60)
    assert run.added <= 1
    assert run.tried < len(hoods) // 2


def test_bounds_solved_two_at_a_time_do_not_depend_on_which_finishes_first():
    # Each batch only sees the bounds proven before it: two runs prove the same cuts, and the
    # bounds stay valid (the optimum is unchanged).
    prob = load_problem(generate("small", 1, "prison"))
    proven = []
    for _ in range(2):
        tm = build_model(prob, compute_slots(prob))
        hoods = bounds.cohort_neighbourhoods(prob) + bounds.facilitator_and_wing_neighbourhoods(prob)
        run = bounds.add_bounds(tm, hoods, deterministic=20, wall=60, workers=2)
        assert run.tried == len(hoods)
        proven.append(sorted((sorted(hood.activities), bound) for hood, bound in tm.proven))
    assert proven[0] == proven[1]
    assert proven[0]
    assert _optimum(prob, False)[0] == _optimum(prob, True, every_kind=True)[0]


def test_cohort_bounds_find_a_school_like_week_barren_and_a_prison_week_not():
    # Curricula that each fit compactly alone prove no cut: the solver then spares the full
    # runs presolve's probing, which cannot lift a bound that crowding alone makes.
    def cohort_run(family):
        prob = load_problem(generate("medium", 0, family))
        tm = build_model(prob, compute_slots(prob))
        return bounds.add_cohort_bounds(tm, deterministic=5, wall=60)

    school, prison = cohort_run("dense"), cohort_run("prison")
    assert school.barren and school.added * 2 < school.tried
    assert not prison.barren and prison.added > 0
