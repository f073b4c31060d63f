"""Admissible placements: which (activity, start period, room) triples a session may use.

The model creates variables only for these ("remove, don't forbid"). Each closure that removes a
placement belongs to a named requirement group, so the explanation code can ask what would become
possible if one group were dropped.
"""

from __future__ import annotations

from dataclasses import dataclass

from .problem import Problem

# A requirement group: (kind, index), e.g. ("person_unavailable", 3).
Group = tuple[str, int]


@dataclass(frozen=True)
class Slots:
    # (activity, start) -> the periods a session starting there occupies; admissible starts only.
    cover: dict[tuple[int, int], tuple[int, ...]]
    # (activity, start) -> the rooms it may use from that start (never empty).
    rooms: dict[tuple[int, int], tuple[int, ...]]
    # activity -> rooms of the right kind, reachable from its wings, large enough when hard
    # (none for an activity without sessions).
    suitable_rooms: tuple[tuple[int, ...], ...]

    def starts(self, activity: int) -> list[int]:
        return [p for (a, p) in self.cover if a == activity]


def suitable_rooms(prob: Problem, a: int) -> tuple[int, ...]:
    activity = prob.activities[a]
    hard_capacity = prob.weights.capacity is None
    return tuple(
        r for r, room in enumerate(prob.rooms)
        if (activity.room_kinds is None or room.kind in activity.room_kinds)
        and (room.wings is None or all(w in room.wings for w in activity.wings))
        and not (hard_capacity and activity.participants > room.capacity)
    )


def start_blockers(prob: Problem, a: int, periods: tuple[int, ...]) -> set[Group]:
    """The groups that forbid activity `a` from occupying `periods` (rooms aside)."""
    activity = prob.activities[a]
    blockers: set[Group] = set()
    for q in periods:
        if q in activity.unavailable:
            blockers.add(("activity_unavailable", a))
        for person in activity.facilitators:
            if q in prob.people[person].unavailable:
                blockers.add(("person_unavailable", person))
        for w in activity.wings:
            wing = prob.wings[w]
            if q in wing.unavailable:
                blockers.add(("wing_unavailable", w))
            if wing.limit(q) == 0:
                blockers.add(("wing_limit", w))
    return blockers


def compute_slots(prob: Problem, ignore: frozenset[Group] = frozenset()) -> Slots:
    """Admissible placements of every activity with sessions, as if `ignore`d groups did not
    exist (the explanation code uses that to test relaxations)."""
    cover: dict[tuple[int, int], tuple[int, ...]] = {}
    rooms: dict[tuple[int, int], tuple[int, ...]] = {}
    # Activities without sessions get no rooms: sub-problems (bounds, explanations) keep many.
    suitable = tuple(suitable_rooms(prob, a) if activity.sessions else ()
                     for a, activity in enumerate(prob.activities))
    for a, activity in enumerate(prob.activities):
        if activity.sessions == 0:
            continue
        for p in range(len(prob.periods)):
            periods = prob.covered(p, activity.length)
            if periods is None or start_blockers(prob, a, periods) - ignore:
                continue
            usable = tuple(
                r for r in suitable[a]
                if ("room_unavailable", r) in ignore
                or not any(q in prob.rooms[r].unavailable for q in periods)
            )
            if usable:
                cover[a, p] = periods
                rooms[a, p] = usable
    return Slots(cover, rooms, suitable)
