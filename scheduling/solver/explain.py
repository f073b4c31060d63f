"""Why no timetable exists: a small set of requirements that cannot hold together.

Three steps. `precheck` looks at each activity and each fixed session alone (no solver): an
activity that cannot fit its sessions even in an empty week is explained from its own
requirements, shrunk by a deletion filter. `explain_infeasibility` then looks at small sets of
activities that share a person, a cohort, a wing or rooms, each on its own in an empty week, and
last at the whole problem: every requirement group gets an enforcement literal, CP-SAT returns a
sufficient set of assumptions for infeasibility, and a deletion filter shrinks it. Each group
becomes one plain English sentence.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter, defaultdict
from collections.abc import Callable

from ortools.sat.python import cp_model

from .greedy import greedy_placement
from .problem import Problem
from .slots import Group, compute_slots, start_blockers, suitable_rooms

MAX_LISTED = 8
# Largest set of activities that the local pass looks at on its own (`_local_explanation`).
LOCAL_MAX_ACTIVITIES = 60
# Wall-clock and deterministic caps of each solve of the local pass: its models are small.
LOCAL_CALL_CAP = (1.0, 0.5)


def precheck(prob: Problem, slots, time_limit: float = 10.0,
             deterministic: float | None = None) -> list[dict]:
    """Explanations for fixed sessions and activities that are impossible on their own, and
    for the activities of one person, cohort, wing or set of rooms that need more periods than
    they can have together (`_overfull`); the limits are those of `explain_infeasibility`."""
    k = 0
    for a, activity in enumerate(prob.activities):
        for i, (p, r) in enumerate(activity.fixed):
            reasons = _fixed_problems(prob, k, i, a, p, r)
            if reasons:
                return reasons
            k += 1
    for a, activity in enumerate(prob.activities):
        if activity.sessions and _placeable(prob, a, frozenset()) < activity.sessions:
            return _activity_alone(prob, a)
    usable: dict[int, set[int]] = defaultdict(set)  # activity -> periods its sessions may cover
    for (a, _), periods in slots.cover.items():
        usable[a].update(periods)
    overfull = [(members, shared) for members, shared in _local_groups(prob)
                if _overfull(prob, members, shared, usable)]
    if overfull:
        dropped, oracle = _dropped(prob), _Oracle(time_limit, deterministic)
        for members, shared in overfull:
            reasons = _explain_set(prob, _only(prob, members, dropped), shared, oracle)
            if reasons:
                return reasons
    return []


def _overfull(prob: Problem, members: frozenset[int], shared: tuple,
              usable: dict[int, set[int]]) -> bool:
    """Whether the activities of one person or cohort (one session at a time), of one wing
    (its escort limit) or of one set of rooms (its open rooms) need more periods than they can
    have together: in each period, no more sessions than the members that may cover it and
    than the limit. Impossible whatever the rest of the week; found before any search, it is
    explained in under a second, where the rooms relaxation of a generated 1,000-session week
    took 8 s to find that no timetable exists."""
    kind, what = shared
    needed = sum(prob.activities[a].sessions * prob.activities[a].length for a in members)
    covering: Counter = Counter(q for a in members for q in usable[a])
    available = 0
    for q, count in covering.items():
        if kind == "wing":
            limit = prob.wings[what].limit(q)
        elif kind == "rooms":
            limit = sum(1 for r in what if q not in prob.rooms[r].unavailable)
        else:
            limit = 1
        available += count if limit is None else min(count, limit)
    return needed > available


def explain_infeasibility(prob: Problem, slots, time_limit: float = 10.0,
                          deterministic: float | None = None) -> list[dict]:
    """Requirements that together make `prob` infeasible.

    First locally: the activities of one person, one cohort, one wing or one set of rooms on
    their own, with the rest of the week empty (`_local_explanation`). Then over the whole
    problem, with assumptions. With a `deterministic` budget, the calls stop on deterministic
    time (the explanation is then reproducible) and `time_limit` is a safety net only."""
    oracle = _Oracle(time_limit, deterministic)
    local = _local_explanation(prob, oracle)
    if local:
        return local
    relaxed = _RelaxedModel(prob)
    core = list(relaxed.literals.values())
    if not oracle.infeasible(relaxed.model, core):
        return [_sentence("no_timetable", "No timetable satisfies every requirement together "
                          "(the reason could not be narrowed down in time).", [])]
    core = oracle.core or core
    for lit in list(core):  # deletion filter
        if lit not in core:
            continue
        trial = [other for other in core if other is not lit]
        if oracle.infeasible(relaxed.model, trial):
            kept = {other.index for other in oracle.core}
            core = [other for other in trial if other.index in kept] or trial
    groups = {lit.index: group for group, lit in relaxed.literals.items()}
    return [_describe(prob, groups[lit.index]) for lit in core]


def _local_explanation(prob: Problem, oracle: _Oracle) -> list[dict]:
    """The requirements of the first small set of activities that cannot hold on its own (see
    `_local_groups` and `_explain_set`); [] when every such set fits. A first fit of the set
    into an empty week proves most sets feasible at once."""
    dropped = _dropped(prob)
    for members, shared in _local_groups(prob):
        if oracle.exhausted():
            break
        sub = _only(prob, members, dropped)
        needed = sum(sub.activities[a].sessions for a in members)
        if len(greedy_placement(sub, compute_slots(sub))) == needed:
            continue
        reasons = _explain_set(prob, sub, shared, oracle)
        if reasons:
            return reasons
    return []


def _dropped(prob: Problem) -> tuple:
    return tuple(dataclasses.replace(activity, sessions=0, fixed=())
                 for activity in prob.activities)


def _only(prob: Problem, members: frozenset[int], dropped: tuple) -> Problem:
    """`prob` with the sessions of `members` only."""
    return dataclasses.replace(
        prob, activities=tuple(activity if a in members else dropped[a]
                               for a, activity in enumerate(prob.activities)),
        previous=(), strict_stability=False)


def _explain_set(prob: Problem, sub: Problem, shared: tuple, oracle: _Oracle) -> list[dict]:
    """When the sessions of `sub` (a set of activities) cannot all be placed, its requirements
    that show it, shrunk by `_shrink`, after a sentence on what the set needs in all; else [].

    Solved without assumptions (see _RelaxedModel.fixed), so that a count such as "22 periods
    of sessions, 21 free periods" is proven at once, where the whole problem under assumptions
    was not in 2.5 s (generated 400-session week)."""
    relaxed = _RelaxedModel(sub)

    def infeasible(groups: list[Group]) -> bool:
        return oracle.infeasible(relaxed.fixed(groups), cap=LOCAL_CALL_CAP)

    every = list(relaxed.literals)  # every requirement group of the set
    if not infeasible(every):
        return []
    kept = _shrink(every, infeasible)
    needing = sorted(i for kind, i in kept if kind == "activity")
    summary = [_overloaded(prob, needing, shared)] if len(needing) > 1 else []
    return summary + [_describe(sub, group) for group in kept]


def _shrink(candidates: list, infeasible: Callable[[list], bool]) -> list:
    """A minimal subset of `candidates`, which together are infeasible, that is still infeasible:
    QuickXplain's divide and conquer, a few calls per requirement kept instead of one per
    candidate (generated 1,000-session week: a set of 12 activities with 150 requirements,
    which one call per requirement did not finish in 10 s). A call that runs out of time
    counts as feasible, so what it tested is kept."""

    def needed(base: list, part: list, base_grew: bool) -> list:
        if base_grew and infeasible(base):
            return []
        if len(part) == 1:
            return part
        first, second = part[:len(part) // 2], part[len(part) // 2:]
        in_second = needed(base + first, second, True)
        in_first = needed(base + in_second, first, bool(in_second))
        return in_first + in_second

    return needed([], candidates, False)


def _local_groups(prob: Problem) -> list[tuple[frozenset[int], tuple]]:
    """Sets of at least two activities with sessions, at most LOCAL_MAX_ACTIVITIES, smallest
    first, each with what they share: those a person leads ("person", i), those of a cohort
    ("cohort", i), those of a wing with an escort limit ("wing", i), and those whose suitable
    rooms all lie in one activity's suitable rooms ("rooms", rooms)."""
    active = [a for a, activity in enumerate(prob.activities) if activity.sessions]
    sets: list[tuple[frozenset[int], tuple]] = []
    for person in range(len(prob.people)):
        sets.append((frozenset(a for a in active if person in prob.activities[a].facilitators),
                     ("person", person)))
    for c, cohort in enumerate(prob.cohorts):
        sets.append((frozenset(a for a in cohort.activities if prob.activities[a].sessions),
                     ("cohort", c)))
    for w, wing in enumerate(prob.wings):
        if wing.max_parallel is not None or wing.max_parallel_by_period:
            sets.append((frozenset(a for a in active if w in prob.activities[a].wings),
                         ("wing", w)))
    suitable = {a: frozenset(suitable_rooms(prob, a)) for a in active}
    for rooms in sorted(set(suitable.values()), key=sorted):
        sets.append((frozenset(a for a in active if suitable[a] <= rooms), ("rooms", rooms)))
    unique: dict[frozenset[int], tuple] = {}
    for members, shared in sets:
        if 2 <= len(members) <= LOCAL_MAX_ACTIVITIES:
            unique.setdefault(members, shared)
    return sorted(unique.items(), key=lambda item: (len(item[0]), sorted(item[0])))


