"""Redundant lower bounds proven on small sub-problems: per compact cohort, facilitator and wing.

The LP relaxation spreads sessions thinly over the week and so sees almost none of the isolation
that a cohort's own admissible placements force, nor how isolation, `min_days` and a facilitator's
few free half-days pull against each other. Keeping only some activities (a neighbourhood) and
dropping the others only removes constraints, so the cheapest timetable of the neighbourhood
alone, counting its own penalty terms, is a lower bound on those same terms in the full problem.
Each neighbourhood is small and CP-SAT proves it quickly; its bound is added to the full model as
`terms >= bound`, which the LP and the objective propagation both use. Every cut holds on its own,
so neighbourhoods may overlap.

Three kinds, in this order:
- a compact cohort's activities, with the cohort's isolation;
- a facilitator's activities together with every compact cohort one of them belongs to: one
  person cannot be at each cohort's side when its sessions would pair up, nor spread every
  activity over enough days, which no single cohort shows (prison weeks: bound 163 -> 170);
- a wing's activities, with the compact cohorts among them: its escort limit ties them.
Bounds found first are added inside the later sub-problems that contain them.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import NamedTuple

from ortools.sat.python import cp_model

from .model import TimetableModel, build_model
from .problem import Activity, Problem
from .slots import compute_slots

# The stronger LP, the full runs' own (solver.py): 10-20 % faster here, slightly better bounds.
FULL_MODEL_SUBSOLVER = "max_lp"
# Deterministic time for one sub-problem (a proof usually takes a fraction of it).
PER_NEIGHBOURHOOD_DETERMINISTIC = 0.5
# Stop after this many sub-problems in a row that ran out of time without a positive bound: on
# school-like weeks every curriculum is such a one (41 sub-problems, 6.4 s, no cut at all).
GIVE_UP_AFTER = 4


@dataclasses.dataclass(frozen=True)
class Neighbourhood:
    activities: frozenset[int]
    compact: frozenset[int]  # compact cohorts, all of whose activities are in `activities`


def _compact_cohorts_of(prob: Problem, active: set[int]) -> dict[int, set[int]]:
    compact_of: dict[int, set[int]] = defaultdict(set)
    for c, cohort in enumerate(prob.cohorts):
        if cohort.compact:
            for a in set(cohort.activities) & active:
                compact_of[a].add(c)
    return compact_of


def _active(prob: Problem) -> set[int]:
    return {a for a, activity in enumerate(prob.activities) if activity.sessions}


def cohort_neighbourhoods(prob: Problem) -> list[Neighbourhood]:
    """Each compact cohort with more than one activity."""
    active = _active(prob)
    found = []
    for c, cohort in enumerate(prob.cohorts):
        members = frozenset(cohort.activities) & active
        if cohort.compact and len(members) > 1:
            found.append(Neighbourhood(members, frozenset({c})))
    return _unique(found)


def facilitator_neighbourhoods(prob: Problem) -> list[Neighbourhood]:
    """Each facilitator's activities, with the compact cohorts they belong to."""
    active = _active(prob)
    compact_of = _compact_cohorts_of(prob, active)
    led_by: dict[int, set[int]] = defaultdict(set)
    for a in sorted(active):
        for person in prob.activities[a].facilitators:
            led_by[person].add(a)
    found = []
    for person in sorted(led_by):
        cohorts = frozenset(c for a in led_by[person] for c in compact_of[a])
        members = frozenset(led_by[person]).union(
            *(prob.cohorts[c].activities for c in cohorts)) & active
        if len(members) > 1:
            found.append(Neighbourhood(members, cohorts))
    return _unique(found)


