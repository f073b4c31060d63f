"""Large-neighbourhood search on top of CP-SAT, for weeks too big to solve monolithically.

An incumbent timetable is improved by freeing a few related activities (sharing a cohort, a
facilitator, a room or a day with a seed activity, or drawn at random), keeping every other
session exactly where it is, and re-solving. The sub-problem is the full model restricted to
"frozen activities keep their incumbent placements": `restricted_slots` removes every other
placement of a frozen activity, so the sub-model is small, its objective is the true objective
of the whole timetable, and any solution of it is a valid timetable of the whole problem.

The same machinery repairs a partial greedy construction: the activities it failed to place are
freed together with their neighbours until the restricted model finds a complete timetable.

Sub-problem bounds are never reported: they are bounds of the restricted problem only.

Two modes. Without a deterministic budget (several workers), steps and the loop stop on the wall
clock. With one (`deterministic` given), every step gets a deterministic-time limit, the loop ends
when the steps' deterministic time adds up to the budget, and the neighbourhood size adapts to
statuses reached under those limits: the search is then reproducible for a given seed, and
`deadline` is only a safety net (a run that reaches it is not reproducible).
"""

from __future__ import annotations

import random
import time
from collections import defaultdict
from dataclasses import dataclass

from ortools.sat.python import cp_model

from .model import TimetableModel, build_model
from .problem import Problem
from .slots import Slots

DEBUG = False
Placement = tuple[int, int, int]  # (activity, start period, room)
# Deterministic-time limit of one improvement step (deterministic mode).
STEP_DETERMINISTIC = 1.0
# Deterministic time charged at least per step, so that a budget of steps that each finish almost
# at once (their model building dominates) still ends the loop.
STEP_MIN_CHARGE = 0.02


def configure(params, *, workers: int, seed: int, wall: float,
              deterministic: float | None) -> None:
    """Workers, seed and limits of one CP-SAT call. With a deterministic limit, the wall-clock
    limit is a safety net only, and several workers interleave their search so that it stays
    reproducible."""
    params.num_workers = max(1, workers)
    params.random_seed = seed
    params.max_time_in_seconds = max(0.05, wall)
    if deterministic is not None:
        params.max_deterministic_time = max(0.001, deterministic)
        if workers > 1:
            params.interleave_search = True


@dataclass
class Meter:
    """Deterministic time spent by the CP-SAT calls of a search phase."""
    deterministic: float = 0.0

    def charge(self, solver: cp_model.CpSolver, least: float = 0.0) -> float:
        spent = max(least, solver.deterministic_time)
        self.deterministic += spent
        return spent


@dataclass
class Incumbent:
    placed: set[Placement]
    cost: int  # scaled integer objective (TimetableModel.weighted)
    tm: TimetableModel
    solver: cp_model.CpSolver


def restricted_slots(slots: Slots, placed: set[Placement], free: set[int]) -> Slots:
    """Admissible placements when every activity outside `free` keeps its `placed` sessions."""
    cover: dict[tuple[int, int], tuple[int, ...]] = {}
    rooms: dict[tuple[int, int], tuple[int, ...]] = {}
    for key, usable in slots.rooms.items():
        if key[0] in free:
            cover[key] = slots.cover[key]
            rooms[key] = usable
    for a, p, r in sorted(placed):
        if a not in free:
            cover[a, p] = slots.cover[a, p]
            rooms[a, p] = (r,)
    return Slots(cover, rooms, slots.suitable_rooms)