def _overloaded(prob: Problem, activities: list[int], shared: tuple) -> dict:
    """What a set of activities that cannot fit together needs in all."""
    kind, what = shared
    acts = [prob.activities[a] for a in activities]
    periods = sum(act.sessions * act.length for act in acts)
    if kind == "person":
        whose, refs = f"led by {_name(prob.people[what])}", [_ref("person", prob.people[what])]
    elif kind == "cohort":
        whose, refs = f"of {_name(prob.cohorts[what])}", [_ref("cohort", prob.cohorts[what])]
    elif kind == "wing":
        whose, refs = f"of {_wing(prob.wings[what])}", [_ref("wing", prob.wings[what])]
    else:
        rooms = [prob.rooms[r] for r in sorted(what)]
        whose = f"that can only use room{'s' if len(rooms) > 1 else ''} " \
                f"{_join([_name(room) for room in rooms[:MAX_LISTED]])}"
        refs = [_ref("room", room) for room in rooms[:MAX_LISTED]]
    return _sentence("overloaded", f"These {len(acts)} activities {whose} need {periods} "
                     f"periods of sessions in all, and cannot all fit in the week.",
                     refs + [_ref("activity", act) for act in acts])


class _Oracle:
    """Solves models, with assumptions or without, within a shared time budget."""

    def __init__(self, time_limit: float, deterministic: float | None = None):
        self.time_limit = time_limit
        self.deterministic = self.deterministic_total = deterministic
        self.started = time.perf_counter()
        self.core: list = []

    def _left(self) -> float:
        return self.time_limit - (time.perf_counter() - self.started)

    def exhausted(self) -> bool:
        return self._left() <= 0.05 or (self.deterministic is not None
                                        and self.deterministic <= 0)

    def infeasible(self, model: cp_model.CpModel, assumed: list = (),
                   cap: tuple[float, float] | None = None) -> bool:
        """True when `model` is proven infeasible under the `assumed` literals (then `core` holds
        a sufficient subset of them); False when feasible or undecided in time, so that an
        undecided requirement is kept. `cap`: (wall-clock, deterministic) limits of this call,
        else a quarter of the budget."""
        if self.exhausted():
            return False
        left = self._left()
        model.clear_assumptions()
        model.add_assumptions(assumed)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # cores from assumptions need a single worker
        if not assumed:
            # Every constraint in the LP: the small models of the local pass that stay
            # infeasible without one requirement were proven so in 0.01 s, against 1.6-3.5 s.
            solver.parameters.linearization_level = 2
        if self.deterministic is None:
            each = max(1.0, self.time_limit / 4) if cap is None else cap[0]
            solver.parameters.max_time_in_seconds = min(left, each)
        else:
            each = max(1.0, self.deterministic_total / 4) if cap is None else cap[1]
            solver.parameters.max_time_in_seconds = left
            solver.parameters.max_deterministic_time = min(self.deterministic, each)
        status = solver.solve(model)
        if self.deterministic is not None:
            self.deterministic -= solver.deterministic_time
        if status != cp_model.INFEASIBLE:
            return False
        by_index = {lit.index: lit for lit in assumed}
        self.core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                     if i in by_index]
        return True