def wing_neighbourhoods(prob: Problem) -> list[Neighbourhood]:
    """Each wing's activities, with the compact cohorts that lie wholly among them: the wing's
    escort limit ties them together."""
    active = _active(prob)
    found = []
    for w in range(len(prob.wings)):
        members = frozenset(a for a in active if w in prob.activities[a].wings)
        cohorts = frozenset(
            c for c, cohort in enumerate(prob.cohorts)
            if cohort.compact and members & set(cohort.activities)
            and set(cohort.activities) & active <= members)
        if len(members) > 1:
            found.append(Neighbourhood(members, cohorts))
    return _unique(found)


def facilitator_and_wing_neighbourhoods(prob: Problem) -> list[Neighbourhood]:
    return _unique(facilitator_neighbourhoods(prob) + wing_neighbourhoods(prob))


def _unique(hoods: list[Neighbourhood]) -> list[Neighbourhood]:
    seen: set[frozenset[int]] = set()
    unique = []
    for hood in hoods:
        if hood.activities not in seen:
            seen.add(hood.activities)
            unique.append(hood)
    return unique


def terms(tm: TimetableModel, hood: Neighbourhood):
    """The weighted (scaled) penalty terms of a neighbourhood: its compact cohorts' isolation and
    its activities' own penalties (the change penalty aside)."""
    w = tm.int_weights
    # A fresh sum: `+=` on a CP-SAT expression can extend the model's own objective terms in place.
    parts = [w["isolation"] * tm.by_cohort[c] for c in sorted(hood.compact)
             if c in tm.by_cohort]
    for kind, by_activity in tm.by_activity.items():
        if w[kind]:
            parts += [w[kind] * expr for a, expr in by_activity.items() if a in hood.activities]
    return cp_model.LinearExpr.sum(parts)


def sub_problem(prob: Problem, hood: Neighbourhood,
                dropped: tuple[Activity, ...] | None = None) -> Problem:
    """The problem restricted to the neighbourhood's activities, with only its cohorts compact and
    no previous timetable (the change penalty is left out of the bounded terms). `dropped`, from
    `dropped_activities`, saves copying every activity left out once per neighbourhood (a
    400-session week's 90 neighbourhoods made 36,000 copies)."""
    if dropped is None:
        dropped = dropped_activities(prob)
    activities = tuple(activity if a in hood.activities else dropped[a]
                       for a, activity in enumerate(prob.activities))
    cohorts = tuple(
        cohort if cohort.compact == (k in hood.compact)
        else dataclasses.replace(cohort, compact=k in hood.compact)
        for k, cohort in enumerate(prob.cohorts))
    return dataclasses.replace(prob, activities=activities, cohorts=cohorts, previous=(),
                               strict_stability=False)


def dropped_activities(prob: Problem) -> tuple[Activity, ...]:
    """Each activity without its sessions, as a sub-problem leaves it out."""
    return tuple(dataclasses.replace(activity, sessions=0, fixed=())
                 for activity in prob.activities)


class BoundsRun(NamedTuple):
    spent: float  # deterministic seconds
    added: int  # cuts
    tried: int  # sub-problems solved

    @property
    def barren(self) -> bool:
        """Fewer than half the neighbourhoods cost anything on their own (school-like
        curricula, most of which fit compactly alone): the week's cost comes from crowding, which
        neither these cuts nor the LP see, so its bound stays near zero. Generated weeks, seeds
        0-2: prison cohorts proved 67-100 % (large, xlarge: 89-96 %), dense curricula 0-36 %."""
        return self.tried >= GIVE_UP_AFTER and self.added * 2 < self.tried


