"""A cost-aware first-fit construction, used as CP-SAT's starting hint.

One first-fit pass often leaves a few sessions unplaced on crowded weeks, so activities that
failed are moved to the front and the pass is restarted (a "squeaky wheel" repair). The result
may be partial; CP-SAT repairs the rest from the hint.
"""

from __future__ import annotations

import random
from collections import defaultdict

from .problem import Problem
from .slots import Slots

MAX_ATTEMPTS = 6
# Stop restarting once this many placement evaluations have been spent (keeps large weeks cheap
# while staying deterministic, unlike a wall-clock limit).
WORK_BUDGET = 1_000_000


def greedy_placement(prob: Problem, slots: Slots, seed: int = 0) -> set[tuple[int, int, int]]:
    rng = random.Random(seed)
    options: dict[int, list[tuple[int, tuple[int, ...], tuple[int, ...]]]] = defaultdict(list)
    for (a, p), rooms in slots.rooms.items():
        options[a].append((p, slots.cover[a, p], rooms))
    cohorts_of: dict[int, list[int]] = defaultdict(list)
    for c, cohort in enumerate(prob.cohorts):
        for a in cohort.activities:
            cohorts_of[a].append(c)

    def tightness(a: int) -> float:
        triples = sum(len(rooms) for _, _, rooms in options[a])
        return triples / max(1, prob.activities[a].sessions)

    order = sorted((a for a, act in enumerate(prob.activities) if act.sessions),
                   key=lambda a: (tightness(a), rng.random()))
    best: set[tuple[int, int, int]] = set()
    work = 0
    for _ in range(MAX_ATTEMPTS):
        placed, failed, spent = _one_pass(prob, options, cohorts_of, order, rng)
        work += spent
        if len(placed) > len(best):
            best = placed
        if not failed or work > WORK_BUDGET:
            break
        order = failed + [a for a in order if a not in failed]
    return best


def _one_pass(prob, options, cohorts_of, order, rng):
    allowed = {(a, p, r) for a, choices in options.items() for p, _, rooms in choices
               for r in rooms}
    slot_cover = {(a, p): periods for a, choices in options.items() for p, periods, _ in choices}
    count: dict[int, int] = defaultdict(int)
    weights = prob.weights
    busy: set[tuple[str, int, int]] = set()
    wing_load: dict[tuple[int, int], int] = defaultdict(int)
    placed: set[tuple[int, int, int]] = set()
    rooms_of: dict[int, set[int]] = defaultdict(set)
    days_of: dict[int, set[int]] = defaultdict(set)
    failed: list[int] = []
    work = 0

    def free(a: int, periods: tuple[int, ...], r: int) -> bool:
        activity = prob.activities[a]
        for q in periods:
            if ("room", r, q) in busy or ("activity", a, q) in busy:
                return False
            if any(("person", f, q) in busy for f in activity.facilitators):
                return False
            if any(("cohort", c, q) in busy for c in cohorts_of[a]):
                return False
            for w in activity.wings:
                limit = prob.wings[w].limit(q)
                if limit is not None and wing_load[w, q] >= limit:
                    return False
        return True

    def take(a: int, p: int, periods: tuple[int, ...], r: int) -> None:
        activity = prob.activities[a]
        placed.add((a, p, r))
        rooms_of[a].add(r)
        days_of[a].add(prob.periods[p].day)
        count[a] += 1
        for q in periods:
            busy.add(("room", r, q))
            busy.add(("activity", a, q))
            busy.update(("person", f, q) for f in activity.facilitators)
            busy.update(("cohort", c, q) for c in cohorts_of[a])
            for w in activity.wings:
                wing_load[w, q] += 1

    for a, activity in enumerate(prob.activities):
        for p, r in activity.fixed:
            periods = prob.covered(p, activity.length)
            if (a, p, r) not in placed and free(a, periods, r):
                take(a, p, periods, r)
    for a, p, r in prob.previous:
        activity = prob.activities[a]
        if (a, p, r) in allowed and (a, p, r) not in placed \
                and count[a] < activity.sessions and free(a, slot_cover[a, p], r):
            take(a, p, slot_cover[a, p], r)

    for a in order:
        activity = prob.activities[a]
        needed = activity.sessions - count[a]
        for _ in range(needed):
            rooms_used = rooms_of[a]
            days_used = days_of[a]
            best, best_score = None, None
            for p, periods, rooms in options[a]:
                day_bonus = 0
                if prob.periods[p].day not in days_used and len(days_used) < activity.min_days:
                    day_bonus = -weights.min_days
                for r in rooms:
                    work += 1
                    if not free(a, periods, r):
                        continue
                    score = day_bonus + rng.random() * 1e-3
                    if weights.capacity is not None:
                        excess = activity.participants - prob.rooms[r].capacity
                        score += weights.capacity * max(0, excess)
                    if rooms_used and r not in rooms_used:
                        score += weights.room_stability
                    score += 1e-4 * (prob.rooms[r].capacity - activity.participants)
                    if best_score is None or score < best_score:
                        best, best_score = (p, periods, r), score
            if best is None:
                failed.append(a)
                break
            take(a, best[0], best[1], best[2])
    return placed, failed, work