class _RelaxedModel:
    """The timetable model with every relaxable requirement group guarded by a literal."""

    def __init__(self, prob: Problem):
        self.prob = prob
        self.model = cp_model.CpModel()
        self.literals: dict[Group, cp_model.IntVar] = {}
        everything = frozenset(self._all_groups())
        slots = compute_slots(prob, ignore=everything)
        model = self.model
        x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        for (a, p), rooms in slots.rooms.items():
            periods = slots.cover[a, p]
            blockers = start_blockers(prob, a, periods)
            for r in rooms:
                closed = {("room_unavailable", r)} if any(
                    q in prob.rooms[r].unavailable for q in periods) else set()
                var = x[a, p, r] = model.new_bool_var("")
                for group in sorted(blockers | closed):  # not set order: strings hash randomly
                    model.add_implication(self.literal(group), var.Not())

        # Sessions covering each (activity, period) and each (room, period), then the same per
        # person, cohort and wing: only where some session can run.
        covering: dict[tuple[int, int], list] = defaultdict(list)
        in_room: dict[tuple[int, int], list] = defaultdict(list)
        starts_of: dict[int, list] = defaultdict(list)
        for (a, p, r), var in x.items():
            starts_of[a].append(var)
            for q in slots.cover[a, p]:
                covering[a, q].append(var)
                in_room[r, q].append(var)
        cohorts_of: dict[int, list[int]] = defaultdict(list)
        for c, cohort in enumerate(prob.cohorts):
            for a in set(cohort.activities):
                cohorts_of[a].append(c)
        running: dict[Group, dict[int, list]] = defaultdict(lambda: defaultdict(list))
        for (a, q), vars_ in covering.items():
            activity = prob.activities[a]
            for person in set(activity.facilitators):
                running["person", person][q] += vars_
            for c in cohorts_of[a]:
                running["cohort", c][q] += vars_
            for w in set(activity.wings):
                running["wing_limit", w][q] += vars_

        for a, activity in enumerate(prob.activities):
            if activity.sessions:
                self._add(sum(starts_of[a]) == activity.sessions, ("activity", a))
        for vars_ in covering.values():
            if len(vars_) > 1:
                model.add_at_most_one(vars_)  # sessions of one activity: always
        for (r, _), vars_ in in_room.items():
            if len(vars_) > 1:
                self._add(sum(vars_) <= 1, ("room", r))
        for group, by_period in running.items():
            kind, i = group
            for q, vars_ in by_period.items():
                limit = prob.wings[i].limit(q) if kind == "wing_limit" else 1
                if limit is not None and len(vars_) > limit:
                    self._add(sum(vars_) <= limit, group)
        for k, (a, p, r) in enumerate(_fixed_entries(prob)):
            lit = self.literal(("fixed", k))
            if (a, p, r) in x:
                model.add(x[a, p, r] == 1).only_enforce_if(lit)
            else:
                model.add_bool_or([lit.Not()])

    def _add(self, constraint, group: Group) -> None:
        self.model.add(constraint).only_enforce_if(self.literal(group))

    def fixed(self, groups) -> cp_model.CpModel:
        """A copy of the model in which `groups` hold and every other group is dropped, each
        literal fixed instead of assumed: presolve then removes the literals, and the LP sees
        the counting arguments (a person with more sessions than free periods) that a search
        under assumptions proves only by enumeration."""
        model = self.model.clone()
        holding = set(groups)
        for group, lit in self.literals.items():
            value = int(group in holding)
            domain = model.proto.variables[lit.index].domain  # [0, 1]: a literal
            domain[0] = domain[1] = value
        return model

    def literal(self, group: Group) -> cp_model.IntVar:
        if group not in self.literals:
            self.literals[group] = self.model.new_bool_var(f"{group[0]}_{group[1]}")
        return self.literals[group]

    def _all_groups(self):
        prob = self.prob
        for a in range(len(prob.activities)):
            yield ("activity_unavailable", a)
        for person in range(len(prob.people)):
            yield ("person_unavailable", person)
        for r in range(len(prob.rooms)):
            yield ("room_unavailable", r)
        for w in range(len(prob.wings)):
            yield ("wing_unavailable", w)
            yield ("wing_limit", w)