class Neighbourhoods:
    """Relations between activities, and random related sets of them."""

    def __init__(self, prob: Problem, slots: Slots, rng: random.Random):
        self.prob, self.rng = prob, rng
        self.active = sorted({a for (a, _) in slots.cover})
        self.related: dict[int, set[int]] = defaultdict(set)
        groups: list[list[int]] = [list(c.activities) for c in prob.cohorts]
        led: dict[int, list[int]] = defaultdict(list)
        for a, activity in enumerate(prob.activities):
            for person in activity.facilitators:
                led[person].append(a)
        groups += list(led.values())
        active = set(self.active)
        for group in groups:
            members = [a for a in group if a in active]
            for a in members:
                self.related[a].update(b for b in members if b != a)

    def pick(self, placed: set[Placement], size: int) -> set[int]:
        rng, active = self.rng, self.active
        kind = rng.random()
        if kind < 0.15:
            return set(rng.sample(active, min(size, len(active))))
        by_room: dict[int, set[int]] = defaultdict(set)
        by_day: dict[int, set[int]] = defaultdict(set)
        for a, p, r in placed:
            by_room[r].add(a)
            by_day[self.prob.periods[p].day].add(a)
        if kind < 0.35 and by_day:
            pool = sorted(by_day[rng.choice(sorted(by_day))])
            rng.shuffle(pool)
            return set(pool[:size])
        if kind < 0.5 and by_room:
            chosen: set[int] = set()
            rooms = sorted(by_room)
            rng.shuffle(rooms)
            for r in rooms:
                chosen |= by_room[r]
                if len(chosen) >= size:
                    break
            return set(sorted(chosen)[:size]) if len(chosen) > size else chosen
        # Related: a random walk over shared cohorts and facilitators, topped up by activities
        # sharing a room with those chosen.
        room_of: dict[int, set[int]] = defaultdict(set)
        for a, _, r in placed:
            room_of[a].add(r)
        chosen = set()
        frontier = [rng.choice(active)]
        while frontier and len(chosen) < size:
            a = frontier.pop(rng.randrange(len(frontier)))
            if a in chosen:
                continue
            chosen.add(a)
            near = sorted(self.related[a] - chosen)
            if not near:
                near = sorted({b for r in room_of[a] for b in by_room[r]} - chosen)
            frontier.extend(near)
            if not frontier and len(chosen) < size:
                frontier.append(rng.choice(active))
        return chosen


def solve_restricted(prob: Problem, slots: Slots, placed: set[Placement], free: set[int], *,
                     wall: float, deterministic: float | None, workers: int, seed: int,
                     change_limit: int | None, hint: bool = True, optimise: bool = True
                     ) -> tuple[cp_model.CpSolver, int, TimetableModel]:
    # Most sessions are frozen, so the redundant room counts mostly restate them, and they
    # were a fifth of each step's building time on a generated 1,000-session week (at 60 s,
    # seeds 0 and 1: 253-256 without them in 4 runs, 254-262 with them).
    tm = build_model(prob, restricted_slots(slots, placed, free), room_counts=False)
    if change_limit is not None:
        tm.model.add(tm.counts["change"] <= change_limit)
    if optimise:
        tm.model.minimize(tm.weighted)
    if hint:
        hint_placements(tm.model, tm.x, placed)
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers=workers, seed=seed, wall=wall,
              deterministic=deterministic)
    status = solver.solve(tm.model)
    return solver, status, tm


def hint_placements(model: cp_model.CpModel, x: dict, placed) -> None:
    """Hint each placement variable in `x` (keyed like `placed`) with whether it is placed:
    written to the proto at once, as `add_hint` one by one cost a 1,000-session week's
    neighbourhood search a second a minute."""
    hint = model.proto.solution_hint
    hint.vars.extend(var.index for var in x.values())
    hint.values.extend(int(key in placed) for key in x)


def placements(tm: TimetableModel, solver: cp_model.CpSolver) -> set[Placement]:
    return {key for key, var in tm.x.items() if solver.value(var)}


