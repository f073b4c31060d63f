"""Periods first, rooms second (relaxation.py): the rooms relaxation bounds the full optimum,
keeps two-period sessions in one room, and proves weeks whose rooms cost nothing more."""

import time

import pytest
from ortools.sat.python import cp_model

from scheduling.solver import check_solution, lns, relaxation
from scheduling.solver import solver as solver_module
from scheduling.solver.generator import generate
from scheduling.solver.model import add_room_counts, build_model
from scheduling.solver.problem import load_problem
from scheduling.solver.slots import compute_slots

from .builders import periods, problem, solved


def _optimum(prob, *, rooms: bool) -> int:
    tm = build_model(prob, compute_slots(prob), rooms=rooms)
    tm.model.minimize(tm.weighted)
    cp = cp_model.CpSolver()
    cp.parameters.num_workers = 1
    cp.parameters.max_deterministic_time = 30
    assert cp.solve(tm.model) == cp_model.OPTIMAL
    return round(cp.objective_value)


@pytest.mark.parametrize(("size", "seed", "family"), [
    ("tiny", 0, "prison"), ("tiny", 1, "prison"), ("small", 0, "prison"), ("tiny", 0, "dense"),
])
def test_rooms_relaxation_never_costs_more_than_the_full_optimum(size, seed, family):
    prob = load_problem(generate(size, seed, family))
    assert _optimum(prob, rooms=False) <= _optimum(prob, rooms=True)


def test_two_period_session_keeps_one_room_in_the_relaxation():
    # Two rooms, each closed in one of the two periods: per-period counts see a room free in
    # each period, but no room holds the two-period session from start to end.
    raw = problem(
        periods=periods("0:0", "0:1"),
        rooms=[{"id": "r1", "capacity": 10, "unavailable": ["d0i0"]},
               {"id": "r2", "capacity": 10, "unavailable": ["d0i1"]},
               {"id": "r3", "capacity": 10}],
        activities=[{"id": "long", "sessions": 1, "length": 2},
                    {"id": "short", "sessions": 2}],
    )
    prob = load_problem(raw)
    relaxed = build_model(prob, compute_slots(prob), rooms=False)
    cp = cp_model.CpSolver()
    assert cp.solve(relaxed.model) == cp_model.OPTIMAL
    assert {r for (a, _, r), var in relaxed.x.items() if cp.value(var)} == {2}


def test_soft_capacity_of_a_two_period_session_counts_in_the_relaxation_and_its_cut():
    # Found by the property tests: the relaxation counts the capacity of sessions that keep
    # their rooms, so the cut it adds to the full model must count capacity too.
    raw = problem(
        periods=periods("0:0", "0:1"),
        rooms=[{"id": f"r{i}", "capacity": 0} for i in range(3)],
        activities=[{"id": "long", "sessions": 1, "length": 2, "participants": 1},
                    {"id": "short", "sessions": 1, "participants": 1}],
        weights={"capacity": 1},
    )
    solution = solved(raw)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 2)


def test_relaxation_sees_the_capacity_cost_of_sessions_that_outnumber_large_rooms():
    # Two groups of 8 and one period: rooms of 10 and 5 seat them at a cost of 3 at best. The
    # relaxation has no rooms for one-period sessions; its per-period floor still sees that cost.
    raw = problem(
        periods=periods("0:0"),
        rooms=[{"id": "large", "capacity": 10}, {"id": "small", "capacity": 5}],
        activities=[{"id": "a", "sessions": 1, "participants": 8},
                    {"id": "b", "sessions": 1, "participants": 8}],
        weights={"capacity": 1},
    )
    prob = load_problem(raw)
    assert _optimum(prob, rooms=False) == _optimum(prob, rooms=True) == 3
    without_floor = build_model(prob, compute_slots(prob), rooms=False, capacity_floor=False)
    without_floor.model.minimize(without_floor.weighted)
    cp = cp_model.CpSolver()
    assert cp.solve(without_floor.model) == cp_model.OPTIMAL
    assert cp.objective_value == 0


