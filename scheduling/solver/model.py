"""The CP-SAT model: aggregated start variables over admissible placements only.

Sessions of one activity are interchangeable, so there is no session index: x[a, p, r] is 1 when
a session of activity a starts at period p in room r, and y[a, p] = sum_r x[a, p, r] says that a
session starts at p. At most one session of an activity covers any period, so both are booleans.
Every penalty is channelled exactly (its value equals the cost of the timetable, not only bounds
it) and every penalty variable has a lower bound of zero, so the reported bound is meaningful.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from fractions import Fraction

from ortools.sat.python import cp_model

from .problem import WEIGHT_KINDS, Problem
from .slots import Slots

# Redundant isolation cuts per run of consecutive periods (see _isolation). Off: they did not
# raise the bound on generated weeks and delayed the first solution on xlarge (none at 60 s).
RUN_CUTS = False


@dataclass
class TimetableModel:
    prob: Problem
    slots: Slots
    model: cp_model.CpModel
    x: dict[tuple[int, int, int], cp_model.IntVar]
    y: dict[tuple[int, int], cp_model.IntVar]
    # Unweighted count of each penalty kind, as a linear expression of the model's variables.
    counts: dict[str, cp_model.LinearExprT]
    # The weighted sum, scaled to integers: objective = weighted / scale.
    weighted: cp_model.LinearExprT = 0
    scale: int = 1
    int_weights: dict[str, int] = field(default_factory=dict)
    # (activity, day) -> literal "a session of the activity starts on that day" (min_days only).
    day_used: dict[tuple[int, int], object] = field(default_factory=dict)
    run_cuts: bool = True
    # Unweighted penalty terms that depend on one activity only, per kind: activity -> expr.
    by_activity: dict[str, dict[int, cp_model.LinearExprT]] = field(default_factory=dict)
    # Unweighted isolation count of each compact cohort: cohort -> expr.
    by_cohort: dict[int, cp_model.LinearExprT] = field(default_factory=dict)
    # Lower bounds proven on neighbourhoods and added as cuts (bounds.py): (neighbourhood, bound).
    proven: list = field(default_factory=list)
    # False for the rooms relaxation (see build_model).
    rooms: bool = True
    # A lower bound of `weighted` proven outside the model's own runs (the rooms relaxation's).
    lower_bound: int = 0


def integer_weights(prob: Problem) -> tuple[dict[str, int], int]:
    """Weights scaled by the smallest power of ten (up to 10^6) that makes them integers."""
    values = {kind: Fraction(str(getattr(prob.weights, kind) or 0)) for kind in WEIGHT_KINDS}
    scale = 1
    while scale < 10**6 and any((v * scale).denominator != 1 for v in values.values()):
        scale *= 10
    return {kind: round(v * scale) for kind, v in values.items()}, scale


def build_model(prob: Problem, slots: Slots, *, rooms: bool = True,
                capacity_floor: bool = True, room_counts: bool = True) -> TimetableModel:
    """The model of `prob` over the admissible placements `slots`. With `rooms=False`, the
    rooms relaxation: one-period sessions get start periods only (y, no x) and meet rooms only
    through the per-period counts of `_add_hall_bounds`; sessions of several periods keep their
    rooms, which must stay the same from one period to the next, and so do activities with
    fixed sessions (those name their rooms). Room stability and change count zero there, so
    its optimum is a lower bound of the full problem's. There, `capacity_floor` adds the
    per-period bound of the soft-capacity penalty of one-period sessions (`_capacity_floor`).
    With rooms, `room_counts=False` leaves out the redundant counts per set of rooms
    (`_add_hall_bounds`)."""
    model = cp_model.CpModel()
    x: dict[tuple[int, int, int], cp_model.IntVar] = {}
    y: dict[tuple[int, int], cp_model.IntVar] = {}
    starts_of: dict[int, list[int]] = defaultdict(list)
    for (a, p), usable in slots.rooms.items():
        starts_of[a].append(p)
        if not rooms and prob.activities[a].length == 1 and not prob.activities[a].fixed:
            y[a, p] = model.new_bool_var(f"y_{a}_{p}")
            continue
        for r in usable:
            x[a, p, r] = model.new_bool_var(f"x_{a}_{p}_{r}")
        if len(usable) == 1:
            y[a, p] = x[a, p, usable[0]]
        else:
            y[a, p] = model.new_bool_var(f"y_{a}_{p}")
            model.add(sum(x[a, p, r] for r in usable) == y[a, p])

    for a, activity in enumerate(prob.activities):
        if activity.sessions:
            model.add(sum(y[a, p] for p in starts_of[a]) == activity.sessions)
        for p, r in set(activity.fixed):
            # Inadmissible or repeated fixed placements are explained before the model is built.
            model.add((x[a, p, r] if (a, p, r) in x else y[a, p]) == 1)

    _add_clash_constraints(prob, slots, model, x, y)
    if room_counts or not rooms:  # without rooms, the counts are what stands for them
        _add_hall_bounds(prob, slots, model, y, None if rooms else x)
    tm = TimetableModel(prob, slots, model, x, y, counts={}, run_cuts=RUN_CUTS, rooms=rooms)
    tm.int_weights, tm.scale = integer_weights(prob)
    _add_penalties(tm, starts_of, capacity_floor)
    tm.weighted = sum(tm.int_weights[kind] * tm.counts[kind] for kind in WEIGHT_KINDS
                      if tm.int_weights[kind])
    return tm


def _add_clash_constraints(prob, slots, model, x, y) -> None:
    """At most one session per room, person, activity and cohort in each period; wing limits."""
    in_room: dict[tuple[int, int], list] = defaultdict(list)
    for (a, p, r), var in x.items():
        for q in slots.cover[a, p]:
            in_room[r, q].append(var)
    groups: list[list] = list(in_room.values())

    by_activity: dict[int, dict[int, list]] = defaultdict(dict)  # activity -> period -> starts
    for (a, p), var in y.items():
        for q in slots.cover[a, p]:
            by_activity[a].setdefault(q, []).append(var)
    led_by: dict[int, list[int]] = defaultdict(list)
    for a, activity in enumerate(prob.activities):
        for person in activity.facilitators:
            led_by[person].append(a)
    owners = [acts for acts in led_by.values()]
    owners += [list(cohort.activities) for cohort in prob.cohorts]
    owners += [[a] for a, activity in enumerate(prob.activities) if activity.length > 1]
    # Per period, in the owners' order; an owner only where its activities run, since
    # sub-problems (bounds.py) leave most activities without sessions.
    by_period: dict[int, list[list]] = defaultdict(list)
    for acts in owners:
        running: dict[int, list] = {}
        for a in acts:
            for q, starts in by_activity.get(a, {}).items():
                running.setdefault(q, []).extend(starts)
        for q, starts in running.items():
            by_period[q].append(starts)
    for q in sorted(by_period):
        groups += by_period[q]
    seen: set[frozenset[int]] = set()
    for group in groups:
        if len(group) < 2:
            continue
        key = frozenset(v.index for v in group)
        if key not in seen:
            seen.add(key)
            model.add_at_most_one(group)

    for w, wing in enumerate(prob.wings):
        members = [a for a, activity in enumerate(prob.activities)
                   if w in activity.wings and a in by_activity]
        if not members:
            continue
        for q in range(len(prob.periods)):
            limit = wing.limit(q)
            running = [var for a in members for var in by_activity[a].get(q, ())]
            if limit is not None and len(running) > limit:
                model.add(sum(running) <= limit)


def _add_hall_bounds(prob, slots, model, y, placed_in_rooms=None, room_sets=None) -> None:
    """Redundant: sessions whose rooms all lie in a set S cannot outnumber S's open rooms.

    Implied by the room constraints, but stated on y it lets propagation and the LP see room
    shortages without going through the room variables. In the rooms relaxation they are what
    stands for rooms: there, `placed_in_rooms` holds the room variables of the sessions that
    keep them, and each counts in the sets that hold its room. S ranges over `room_sets`, by
    default every activity's suitable rooms and all rooms.
    """
    if room_sets is None:
        room_sets = {frozenset(rooms) for rooms in slots.suitable_rooms if rooms}
        room_sets.add(frozenset(range(len(prob.rooms))))
    running: dict[int, list[tuple[frozenset, object]]] = defaultdict(list)
    with_room = {(a, p) for a, p, _ in placed_in_rooms or ()}
    for (a, p), var in y.items():
        if (a, p) in with_room:
            continue
        for q in slots.cover[a, p]:
            running[q].append((frozenset(slots.suitable_rooms[a]), var))
    for (a, p, r), var in (placed_in_rooms or {}).items():
        for q in slots.cover[a, p]:
            running[q].append((frozenset((r,)), var))
    for q, sessions in running.items():
        for room_set in room_sets:
            inside = [var for rooms, var in sessions if rooms <= room_set]
            open_rooms = sum(1 for r in room_set if q not in prob.rooms[r].unavailable)
            if len(inside) > open_rooms:
                model.add(sum(inside) <= open_rooms)


def add_room_counts(tm: TimetableModel, room_sets) -> None:
    """Count constraints for more sets of rooms (see _add_hall_bounds): the rooms relaxation
    learns them where its timetable found no rooms."""
    _add_hall_bounds(tm.prob, tm.slots, tm.model, tm.y, None if tm.rooms else tm.x,
                     set(room_sets))


def _add_penalties(tm: TimetableModel, starts_of: dict[int, list[int]],
                   capacity_floor: bool) -> None:
    prob, slots, x, y = tm.prob, tm.slots, tm.x, tm.y
    w = tm.int_weights
    counts: dict[str, cp_model.LinearExprT] = dict.fromkeys(WEIGHT_KINDS, 0)

    by_activity: dict[str, dict[int, cp_model.LinearExprT]] = {
        kind: defaultdict(int) for kind in ("capacity", "preference", "min_days",
                                            "room_stability")}
    if prob.weights.capacity is not None:
        for (a, _p, r), var in x.items():
            excess = max(0, prob.activities[a].participants - prob.rooms[r].capacity)
            if excess:
                by_activity["capacity"][a] += excess * var
    for (a, p), var in y.items():
        unpreferred = _unpreferred(prob, a, slots.cover[a, p])
        if unpreferred:
            by_activity["preference"][a] += unpreferred * var

    # change: with x <= 1, max(0, m - x) = m - x for every previous pair kept m >= 1 times.
    previous = Counter(prob.previous)
    if tm.rooms:
        counts["change"] = sum(previous.values()) - sum(
            x[key] for key in previous if key in x)

    if w["min_days"]:
        by_activity["min_days"] = _min_days(tm, starts_of)
    if w["room_stability"] and tm.rooms:
        by_activity["room_stability"] = _room_stability(tm, starts_of)
    for kind, terms in by_activity.items():
        counts[kind] = sum(terms.values())
    if prob.weights.capacity is not None and not tm.rooms and capacity_floor:
        counts["capacity"] += _capacity_floor(tm)
    tm.by_activity = by_activity
    tm.by_cohort = _isolation(tm) if w["isolation"] else {}
    counts["isolation"] = sum(tm.by_cohort.values())
    tm.counts = counts


def _capacity_floor(tm: TimetableModel) -> cp_model.LinearExprT:
    """The rooms relaxation's lower bound of the soft-capacity penalty of its one-period sessions
    (which have no rooms there), per period.

    A session of p participants in a room of capacity c costs the number of integers t with
    c < t <= p. So at threshold t, the N(t) sessions of at least t participants running in a
    period, with only R(t) open rooms of capacity t or more, put at least N(t) - R(t) of them in
    smaller rooms: the penalty is at least the sum over t of max(0, N(t) - R(t)), and exactly that
    when rooms differ only in capacity (largest sessions in largest rooms). Without it, the
    relaxation of a school-like week with soft capacity ignored capacity altogether, and its
    timetable cost hundreds once rooms were assigned."""
    prob, slots, model = tm.prob, tm.slots, tm.model
    roomless: dict[int, list[tuple[int, object]]] = defaultdict(list)  # period -> (size, y)
    for (a, p), var in tm.y.items():
        if any((a, p, r) in tm.x for r in slots.rooms[a, p]):
            continue  # placed in a room of its own: its capacity is counted exactly
        roomless[p].append((prob.activities[a].participants, var))
    floor = []
    for q, sessions in sorted(roomless.items()):
        open_sizes = [room.capacity for room in prob.rooms if q not in room.unavailable]
        thresholds = sorted({size for size, _ in sessions} | set(open_sizes))
        below = 0
        for t in thresholds:
            step, below = t - below, t
            if t <= 0:
                continue
            big = [var for size, var in sessions if size >= t]
            rooms = sum(1 for capacity in open_sizes if capacity >= t)
            if len(big) <= rooms:
                continue
            short = model.new_int_var(0, len(big) - rooms, "")
            model.add(short >= sum(big) - rooms)
            floor.append(step * short)
    return sum(floor)


def _unpreferred(prob: Problem, a: int, periods: tuple[int, ...]) -> int:
    total = 0
    for person in prob.activities[a].facilitators:
        preferred = prob.people[person].preferred
        if preferred:
            total += sum(1 for q in periods if q not in preferred)
    return total


def _min_days(tm: TimetableModel, starts_of) -> dict[int, cp_model.LinearExprT]:
    """sum over activities of max(0, min_days - days with a start)."""
    prob, model, y = tm.prob, tm.model, tm.y
    total: dict[int, cp_model.LinearExprT] = {}
    for a, activity in enumerate(prob.activities):
        if activity.sessions == 0 or activity.min_days <= 1:
            continue  # one session already covers one day
        by_day: dict[int, list] = defaultdict(list)
        for p in starts_of[a]:
            by_day[prob.periods[p].day].append(y[a, p])
        days = []
        for day, starts in by_day.items():
            if len(starts) == 1:
                used = starts[0]
            else:
                used = model.new_bool_var("")
                model.add(used <= sum(starts))
                for start in starts:
                    model.add_implication(start, used)
            tm.day_used[a, day] = used
            days.append(used)
        most_days = min(activity.sessions, len(days))
        lowest = max(0, activity.min_days - most_days)
        highest = activity.min_days - 1
        if lowest == highest:
            total[a] = lowest
            continue
        short = model.new_int_var(lowest, highest, "")
        model.add_max_equality(short, [0, activity.min_days - sum(days)])
        total[a] = short
    return total


def _room_stability(tm: TimetableModel, starts_of) -> dict[int, cp_model.LinearExprT]:
    """sum over activities of max(0, rooms used - 1), with rooms used >= 1."""
    prob, model, x = tm.prob, tm.model, tm.x
    total: dict[int, cp_model.LinearExprT] = {}
    for a, activity in enumerate(prob.activities):
        if activity.sessions < 2:
            continue
        by_room: dict[int, list] = defaultdict(list)
        for p in starts_of[a]:
            for r in tm.slots.rooms[a, p]:
                by_room[r].append(x[a, p, r])
        if len(by_room) < 2:
            continue
        used = []
        for starts in by_room.values():
            room_used = model.new_bool_var("")
            model.add(room_used <= sum(starts))
            for start in starts:
                model.add_implication(start, room_used)
            # Aggregated form: without it the LP spreads x thinly and lets sum(used) drop
            # below 1, which drove the bound negative.
            model.add(activity.sessions * room_used >= sum(starts))
            used.append(room_used)
        model.add(sum(used) >= 1)
        extra = model.new_int_var(0, min(activity.sessions, len(used)) - 1, "")
        # max(0, used - 1) rather than used - 1: presolve would substitute the equality into the
        # objective, and the domain bound of sum(used) - 1 starts below zero.
        model.add_max_equality(extra, [0, sum(used) - 1])
        total[a] = extra
    return total


def _segments(prob: Problem) -> list[int]:
    """segment[p]: the first period of the run of consecutive periods that p belongs to."""
    segment = []
    for p in range(len(prob.periods)):
        first = p
        while prob.prev_period[first] is not None:
            first = prob.prev_period[first]
        segment.append(first)
    return segment


def _isolation(tm: TimetableModel) -> dict[int, cp_model.LinearExprT]:
    """Per compact cohort, sessions with no cohort session ending just before or starting just
    after. Sessions of one cohort never overlap, so "a cohort session starts at q" and "one ends
    at q" are 0/1 sums; starts are aggregated per (period, length), which is exact and has a
    tighter LP than one variable per activity.

    Redundant cuts per (cohort, run of consecutive periods): a run holding exactly one cohort
    session holds an isolated one, so isolated >= 2 * on - n, where n counts the cohort's sessions
    in the run and `on` says it has one; and a day on which a member activity has a session
    (min_days's day literals) has the cohort on in one of its runs. Without them the LP spreads
    sessions thinly and sees no isolation at all."""
    prob, slots, model, y = tm.prob, tm.slots, tm.model, tm.y
    segment = _segments(prob)
    starts_of: dict[int, list[int]] = defaultdict(list)
    for (a, p) in y:
        starts_of[a].append(p)
    by_cohort: dict[int, cp_model.LinearExprT] = {}
    for c, cohort in enumerate(prob.cohorts):
        if not cohort.compact:
            continue
        total = []
        members = sorted(set(cohort.activities))
        starting: dict[int, list] = defaultdict(list)
        ending: dict[int, list] = defaultdict(list)
        by_start_length: dict[tuple[int, int], list] = defaultdict(list)
        for a in members:
            for p in starts_of.get(a, ()):
                var = y[a, p]
                periods = slots.cover[a, p]
                starting[p].append(var)
                ending[periods[-1]].append(var)
                by_start_length[p, len(periods)].append(var)
        isolated_in: dict[int, list] = defaultdict(list)  # run -> isolation terms
        for (p, length), here in by_start_length.items():
            last = prob.covered(p, length)[-1]
            before, after = prob.prev_period[p], prob.next_period[last]
            neighbours = []
            if before is not None:
                neighbours.append(sum(ending[before]))
            if after is not None:
                neighbours.append(sum(starting[after]))
            neighbours = [n for n in neighbours if not isinstance(n, int)]
            if not neighbours:
                total.append(sum(here))
                isolated_in[segment[p]].append(sum(here))
                continue
            isolated = model.new_bool_var("")
            model.add(isolated >= sum(here) - sum(neighbours))
            model.add(isolated <= sum(here))
            for neighbour in neighbours:
                model.add(isolated + neighbour <= 1)
            total.append(isolated)
            isolated_in[segment[p]].append(isolated)
        by_cohort[c] = sum(total)
        if not tm.run_cuts:
            continue
        in_run: dict[int, list] = defaultdict(list)
        for p, vars_ in starting.items():
            in_run[segment[p]].extend(vars_)
        on_by_day: dict[int, list] = defaultdict(list)
        for run, vars_ in in_run.items():
            on = model.new_bool_var("")
            for var in vars_:
                model.add_implication(var, on)
            model.add(on <= sum(vars_))
            model.add(sum(isolated_in[run]) >= 2 * on - sum(vars_))
            on_by_day[prob.periods[run].day].append(on)
        for a in members:
            for day, ons in on_by_day.items():
                used = tm.day_used.get((a, day))
                if used is not None:
                    model.add(sum(ons) >= used)
    return by_cohort