def _fixed_entries(prob: Problem) -> list[tuple[int, int, int]]:
    return [(a, p, r) for a, activity in enumerate(prob.activities) for p, r in activity.fixed]


def _fixed_ref(prob: Problem, k: int) -> dict:
    index = k
    for activity in prob.activities:
        if index < len(activity.fixed):
            return {"type": "fixed", "id": f"{activity.id}:{index}"}
        index -= len(activity.fixed)
    raise IndexError(k)


def _led_by(prob: Problem, person: int) -> list[int]:
    return [a for a, act in enumerate(prob.activities)
            if person in act.facilitators and act.sessions]


def _fixed_problems(prob: Problem, k: int, i: int, a: int, p: int, r: int) -> list[dict]:
    """Why fixed entry k (the i-th of activity a, at p in r) is impossible by itself, or []."""
    activity = prob.activities[a]
    periods = set(prob.covered(p, activity.length))
    for j, (p2, _) in enumerate(activity.fixed[i + 1:], start=i + 1):
        if periods & set(prob.covered(p2, activity.length)):
            return [_describe(prob, ("fixed", k)), _describe(prob, ("fixed", k + j - i)),
                    _sentence("activity_overlap", f"Sessions of {_name(activity)} cannot "
                              f"overlap.", [_ref("activity", activity)])]
    reasons = []
    if r not in suitable_rooms(prob, a):
        reasons.append(_room_unsuitable(prob, a, r))
    for group in sorted(start_blockers(prob, a, tuple(periods))):
        reasons.append(_describe(prob, group))
    if periods & prob.rooms[r].unavailable:
        reasons.append(_describe(prob, ("room_unavailable", r)))
    return [_describe(prob, ("fixed", k))] + reasons if reasons else []