def test_cohort_bounds_do_not_count_the_capacity_floor_as_the_cohorts_own_cost():
    # One small room, a compact cohort of two groups of 8: the optimum is 6 (3 per group, side
    # by side). The cohort's sub-problem costs 6 too, all of it capacity. Its bound holds on the
    # cohort's own terms, which in the relaxation do not hold the floor: counted there, the cut
    # asked the relaxation for isolation 6, which two sessions cannot reach (INFEASIBLE).
    raw = problem(
        periods=periods("0:0", "0:1"),
        rooms=[{"id": "small", "capacity": 5}],
        activities=[{"id": "a", "sessions": 1, "participants": 8},
                    {"id": "b", "sessions": 1, "participants": 8}],
        cohorts=[{"id": "group", "activities": ["a", "b"], "compact": True}],
        weights={"capacity": 1, "isolation": 2},
    )
    solution = solved(raw)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 6)
    assert solution["penalties"]["capacity"] == 6


def test_home_rooms_keep_each_activity_in_one_room_that_fits_it():
    # Largest first: the group of 15 takes the large room at both its periods, the group of 5
    # the small one; seated one session at a time, the small group could have taken the large
    # room first and split the large group over two rooms.
    raw = problem(
        periods=periods("0:0", "0:1"),
        rooms=[{"id": "large", "capacity": 20}, {"id": "small", "capacity": 10}],
        activities=[{"id": "few", "sessions": 1, "participants": 5},
                    {"id": "many", "sessions": 2, "participants": 15}],
        weights={"capacity": 1, "room_stability": 1},
    )
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    relaxed = relaxation.Relaxed(cp_model.OPTIMAL, 0, frozenset({(0, 0), (1, 0), (1, 1)}), {},
                                 0.0)
    assert relaxation.home_rooms(tm, relaxed) == {(0, 0, 1), (1, 0, 0), (1, 1, 0)}


def test_room_assignment_may_change_the_rooms_the_relaxation_chose_for_long_sessions():
    # The relaxation does not see room stability: it put the two-period workshop in r1 on
    # Monday and r2 on Tuesday. Rooms for its timetable, free to change those, seat both
    # sessions in one room.
    raw = problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        activities=[{"id": "workshop", "sessions": 2, "length": 2, "min_days": 2}],
        weights={"room_stability": 1},
    )
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    relaxed = relaxation.Relaxed(cp_model.OPTIMAL, 0, frozenset({(0, 0), (0, 2)}),
                                 {(0, 0): 0, (0, 2): 1}, 0.0)
    solver, status, assigned = relaxation.assign_rooms(tm, relaxed, wall=60, deterministic=10,
                                                       workers=1, seed=0, keep_rooms=False)
    assert status == cp_model.OPTIMAL and round(solver.objective_value) == 0
    timetable = lns.placements(assigned, solver)
    assert {(a, p) for a, p, _ in timetable} == {(0, 0), (0, 2)}
    assert len({r for _, _, r in timetable}) == 1


def test_prison_weeks_relaxation_is_as_high_as_its_optimum_and_learns_its_room_shortages():
    # On prison weeks rooms barely matter: the relaxation's bound is the optimum itself. Where
    # its timetable overfills a set of rooms in some period, that set is named, the relaxation
    # learns its count and is solved again, until rooms are found.
    raw = generate("medium", 0, "prison")
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    relaxed_tm = relaxation.build_relaxation(tm)
    for _ in range(6):
        relaxed = relaxation.solve_relaxation(relaxed_tm, set(), wall=60, deterministic=20,
                                              workers=1, seed=0)
        assert relaxed.status == cp_model.OPTIMAL
        _, status, _ = relaxation.assign_rooms(tm, relaxed, wall=60, deterministic=20,
                                               workers=1, seed=0)
        if status == cp_model.OPTIMAL:
            break
        assert status == cp_model.INFEASIBLE
        short = relaxation.short_room_sets(tm, relaxed)
        assert short
        add_room_counts(relaxed_tm, short)
        assert relaxation.short_room_sets(tm, relaxed) == short  # the same timetable, still short
    assert status == cp_model.OPTIMAL
    solution = solved(raw)
    assert solution["status"] == "OPTIMAL"
    assert solution["objective"] * tm.scale == relaxed.bound


