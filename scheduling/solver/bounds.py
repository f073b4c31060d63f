"""Redundant lower bounds per compact cohort, proven on small sub-problems.

The LP relaxation spreads a cohort's sessions thinly over the week and so sees almost none of
the isolation that the cohort's own admissible placements force (nor how isolation and
`min_days` pull against each other). Dropping every activity outside a compact cohort only
removes constraints, so the cheapest placement of the cohort's activities alone, counting the
cohort's isolation and its activities' own penalties, is a lower bound on those same terms in
the full problem. Each such sub-problem is small and CP-SAT proves it quickly; the bound is
then added to the full model as `terms >= bound`, which the LP and the objective propagation
both use. The bounds stay valid for overlapping cohorts: each cut holds on its own.
"""

from __future__ import annotations

import dataclasses
import math

from ortools.sat.python import cp_model

from .model import TimetableModel, build_model
from .problem import Problem
from .slots import compute_slots

# Deterministic time for one cohort's sub-problem (a proof usually takes a fraction of it).
PER_COHORT_DETERMINISTIC = 0.5


def cohort_terms(tm: TimetableModel, c: int):
    """The weighted (scaled) terms of cohort c: its isolation and its activities' penalties."""
    w = tm.int_weights
    members = set(tm.prob.cohorts[c].activities)
    # A fresh sum: `+=` on a CP-SAT expression can extend the model's own objective terms in place.
    parts = [w["isolation"] * tm.by_cohort[c]]
    for kind, by_activity in tm.by_activity.items():
        if w[kind]:
            parts += [w[kind] * expr for a, expr in by_activity.items() if a in members]
    return cp_model.LinearExpr.sum(parts)


def sub_problem(prob: Problem, c: int) -> Problem:
    """The problem restricted to cohort c's activities, with only c compact and no previous
    timetable (the change penalty is left out of the bounded terms)."""
    members = set(prob.cohorts[c].activities)
    activities = tuple(
        activity if a in members else dataclasses.replace(activity, sessions=0, fixed=())
        for a, activity in enumerate(prob.activities))
    cohorts = tuple(dataclasses.replace(cohort, compact=k == c)
                    for k, cohort in enumerate(prob.cohorts))
    return dataclasses.replace(prob, activities=activities, cohorts=cohorts, previous=(),
                               strict_stability=False)


def add_cohort_bounds(tm: TimetableModel, *, deterministic: float, wall: float,
                      seed: int = 0) -> tuple[float, int]:
    """Add `terms(c) >= bound(c)` for every compact cohort whose sub-problem bound is positive.
    Returns (deterministic time spent, number of cuts added)."""
    prob = tm.prob
    if not tm.int_weights["isolation"]:
        return 0.0, 0
    cohorts = [c for c in tm.by_cohort if len(set(prob.cohorts[c].activities)) > 1]
    spent, added = 0.0, 0
    for i, c in enumerate(cohorts):
        left = deterministic - spent
        if left <= 0.01 or wall <= 0:
            break
        sub = sub_problem(prob, c)
        sub_tm = build_model(sub, compute_slots(sub))
        sub_tm.model.minimize(sub_tm.weighted)
        solver = cp_model.CpSolver()
        params = solver.parameters
        params.num_workers = 1
        params.random_seed = seed
        params.max_deterministic_time = min(PER_COHORT_DETERMINISTIC, left)
        params.max_time_in_seconds = max(0.05, wall / (len(cohorts) - i))
        status = solver.solve(sub_tm.model)
        spent += solver.deterministic_time
        wall -= solver.wall_time
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            continue  # an infeasible cohort is the full model's to report
        bound = math.ceil(solver.best_objective_bound - 1e-6)
        if bound > 0:
            tm.model.add(cohort_terms(tm, c) >= bound)
            added += 1
    return spent, added
