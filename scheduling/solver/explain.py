"""Why no timetable exists: a small set of requirements that cannot hold together.

Two steps. `precheck` looks at each activity and each fixed session alone (no solver): an
activity that cannot fit its sessions even in an empty week is explained from its own
requirements, shrunk by a deletion filter. `explain_infeasibility` handles interactions: every
requirement group gets an enforcement literal, CP-SAT returns a sufficient set of assumptions for
infeasibility, and a deletion filter shrinks it. Each group becomes one plain English sentence.
"""

from __future__ import annotations

import time
from collections import Counter, defaultdict

from ortools.sat.python import cp_model

from .problem import Problem
from .slots import Group, compute_slots, start_blockers, suitable_rooms

MAX_LISTED = 8


def precheck(prob: Problem, slots) -> list[dict]:
    """Explanations for fixed sessions and activities that are impossible on their own."""
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
    return []


def explain_infeasibility(prob: Problem, slots, time_limit: float = 10.0,
                          deterministic: float | None = None) -> list[dict]:
    """Requirements that together make `prob` infeasible, found with assumptions.

    With a `deterministic` budget, the calls stop on deterministic time (the explanation is
    then reproducible) and `time_limit` is a safety net only."""
    relaxed = _RelaxedModel(prob)
    oracle = _CoreOracle(relaxed.model, time_limit, deterministic)
    core = list(relaxed.literals.values())
    if not oracle.infeasible(core):
        return [_sentence("no_timetable", "No timetable satisfies every requirement together "
                          "(the reason could not be narrowed down in time).", [])]
    core = oracle.core or core
    for lit in list(core):  # deletion filter
        if lit not in core:
            continue
        trial = [other for other in core if other is not lit]
        if oracle.infeasible(trial):
            kept = {other.index for other in oracle.core}
            core = [other for other in trial if other.index in kept] or trial
    groups = {lit.index: group for group, lit in relaxed.literals.items()}
    return [_describe(prob, groups[lit.index]) for lit in core]


class _CoreOracle:
    """Solves the relaxed model under assumptions within a shared time budget."""

    def __init__(self, model: cp_model.CpModel, time_limit: float,
                 deterministic: float | None = None):
        self.model = model
        self.time_limit = time_limit
        self.deterministic = self.deterministic_total = deterministic
        self.started = time.perf_counter()
        self.core: list = []

    def infeasible(self, assumed: list) -> bool:
        """True when proven infeasible (then `core` holds a sufficient subset); False when
        feasible or undecided in time, so that an undecided literal is kept."""
        left = self.time_limit - (time.perf_counter() - self.started)
        if left <= 0.05 or (self.deterministic is not None and self.deterministic <= 0):
            return False
        self.model.clear_assumptions()
        self.model.add_assumptions(assumed)
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1  # cores from assumptions need a single worker
        if self.deterministic is None:
            solver.parameters.max_time_in_seconds = min(left, max(1.0, self.time_limit / 4))
        else:
            solver.parameters.max_time_in_seconds = left
            solver.parameters.max_deterministic_time = min(
                self.deterministic, max(1.0, self.deterministic_total / 4))
        status = solver.solve(self.model)
        if self.deterministic is not None:
            self.deterministic -= solver.deterministic_time
        if status != cp_model.INFEASIBLE:
            return False
        by_index = {lit.index: lit for lit in assumed}
        self.core = [by_index[i] for i in solver.sufficient_assumptions_for_infeasibility()
                     if i in by_index]
        return True


