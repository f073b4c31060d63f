"""Independent checker: recomputes every hard constraint and every penalty of a solution.

Written plainly from the format document, sharing nothing with the model but the parser, so
that a modelling mistake cannot hide behind the same mistake here.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from .problem import WEIGHT_KINDS, Problem, load_problem

STATUSES = ("OPTIMAL", "FEASIBLE", "INFEASIBLE", "UNKNOWN")
TOLERANCE = 1e-6


def check_solution(problem: dict | Problem, solution: dict) -> list[str]:
    """Every way `solution` breaks the format, a hard constraint or its reported costs.

    Empty when the solution is valid and its `penalties` and `objective` equal the recomputed
    ones. Raises `ProblemError` when the problem itself is invalid.
    """
    prob = problem if isinstance(problem, Problem) else load_problem(problem)
    if not isinstance(solution, dict):
        return ["solution: expected an object"]
    findings: list[str] = []
    if solution.get("format") != "relais-timetable-solution/1":
        findings.append("format: expected 'relais-timetable-solution/1'")
    status = solution.get("status")
    if status not in STATUSES:
        return findings + [f"status: expected one of {', '.join(STATUSES)}, got {status!r}"]
    assignments = solution.get("assignments")
    if not isinstance(assignments, list):
        return findings + ["assignments: expected a list"]

    if status in ("INFEASIBLE", "UNKNOWN"):
        if assignments:
            findings.append(f"assignments: must be empty when status is {status}")
        for key in ("objective", "penalties"):
            if solution.get(key) is not None:
                findings.append(f"{key}: must be null when status is {status}")
        return findings

    sessions, shape_errors = _read_assignments(prob, assignments)
    if shape_errors:
        return findings + shape_errors
    findings += _hard_violations(prob, sessions)
    findings += _cost_differences(prob, sessions, solution)
    return findings


def compute_penalties(problem: dict | Problem, assignments: list[dict]) -> dict[str, float]:
    """The weighted penalty of each soft-constraint kind for a list of assignments."""
    prob = problem if isinstance(problem, Problem) else load_problem(problem)
    sessions, errors = _read_assignments(prob, assignments)
    if errors:
        raise ValueError("; ".join(errors))
    return _penalties(prob, sessions)


class _Session:
    """One assigned session: its activity, start, room and the periods it occupies."""

    def __init__(self, number: int, activity: int, start: int, room: int, periods: list[int]):
        self.number = number
        self.activity = activity
        self.start = start
        self.room = room
        self.periods = periods  # may be shorter than the length when the day runs out


def _read_assignments(prob: Problem, assignments: list) -> tuple[list[_Session], list[str]]:
    activity_ids = {a.id: i for i, a in enumerate(prob.activities)}
    period_ids = {p.id: i for i, p in enumerate(prob.periods)}
    room_ids = {r.id: i for i, r in enumerate(prob.rooms)}
    slot = {(p.day, p.index): i for i, p in enumerate(prob.periods)}
    sessions, errors = [], []
    for n, entry in enumerate(assignments):
        where = f"assignments[{n}]"
        if not isinstance(entry, dict) or set(entry) != {"activity", "period", "room"}:
            errors.append(f"{where}: expected exactly the keys activity, period, room")
            continue
        a = activity_ids.get(entry["activity"]) if isinstance(entry["activity"], str) else None
        p = period_ids.get(entry["period"]) if isinstance(entry["period"], str) else None
        r = room_ids.get(entry["room"]) if isinstance(entry["room"], str) else None
        for key, value in (("activity", a), ("period", p), ("room", r)):
            if value is None:
                errors.append(f"{where}.{key}: unknown {key} {entry[key]!r}")
        if None in (a, p, r):
            continue
        start = prob.periods[p]
        occupied = []
        for offset in range(prob.activities[a].length):
            following = slot.get((start.day, start.index + offset))
            if following is None:
                break
            occupied.append(following)
        sessions.append(_Session(n, a, p, r, occupied))
    return sessions, errors


def _hard_violations(prob: Problem, sessions: list[_Session]) -> list[str]:
    found: list[str] = []
    acts, rooms, periods = prob.activities, prob.rooms, prob.periods

    def name(session: _Session) -> str:
        return (f"assignments[{session.number}] ({acts[session.activity].id} at "
                f"{periods[session.start].id} in {rooms[session.room].id})")

    count = Counter(s.activity for s in sessions)
    for a, activity in enumerate(acts):
        if count[a] != activity.sessions:
            found.append(f"activity {activity.id}: {count[a]} sessions instead of "
                         f"{activity.sessions}")

    room_use: dict[tuple[int, int], list[_Session]] = defaultdict(list)
    person_use: dict[tuple[int, int], list[_Session]] = defaultdict(list)
    activity_use: dict[tuple[int, int], list[_Session]] = defaultdict(list)
    cohort_use: dict[tuple[int, int], list[_Session]] = defaultdict(list)
    wing_use: dict[tuple[int, int], list[_Session]] = defaultdict(list)
    cohorts_of: dict[int, list[int]] = defaultdict(list)
    for c, cohort in enumerate(prob.cohorts):
        for a in cohort.activities:
            cohorts_of[a].append(c)

    for s in sessions:
        activity, room = acts[s.activity], rooms[s.room]
        if len(s.periods) < activity.length:
            found.append(f"{name(s)}: {activity.length} consecutive periods do not exist from "
                         f"its start")
        if activity.room_kinds is not None and room.kind not in activity.room_kinds:
            found.append(f"{name(s)}: room kind '{room.kind}' not among the activity's kinds")
        for w in activity.wings:
            if room.wings is not None and w not in room.wings:
                found.append(f"{name(s)}: room not reachable from wing {prob.wings[w].id}")
        if prob.weights.capacity is None and activity.participants > room.capacity:
            found.append(f"{name(s)}: {activity.participants} participants exceed the room "
                         f"capacity {room.capacity}")
        for q in s.periods:
            if q in room.unavailable:
                found.append(f"{name(s)}: room unavailable at {periods[q].id}")
            if q in activity.unavailable:
                found.append(f"{name(s)}: activity unavailable at {periods[q].id}")
            for w in activity.wings:
                if q in prob.wings[w].unavailable:
                    found.append(f"{name(s)}: wing {prob.wings[w].id} unavailable at "
                                 f"{periods[q].id}")
                wing_use[w, q].append(s)
            for person in activity.facilitators:
                if q in prob.people[person].unavailable:
                    found.append(f"{name(s)}: person {prob.people[person].id} unavailable at "
                                 f"{periods[q].id}")
                person_use[person, q].append(s)
            room_use[s.room, q].append(s)
            activity_use[s.activity, q].append(s)
            for c in cohorts_of[s.activity]:
                cohort_use[c, q].append(s)

    def clashes(use: dict, what: str, ident) -> None:
        for (key, q), together in sorted(use.items(), key=lambda item: item[0]):
            if len(together) > 1:
                found.append(f"{what} {ident(key)} has {len(together)} sessions at "
                             f"{periods[q].id}: " + ", ".join(name(s) for s in together))

    clashes(room_use, "room", lambda r: rooms[r].id)
    clashes(person_use, "person", lambda p: prob.people[p].id)
    clashes(activity_use, "activity", lambda a: acts[a].id)
    clashes(cohort_use, "cohort", lambda c: prob.cohorts[c].id)

    for (w, q), running in sorted(wing_use.items(), key=lambda item: item[0]):
        limit = prob.wings[w].max_parallel_by_period.get(q, prob.wings[w].max_parallel)
        if limit is not None and len(running) > limit:
            found.append(f"wing {prob.wings[w].id}: {len(running)} sessions at {periods[q].id}, "
                         f"more than its limit {limit}")

    placed = Counter((s.activity, s.start, s.room) for s in sessions)
    for a, activity in enumerate(acts):
        for (p, r), wanted in Counter(activity.fixed).items():
            if placed[a, p, r] < wanted:
                found.append(f"activity {activity.id}: fixed session at {periods[p].id} in "
                             f"{rooms[r].id} missing")
    return found


def _penalties(prob: Problem, sessions: list[_Session]) -> dict[str, float]:
    weights = prob.weights
    acts = prob.activities
    raw = dict.fromkeys(WEIGHT_KINDS, 0)
    by_activity: dict[int, list[_Session]] = defaultdict(list)
    for s in sessions:
        by_activity[s.activity].append(s)

    if weights.capacity is not None:
        raw["capacity"] = sum(max(0, acts[s.activity].participants - prob.rooms[s.room].capacity)
                              for s in sessions)

    for a, own in by_activity.items():
        days = {prob.periods[s.start].day for s in own}
        raw["min_days"] += max(0, acts[a].min_days - len(days))
        raw["room_stability"] += len({s.room for s in own}) - 1

    slot = {(p.day, p.index): i for i, p in enumerate(prob.periods)}
    for cohort in prob.cohorts:
        if not cohort.compact:
            continue
        members = [s for a in cohort.activities for s in by_activity.get(a, [])]
        for s in members:
            first, last = prob.periods[s.periods[0]], prob.periods[s.periods[-1]]
            before = slot.get((first.day, first.index - 1))
            after = slot.get((last.day, last.index + 1))
            neighbour = any(
                other is not s and (other.periods[-1] == before or other.start == after)
                for other in members
                if before is not None or after is not None
            )
            if not neighbour:
                raw["isolation"] += 1

    for s in sessions:
        for person in acts[s.activity].facilitators:
            preferred = prob.people[person].preferred
            if preferred:
                raw["preference"] += sum(1 for q in s.periods if q not in preferred)

    previous: dict[int, Counter] = defaultdict(Counter)
    for a, p, r in prob.previous:
        previous[a][p, r] += 1
    for a, pairs in previous.items():
        kept = Counter((s.start, s.room) for s in by_activity.get(a, []))
        raw["change"] += sum((pairs - kept).values())

    scale = {kind: (getattr(weights, kind) or 0) for kind in WEIGHT_KINDS}
    return {kind: _tidy(raw[kind] * scale[kind]) for kind in WEIGHT_KINDS}


def _cost_differences(prob: Problem, sessions: list[_Session], solution: dict) -> list[str]:
    found = []
    expected = _penalties(prob, sessions)
    reported = solution.get("penalties")
    if not isinstance(reported, dict):
        found.append("penalties: expected an object")
    else:
        for kind in WEIGHT_KINDS:
            value = reported.get(kind)
            if not _same(value, expected[kind]):
                found.append(f"penalties.{kind}: reported {value!r}, recomputed {expected[kind]}")
        for kind in reported.keys() - set(WEIGHT_KINDS):
            found.append(f"penalties.{kind}: unknown penalty kind")
    total = _tidy(sum(expected.values()))
    objective = solution.get("objective")
    if objective is not None and not _same(objective, total):
        found.append(f"objective: reported {objective!r}, recomputed {total}")
    bound = solution.get("bound")
    if isinstance(bound, (int, float)) and bound > total + TOLERANCE * max(1, abs(total)):
        found.append(f"bound: {bound} exceeds the recomputed objective {total}")
    if solution.get("status") == "OPTIMAL" and isinstance(bound, (int, float)) \
            and not _same(bound, total):
        found.append(f"bound: {bound} differs from the objective {total} of an OPTIMAL solution")
    return found


def _same(value: Any, expected: float) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return abs(value - expected) <= TOLERANCE * max(1, abs(expected))


def _tidy(value: float) -> float:
    """Integers stay integers in the JSON; fractional weights give rounded floats."""
    rounded = round(value, 9)
    return int(rounded) if float(rounded).is_integer() else rounded