def _room_unsuitable(prob: Problem, a: int, r: int) -> dict:
    activity, room = prob.activities[a], prob.rooms[r]
    problems = []
    if activity.room_kinds is not None and room.kind not in activity.room_kinds:
        problems.append(f"is of kind '{room.kind}', not {_kinds(activity)}")
    for w in activity.wings:
        if room.wings is not None and w not in room.wings:
            problems.append(f"cannot be reached from {_wing(prob.wings[w])}")
    if prob.weights.capacity is None and activity.participants > room.capacity:
        problems.append(f"holds {room.capacity}, fewer than the {activity.participants} "
                        f"participants")
    return _sentence("room_unsuitable", f"Room {_name(room)} {_join(problems)}.",
                     [_ref("room", room), _ref("activity", activity)])


def _placeable(prob: Problem, a: int, ignore: frozenset[Group]) -> int:
    """How many non-overlapping sessions of `a` fit in an otherwise empty week."""
    activity = prob.activities[a]
    rooms = suitable_rooms(prob, a)
    intervals = []
    for p, period in enumerate(prob.periods):
        periods = prob.covered(p, activity.length)
        if periods is None or start_blockers(prob, a, periods) - ignore:
            continue
        if any(("room_unavailable", r) in ignore
               or not any(q in prob.rooms[r].unavailable for q in periods) for r in rooms):
            last = prob.periods[periods[-1]]
            intervals.append((period.day, last.index, period.index))
    count, end = 0, None
    for day, last, first in sorted(intervals):  # earliest end first is optimal
        if end is None or day != end[0] or first > end[1]:
            count, end = count + 1, (day, last)
    return count


