"""Periods first, rooms second: the rooms relaxation and the room assignment that completes it.

On prison weeks rooms barely shape the cost: what costs is isolation, minimum days and
preferences, which start periods decide. The relaxation (`build_model(rooms=False)`) chooses
start periods for one-period sessions, with rooms reduced to counts per period and set of rooms,
so it is a fraction of the full model's size: on a generated 400-session prison week CP-SAT
proved it optimal in under 6 s, where the full model took 45 s. Its optimum bounds the
`RELAXED_KINDS` penalties of every timetable. Rooms are then assigned to its start periods with
the full model restricted to them; when that costs nothing more, the timetable is optimal.
Otherwise the relaxation's bound becomes a cut of the full model and its timetable a hint.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import NamedTuple

from ortools.sat.python import cp_model

from .bounds import terms
from .lns import configure, hint_placements
from .model import TimetableModel, build_model
from .slots import Slots

# The penalties the relaxation counts: those that start periods decide, and the capacity of the
# sessions that keep their rooms there (room stability and change count zero).
RELAXED_KINDS = ("capacity", "min_days", "isolation", "preference")


# The relaxation's full-model worker: CP-SAT's search for a timetable at its current lower
# bound (raising it when there is none), with every constraint in the LP, instead of the plain
# "max_lp". Its other worker keeps the neighbourhood and local searches that improve the
# timetable. Generated 1,000-session prison week: bound 249, reached 20 s in, instead of 245,
# which is only the sum of the optima of its parts that share no cohort nor facilitator (the
# timetables found cost 250-261 either way). 150-session weeks, seeds 0-9, five runs each:
# proven in 0.20-0.52 s on average instead of 0.16-0.68 s (2.8 s in all instead of 3.6 s);
# 400-session weeks as fast on the whole (9.9 s instead of 9.2 s over seeds 0-2).
RELAXATION_SUBSOLVER = "objective_lb_search_max_lp"
# The same worker on school-like weeks: CP-SAT's core-based search, which raises the bound by
# the sets of penalties that cannot all be zero, and there finds a timetable at the bound that
# the other searches miss: the capacity it cannot avoid is the whole optimum of most generated
# dense weeks, and the isolated sessions and missing days they leave are what costs. Generated
# dense weeks at 30 s (relaxation alone, 2 workers): 150 sessions, seed 0 proven at 35 in
# 2.5 s (the other worker stood at 49-57 after 15 s); seed 2 proven in 0.9 s instead of 8 s;
# 400 sessions, seed 5 proven at 0 in 27 s (65 otherwise); seeds 1, 3, 4 ended at 37 / 287 /
# 41 against 32 / 264 / 34 (see solver.SCHOOL_RELAXATION_SHARE for how they end).
SCHOOL_RELAXATION_SUBSOLVER = "core"
# Decay of the constraint weights in CP-SAT's feasibility jump and local search: 1.0, none.
FJ_DECAY = 1.0


class Relaxed(NamedTuple):
    status: int
    bound: int  # proven lower bound of the scaled RELAXED_KINDS penalties (0 if none)
    starts: frozenset[tuple[int, int]]  # (activity, start period) of its best timetable, if any
    rooms: dict[tuple[int, int], int]  # the rooms it chose for sessions of several periods
    spent: float  # deterministic seconds


def relaxed_terms(tm: TimetableModel):
    """The scaled penalties of a model that the relaxation bounds, as one expression."""
    return cp_model.LinearExpr.sum(
        [tm.int_weights[kind] * tm.counts[kind] for kind in RELAXED_KINDS
         if tm.int_weights[kind]])


def build_relaxation(tm: TimetableModel) -> TimetableModel:
    """The rooms relaxation of `tm`'s problem, with the neighbourhood bounds `tm` has proven
    (bounds.py proves them on relaxed sub-problems, so they hold here too)."""
    relaxed = build_model(tm.prob, tm.slots, rooms=False)
    for hood, bound in tm.proven:
        relaxed.model.add(terms(relaxed, hood) >= bound)
    relaxed.model.minimize(relaxed.weighted)
    return relaxed


def solve_relaxation(relaxed: TimetableModel, hint: set[tuple[int, int, int]], *, wall: float,
                     deterministic: float | None, workers: int, seed: int,
                     presolve: dict | None = None,
                     subsolver: str = RELAXATION_SUBSOLVER) -> Relaxed:
    """Solve the rooms relaxation from `hint`'s start periods and rooms, with the `presolve`
    parameters of the week's full runs (solver.LIGHT_PRESOLVE on school-like weeks: ITC 2007
    comp07's relaxation stood at 21-31 after 15 s with it, 31-33 without), and `subsolver` as
    its full-model worker."""
    relaxed.model.clear_hints()
    hinted = {(a, p) for a, p, _ in hint}
    hinted_vars = set()
    for key, var in relaxed.y.items():
        relaxed.model.add_hint(var, int(key in hinted))
        hinted_vars.add(var.index)
    for key, var in relaxed.x.items():
        if var.index not in hinted_vars:  # y is x itself where one room is usable
            relaxed.model.add_hint(var, int(key in hint))
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers=workers, seed=seed, wall=wall,
              deterministic=deterministic)
    solver.parameters.subsolvers.append(subsolver)
    # Without symmetry handling, a generated 400-session prison week's relaxation was proven in
    # 3.2-3.6 s instead of 5.5-10 s; other large weeks took about as long either way. One
    # worker keeps it: there the bound search alone, without symmetries, did not prove in 2.5 s
    # that three activities of two sessions cannot share a cohort in five periods.
    if workers > 1:
        solver.parameters.symmetry_level = 0
    if presolve:  # a school-like week
        for name, value in presolve.items():
            setattr(solver.parameters, name, value)
    else:
        # CP-SAT's local search ("ls") keeps the weights of the constraints it violated instead
        # of letting them decay, as in the searches at the bound (solver._at_bound):
        # late in a 1,000-session prison week's relaxation it finds most of the improvements,
        # and the run ended within 1 % of its bound in 12 of 14 runs with this, against 9 of 14
        # (mean 250.6 / 251.4). Not on school-like weeks: a generated 400-session dense week
        # was proven optimal in 1 of 4 runs with it, against 4 of 4 without.
        solver.parameters.feasibility_jump_decay = FJ_DECAY
    status = solver.solve(relaxed.model)
    starts: frozenset[tuple[int, int]] = frozenset()
    rooms: dict[tuple[int, int], int] = {}
    bound = 0
    if status == cp_model.OPTIMAL:
        bound = round(solver.objective_value)
    elif math.isfinite(solver.best_objective_bound) and status != cp_model.INFEASIBLE:
        bound = max(0, math.ceil(solver.best_objective_bound - 1e-6))
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        starts = frozenset(key for key, var in relaxed.y.items() if solver.value(var))
        rooms = {(a, p): r for (a, p, r), var in relaxed.x.items() if solver.value(var)}
    return Relaxed(status, bound, starts, rooms, solver.deterministic_time)


def placements(relaxed: Relaxed) -> set[tuple[int, int, int]]:
    """The relaxation's timetable as placements, rooms of one-period sessions left as -1."""
    return {(a, p, relaxed.rooms.get((a, p), -1)) for a, p in relaxed.starts}