class _RelaxedModel:
    """The timetable model with every relaxable requirement guarded by a literal."""

    def __init__(self, prob: Problem):
        self.prob = prob
        self.model = cp_model.CpModel()
        self.literals: dict[Group, cp_model.IntVar] = {}
        everything = frozenset(self._all_groups())
        slots = compute_slots(prob, ignore=everything)
        model = self.model
        x: dict[tuple[int, int, int], cp_model.IntVar] = {}
        y: dict[tuple[int, int], list] = defaultdict(list)
        for (a, p), rooms in slots.rooms.items():
            periods = slots.cover[a, p]
            blockers = start_blockers(prob, a, periods)
            for r in rooms:
                var = x[a, p, r] = model.new_bool_var("")
                y[a, p].append(var)
                closed = {("room_unavailable", r)} if any(
                    q in prob.rooms[r].unavailable for q in periods) else set()
                for group in sorted(blockers | closed):  # not set order: strings hash randomly
                    model.add_implication(self.literal(group), var.Not())

        covering: dict[tuple[int, int], list] = defaultdict(list)
        in_room: dict[tuple[int, int], list] = defaultdict(list)
        for (a, p, r), var in x.items():
            for q in slots.cover[a, p]:
                covering[a, q].append(var)
                in_room[r, q].append(var)
        starts_of: dict[int, list] = defaultdict(list)
        for (a, _), vars_ in y.items():
            starts_of[a] += vars_
        for a, activity in enumerate(prob.activities):
            if activity.sessions:
                model.add(sum(starts_of[a]) == activity.sessions).only_enforce_if(
                    self.literal(("activity", a)))
        led = {person: _led_by(prob, person) for person in range(len(prob.people))}
        escorted = {w: [a for a, act in enumerate(prob.activities) if w in act.wings]
                    for w in range(len(prob.wings))}
        for q in range(len(prob.periods)):
            for a in range(len(prob.activities)):
                if len(covering[a, q]) > 1:
                    model.add_at_most_one(covering[a, q])  # sessions of one activity: always
            for r in range(len(prob.rooms)):
                if len(in_room[r, q]) > 1:
                    model.add(sum(in_room[r, q]) <= 1).only_enforce_if(self.literal(("room", r)))
            for person in range(len(prob.people)):
                running = [v for a in led[person] for v in covering[a, q]]
                if len(running) > 1:
                    model.add(sum(running) <= 1).only_enforce_if(self.literal(("person", person)))
            for c, cohort in enumerate(prob.cohorts):
                running = [v for a in cohort.activities for v in covering[a, q]]
                if len(running) > 1:
                    model.add(sum(running) <= 1).only_enforce_if(self.literal(("cohort", c)))
            for w, wing in enumerate(prob.wings):
                running = [v for a in escorted[w] for v in covering[a, q]]
                limit = wing.limit(q)
                if limit is not None and len(running) > limit:
                    model.add(sum(running) <= limit).only_enforce_if(
                        self.literal(("wing_limit", w)))
        for k, (a, p, r) in enumerate(_fixed_entries(prob)):
            lit = self.literal(("fixed", k))
            if (a, p, r) in x:
                model.add(x[a, p, r] == 1).only_enforce_if(lit)
            else:
                model.add_bool_or([lit.Not()])

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
    return [a for a, act in enumerate(prob.activities) if person in act.facilitators]


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
            problems.append(f"cannot be reached from wing {_name(prob.wings[w])}")
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
            wings = _join([_name(prob.wings[w]) for w in activity.wings])
            why = (f"no room of the right kind ({_join([_name(r) for r in rooms])}) can be "
                   f"reached from wing {wings}")
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
        return _sentence("wing_unavailable", f"Wing {_name(wing)} "
                         f"{_availability(prob, wing.unavailable)}.",
                         [_ref("wing", wing)] + _period_refs(prob, wing.unavailable))
    if kind == "wing_limit":
        wing = prob.wings[i]
        limits = Counter(wing.limit(q) for q in range(len(prob.periods)))
        text = ", ".join(f"{n}" for n in sorted(v for v in limits if v is not None))
        return _sentence("wing_limit", f"Wing {_name(wing)} can escort at most {text} "
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
        text += f" reachable from wing {_join([_name(prob.wings[w]) for w in activity.wings])}"
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


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _ref(kind: str, obj) -> dict:
    return {"type": kind, "id": obj.id}


def _sentence(code: str, message: str, refs: list[dict]) -> dict:
    return {"code": code, "message": message, "refs": refs}