def _activity_alone(prob: Problem, a: int) -> list[dict]:
    activity = prob.activities[a]
    if not suitable_rooms(prob, a):
        return [_no_suitable_room(prob, a)]
    groups: set[Group] = {("room_unavailable", r) for r in suitable_rooms(prob, a)}
    for p in range(len(prob.periods)):
        periods = prob.covered(p, activity.length)
        if periods is not None:
            groups |= start_blockers(prob, a, periods)
    kept = sorted(groups)
    for group in list(kept):  # deletion filter: drop what the shortage does not need
        relaxed = frozenset(groups) - (frozenset(kept) - {group})
        if _placeable(prob, a, relaxed) < activity.sessions:
            kept.remove(group)
    most = _placeable(prob, a, frozenset())
    need = _describe(prob, ("activity", a))
    need["message"] = need["message"][:-1] + f"; at most {most} can be placed."
    return [need] + [_describe(prob, group) for group in kept]


def _no_suitable_room(prob: Problem, a: int) -> dict:
    activity = prob.activities[a]
    rooms = [room for room in prob.rooms
             if activity.room_kinds is None or room.kind in activity.room_kinds]
    refs = [_ref("activity", activity)]
    if not rooms:
        why = f"no room is of kind {_kinds(activity)}"
    else:
        reachable = [room for room in rooms if room.wings is None
                     or all(w in room.wings for w in activity.wings)]
        if not reachable:
            wings = _join([_wing(prob.wings[w]) for w in activity.wings])
            why = (f"no room of the right kind ({_join([_name(r) for r in rooms])}) can be "
                   f"reached from {wings}")
            refs += [_ref("wing", prob.wings[w]) for w in activity.wings]
            refs += [_ref("room", room) for room in rooms[:MAX_LISTED]]
        else:
            largest = max(reachable, key=lambda room: room.capacity)
            why = (f"the largest suitable room, {_name(largest)}, holds {largest.capacity}, "
                   f"fewer than its {activity.participants} participants")
            refs.append(_ref("room", largest))
    return _sentence("no_suitable_room", f"{_need(prob, activity)}, but {why}.", refs)


