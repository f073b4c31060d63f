"""`solve()`: from a problem dict to a `relais-timetable-solution/1` dict."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import NamedTuple

from ortools.sat.python import cp_model

from . import bounds, lns, relaxation
from .explain import explain_infeasibility, precheck
from .greedy import greedy_placement
from .model import TimetableModel, add_room_counts, build_model
from .problem import WEIGHT_KINDS, Problem, load_problem
from .slots import compute_slots

SOLUTION_FORMAT = "relais-timetable-solution/1"
STATUS_NAMES = {
    cp_model.OPTIMAL: "OPTIMAL",
    cp_model.FEASIBLE: "FEASIBLE",
    cp_model.INFEASIBLE: "INFEASIBLE",
}

Progress = Callable[[dict], None]


def solve(
    problem: dict | Problem,
    *,
    time_limit: float = 60,
    workers: int = 2,
    seed: int = 0,
    deterministic_time: float | None = None,
    on_progress: Progress | None = None,
) -> dict:
    """Solve a `relais-timetable/1` problem; raises `ProblemError` when it is invalid.

    `on_progress` receives {"elapsed", "objective", "bound"} on each improving solution.
    With one worker, a run that ends before `time_limit` is reproducible for a given `seed`
    (use `deterministic_time` for runs that must be reproducible whatever the machine load).

    Reproducible runs (one worker, or `deterministic_time` given) split a deterministic budget
    between the stages (`deterministic_time`, else `DETERMINISTIC_PER_SECOND * time_limit`):
    every CP-SAT call gets a deterministic-time limit, every decision depends only on statuses
    and deterministic time, and the wall clock only stops a run that reaches `time_limit`.
    """
    started = time.perf_counter()
    prob = problem if isinstance(problem, Problem) else load_problem(problem)
    if on_progress is not None:
        on_progress = _improvements_only(on_progress)
    warnings = list(prob.previous_warnings)
    slots = compute_slots(prob)

    def remaining() -> float:
        return max(0.05, time_limit - (time.perf_counter() - started))

    reproducible = deterministic_time is not None or workers <= 1
    reasons = precheck(prob, slots, time_limit=max(2.0, min(10.0, remaining())),
                       deterministic=EXPLAIN_DETERMINISTIC if reproducible else None)
    if reasons:
        return _answer(prob, started, "INFEASIBLE", explanation=reasons, warnings=warnings)

    tm = build_model(prob, slots)
    hint = greedy_placement(prob, slots, seed=seed)
    if deterministic_time is None and workers <= 1:
        deterministic_time = DETERMINISTIC_PER_SECOND * time_limit
    budget = _Budget(remaining, deterministic_time)
    cohort_bounds = _add_bounds(tm, budget, workers, seed, bounds.cohort_neighbourhoods,
                                BOUNDS_SHARE)
    # On a school-like week the bound stays near zero whatever presolve does, so presolve's
    # repeated probing only delays the search.
    presolve = LIGHT_PRESOLVE if cohort_bounds.barren else {}

    change_limit = None
    if prob.strict_stability and prob.previous:
        # Stage 1: fewest moved sessions; stage 2 keeps that number and minimises the rest.
        tm.model.minimize(tm.counts["change"])
        _apply_hint(tm, hint, budget)
        # Probing costs half of this stage on a medium week and does not help count moves.
        solver, status = _run(tm, budget, 0.4, workers, seed, None, started,
                              **{**presolve, "cp_model_probing_level": 0})
        if status == cp_model.INFEASIBLE:
            return _infeasible(prob, slots, started, remaining, warnings, budget)
        tm.model.minimize(tm.weighted)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            change_limit = round(solver.objective_value)
            tm.model.add(tm.counts["change"] <= change_limit)
            _hint_values(tm, solver.response_proto.solution)
            hint = {key for key, var in tm.x.items() if solver.value(var)}
        else:
            _apply_hint(tm, hint, budget)
    else:
        tm.model.minimize(tm.weighted)
        _apply_hint(tm, hint, budget)
    return _optimise(prob, slots, tm, hint, budget, workers, seed, on_progress, started,
                     remaining, warnings, change_limit, presolve)


# Shares of the optimisation time, after the lower bounds: a first monolithic run (it proves most
# weeks up to 400 sessions optimal), then large-neighbourhood search, then a last monolithic run
# from the best timetable (it improves the timetable and the bound, and may prove optimality).
# When the greedy construction is incomplete, the week is crowded: the first run must find a
# timetable (repair by neighbourhoods fails on the largest prison weeks), and CP-SAT's own
# neighbourhoods on the full model then improve it faster than ours (generated 1,000-session
# prison week at 60 s: 258 with 0.9 of the time, 283 with 0.65), so it gets nearly all of it.
FIRST_RUN, FIRST_RUN_INCOMPLETE, LNS_RUN = 0.3, 0.9, 0.55
# Deterministic budget per second of `time_limit` for one-worker runs without an explicit
# `deterministic_time`: one worker spent 0.4 to 0.5 per second on generated medium weeks (loaded
# 2-core machine), so a run usually ends before its time limit and is then reproducible.
DETERMINISTIC_PER_SECOND = 0.35
# Share of the budget for the per-cohort lower bounds, for the per-facilitator and per-wing ones,
# and their deterministic cap when the run has no deterministic budget (each
# sub-problem is also capped, see bounds.py). The facilitators' bounds took 1.8 s and 0.8
# deterministic seconds on a generated 400-session prison week.
# They come before any full run: on a 150-session week they take 0.5 s and save more (a week the
# full run proved in 2.4 s without them took 0.65 s with them).
BOUNDS_SHARE, FACILITATOR_BOUNDS_SHARE, BOUNDS_DETERMINISTIC_CAP = 0.05, 0.1, 10.0
# Share of a re-plan's first run, before those bounds (150-session week, strict re-plan after one
# disruption: 0.16 s with it, 0.5 to 0.7 s without).
REPLAN_QUICK_RUN = 0.05
# The full-model worker: every constraint in the LP from the start, more cuts ("max_lp", not
# "default_lp": on generated prison weeks it proved a 150-session week in 0.7 s that default_lp
# left at 25 / 18 after 20 s, a 400-session week in 7.7 s against 60 / 53 after 30 s), and a
# search for a timetable at the objective's current lower bound, as in the rooms relaxation. The
# bound is what limits us: generated school-like weeks are proven optimal where max_lp alone left
# a gap at 60 s (150 sessions: OPTIMAL 24 in 21 s, against 24 / 20; 400 sessions: OPTIMAL 9 in
# 56 s, against 12-13 / 9). Re-plans of prison weeks take as long as before (0.16-0.18 s). The
# other worker keeps CP-SAT's own neighbourhood searches.
FULL_MODEL_SUBSOLVER = relaxation.RELAXATION_SUBSOLVER
# Shares of the rooms relaxation, of each room assignment that completes its timetable, and of a
# repair when rooms stay short, before the first full run (relaxation.py). The relaxation proves
# generated 400-session prison weeks in 2-7 s and then stops; on 1,000-session weeks it finds
# better timetables than the full model in the same time (251 / 245 in 27 s, where the full model
# stood at 274 / 238 after 46 s), so it gets most of the time. School-like weeks use it too,
# although it does not see the capacity of rooms for one-period sessions: its timetable is a
# better start and its bound the only one there (400-session dense week at 60 s: 11 / 8 with it,
# 20 / 3 without; a 150-session one proven optimal in 12 s instead of 56 s). Once rooms cost
# next to nothing after an unproven relaxation (relaxation.period_slots), 0.85 did no better
# on the 1,000-session week (gap <= 1 % in 8 of 12 runs, as with 0.6), and 0.92 worse (0 of 6:
# the room assignment then ran out of time).
RELAXATION_SHARE, ROOMS_SHARE, REPAIR_SHARE = 0.6, 0.2, 0.2
# Share of the time left, once rooms are found for an unproven relaxation's timetable, for
# solving the relaxation again from that timetable (`_relax_again`), before the full model's
# run from the better of the two. On a 1,000-session prison week the full model's run alone
# often left the timetable as it was (seed 0, eight runs: 250-256, mean 252.1; seed 1, three:
# 257-259); the relaxation, a quarter of its size, improves it further (seed 0, twelve runs:
# 250-253, mean 250.75; seed 1: 250-252; relaxation alone for the whole 20 s: 250-252, mean
# 251.25), and the full model's run after it wins back what rooms cost more than it (253 -> 251).
RELAX_AGAIN_SHARE = 0.6
# The same shares on school-like weeks, whose relaxation rarely proves its bound in time and whose
# rooms (stability, capacity) cost as much as its periods: the full model and the neighbourhood
# search improve the timetable faster than it (ITC 2007 comp07, 434 lectures, at 60 s: 106 with
# 0.6 and 0.2, 49 and 58 with these).
SCHOOL_RELAXATION_SHARE, SCHOOL_ROOMS_SHARE = 0.25, 0.1
# On school-like weeks the relaxation is first solved by the core-based search on this part of
# its share (relaxation.SCHOOL_RELAXATION_SUBSOLVER): it proves most 150-session weeks in a few
# seconds, but on 400-session ones it finds worse timetables than the usual worker, which then
# gets the relaxation's share of the time left, from the core search's timetable. Benchmark at
# 60 s (slow machine): 150-session seed 0 proven at 35 in 1 run of 3 (35 / 41 / 56, against
# 39 / 43 / 57 before on a machine twice as fast); seed 2 proven in 9-16 s as before.
SCHOOL_CORE_PART = 0.5
# Wall-clock cap of the step that lets activities changing rooms move, as a multiple of the
# relaxation's last solve. Since it frees their rooms' other activities too, uncapped it spent
# 6 s of a 150-session week's 7.5 (2.0 s with the cap); on 400-session weeks it then reaches or
# nearly reaches the bound (seed 1: OPTIMAL in the step itself, 9.5 s in all).
MOVING_LIMIT = 1.0
# When its timetable finds no rooms, the relaxation learns the sets of rooms it overfilled and is
# solved again, at most this many rounds in all, each on this share of the time left.
ROOM_ROUNDS, RECOUNT_SHARE = 4, 0.1
# Presolve of full runs on school-like weeks: no probing and one presolve pass instead of three.
# On a generated 400-session dense week (69,000 variables) search started at 1.7 s instead of
# 9.6 s, with the same bound (1); prison weeks keep the full presolve, which lifts their bound
# (1,000-session week: 238 with it, 211 with one pass).
LIGHT_PRESOLVE = {"cp_model_probing_level": 0, "max_presolve_iterations": 1}
# The search for a timetable at the relaxation's proven bound (`_at_bound`): its share of the
# time left, its tries at most, and the cap of each try, as a multiple of the relaxation's own
# wall-clock time but at least AT_BOUND_MINIMUM seconds. As a satisfaction
# problem, the full model found the optimum of generated 400-session prison weeks in 0.7-1.9 s,
# where the optimising run, hinted the same timetable, had not found it after 30 s. Whether it
# does depends on the seed: from four hints, seeds 0-5 succeeded 13 times in 24, each time
# within 1.4 s, and the others found nothing in 5 s; so it restarts with the next seed, the
# caps of the tries following Luby's sequence around that cap (`_try_cap`).
AT_BOUND_SHARE, AT_BOUND_TRIES = 0.25, 8
AT_BOUND_LIMIT, AT_BOUND_MINIMUM = 0.5, 0.6
# The search at the bound's tree-search worker goes without the LP: it follows the hint, and the
# bound is already a cut, so the LP only slows each node. Generated 150-session prison week,
# seed 1: the optimum in 0.13-0.2 s instead of 0.21-0.44 s (whole solve: 10 runs in 0.88-0.99 s,
# against 0.99-1.23 s). Generated dense weeks and ITC 2007 comp01 ended their tries as before.
AT_BOUND_IGNORED = "default_lp"
# Presolve of each try: one pass instead of three. Each try presolves the full model again, and
# on 400-session prison weeks the full presolve took 0.7-0.9 s of a try that then found the
# timetable in 0.1-0.7 s. From the same hints (generated 400-session weeks 1-4, two hints each,
# six seeds, 4 s cap): weeks 1-2 found it in 0.4-2.0 s instead of 0.8-2.7 s; week 3 in 2 tries
# of 12 against 3, week 4 in 7 against 2. No presolve at all, or no probing either, failed more
# often. School-like weeks keep their lighter presolve (LIGHT_PRESOLVE).
AT_BOUND_PRESOLVE = {"max_presolve_iterations": 1}
# Cap of each try on school-like weeks: generated 150-session dense weeks found their optimum in
# 0.4-0.5 s when it was at the bound, and tries that found nothing spent 4-6 s each.
SCHOOL_AT_BOUND_CAP = 2.0
# The full-model worker of the run that improves the timetable of a week whose relaxation is
# not proven, with LIGHT_PRESOLVE: there the bound is the relaxation's, so the run spends
# nothing on raising its own; CP-SAT's neighbourhood searches on the full model, hinted the
# relaxation's timetable with rooms, win back the room stability that assigning rooms costs
# faster than ours (generated 1,000-session week, from 301 with 20 s: 253-254 in 3 runs,
# against 254-260). With the full presolve, the same run spent 5-7 s in presolve. Now that
# assigning rooms costs next to nothing (relaxation.period_slots), the run improves the
# timetable itself: 255 -> 251 in 21 s, or none from 252 in another run.
TAIL_SUBSOLVER = "default_lp"
# Below this much wall-clock time (without a deterministic budget), skip the last run.
LAST_RUN_MINIMUM = 1.0
# Deterministic time of the infeasibility explanation in reproducible runs.
EXPLAIN_DETERMINISTIC = 5.0


def _optimise(prob, slots, tm, hint, budget, workers, seed, on_progress, started, remaining,
              warnings, change_limit, presolve) -> dict:
    total = sum(activity.sessions for activity in prob.activities)
    status, skip_full_runs = None, False
    if prob.previous:
        # A re-plan starts from the published timetable, which a short run usually proves
        # optimal before the facilitators' and wings' bounds are worth their cost.
        solver, status = _run(tm, budget, REPLAN_QUICK_RUN, workers, seed, on_progress, started,
                              **presolve)
        if status == cp_model.FEASIBLE:
            _hint_values(tm, list(solver.response_proto.solution))
    if status not in (cp_model.INFEASIBLE, cp_model.OPTIMAL):
        if not presolve:  # on a school-like week they would give up too
            _add_bounds(tm, budget, workers, seed, bounds.facilitator_and_wing_neighbourhoods,
                        FACILITATOR_BOUNDS_SHARE)
        if not prob.previous:
            outcome = _periods_first(prob, tm, hint, budget, workers, seed, started, warnings,
                                     on_progress, presolve)
            if isinstance(outcome, dict):
                return outcome
            if outcome is None:
                return _infeasible(prob, slots, started, remaining, warnings, budget)
            hint = outcome.placed or hint
            # On a prison week whose rooms relaxation is not proven, the full model, larger
            # still, proves nothing either: the time left goes to improving the timetable, by
            # the relaxation again (RELAX_AGAIN_SHARE), then one run of the full model (see
            # TAIL_SUBSOLVER) instead of a first and a last one.
            skip_full_runs = not outcome.proven and not presolve and len(hint) == total
        if skip_full_runs and workers >= 2:  # _periods_first has hinted its timetable
            again = _relax_again(prob, tm, outcome, budget, workers, seed, started, warnings,
                                 on_progress)
            if isinstance(again, dict):
                return again
            if again is not None:
                hint = again
                _apply_hint(tm, hint, budget)
            solver, status = _run(tm, budget, 1.0, workers, seed, on_progress, started,
                                  subsolver=TAIL_SUBSOLVER, **LIGHT_PRESOLVE)
        elif skip_full_runs:  # one worker: no neighbourhood search in CP-SAT, ours instead
            solver, status = None, cp_model.UNKNOWN
        else:
            first = FIRST_RUN if len(hint) == total else FIRST_RUN_INCOMPLETE
            solver, status = _run(tm, budget, first, workers, seed, on_progress, started,
                                  **presolve)
    if status == cp_model.INFEASIBLE:
        return _infeasible(prob, slots, started, remaining, warnings, budget)
    if status == cp_model.OPTIMAL:
        return _solution(prob, tm, solver, "OPTIMAL", started, warnings)
    # Scaled; valid for the whole problem. A run cut short by presolve reports none of its own.
    bound = tm.lower_bound if solver is None else max(solver.best_objective_bound,
                                                      tm.lower_bound)
    best: lns.Incumbent | None = None
    if status == cp_model.FEASIBLE:
        best = lns.Incumbent(lns.placements(tm, solver), round(solver.objective_value), tm,
                             solver)
    # A run that returns nothing although it was hinted a complete timetable never got past
    # presolve (a 1,000-session week needs 7 s of it): a last run would stall too, so the
    # neighbourhood search takes all the time left. After an unproven relaxation, no last run
    # either: the one run had all the time, or there is one worker.
    stalled = skip_full_runs or (status == cp_model.UNKNOWN and len(hint) == total)
    wall, deterministic = budget.share(1.0 if stalled else LNS_RUN)
    deadline = time.perf_counter() + wall
    meter = lns.Meter()
    if best is None and hint:
        if len(hint) == total:
            fixed_solver, fixed_status, fixed_tm = lns.solve_restricted(
                prob, slots, hint, set(),
                wall=max(1.0, wall / 4) if deterministic is None else wall,
                deterministic=None if deterministic is None else deterministic / 4,
                workers=1, seed=seed, change_limit=change_limit)
            meter.charge(fixed_solver)
            if fixed_status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
                best = lns.Incumbent(set(hint), round(fixed_solver.objective_value), fixed_tm,
                                     fixed_solver)
        if best is None:
            best = lns.repair(prob, slots, hint, deadline=deadline,
                              deterministic=_left(deterministic, meter), workers=workers,
                              seed=seed, change_limit=change_limit, meter=meter)

    def report(incumbent: lns.Incumbent) -> None:
        _report(on_progress, started, tm, incumbent.cost, bound)

    if best is not None:
        best = lns.improve(prob, slots, best, deadline=deadline,
                           deterministic=_left(deterministic, meter), workers=workers,
                           seed=seed, change_limit=change_limit, on_improvement=report,
                           meter=meter)
        budget.charge(meter.deterministic)
        # Last monolithic run, from the best timetable completed into a full hint: hinted on
        # the placements alone, it started far above it on large weeks (748 against 36).
        if best.cost > 0 and not stalled and budget.worth_a_run():
            _apply_hint(tm, best.placed, budget)
            final_solver, final_status = _run(tm, budget, 1.0, workers, seed, None,
                                              started, **presolve)
            if final_status == cp_model.OPTIMAL:
                return _solution(prob, tm, final_solver, "OPTIMAL", started, warnings)
            if final_status == cp_model.INFEASIBLE:  # cannot happen with a valid incumbent
                return _infeasible(prob, slots, started, remaining, warnings, budget)
            bound = max(bound, final_solver.best_objective_bound)
            if final_status == cp_model.FEASIBLE \
                    and round(final_solver.objective_value) < best.cost:
                best = lns.Incumbent(lns.placements(tm, final_solver),
                                     round(final_solver.objective_value), tm, final_solver)
        status_name = "OPTIMAL" if bound >= best.cost else "FEASIBLE"
        return _solution(prob, best.tm, best.solver, status_name, started, warnings,
                         bound=bound / tm.scale)
    budget.charge(meter.deterministic)
    if budget.worth_a_run():
        solver, status = _run(tm, budget, 1.0, workers, seed, on_progress, started,
                              **presolve)
        if status == cp_model.INFEASIBLE:
            return _infeasible(prob, slots, started, remaining, warnings, budget)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _solution(prob, tm, solver, STATUS_NAMES[status], started, warnings)
        bound = max(bound, solver.best_objective_bound)
    return _answer(prob, started, "UNKNOWN", bound=_number(max(0, bound / tm.scale)),
                   warnings=warnings)


class _Start(NamedTuple):
    """What the rooms relaxation leaves for the full model."""
    placed: set[tuple[int, int, int]]  # a timetable, possibly partial or empty
    proven: bool  # the relaxation was solved to optimality
    relaxed_tm: TimetableModel | None = None  # the relaxation, to solve it again
    relaxed: relaxation.Relaxed | None = None  # its last solve
    cost: int | None = None  # of `placed`, scaled, when rooms were found (with the two above)


def _periods_first(prob, tm, hint, budget, workers, seed, started, warnings, on_progress,
                   presolve):
    """The rooms relaxation, then rooms for its timetable (see relaxation.py).

    When some period lacks rooms, the relaxation learns the sets of rooms it overfilled and is
    solved again from its timetable, a few times. Returns the answer when a timetable is proven
    optimal, None when the relaxation is infeasible (so is the problem), else the timetable
    found and whether the relaxation was proven, after adding its bound to the full model."""
    relaxed_tm = relaxation.build_relaxation(tm)
    school = bool(presolve)  # LIGHT_PRESOLVE marks a school-like week
    share, bound = SCHOOL_RELAXATION_SHARE if school else RELAXATION_SHARE, 0
    rooms_share = SCHOOL_ROOMS_SHARE if school else ROOMS_SHARE
    relaxed = previous = assigned = None
    seated_stranded = False  # whether _seat_stranded has tried the last relaxed timetable
    # The relaxation's wall-clock time over all its rounds: the caps below scale with it. A
    # re-solve from the last timetable is quick, and capped by it alone, the searches at the
    # bound of a 400-session week stopped in presolve (seed 2: sixteen tries of 0.6 s, where
    # the full run then proved the optimum in 2.3 s).
    relaxed_wall = 0.0
    for _ in range(ROOM_ROUNDS):
        relaxed_started = time.perf_counter()
        core = None
        if relaxed is None and school:
            core = _core_first(relaxed_tm, hint, budget, share, workers, seed, presolve)
            bound = core.bound
        if core is not None and core.status in (cp_model.OPTIMAL, cp_model.INFEASIBLE):
            relaxed = core
        else:
            wall, deterministic = budget.share(share)
            if relaxed is not None:  # a later round, after rooms fell short
                start = relaxation.placements(relaxed)
            elif core is not None and core.starts:
                start = relaxation.placements(core)
            else:
                start = hint
            relaxed = relaxation.solve_relaxation(
                relaxed_tm, start, wall=wall, deterministic=deterministic, workers=workers,
                seed=seed, presolve=presolve)
            budget.charge(relaxed.spent)
            if not relaxed.starts and core is not None and core.starts:
                relaxed = core
        relaxed_wall += time.perf_counter() - relaxed_started
        if relaxed.status == cp_model.INFEASIBLE:
            return None
        bound = max(bound, relaxed.bound)
        if not relaxed.starts:  # out of time: keep the last timetable it found, if any
            relaxed = previous
            break
        previous, seated_stranded = relaxed, False
        wall, deterministic = budget.share(rooms_share)
        # An unproven relaxation's timetable is what the rest of the run improves: its rooms
        # must cost nothing more, so sessions of several periods may leave the rooms it chose.
        # A proven one is completed by the searches at its bound, which did better from the
        # relaxation's rooms (400-session week, seeds 0-5: 7.2-18 s, against 10-60 s).
        solver, status, assigned = relaxation.assign_rooms(
            tm, relaxed, wall=wall, deterministic=deterministic, workers=workers, seed=seed,
            keep_rooms=relaxed.status == cp_model.OPTIMAL)
        budget.charge(solver.deterministic_time)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            break
        assigned = None
        if status != cp_model.INFEASIBLE or relaxed.status != cp_model.OPTIMAL:
            # Out of time, or an unproven relaxation that a short re-solve would not improve
            # (1,000-session week: nothing found in 2 s): its sessions without rooms move below.
            break
        # A few sessions lack rooms: those a first fit cannot seat, and those in their way,
        # may move in time; the searches at the bound then start from that timetable. Sooner
        # than another round of the relaxation, and the searches found nothing from the first
        # fit itself on large weeks (generated 400-session week, four such timetables, three
        # seeds each: the optimum in 0.9-7.5 s, median 1.7, where a try from the first fit
        # found nothing in 12 and the round after it took 2-4 s).
        seated = relaxation.first_fit_rooms(tm, relaxed)
        solver, assigned = _seat_stranded(tm, relaxed, seated, bound, budget, rooms_share,
                                          workers, seed)
        seated_stranded = True
        if assigned is not None:
            break
        # When those cannot move enough, one search at the bound from what the first fit seats
        # may still seat the rest at no cost (generated 150-session week, seed 1: 6 tries of
        # 9 within 0.6 s, where moving the stranded sessions was infeasible).
        _add_relaxed_bound(tm, bound)
        _apply_hint(tm, seated, budget)
        found = _at_bound(prob, tm, budget, workers, seed, started, warnings, presolve,
                          _at_bound_cap(relaxed_wall), tries=1)
        if found is not None:
            return found
        short = relaxation.short_room_sets(tm, relaxed)
        if not short:
            break
        add_room_counts(relaxed_tm, short)
        share = RECOUNT_SHARE
    _add_relaxed_bound(tm, bound)
    if relaxed is None:
        return _Start(set(), False)
    proven = relaxed.status == cp_model.OPTIMAL
    if assigned is None:
        seated = relaxation.first_fit_rooms(tm, relaxed)
        if not seated_stranded:
            solver, assigned = _seat_stranded(tm, relaxed, seated, bound, budget, rooms_share,
                                              workers, seed)
    if assigned is None:
        # Still short of rooms, or out of time: free the sessions a first fit cannot seat,
        # with neighbours drawn at random, and re-solve them.
        wall, deterministic = budget.share(REPAIR_SHARE)
        meter = lns.Meter()
        repaired = lns.repair(prob, tm.slots, seated, deadline=time.perf_counter() + wall,
                              deterministic=deterministic, workers=workers, seed=seed,
                              change_limit=None, meter=meter)
        budget.charge(meter.deterministic)
        # Unrepaired, the seated sessions still start the full run better than the greedy
        # timetable.
        placed = repaired.placed if repaired is not None else seated
        _apply_hint(tm, placed, budget)
        if relaxed.status == cp_model.OPTIMAL:
            found = _at_bound(prob, tm, budget, workers, seed, started, warnings, presolve)
            if found is not None:
                return found
        return _Start(placed, proven)
    _report(on_progress, started, tm, round(solver.objective_value), bound)
    placed = lns.placements(assigned, solver)
    at_bound_cap = _at_bound_cap(relaxed_wall)
    if round(solver.objective_value) > bound and relaxed.status == cp_model.OPTIMAL:
        _apply_hint(tm, placed, budget)
        found = _at_bound(prob, tm, budget, workers, seed, started, warnings, presolve,
                          at_bound_cap)
        if found is not None:
            return found
    moving = relaxation.moving_rooms(tm, placed)
    # Only after a proven relaxation: on a 1,000-session week, never proven, the step spent its
    # time for a worse timetable, and neighbourhood search later does better.
    if round(solver.objective_value) > bound and moving and relaxed.status == cp_model.OPTIMAL:
        # The relaxation does not see room stability: let the activities that change rooms,
        # and those tied to them, move in time too, the rest staying where they are.
        wall, deterministic = budget.share(
            rooms_share, (MOVING_LIMIT * relaxed_wall, MOVING_LIMIT * relaxed.spent))
        again, status, reassigned = relaxation.assign_rooms(
            tm, relaxed, wall=wall, deterministic=deterministic,
            workers=workers, seed=seed, free=moving, bound=bound, hint=placed)
        budget.charge(again.deterministic_time)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE) \
                and again.objective_value < solver.objective_value:
            solver, assigned = again, reassigned
            placed = lns.placements(assigned, solver)
    if round(solver.objective_value) <= tm.lower_bound:
        return _solution(prob, assigned, solver, "OPTIMAL", started, warnings)
    _apply_hint(tm, placed, budget)
    if relaxed.status == cp_model.OPTIMAL:
        found = _at_bound(prob, tm, budget, workers, seed, started, warnings, presolve,
                          at_bound_cap, first_seed=AT_BOUND_TRIES)
        if found is not None:
            return found
    return _Start(placed, proven, relaxed_tm, relaxed, round(solver.objective_value))


def _core_first(relaxed_tm, hint, budget, share, workers, seed, presolve) -> relaxation.Relaxed:
    """The rooms relaxation of a school-like week, solved first with CP-SAT's core-based search
    on SCHOOL_CORE_PART of the relaxation's share (relaxation.SCHOOL_RELAXATION_SUBSOLVER)."""
    wall, deterministic = budget.share(share * SCHOOL_CORE_PART)
    relaxed = relaxation.solve_relaxation(
        relaxed_tm, hint, wall=wall, deterministic=deterministic, workers=workers, seed=seed,
        presolve=presolve, subsolver=relaxation.SCHOOL_RELAXATION_SUBSOLVER)
    budget.charge(relaxed.spent)
    return relaxed