def add_bounds(tm: TimetableModel, hoods: list[Neighbourhood], *, deterministic: float,
               wall: float, seed: int = 0, workers: int = 1) -> BoundsRun:
    """Add `terms(hood) >= bound(hood)` for every neighbourhood whose sub-problem bound is
    positive, within the budget and until several in a row prove nothing. Bounds found earlier
    (`tm.proven`, this call's included) are added inside the sub-problems that contain them.

    Sub-problems are solved `workers` at a time, one CP-SAT worker each; a batch only sees the
    bounds proven before it, so the result does not depend on which of them finishes first."""
    if not any(weight for kind, weight in tm.int_weights.items() if kind != "change"):
        return BoundsRun(0.0, 0, 0)
    spent, added, tried = 0.0, 0, 0
    deadline = time.perf_counter() + wall
    fruitless = 0
    batch_size = max(1, workers)
    dropped = dropped_activities(tm.prob)
    with ThreadPoolExecutor(max_workers=batch_size) as pool:
        for first in range(0, len(hoods), batch_size):
            left = deterministic - spent
            wall_left = deadline - time.perf_counter()
            if left <= 0.01 or wall_left <= 0 or fruitless >= GIVE_UP_AFTER:
                break
            batch = hoods[first:first + batch_size]
            limit = min(PER_NEIGHBOURHOOD_DETERMINISTIC, left / len(batch))
            # CP-SAT releases the GIL while it solves, so the batch runs on every core, and one
            # thread builds its sub-problem while the other solves.
            solve = partial(_build_and_solve, tm, dropped=dropped, seed=seed,
                            deterministic=limit, wall=wall_left)
            results = list(pool.map(solve, batch))
            for hood, (status, found, cost) in zip(batch, results, strict=True):
                spent += cost
                tried += 1
                if status == cp_model.INFEASIBLE:
                    continue  # the full model's to report
                # Valid without a solution too (UNKNOWN): it is what the search proved.
                bound = math.ceil(found - 1e-6) if math.isfinite(found) else 0
                if bound > 0:
                    tm.model.add(terms(tm, hood) >= bound)
                    tm.proven.append((hood, bound))
                    added += 1
                    fruitless = 0
                elif status != cp_model.OPTIMAL:
                    fruitless += 1
    return BoundsRun(spent, added, tried)


def _sub_model(tm: TimetableModel, hood: Neighbourhood,
               dropped: tuple[Activity, ...]) -> cp_model.CpModel:
    sub = sub_problem(tm.prob, hood, dropped)
    # Rooms relaxed: smaller, and its bounds then hold for the rooms relaxation too. Without the
    # capacity floor, which is no activity's own term: the bound holds on `terms`, which the
    # relaxation's capacity of one-period sessions is not part of.
    sub_tm = build_model(sub, compute_slots(sub), rooms=False, capacity_floor=False)
    for inner, bound in tm.proven:
        if inner.activities <= hood.activities and inner.compact <= hood.compact:
            sub_tm.model.add(terms(sub_tm, inner) >= bound)
    sub_tm.model.minimize(sub_tm.weighted)
    return sub_tm.model


def _build_and_solve(tm: TimetableModel, hood: Neighbourhood, *, dropped: tuple[Activity, ...],
                     seed: int, deterministic: float, wall: float) -> tuple[int, float, float]:
    return _solve_sub_model(_sub_model(tm, hood, dropped), seed=seed,
                            deterministic=deterministic, wall=wall)


def _solve_sub_model(model: cp_model.CpModel, seed: int, deterministic: float,
                     wall: float) -> tuple[int, float, float]:
    """(status, proven bound, deterministic time spent)."""
    solver = cp_model.CpSolver()
    params = solver.parameters
    params.num_workers = 1
    params.random_seed = seed
    params.max_deterministic_time = deterministic
    # No even split of the wall clock: most sub-problems take milliseconds, a few take
    # their whole deterministic limit, and those carry the bound.
    params.max_time_in_seconds = max(0.05, wall)
    params.subsolvers.append(FULL_MODEL_SUBSOLVER)
    params.cp_model_probing_level = 0
    status = solver.solve(model)
    return status, solver.best_objective_bound, solver.deterministic_time


def add_cohort_bounds(tm: TimetableModel, *, deterministic: float, wall: float,
                      seed: int = 0) -> BoundsRun:
    """The compact cohorts' bounds (see `add_bounds`)."""
    return add_bounds(tm, cohort_neighbourhoods(tm.prob), deterministic=deterministic,
                      wall=wall, seed=seed)
