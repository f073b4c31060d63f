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
from typing import NamedTuple

from ortools.sat.python import cp_model

from .bounds import FULL_MODEL_SUBSOLVER, terms
from .lns import configure
from .model import TimetableModel, build_model
from .slots import Slots

# The penalties the relaxation counts: those that start periods decide, and the capacity of the
# sessions that keep their rooms there (room stability and change count zero).
RELAXED_KINDS = ("capacity", "min_days", "isolation", "preference")


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


def solve_relaxation(tm: TimetableModel, hint: set[tuple[int, int, int]], *, wall: float,
                     deterministic: float | None, workers: int, seed: int) -> Relaxed:
    """Solve the rooms relaxation of `tm`'s problem, with the neighbourhood bounds `tm` has
    proven (bounds.py proves them on relaxed sub-problems, so they hold here) and `hint`'s start periods."""
    relaxed = build_model(tm.prob, tm.slots, rooms=False)
    for hood, bound in tm.proven:
        relaxed.model.add(terms(relaxed, hood) >= bound)
    relaxed.model.minimize(relaxed.weighted)
    hinted = {(a, p) for a, p, _ in hint}
    for key, var in relaxed.y.items():
        relaxed.model.add_hint(var, int(key in hinted))
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers=workers, seed=seed, wall=wall,
              deterministic=deterministic)
    solver.parameters.subsolvers.append(FULL_MODEL_SUBSOLVER)
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


def period_slots(slots: Slots, relaxed: Relaxed) -> Slots:
    """Admissible placements when every session keeps its start period, and sessions of several
    periods their rooms too; one-period sessions may take any usable room."""
    return Slots({key: slots.cover[key] for key in relaxed.starts},
                 {key: (relaxed.rooms[key],) if key in relaxed.rooms else slots.rooms[key]
                  for key in relaxed.starts},
                 slots.suitable_rooms)


def assign_rooms(tm: TimetableModel, relaxed: Relaxed, *, wall: float,
                 deterministic: float | None, workers: int, seed: int
                 ) -> tuple[cp_model.CpSolver, int, TimetableModel]:
    """The cheapest rooms for the relaxation's timetable: the full model restricted to it, a
    matching per period. It may be infeasible: counts per set of rooms do not see every
    shortage."""
    assigned = build_model(tm.prob, period_slots(tm.slots, relaxed))
    assigned.model.minimize(assigned.weighted)
    solver = cp_model.CpSolver()
    configure(solver.parameters, workers=workers, seed=seed, wall=wall,
              deterministic=deterministic)
    # Probing a matching finds nothing to fix; on a 1,000-session week it cost the whole limit.
    solver.parameters.cp_model_probing_level = 0
    return solver, solver.solve(assigned.model), assigned



def first_fit_rooms(tm: TimetableModel, relaxed: Relaxed) -> set[tuple[int, int, int]]:
    """Rooms for as many of the relaxation's sessions as a first fit finds (the rest stay out,
    for `lns.repair`): sessions with their own rooms first, then those with the fewest rooms."""
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