def test_short_room_sets_name_the_rooms_a_period_overfills():
    # Rooms r1, r2 suit a and b; r3 suits c only. a, b and c all at d0i0 in the relaxation's
    # timetable would need r1 and r2 for a and b, and r3 for c: fine. With r2 closed, a and b
    # overfill {r1, r2}.
    raw = problem(
        periods=periods("0:0", "0:1"),
        rooms=[{"id": "r1", "capacity": 10, "kind": "class"},
               {"id": "r2", "capacity": 10, "kind": "class", "unavailable": ["d0i0"]},
               {"id": "r3", "capacity": 10, "kind": "hall"}],
        activities=[{"id": "a", "sessions": 1, "room_kinds": ["class"]},
                    {"id": "b", "sessions": 1, "room_kinds": ["class"]},
                    {"id": "c", "sessions": 1, "room_kinds": ["hall"]}],
    )
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    crowded = relaxation.Relaxed(cp_model.FEASIBLE, 0, frozenset({(0, 0), (1, 0), (2, 0)}), {},
                                 0.0)
    assert relaxation.short_room_sets(tm, crowded) == {frozenset({0, 1})}
    spread = crowded._replace(starts=frozenset({(0, 0), (1, 1), (2, 0)}))
    assert relaxation.short_room_sets(tm, spread) == set()


def test_search_at_the_bound_raises_a_bound_it_cannot_reach_then_finds_the_optimum():
    # Each room is closed on one of the two days: the relaxation, which counts rooms per
    # period, sees no cost, but the activity cannot keep one room. Searching for a timetable
    # at cost 0 proves there is none, so the bound rises to 1, where one is found.
    raw = problem(
        periods=periods("0:0", "1:0"),
        rooms=[{"id": "r1", "capacity": 10, "unavailable": ["d1i0"]},
               {"id": "r2", "capacity": 10, "unavailable": ["d0i0"]}],
        activities=[{"id": "split", "sessions": 2}],
        weights={"room_stability": 1},
    )
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    tm.model.minimize(tm.weighted)
    assert _optimum(prob, rooms=False) == 0
    # Two workers on the wall clock: the search runs beside CP-SAT's local search only.
    budget = solver_module._Budget(lambda: 60.0, None)
    answer = solver_module._at_bound(prob, tm, budget, 2, 0, time.perf_counter(), [], {})
    assert tm.lower_bound == 1
    assert (answer["status"], answer["objective"], answer["bound"]) == ("OPTIMAL", 1, 1)
    assert check_solution(raw, answer) == []


def test_tries_at_the_bound_restart_on_luby_sequence_except_a_single_try():
    assert [solver_module._luby(i) for i in range(1, 16)] == [
        1, 1, 2, 1, 1, 2, 4, 1, 1, 2, 1, 1, 2, 4, 8]
    caps = [solver_module._try_cap(4.0, attempt, single=False) for attempt in range(8)]
    assert caps == [2.0, 2.0, 4.0, 2.0, 2.0, 4.0, 8.0, 2.0]
    # Half of a short cap still leaves a try time to presolve.
    assert solver_module._try_cap(0.6, 0, single=False) == solver_module.AT_BOUND_MINIMUM
    assert solver_module._try_cap(4.0, 0, single=True) == 4.0


def _first_period_crowd(extra_room: bool = False) -> dict:
    """Four activities whose facilitators prefer the first period, and four rooms: a can use
    r1, b r1-r2, c r2-r3, d r3; r4 suits none of them, or e when `extra_room`. The relaxation
    counts each activity's own rooms and all rooms, so it sees no cost in putting them all
    first, where r1-r3 cannot seat a, b, c and d: one must move (optimum 1)."""
    kinds = {"a": ["x"], "b": ["x", "y"], "c": ["y", "z"], "d": ["z"]}
    if extra_room:
        kinds["e"] = ["w"]
    return problem(
        rooms=[{"id": f"r{i + 1}", "capacity": 10, "kind": kind}
               for i, kind in enumerate(("x", "y", "z", "w"))],
        people=[{"id": f"p{i}", "preferred": ["d0i0"]} for i in range(len(kinds))],
        activities=[{"id": name, "sessions": 1, "room_kinds": room_kinds,
                     "facilitators": [f"p{i}"]}
                    for i, (name, room_kinds) in enumerate(kinds.items())],
        weights={"preference": 1},
    )