def _relax_again(prob, tm, start: _Start, budget, workers, seed, started, warnings,
                 on_progress) -> dict | set[tuple[int, int, int]] | None:
    """Solve the rooms relaxation again from its last timetable, on RELAX_AGAIN_SHARE of the
    time left, and find rooms for what it finds. Returns the OPTIMAL answer when that proves
    itself, the new timetable when it costs less than `start`'s, else None."""
    if start.cost is None:  # no rooms found, so no relaxation to start from either
        return None
    wall, deterministic = budget.share(RELAX_AGAIN_SHARE)
    # The first solve's proven bound, as a cut: the search for a timetable at the lower bound
    # starts from it instead of proving it again (400-session week, one worker, 0.3
    # deterministic seconds: 186 instead of 176-180). On the 1,000-session week the second
    # solve rarely raises it further (seed 0, 17 runs: 249 in 9, 248 in 8; 11 within 1 %).
    if start.relaxed.bound > 0:
        start.relaxed_tm.model.add(start.relaxed_tm.weighted >= start.relaxed.bound)
    again = relaxation.solve_relaxation(
        start.relaxed_tm, relaxation.placements(start.relaxed), wall=wall,
        deterministic=deterministic, workers=workers, seed=seed)
    budget.charge(again.spent)
    _add_relaxed_bound(tm, again.bound)
    if not again.starts:
        return None
    wall, deterministic = budget.share(ROOMS_SHARE)
    solver, status, assigned = relaxation.assign_rooms(
        tm, again, wall=wall, deterministic=deterministic, workers=workers, seed=seed,
        keep_rooms=False)
    budget.charge(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    cost = round(solver.objective_value)
    if cost <= tm.lower_bound:
        return _solution(prob, assigned, solver, "OPTIMAL", started, warnings)
    if cost >= start.cost:
        return None
    _report(on_progress, started, tm, cost, tm.lower_bound)
    return lns.placements(assigned, solver)


def _report(on_progress: Progress | None, started: float, tm: TimetableModel, cost: int,
            bound: int) -> None:
    """Report a timetable of scaled `cost` found outside a CP-SAT run, with the proven bound."""
    if on_progress is not None:
        on_progress({"elapsed": round(time.perf_counter() - started, 3),
                     "objective": _number(cost / tm.scale),
                     "bound": _number(max(0, min(bound, cost)) / tm.scale)})


def _seat_stranded(tm, relaxed, seated, bound, budget, rooms_share, workers, seed):
    """Rooms for the relaxation's timetable when some period is short of them: the activities
    its first fit (`seated`) cannot seat, and those tied to them, may move in time; the rest
    keep the relaxation's periods. On a generated 1,000-session week this costs what a room
    assignment does when it succeeds (290-308 in 1.4-1.6 s), where a random repair gave 790 in
    4.2 s; such runs ended at 257-267 instead of 345-390. Returns the solver and the restricted
    model, None when it found no timetable."""
    wall, deterministic = budget.share(rooms_share)
    solver, status, assigned = relaxation.assign_rooms(
        tm, relaxed, wall=wall, deterministic=deterministic, workers=workers, seed=seed,
        free=relaxation.stranded(tm, relaxed, seated), bound=bound, hint=seated)
    budget.charge(solver.deterministic_time)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return solver, None
    return solver, assigned


def _at_bound_cap(relaxed_wall: float) -> float:
    """Wall-clock cap of each try at the bound, from the relaxation's time over its rounds."""
    return max(AT_BOUND_MINIMUM, AT_BOUND_LIMIT * relaxed_wall)


def _add_relaxed_bound(tm: TimetableModel, bound: int) -> None:
    """The rooms relaxation's proven bound, as a cut of the full model and its lower bound."""
    if bound > tm.lower_bound:
        tm.model.add(relaxation.relaxed_terms(tm) >= bound)
        tm.lower_bound = bound


def _at_bound(prob, tm, budget, workers, seed, started, warnings, presolve: dict,
              try_cap: float | None = None, first_seed: int = 0,
              tries: int = AT_BOUND_TRIES) -> dict | None:
    """Look for a timetable that costs no more than the proven lower bound, as a satisfaction
    problem: the full model with `weighted <= bound` and no objective, from the full model's
    hint. Each time that is proven infeasible, the bound rises by one (scaled) unit, as a cut
    of the full model and its `lower_bound`, and the search goes on.

    The search gets AT_BOUND_SHARE of the time left, for AT_BOUND_TRIES tries at most. With
    `try_cap` (wall-clock seconds), a try that finds nothing within that cap restarts with the
    next seed: from one hint, some seeds find the timetable at once and others not in 10 s. On
    school-like weeks (`presolve`, see LIGHT_PRESOLVE) the relaxation's bound is rarely reached
    and their models are large: one try, within the cap, and it only goes on while it proves
    the bound unreachable. Returns the OPTIMAL answer when such a timetable is found, else None.
    """
    if workers < 2 or budget.reproducible:
        # What finds these timetables is CP-SAT's feasibility-jump local search, which runs
        # only beside a full-model worker, not with one worker nor interleaved (reproducible
        # runs): there the tries only cost time (150-session week, one worker: 4.7 s without
        # them, 6.8-14 s with them).
        return None
    if presolve:  # a school-like week
        try_cap = SCHOOL_AT_BOUND_CAP if try_cap is None else min(try_cap, SCHOOL_AT_BOUND_CAP)
    wall, _ = budget.share(AT_BOUND_SHARE)
    deadline = time.perf_counter() + wall
    for attempt in range(tries):
        wall = deadline - time.perf_counter()
        if wall < 0.05:
            break
        model = tm.model.clone()  # same variables, so `tm` reads its solutions
        model.add(tm.weighted <= tm.lower_bound)
        model.clear_objective()
        solver = cp_model.CpSolver()
        for name, value in {**presolve, **AT_BOUND_PRESOLVE}.items():
            setattr(solver.parameters, name, value)
        if try_cap is not None:
            # On school-like weeks a try that runs out of time is the last one (see below).
            wall = min(wall, _try_cap(try_cap, attempt, bool(presolve) or tries == 1))
        lns.configure(solver.parameters, workers=workers, seed=seed + first_seed + attempt,
                      wall=wall, deterministic=None)
        solver.parameters.ignore_subsolvers.append(AT_BOUND_IGNORED)
        # Feasibility jump keeps the weights of the constraints it violated instead of letting
        # them decay. From the same hint, the share of seeds whose try found the timetable at
        # the bound within 1.6 s (generated 400-session prison week 0, five hints, 24 seeds
        # each): 77 of 120 with this, against 52 of 120 with CP-SAT's default (0.95); weeks 1-3
        # and 150-session weeks, where every seed finds it, as fast as before. Whole solves of
        # week 0, 20 runs each: none over 10 s (4.5-8.3 s), against 5 (4.4-12.0 s).
        solver.parameters.feasibility_jump_decay = relaxation.FJ_DECAY
        status = solver.solve(model)
        if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return _solution(prob, tm, solver, "OPTIMAL", started, warnings)
        if status == cp_model.INFEASIBLE:
            tm.lower_bound += 1
            tm.model.add(tm.weighted >= tm.lower_bound)
        elif try_cap is None or presolve:  # out of its time, or no restarts
            break
    return None


def _try_cap(cap: float, attempt: int, single: bool) -> float:
    """Wall-clock cap of one try at the bound: `cap` for a single try, else Luby's restart
    sequence on half of it (1/2, 1/2, 1, 1/2, 1/2, 1, 2, 1/2 times `cap`), at least
    AT_BOUND_MINIMUM. Whether a try finds the timetable depends on its seed more than on its
    time: on 400-session weeks the tries that found it did so in 0.3-1.2 s (3.9 s at most), so
    tries of half the cap waste less. Generated 400-session week 0, ten runs: every one proven
    within 9.5 s, against 5 of 10 over 10 s with every try at the cap (74.9 s in all against
    151.8 s); weeks 1-4 took about as long either way (noisy: 9-42 s by seed and week)."""
    if single:
        return cap
    return max(AT_BOUND_MINIMUM, cap * _luby(attempt + 1) / 2)


def _luby(i: int) -> int:
    """The i-th term (from 1) of Luby's sequence 1, 1, 2, 1, 1, 2, 4, 1, ..."""
    k = 1
    while (1 << k) - 1 < i:
        k += 1
    if (1 << k) - 1 == i:
        return 1 << (k - 1)
    return _luby(i - (1 << (k - 1)) + 1)


def _add_bounds(tm: TimetableModel, budget: _Budget, workers: int, seed: int, neighbourhoods,
                fraction: float) -> bounds.BoundsRun:
    """Redundant lower bounds of neighbourhoods (see bounds.py), on a share of the budget."""
    wall, deterministic = budget.share(fraction)
    if deterministic is None:
        deterministic = BOUNDS_DETERMINISTIC_CAP
    run = bounds.add_bounds(tm, neighbourhoods(tm.prob), deterministic=deterministic, wall=wall,
                            seed=seed, workers=workers)
    budget.charge(run.spent)
    return run


def _left(deterministic: float | None, meter: lns.Meter) -> float | None:
    return None if deterministic is None else max(0.0, deterministic - meter.deterministic)


class _Budget:
    """Splits the time between the solve stages.

    Without a deterministic budget, each stage gets a share of the remaining wall-clock time.
    With one, each stage gets a share of the remaining deterministic time, charged with what
    its CP-SAT calls spent, and the whole remaining wall-clock time as a safety net only: no
    decision then depends on the clock, unless the run reaches its time limit."""

    def __init__(self, remaining: Callable[[], float], deterministic: float | None):
        self.remaining = remaining
        self.deterministic = deterministic

    @property
    def reproducible(self) -> bool:
        return self.deterministic is not None

    def share(self, fraction: float, cap: tuple[float, float] | None = None
              ) -> tuple[float, float | None]:
        """(wall-clock seconds, deterministic seconds or None) for a stage; `cap` bounds the
        wall-clock share, or the deterministic one in reproducible runs."""
        if self.deterministic is None:
            wall = self.remaining() * fraction
            return (wall if cap is None else min(wall, cap[0])), None
        deterministic = max(0.0, self.deterministic) * fraction
        return self.remaining(), deterministic if cap is None else min(deterministic, cap[1])

    def charge(self, spent: float) -> None:
        if self.deterministic is not None:
            self.deterministic -= spent

    def worth_a_run(self) -> bool:
        if self.deterministic is None:
            return self.remaining() > LAST_RUN_MINIMUM
        return self.deterministic > 0.01


class _ProgressReporter(cp_model.CpSolverSolutionCallback):
    def __init__(self, on_progress: Progress, scale: int, started: float):
        super().__init__()
        self.on_progress = on_progress
        self.scale = scale
        self.started = started

    def on_solution_callback(self) -> None:
        self.on_progress({
            "elapsed": round(time.perf_counter() - self.started, 3),
            "objective": _number(self.objective_value / self.scale),
            "bound": _number(self.best_objective_bound / self.scale),
        })


def _improvements_only(on_progress: Progress) -> Progress:
    """Pass on only the reports that improve the timetable or the bound, the bound between 0
    (penalties are never negative) and the timetable's cost. Each CP-SAT run reports its own
    bound, which may stand below what earlier stages proved (1,000-session week: 171 in the last
    run, after the relaxation's 249), and its first timetable may cost more than earlier ones."""
    best: dict = {}

    def report(progress: dict) -> None:
        objective = min(progress["objective"], best.get("objective", progress["objective"]))
        bound = min(objective, max(0, progress["bound"], best.get("bound", 0)))
        if best == {"objective": objective, "bound": bound}:
            return
        best.update(objective=objective, bound=bound)
        on_progress({"elapsed": progress["elapsed"], "objective": objective, "bound": bound})

    return report


def _run(tm: TimetableModel, budget: _Budget, fraction: float, workers, seed, on_progress,
         started, subsolver: str = FULL_MODEL_SUBSOLVER, **extra):
    """A monolithic run on a `fraction` of the remaining budget, charged to it, with
    `subsolver` as its full-model worker."""
    wall, deterministic = budget.share(fraction)
    solver = cp_model.CpSolver()
    params = solver.parameters
    for name, value in extra.items():
        setattr(params, name, value)
    lns.configure(params, workers=workers, seed=seed, wall=wall, deterministic=deterministic)
    params.subsolvers.append(subsolver)
    callback = _ProgressReporter(on_progress, tm.scale, started) if on_progress else None
    status = solver.solve(tm.model, callback)
    budget.charge(solver.deterministic_time)
    return solver, status


def _apply_hint(tm: TimetableModel, placed: set[tuple[int, int, int]],
                budget: _Budget) -> None:
    """Hint a timetable. When it places every session, first complete it into a full
    assignment (penalty variables included): a hint on x alone leaves CP-SAT to rediscover the
    rest, and on crowded weeks it then started far above the greedy timetable's cost."""
    if not placed:
        tm.model.clear_hints()
        return
    _hint_values(tm, [0] * len(tm.model.proto.variables),
                 {var.index: int(key in placed) for key, var in tm.x.items()})
    if len(placed) < sum(activity.sessions for activity in tm.prob.activities):
        return
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 1
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.stop_after_first_solution = True
    solver.parameters.max_time_in_seconds = 5.0
    if budget.reproducible:  # not charged: it is a quick completion, not a search
        solver.parameters.max_time_in_seconds = max(0.05, budget.remaining())
        solver.parameters.max_deterministic_time = 5.0
    if solver.solve(tm.model) not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return
    _hint_values(tm, solver.response_proto.solution)


def _hint_values(tm: TimetableModel, values, only: dict[int, int] | None = None) -> None:
    """Hint every variable from a full solution vector, or only the variables in `only`."""
    tm.model.clear_hints()
    hint = tm.model.proto.solution_hint
    if only is None:
        hint.vars.extend(range(len(values)))
        hint.values.extend(values)
    else:
        hint.vars.extend(only.keys())
        hint.values.extend(only.values())


def _infeasible(prob, slots, started, remaining, warnings, budget=None) -> dict:
    # The explanation gets a few seconds of its own even when the search used the whole limit;
    # in a reproducible run, a fixed deterministic budget (the wall clock is a safety net).
    reproducible = budget is not None and budget.reproducible
    reasons = explain_infeasibility(prob, slots, time_limit=max(2.0, min(10.0, remaining())),
                                    deterministic=EXPLAIN_DETERMINISTIC if reproducible else None)
    return _answer(prob, started, "INFEASIBLE", explanation=reasons, warnings=warnings)


def _solution(prob, tm, solver, status, started, warnings, bound=None) -> dict:
    """The answer from `solver`'s solution of `tm` (the full model or a restricted one: every
    penalty is defined over all activities either way). `bound`, when given, replaces the
    solver's own (which, for a restricted model, is not a bound of the whole problem)."""
    penalties = {}
    for kind in WEIGHT_KINDS:
        weight = getattr(prob.weights, kind) or 0
        penalties[kind] = _number(solver.value(tm.counts[kind]) * weight) if weight else 0
    objective = _number(sum(penalties.values()))
    # Every penalty is non-negative, so 0 is a valid bound even before the LP has run.
    if bound is None:
        bound = max(solver.best_objective_bound, tm.lower_bound) / tm.scale
    bound = _number(min(max(0, bound), objective))
    if status == "OPTIMAL":
        bound = objective
    assignments = [
        {"activity": prob.activities[a].id, "period": prob.periods[p].id,
         "room": prob.rooms[r].id}
        for (a, p, r), var in sorted(tm.x.items()) if solver.value(var)
    ]
    return _answer(prob, started, status, objective=objective, bound=bound,
                   penalties=penalties, assignments=assignments, warnings=warnings)


def _answer(prob, started, status, *, objective=None, bound=None, penalties=None,
            assignments=(), explanation=(), warnings=()) -> dict:
    return {
        "format": SOLUTION_FORMAT,
        "problem": prob.name,
        "status": status,
        "objective": objective,
        "bound": bound,
        "wall_seconds": round(time.perf_counter() - started, 3),
        "penalties": penalties,
        "assignments": list(assignments),
        "explanation": list(explanation),
        "warnings": list(warnings),
    }


def _number(value: float | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 9)
    return int(rounded) if float(rounded).is_integer() else rounded