def short_room_sets(tm: TimetableModel, relaxed: Relaxed) -> set[frozenset[int]]:
    """Sets of rooms that the relaxation's timetable overfills in some period.

    In each period, its one-period sessions are matched to the open rooms that sessions of
    several periods leave free. A session left out, with every session that alternating paths
    reach from it, needs more rooms than those sessions can use (Konig): the rooms suitable for
    them form a set whose count constraint (model.add_room_counts) the timetable breaks."""
    slots = tm.slots
    held: dict[int, set[int]] = defaultdict(set)
    waiting: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for key in sorted(relaxed.starts):
        if key in relaxed.rooms:
            for q in slots.cover[key]:
                held[q].add(relaxed.rooms[key])
        else:
            waiting[key[1]].append(key)
    short: set[frozenset[int]] = set()
    for q, keys in waiting.items():
        options = {key: [r for r in slots.rooms[key] if r not in held[q]] for key in keys}
        holder = _matching(options)
        matched = set(holder.values())
        for key in keys:
            if key in matched:
                continue
            reached, frontier = {key}, [key]
            while frontier:
                for r in options[frontier.pop()]:
                    other = holder.get(r)
                    if other is not None and other not in reached:
                        reached.add(other)
                        frontier.append(other)
            short.add(frozenset(r for a, _ in reached for r in slots.suitable_rooms[a]))
    return short