def test_week_whose_relaxed_timetable_finds_no_rooms_is_proven_optimal_without_another_round(
        monkeypatch):
    # The relaxation puts all four first, where r1-r3 seat only three: the one a first fit
    # leaves out moves in time, with those in its way, at cost 1; the search at the bound
    # proves 0 out of reach and then finds 1. No second round of the relaxation.
    raw = _first_period_crowd()
    prob = load_problem(raw)
    assert _optimum(prob, rooms=False) == 0
    rounds = []
    real = relaxation.solve_relaxation

    def counted(*args, **kwargs):
        rounds.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(relaxation, "solve_relaxation", counted)
    # Two workers on the wall clock: the search at the bound runs only there.
    answer = solved(raw, workers=2, deterministic_time=None, time_limit=60)
    assert (answer["status"], answer["objective"], answer["bound"]) == ("OPTIMAL", 1, 1)
    first = [row["activity"] for row in answer["assignments"] if row["period"] == "d0i0"]
    assert len(first) == 3
    assert len(rounds) == 1


def test_sessions_left_without_rooms_move_with_those_in_their_way_only():
    # All five first: a first fit seats a, d and e in their only rooms, then b in r2, and
    # leaves c out. c may move, with b and d, which hold the rooms c could use then; a and e
    # keep their periods. Moving one of b, c, d costs 1.
    raw = _first_period_crowd(extra_room=True)
    prob = load_problem(raw)
    tm = build_model(prob, compute_slots(prob))
    crowded = relaxation.Relaxed(cp_model.FEASIBLE, 0, frozenset((a, 0) for a in range(5)), {},
                                 0.0)
    seated = relaxation.first_fit_rooms(tm, crowded)
    assert seated == {(0, 0, 0), (1, 0, 1), (3, 0, 2), (4, 0, 3)}
    free = relaxation.stranded(tm, crowded, seated)
    assert free == {1, 2, 3}
    solver, status, assigned = relaxation.assign_rooms(
        tm, crowded, wall=60, deterministic=10, workers=1, seed=0, free=free, hint=seated)
    assert status == cp_model.OPTIMAL and round(solver.objective_value) == 1
    timetable = lns.placements(assigned, solver)
    assert {(a, p) for a, p, _ in timetable if a in (0, 4)} == {(0, 0), (4, 0)}


def test_week_whose_relaxation_is_not_proven_gets_one_full_run_from_its_timetable(monkeypatch):
    # As on a 1,000-session week, where the relaxation is never proven in time: the full model,
    # hinted its timetable with rooms, gets the time left, and its neighbourhood searches find
    # the optimum that the relaxation's bound then proves. Rooms for its timetable cost 3 more
    # than it here.
    prob = generate("medium", 0, "prison")
    real = relaxation.solve_relaxation

    def unproven(*args, **kwargs):
        relaxed = real(*args, **kwargs)
        if relaxed.status == cp_model.OPTIMAL:
            relaxed = relaxed._replace(status=cp_model.FEASIBLE)
        return relaxed

    monkeypatch.setattr(relaxation, "solve_relaxation", unproven)
    subsolvers = []
    real_run = solver_module._run

    def recorded(*args, subsolver=solver_module.FULL_MODEL_SUBSOLVER, **kwargs):
        subsolvers.append(subsolver)
        return real_run(*args, subsolver=subsolver, **kwargs)

    monkeypatch.setattr(solver_module, "_run", recorded)
    answer = solved(prob, workers=2, deterministic_time=8)
    assert subsolvers == [solver_module.TAIL_SUBSOLVER]
    assert (answer["status"], answer["objective"], answer["bound"]) == ("OPTIMAL", 40, 40)