def repair(prob: Problem, slots: Slots, partial: set[Placement], *, deadline: float,
           deterministic: float | None, workers: int, seed: int,
           change_limit: int | None, meter: Meter | None = None) -> Incumbent | None:
    """Complete a partial timetable by re-solving its unplaced activities and their neighbours.

    With a `deterministic` budget, each of the four attempts gets a quarter of it, and `deadline`
    only caps each attempt's wall-clock time; otherwise attempts stop on `deadline`."""
    meter = meter if meter is not None else Meter()
    rng = random.Random(seed)
    hood = Neighbourhoods(prob, slots, rng)
    count: dict[int, int] = defaultdict(int)
    for a, _, _ in partial:
        count[a] += 1
    missing = {a for a, activity in enumerate(prob.activities)
               if activity.sessions and count[a] < activity.sessions}
    # First free what competes with the unplaced activities: their cohorts and facilitators,
    # their wings (escort limits), the rooms they could use.
    wings_of = {a: set(prob.activities[a].wings) for a in hood.active}
    rooms_wanted = {r for a in missing for r in slots.suitable_rooms[a]}
    wings_wanted = {w for a in missing for w in wings_of[a]}
    competing = set(missing)
    for a in missing:
        competing |= hood.related[a]
    competing |= {b for b, p, r in partial if r in rooms_wanted}
    competing |= {b for b in hood.active if wings_of[b] & wings_wanted}
    size = max(10, len(missing) * 4)
    for attempt in range(4):
        left = deadline - time.perf_counter()
        if left <= (0.0 if deterministic is not None else 0.05):
            return None
        free = set(missing) if attempt % 2 == 0 else set(competing)
        while len(free) < min(size, len(hood.active)):
            before = len(free)
            free |= hood.pick(partial, max(2, size // 4))
            if len(free) == before:
                break
        if attempt == 3:
            free = set(hood.active)
        solver, status, tm = solve_restricted(
            prob, slots, partial, free,
            wall=min(left, 2.0 * (attempt + 1)) if deterministic is None else left,
            deterministic=None if deterministic is None else deterministic / 4,
            workers=workers, seed=seed + attempt, change_limit=change_limit, hint=True,
            optimise=False)
        meter.charge(solver)
        if DEBUG:
            print("repair", attempt, len(missing), len(free), solver.status_name(status),
                  round(solver.wall_time, 2))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return Incumbent(placements(tm, solver), round(solver.value(tm.weighted)), tm, solver)
        size *= 2
    return None


def improve(prob: Problem, slots: Slots, best: Incumbent, *, deadline: float,
            deterministic: float | None, workers: int, seed: int,
            change_limit: int | None, on_improvement=None,
            meter: Meter | None = None) -> Incumbent:
    """Large-neighbourhood search from `best` until `deadline` (wall clock) or, when
    `deterministic` is given, until the steps' deterministic time adds up to it (`deadline` is
    then a safety net only)."""
    meter = meter if meter is not None else Meter()
    rng = random.Random(seed)
    hood = Neighbourhoods(prob, slots, rng)
    n = len(hood.active)
    if n < 2:
        return best
    size = max(2, min(n, max(8, n // 8)))
    step_wall = 1.0
    spent_det = 0.0
    iteration = 0
    while True:
        left = deadline - time.perf_counter()
        if best.cost == 0:
            break
        if deterministic is None:
            if left < 0.2:
                break
            wall, det = min(left, step_wall), None
        else:
            if spent_det >= deterministic or left <= 0:
                break
            wall, det = left, min(STEP_DETERMINISTIC, deterministic - spent_det)
        iteration += 1
        free = hood.pick(best.placed, size)
        solver, status, tm = solve_restricted(
            prob, slots, best.placed, free, wall=wall, deterministic=det,
            workers=workers, seed=seed + iteration, change_limit=change_limit)
        spent_det += meter.charge(solver, STEP_MIN_CHARGE if det is not None else 0.0)
        if DEBUG:
            print("lns", iteration, len(free), solver.status_name(status), best.cost,
                  round(solver.objective_value), round(solver.wall_time, 2))
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            cost = round(solver.objective_value)
            if cost <= best.cost:
                improved = cost < best.cost
                best = Incumbent(placements(tm, solver), cost, tm, solver)
                if improved and on_improvement is not None:
                    on_improvement(best)
            if status == cp_model.OPTIMAL:
                size = min(n, size + max(1, size // 5))  # solved to optimality: grow
            else:
                size = max(2, size - max(1, size // 10))
        else:
            size = max(2, size - max(1, size // 5))
    return best