def _matching(options: dict) -> dict:
    """A maximum matching of keys to rooms (augmenting paths): room -> key."""
    holder: dict = {}

    def augment(key, seen: set) -> bool:
        for r in options[key]:
            if r in seen:
                continue
            seen.add(r)
            if r not in holder or augment(holder[r], seen):
                holder[r] = key
                return True
        return False

    for key in sorted(options, key=lambda k: len(options[k])):
        augment(key, set())
    return holder


def period_slots(slots: Slots, relaxed: Relaxed, free: frozenset[int] = frozenset(),
                 keep_rooms: bool = True) -> Slots:
    """Admissible placements when every session keeps its start period and, with
    `keep_rooms`, sessions of several periods their rooms too; other sessions may take any
    usable room. Activities in `free` keep nothing. The relaxation does not see room
    stability: on a generated 1,000-session week, keeping its rooms cost 47 of it (303 after
    rooms for a timetable of 256), letting them change none (252 for 252, in 1.3 s instead
    of 0.5 s)."""
    cover = {key: slots.cover[key] for key in relaxed.starts if key[0] not in free}
    rooms = {key: (relaxed.rooms[key],) if keep_rooms and key in relaxed.rooms
             else slots.rooms[key] for key in cover}
    for key, usable in slots.rooms.items():
        if key[0] in free:
            cover[key], rooms[key] = slots.cover[key], usable
    return Slots(cover, rooms, slots.suitable_rooms)


def assign_rooms(tm: TimetableModel, relaxed: Relaxed, *, wall: float,
                 deterministic: float | None, workers: int, seed: int,
                 free: frozenset[int] = frozenset(), bound: int = 0,
                 hint: set[tuple[int, int, int]] | None = None, keep_rooms: bool = True
                 ) -> tuple[cp_model.CpSolver, int, TimetableModel]:
    """The cheapest rooms for the relaxation's timetable: the full model restricted to its
    start periods (`period_slots`), where activities in `free` may also move. It may be
    infeasible: counts per set of rooms do not see every shortage. `bound`, a proven lower
    bound of the relaxed penalties, lets it stop when it reaches it. It starts from `hint`
    (placements), by default from `home_rooms`; `keep_rooms` as in `period_slots`."""
    assigned = build_model(tm.prob, period_slots(tm.slots, relaxed, free, keep_rooms))
    if bound:  # the relaxation's: reaching it proves the timetable optimal at once
        assigned.model.add(relaxed_terms(assigned) >= bound)
    assigned.model.minimize(assigned.weighted)
    hint_placements(assigned.model, assigned.x, home_rooms(tm, relaxed) if hint is None else hint)
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers=workers, seed=seed, wall=wall,
              deterministic=deterministic)
    # Probing a matching finds nothing to fix; on a 1,000-session week it cost the whole limit.
    solver.parameters.cp_model_probing_level = 0
    return solver, solver.solve(assigned.model), assigned


def home_rooms(tm: TimetableModel, relaxed: Relaxed) -> set[tuple[int, int, int]]:
    """Rooms for the relaxation's timetable by a greedy that keeps each activity in one room:
    largest activities first, each in the room free at all its start periods that costs least
    (capacity), unless seating its sessions one by one costs less (capacity and room stability).
    Sessions that find no free room stay out. As the room assignment's starting point, it cut
    ITC 2007 comp07's cost after 10 s from 97 to 79 (room stability 48 -> 30)."""
    prob, slots = tm.prob, tm.slots
    capacity_weight = prob.weights.capacity
    stability_weight = prob.weights.room_stability or 0
    taken: set[tuple[int, int]] = set()  # (room, period)
    placed: set[tuple[int, int, int]] = set()
    starts_of: dict[int, list[int]] = defaultdict(list)
    for a, p in sorted(relaxed.starts):
        if (a, p) in relaxed.rooms:
            r = relaxed.rooms[a, p]
            taken.update((r, q) for q in slots.cover[a, p])
            placed.add((a, p, r))
        else:
            starts_of[a].append(p)

    def cost(a: int, r: int) -> float:
        if capacity_weight is None:
            return 0
        return capacity_weight * max(0, prob.activities[a].participants - prob.rooms[r].capacity)

    def is_free(r: int, a: int, p: int) -> bool:
        return all((r, q) not in taken for q in slots.cover[a, p])

    for a in sorted(starts_of, key=lambda a: (-prob.activities[a].participants,
                                              -len(starts_of[a]), a)):
        starts = starts_of[a]
        common = set(slots.rooms[a, starts[0]]).intersection(*(slots.rooms[a, p]
                                                               for p in starts[1:]))
        homes = [r for r in sorted(common) if all(is_free(r, a, p) for p in starts)]
        home = min(homes, key=lambda r: (cost(a, r), prob.rooms[r].capacity), default=None)
        one_by_one: list[tuple[int, int]] = []
        used: set[int] = set()
        for p in starts:
            options = [r for r in slots.rooms[a, p] if is_free(r, a, p)]
            if options:
                r = min(options, key=lambda r: (cost(a, r) + (r not in used) * stability_weight,
                                                prob.rooms[r].capacity, r))
                used.add(r)
                one_by_one.append((p, r))
        split_cost = sum(cost(a, r) for _, r in one_by_one) \
            + stability_weight * max(0, len(used) - 1)
        if home is not None and (len(one_by_one) < len(starts)
                                 or cost(a, home) * len(starts) <= split_cost):
            one_by_one = [(p, home) for p in starts]
        for p, r in one_by_one:
            taken.update((r, q) for q in slots.cover[a, p])
            placed.add((a, p, r))
    return placed