def _describe(prob: Problem, group: Group) -> dict:
    """One requirement group as a plain sentence with a code and references."""
    kind, i = group
    if kind == "activity":
        activity = prob.activities[i]
        return _sentence("activity_sessions", _need(prob, activity) + ".",
                         [_ref("activity", activity)])
    if kind == "activity_unavailable":
        activity = prob.activities[i]
        return _sentence("activity_unavailable", f"{_name(activity)} cannot take place "
                         f"{_when(prob, activity.unavailable)}.", [_ref("activity", activity)]
                         + _period_refs(prob, activity.unavailable))
    if kind == "person_unavailable":
        person = prob.people[i]
        return _sentence("person_unavailable", f"{_name(person)}, who leads "
                         f"{_join([_name(prob.activities[a]) for a in _led_by(prob, i)])}, "
                         f"{_availability(prob, person.unavailable)}.",
                         [_ref("person", person)] + _period_refs(prob, person.unavailable))
    if kind == "person":
        person = prob.people[i]
        led = [prob.activities[a] for a in _led_by(prob, i)]
        return _sentence("person_busy", f"{_name(person)} cannot lead two sessions at once "
                         f"(leads {_join([_name(act) for act in led])}).",
                         [_ref("person", person)] + [_ref("activity", act) for act in led])
    if kind == "room_unavailable":
        room = prob.rooms[i]
        return _sentence("room_unavailable", f"Room {_name(room)} "
                         f"{_availability(prob, room.unavailable, 'is closed', 'is open')}.",
                         [_ref("room", room)] + _period_refs(prob, room.unavailable))
    if kind == "room":
        room = prob.rooms[i]
        kind_text = f" (kind '{room.kind}')" if room.kind else ""
        return _sentence("room_busy", f"Room {_name(room)}{kind_text} holds one session at a "
                         f"time.", [_ref("room", room)])
    if kind == "wing_unavailable":
        wing = prob.wings[i]
        return _sentence("wing_unavailable", f"{_wing(wing, capital=True)} "
                         f"{_availability(prob, wing.unavailable)}.",
                         [_ref("wing", wing)] + _period_refs(prob, wing.unavailable))
    if kind == "wing_limit":
        wing = prob.wings[i]
        limits = Counter(wing.limit(q) for q in range(len(prob.periods)))
        text = ", ".join(f"{n}" for n in sorted(v for v in limits if v is not None))
        return _sentence("wing_limit", f"{_wing(wing, capital=True)} can escort at most {text} "
                         f"session(s) at a time.", [_ref("wing", wing)])
    if kind == "cohort":
        cohort = prob.cohorts[i]
        acts = [prob.activities[a] for a in cohort.activities]
        return _sentence("cohort_overlap", f"The activities of {_name(cohort)} "
                         f"({_join([_name(act) for act in acts])}) cannot overlap.",
                         [_ref("cohort", cohort)] + [_ref("activity", act) for act in acts])
    if kind == "fixed":
        a, p, r = _fixed_entries(prob)[i]
        activity = prob.activities[a]
        return _sentence("fixed", f"A session of {_name(activity)} is fixed at "
                         f"{_name(prob.periods[p])} in {_name(prob.rooms[r])}.",
                         [_fixed_ref(prob, i), _ref("activity", activity),
                          _ref("period", prob.periods[p]), _ref("room", prob.rooms[r])])
    raise ValueError(f"unknown requirement group {group}")


def _need(prob: Problem, activity) -> str:
    sessions = f"{activity.sessions} session{'s' if activity.sessions != 1 else ''}"
    length = f"{activity.length} period{'s' if activity.length != 1 else ''}"
    text = f"{_name(activity)} needs {sessions} of {length}"
    if activity.room_kinds is not None:
        text += f" in a room of kind {_kinds(activity)}"
    if activity.wings:
        text += f" reachable from {_join([_wing(prob.wings[w]) for w in activity.wings])}"
    if prob.weights.capacity is None and activity.participants:
        text += f" for {activity.participants} participants"
    return text


def _availability(prob: Problem, closed, busy: str = "is unavailable",
                  free: str = "is free") -> str:
    if 2 * len(closed) > len(prob.periods):
        open_ = [q for q in range(len(prob.periods)) if q not in closed]
        return f"{free} only {_when(prob, open_)}" if open_ else f"{busy} in every period"
    return f"{busy} {_when(prob, closed)}"


def _when(prob: Problem, periods) -> str:
    ordered = sorted(periods, key=lambda q: (prob.periods[q].day, prob.periods[q].index))
    names = [_name(prob.periods[q]) for q in ordered]
    if len(names) > MAX_LISTED:
        names = names[:MAX_LISTED] + [f"{len(names) - MAX_LISTED} more periods"]
    return "at " + _join(names)


def _period_refs(prob: Problem, periods) -> list[dict]:
    return [_ref("period", prob.periods[q]) for q in sorted(periods)[:MAX_LISTED]]


def _kinds(activity) -> str:
    return " or ".join(f"'{kind}'" for kind in sorted(activity.room_kinds))


def _name(obj) -> str:
    return obj.label or obj.id


def _wing(wing, capital: bool = False) -> str:
    """'wing A', or the label alone when it already says so ('Wing A', not 'wing Wing A')."""
    name = _name(wing)
    if name.lower().startswith("wing "):
        return name
    return f"{'Wing' if capital else 'wing'} {name}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ref(kind: str, obj) -> dict:
    return {"type": kind, "id": obj.id}


def _sentence(code: str, message: str, refs: list[dict]) -> dict:
    return {"code": code, "message": message, "refs": refs}