def test_unproven_relaxation_is_solved_again_from_its_timetable_before_the_full_run(
        monkeypatch):
    # Its first solve stops at its first timetable, far from the optimum. Solved again from
    # that timetable, the relaxation finds the optimum 40 (with rooms) before the full model's
    # run, which then starts from it; the relaxation is never proven, the answer is.
    prob = generate("medium", 0, "prison")
    real_solve, real_configure = relaxation.solve_relaxation, relaxation.configure
    hints, timetables, events = [], [], []

    def first_solution_only(params, **kwargs):
        real_configure(params, **kwargs)
        params.stop_after_first_solution = True

    def unproven(relaxed_tm, hint, **kwargs):
        with monkeypatch.context() as patch:
            if not hints:
                patch.setattr(relaxation, "configure", first_solution_only)
            relaxed = real_solve(relaxed_tm, hint, **kwargs)
        hints.append({(a, p) for a, p, _ in hint})
        timetables.append(relaxed.starts)
        return relaxed._replace(status=cp_model.FEASIBLE)

    def full_run(*args, **kwargs):
        events.append("full run")
        return real_run(*args, **kwargs)

    real_run = solver_module._run
    monkeypatch.setattr(relaxation, "solve_relaxation", unproven)
    monkeypatch.setattr(solver_module, "_run", full_run)
    answer = solved(prob, workers=2, deterministic_time=8,
                    on_progress=lambda progress: events.append(progress["objective"]))
    assert len(hints) == 2 and hints[1] == timetables[0]
    assert events[0] > 40
    assert events[events.index("full run") - 1] == 40
    assert (answer["status"], answer["objective"], answer["bound"]) == ("OPTIMAL", 40, 40)


def test_relaxation_solved_again_starts_from_the_bound_its_first_solve_proved(monkeypatch):
    # The first solve returns its first timetable, unproven, with the bound that a solve given
    # the time proves (the relaxation's optimum, 186), so the relaxation is solved again. That
    # second solve, on one worker and a short budget, could not prove that much on its own
    # (176-180 without the first's bound) and reports the optimum as its bound.
    prob = generate("large", 0, "prison")
    real_solve, real_configure = relaxation.solve_relaxation, relaxation.configure
    solves = []

    def first_solution_only(params, **kwargs):
        real_configure(params, **kwargs)
        params.stop_after_first_solution = True

    def short_search(params, **kwargs):
        real_configure(params, **{**kwargs, "workers": 1, "deterministic": 0.3})

    def unproven(relaxed_tm, hint, **kwargs):
        if not solves:
            proven = real_solve(relaxed_tm, hint, **{**kwargs, "wall": 60, "deterministic": None})
            assert proven.status == cp_model.OPTIMAL
        with monkeypatch.context() as patch:
            patch.setattr(relaxation, "configure", short_search if solves else first_solution_only)
            relaxed = real_solve(relaxed_tm, hint, **kwargs)
        if not solves:
            relaxed = relaxed._replace(bound=proven.bound)
        solves.append(relaxed)
        return relaxed._replace(status=cp_model.FEASIBLE)

    monkeypatch.setattr(relaxation, "solve_relaxation", unproven)
    answer = solved(prob, workers=2, deterministic_time=3)
    first, second = solves
    assert second.bound == first.bound
    assert answer["status"] in ("OPTIMAL", "FEASIBLE")


def test_school_like_week_is_proven_at_its_bound_by_the_core_search_first():
    # A generated 80-session school-like week whose optimum is the capacity its rooms cannot
    # avoid: with one worker and three deterministic seconds, the usual relaxation worker ends
    # at 14 with a bound of 6; the core-based search finds a timetable at the bound and proves it.
    raw = generate("small", 5, "dense")
    solution = solver_module.solve(raw, workers=1, seed=0, deterministic_time=3.0,
                                   time_limit=60)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 8)
    assert check_solution(raw, solution) == []
