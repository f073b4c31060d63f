"""Large-neighbourhood search: restricted models keep frozen sessions, and every timetable it
returns is valid and costed exactly."""


from scheduling.solver import check_solution, compute_penalties, lns
from scheduling.solver.generator import generate
from scheduling.solver.greedy import greedy_placement
from scheduling.solver.problem import load_problem
from scheduling.solver.slots import compute_slots
from scheduling.solver.solver import _solution


def _timetable(prob, placed):
    return [{"activity": prob.activities[a].id, "period": prob.periods[p].id,
             "room": prob.rooms[r].id} for a, p, r in sorted(placed)]


def _start(raw):
    prob = load_problem(raw)
    slots = compute_slots(prob)
    partial = greedy_placement(prob, slots, seed=0)
    incumbent = lns.repair(prob, slots, partial, deadline=float("inf"), deterministic=20.0,
                           workers=1, seed=0, change_limit=None)
    assert incumbent is not None
    return prob, slots, incumbent


def test_restricted_slots_keep_frozen_activities_in_place():
    raw = generate("small", 3, "prison")
    prob, slots, incumbent = _start(raw)
    free = {a for a, _, _ in sorted(incumbent.placed)[:3]}
    restricted = lns.restricted_slots(slots, incumbent.placed, free)
    for (a, p), rooms in restricted.rooms.items():
        if a not in free:
            assert len(rooms) == 1 and (a, p, rooms[0]) in incumbent.placed
        else:
            assert rooms == slots.rooms[a, p]


def test_improvement_never_worsens_and_stays_valid():
    raw = generate("small", 1, "dense")
    prob, slots, incumbent = _start(raw)
    scale = incumbent.tm.scale
    start_cost = incumbent.cost
    best = lns.improve(prob, slots, incumbent, deadline=float("inf"), deterministic=3.0,
                       workers=1, seed=0, change_limit=None)
    assert best.cost <= start_cost
    penalties = compute_penalties(raw, _timetable(prob, best.placed))
    assert sum(penalties.values()) * scale == best.cost
    solution = _solution(prob, best.tm, best.solver, "FEASIBLE", 0.0, [], bound=0)
    assert check_solution(raw, solution) == []
    assert solution["bound"] == 0  # a restricted model's own bound is never reported