def moving_rooms(tm: TimetableModel, placed: set[tuple[int, int, int]]) -> frozenset[int]:
    """Activities whose sessions use more than one room, with the activities that share a
    compact cohort, a facilitator or a room with them (those are what keeps them in place)."""
    rooms_of: dict[int, set[int]] = defaultdict(set)
    for a, _, r in placed:
        rooms_of[a].add(r)
    moving = {a for a, rooms in rooms_of.items() if len(rooms) > 1}
    return _with_ties(tm, placed, moving, {r for a, _, r in placed if a in moving})


def stranded(tm: TimetableModel, relaxed: Relaxed,
             seated: set[tuple[int, int, int]]) -> frozenset[int]:
    """Activities whose sessions in the relaxation's timetable `seated` (a first fit) left
    without a room, with the activities sharing a compact cohort or a facilitator with them
    and those seated, in those sessions' periods, in rooms they could use."""
    seated_starts = {(a, p) for a, p, _ in seated}
    unseated = [(a, p) for a, p in relaxed.starts if (a, p) not in seated_starts]
    short = {a for a, _ in unseated}
    crowded = {(r, q) for a, p in unseated for q in tm.slots.cover[a, p]
               for r in tm.slots.rooms[a, p]}
    in_the_way = {b for b, p, r in seated
                  if any((r, q) in crowded for q in tm.slots.cover[b, p])}
    return _with_ties(tm, seated, short) | in_the_way


def _with_ties(tm: TimetableModel, placed: set[tuple[int, int, int]], moving: set[int],
               rooms: frozenset[int] | set[int] = frozenset()) -> frozenset[int]:
    """`moving` with the activities sharing a compact cohort or a facilitator with them, and
    those placed in `rooms`: what keeps them where they are."""
    prob = tm.prob
    tied = set(moving)
    for cohort in prob.cohorts:
        if cohort.compact and moving.intersection(cohort.activities):
            tied.update(cohort.activities)
    people = {person for a in moving for person in prob.activities[a].facilitators}
    tied.update(a for a, activity in enumerate(prob.activities)
                if people.intersection(activity.facilitators))
    # and the activities in their rooms, which may have to make way
    tied.update(a for a, _, r in placed if r in rooms)
    return frozenset(a for a in tied if prob.activities[a].sessions)


def first_fit_rooms(tm: TimetableModel, relaxed: Relaxed) -> set[tuple[int, int, int]]:
    """Rooms for as many of the relaxation's sessions as a first fit finds (the rest stay out,
    for `stranded`): sessions with their own rooms first, then those with the fewest rooms."""
    slots = tm.slots
    taken: set[tuple[int, int]] = set()  # (room, period)
    placed: set[tuple[int, int, int]] = set()
    keyed = sorted(relaxed.starts, key=lambda key: (key not in relaxed.rooms,
                                                    len(slots.rooms[key]), key))
    for a, p in keyed:
        choices = (relaxed.rooms[a, p],) if (a, p) in relaxed.rooms else slots.rooms[a, p]
        for r in choices:
            if not any((r, q) in taken for q in slots.cover[a, p]):
                taken.update((r, q) for q in slots.cover[a, p])
                placed.add((a, p, r))
                break
    return placed
