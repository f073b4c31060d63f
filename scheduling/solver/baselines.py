"""Two reference solvers the benchmark measures Relais against.

`greedy` is a first-fit construction that only seeks feasibility. `plain_cpsat` is the textbook
CP-SAT model: one boolean per session index x start period x room, every hard constraint and every
soft penalty written the obvious way, without symmetry breaking or tightened formulations. Both
assume a problem that already passed validation and answer in relais-timetable-solution/1.
"""

import math
import time
from collections import Counter, defaultdict

from ortools.sat.python import cp_model

SOLUTION_FORMAT = "relais-timetable-solution/1"
PENALTY_KINDS = ("capacity", "min_days", "isolation", "room_stability", "preference", "change")


class Instance:
    """A validated problem turned into integer positions, with the defaults of the format applied."""

    def __init__(self, problem):
        self.name = problem.get("name", "")
        self.periods = [p["id"] for p in problem["periods"]]
        self.period_pos = {pid: i for i, pid in enumerate(self.periods)}
        self.day = [p["day"] for p in problem["periods"]]
        by_slot = {(p["day"], p["index"]): i for i, p in enumerate(problem["periods"])}
        self.next = {}
        self.prev = {}
        for (day, index), i in by_slot.items():
            j = by_slot.get((day, index + 1))
            if j is not None:
                self.next[i] = j
                self.prev[j] = i

        self.rooms = [r["id"] for r in problem["rooms"]]
        self.room_pos = {rid: i for i, rid in enumerate(self.rooms)}
        self.room_capacity = [r["capacity"] for r in problem["rooms"]]
        self.room_kind = [r.get("kind", "") for r in problem["rooms"]]
        self.room_wings = [
            None if r.get("wings") is None else set(r["wings"]) for r in problem["rooms"]
        ]
        self.room_closed = [self._positions(r.get("unavailable")) for r in problem["rooms"]]

        wings = problem.get("wings", [])
        self.wing_closed = {w["id"]: self._positions(w.get("unavailable")) for w in wings}
        self.wing_limit = {}
        for w in wings:
            by_period = {
                self.period_pos[pid]: n
                for pid, n in (w.get("max_parallel_by_period") or {}).items()
            }
            limits = [by_period.get(p, w.get("max_parallel")) for p in range(len(self.periods))]
            self.wing_limit[w["id"]] = limits

        people = problem.get("people", [])
        self.person_closed = {p["id"]: self._positions(p.get("unavailable")) for p in people}
        self.person_preferred = {p["id"]: self._positions(p.get("preferred")) for p in people}

        self.activities = [a["id"] for a in problem["activities"]]
        self.activity_pos = {aid: i for i, aid in enumerate(self.activities)}
        self.sessions = [a["sessions"] for a in problem["activities"]]
        self.length = [a.get("length", 1) for a in problem["activities"]]
        self.participants = [a.get("participants", 0) for a in problem["activities"]]
        self.kinds = [set(a["room_kinds"]) if a.get("room_kinds") else None
                      for a in problem["activities"]]
        self.activity_wings = [list(a.get("wings", [])) for a in problem["activities"]]
        self.facilitators = [list(a.get("facilitators", [])) for a in problem["activities"]]
        self.min_days = [a.get("min_days", 0) for a in problem["activities"]]
        self.activity_closed = [self._positions(a.get("unavailable"))
                                for a in problem["activities"]]
        self.fixed = [
            [(self.period_pos[f["period"]], self.room_pos[f["room"]]) for f in a.get("fixed", [])]
            for a in problem["activities"]
        ]

        self.cohorts = []
        for c in problem.get("cohorts", []):
            members = [self.activity_pos[aid] for aid in c["activities"]]
            self.cohorts.append((c["id"], members, bool(c.get("compact", False))))
        self.cohorts_of = defaultdict(list)
        for ci, (_, members, _) in enumerate(self.cohorts):
            for a in members:
                self.cohorts_of[a].append(ci)

        self.warnings = []
        self.previous = defaultdict(Counter)
        for i, entry in enumerate(problem.get("previous", [])):
            a = self.activity_pos.get(entry.get("activity"))
            p = self.period_pos.get(entry.get("period"))
            r = self.room_pos.get(entry.get("room"))
            if a is None or p is None or r is None:
                self.warnings.append(f"previous[{i}]: unknown activity, period or room, ignored")
                continue
            self.previous[a][(p, r)] += 1
        self.stability = problem.get("stability", "weighted")

        weights = problem.get("weights", {})
        self.weights = {kind: weights.get(kind) or 0 for kind in PENALTY_KINDS}
        self.capacity_soft = weights.get("capacity") is not None

    def _positions(self, ids):
        return {self.period_pos[pid] for pid in ids or []}

    def cover(self, start, length):
        """The periods a session starting at `start` occupies, or None when it does not fit."""
        periods = [start]
        while len(periods) < length:
            nxt = self.next.get(periods[-1])
            if nxt is None:
                return None
            periods.append(nxt)
        return periods

    def options(self, a):
        """Every (start, room) a session of activity `a` may take on its own, in period order."""
        covers = []
        for start in range(len(self.periods)):
            periods = self.cover(start, self.length[a])
            if periods is None or self._closed_to_activity(a, periods):
                continue
            covers.append((start, periods))
        rooms = [r for r in range(len(self.rooms)) if self._room_suits(a, r)]
        return [
            (start, r)
            for start, periods in covers
            for r in rooms
            if not any(p in self.room_closed[r] for p in periods)
        ]

    def _closed_to_activity(self, a, periods):
        closed = [self.activity_closed[a]]
        closed += [self.wing_closed.get(w, set()) for w in self.activity_wings[a]]
        closed += [self.person_closed.get(f, set()) for f in self.facilitators[a]]
        return any(p in c for c in closed for p in periods)

    def _room_suits(self, a, r):
        if self.kinds[a] is not None and self.room_kind[r] not in self.kinds[a]:
            return False
        reach = self.room_wings[r]
        if reach is not None and not all(w in reach for w in self.activity_wings[a]):
            return False
        return self.capacity_soft or self.participants[a] <= self.room_capacity[r]

    def penalties(self, placed):
        """Recompute every weighted penalty of a timetable given as (activity, start, room)."""
        w = self.weights
        totals = dict.fromkeys(PENALTY_KINDS, 0)
        by_activity = defaultdict(list)
        for a, start, r in placed:
            by_activity[a].append((start, r))
        for a, start, r in placed:
            periods = self.cover(start, self.length[a])
            if self.capacity_soft:
                over = max(0, self.participants[a] - self.room_capacity[r])
                totals["capacity"] += w["capacity"] * over
            for f in self.facilitators[a]:
                preferred = self.person_preferred.get(f)
                if preferred:
                    missed = sum(1 for p in periods if p not in preferred)
                    totals["preference"] += w["preference"] * missed
        for a, sessions in by_activity.items():
            days = {self.day[start] for start, _ in sessions}
            totals["min_days"] += w["min_days"] * max(0, self.min_days[a] - len(days))
            totals["room_stability"] += w["room_stability"] * (len({r for _, r in sessions}) - 1)
        for a, before in self.previous.items():
            lost = before - Counter(by_activity.get(a, []))
            totals["change"] += w["change"] * sum(lost.values())
        for _, members, compact in self.cohorts:
            if not compact:
                continue
            spans = [
                (self.cover(start, self.length[a]))
                for a in members
                for start, _ in by_activity.get(a, [])
            ]
            for i, periods in enumerate(spans):
                before = self.prev.get(periods[0])
                after = self.next.get(periods[-1])
                joined = any(
                    j != i and (other[-1] == before or other[0] == after)
                    for j, other in enumerate(spans)
                )
                if not joined:
                    totals["isolation"] += w["isolation"]
        return totals

    def solution(self, status, placed=None, bound=None, started=None):
        """A relais-timetable-solution/1 dict; penalties are recomputed from the timetable."""
        answer = {
            "format": SOLUTION_FORMAT,
            "problem": self.name,
            "status": status,
            "objective": None,
            "bound": _plain_number(bound),
            "wall_seconds": round(time.perf_counter() - started, 3) if started else 0.0,
            "penalties": None,
            "assignments": [],
            "explanation": [],
            "warnings": list(self.warnings),
        }
        if status in ("OPTIMAL", "FEASIBLE"):
            penalties = {k: _plain_number(v) for k, v in self.penalties(placed).items()}
            answer["penalties"] = penalties
            answer["objective"] = _plain_number(sum(penalties.values()))
            answer["assignments"] = [
                {"activity": self.activities[a], "period": self.periods[p], "room": self.rooms[r]}
                for a, p, r in sorted(placed)
            ]
        return answer


def _plain_number(value):
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


class Occupancy:
    """What a partial timetable occupies, to test whether one more session fits every hard rule."""

    def __init__(self, instance):
        self.inst = instance
        self.busy = set()
        self.wing_load = Counter()
        self.placed = []

    def _keys(self, a, start, room):
        inst = self.inst
        periods = inst.cover(start, inst.length[a])
        keys = [("room", room, p) for p in periods]
        keys += [("activity", a, p) for p in periods]
        keys += [("person", f, p) for f in inst.facilitators[a] for p in periods]
        keys += [("cohort", c, p) for c in inst.cohorts_of[a] for p in periods]
        return periods, keys

    def fits(self, a, start, room):
        return self.time_fits(a, start) and self.room_free(a, start, room)

    def time_fits(self, a, start):
        """Whether activity `a` may start at `start` as far as people, cohorts and wings go."""
        inst = self.inst
        periods = inst.cover(start, inst.length[a])
        busy = self.busy
        for p in periods:
            if ("activity", a, p) in busy:
                return False
            if any(("person", f, p) in busy for f in inst.facilitators[a]):
                return False
            if any(("cohort", c, p) in busy for c in inst.cohorts_of[a]):
                return False
        for w in inst.activity_wings[a]:
            limits = inst.wing_limit.get(w)
            for p in periods:
                if limits and limits[p] is not None and self.wing_load[w, p] + 1 > limits[p]:
                    return False
        return True

    def room_free(self, a, start, room):
        periods = self.inst.cover(start, self.inst.length[a])
        return not any(("room", room, p) in self.busy for p in periods)

    def place(self, a, start, room):
        periods, keys = self._keys(a, start, room)
        self.busy.update(keys)
        for w in self.inst.activity_wings[a]:
            for p in periods:
                self.wing_load[w, p] += 1
        self.placed.append((a, start, room))

    def remove(self, a, start, room):
        periods, keys = self._keys(a, start, room)
        self.busy.difference_update(keys)
        for w in self.inst.activity_wings[a]:
            for p in periods:
                self.wing_load[w, p] -= 1
        self.placed.remove((a, start, room))


def greedy(problem, restarts=30):
    """First-fit, earliest slot first, with squeaky-wheel restarts.

    The first pass takes the most constrained activities first; when an activity finds no slot,
    the next pass places it first. Gives up (status UNKNOWN) after `restarts` more passes.
    """
    started = time.perf_counter()
    inst = Instance(problem)
    options = [inst.options(a) for a in range(len(inst.activities))]
    order = sorted(
        (a for a in range(len(inst.activities)) if inst.sessions[a] > len(inst.fixed[a])),
        key=lambda a: (len(options[a]) / inst.sessions[a], a),
    )
    for _ in range(restarts + 1):
        placed, stuck = _first_fit(inst, options, order)
        if stuck is None:
            return inst.solution("FEASIBLE", placed, bound=0, started=started)
        if stuck in order:
            order.remove(stuck)
            order.insert(0, stuck)
        else:
            break
    return inst.solution("UNKNOWN", started=started)


def _first_fit(inst, options, order):
    """Fixed sessions, then each activity of `order` at its first free (start, room).

    Returns the timetable and None, or a partial timetable and the activity that did not fit.
    """
    state = Occupancy(inst)
    for a, fixed in enumerate(inst.fixed):
        for start, room in fixed:
            if (start, room) not in options[a] or not state.fits(a, start, room):
                return state.placed, a
            state.place(a, start, room)
    for a in order:
        by_start = defaultdict(list)
        for start, room in options[a]:
            by_start[start].append(room)
        before = [pair for pair in inst.previous[a] if room_in(by_start, pair)]
        for _ in range(inst.sessions[a] - len(inst.fixed[a])):
            spot = next((pair for pair in before if state.fits(a, *pair)), None)
            if spot is None:
                spot = next(((start, room)
                             for start, rooms in by_start.items() if state.time_fits(a, start)
                             for room in rooms if state.room_free(a, start, room)), None)
            if spot is None:
                return state.placed, a
            state.place(a, *spot)
    return state.placed, None


def room_in(by_start, pair):
    return pair[1] in by_start.get(pair[0], ())


def _integer_weights(weights):
    """Scale the weights to integers for CP-SAT; returns (scale, scaled weights)."""
    scale = 1
    while any(abs(v * scale - round(v * scale)) > 1e-9 for v in weights.values()) and scale < 1e6:
        scale *= 10
    return scale, {k: round(v * scale) for k, v in weights.items()}


def plain_cpsat(problem, time_limit=60, workers=2, *, seed=0, deterministic_time=None):
    """The straightforward CP-SAT model, solved lexicographically when stability is strict."""
    started = time.perf_counter()
    inst = Instance(problem)
    scale, w = _integer_weights(inst.weights)
    model = cp_model.CpModel()
    n_periods = len(inst.periods)

    x = {}
    for a in range(len(inst.activities)):
        options = inst.options(a)
        for s in range(inst.sessions[a]):
            if s < len(inst.fixed[a]):
                allowed = [pair for pair in options if pair == inst.fixed[a][s]]
            else:
                allowed = options
            for start, r in allowed:
                x[a, s, start, r] = model.new_bool_var(f"x_{a}_{s}_{start}_{r}")
            model.add_exactly_one(x[a, s, start, r] for start, r in allowed)

    covering = defaultdict(list)
    starting = defaultdict(list)
    ending = defaultdict(list)
    of_activity = defaultdict(list)
    for (a, s, start, r), var in x.items():
        periods = inst.cover(start, inst.length[a])
        of_activity[a].append((start, r, var))
        starting[a, s, start].append(var)
        ending[a, s, periods[-1]].append(var)
        for p in periods:
            covering["room", r, p].append(var)
            covering["activity", a, p].append(var)
            for f in inst.facilitators[a]:
                covering["person", f, p].append(var)
            for c in inst.cohorts_of[a]:
                covering["cohort", c, p].append(var)
            for wing in inst.activity_wings[a]:
                covering["wing", wing, p].append(var)
    for key, variables in covering.items():
        if key[0] == "wing":
            limits = inst.wing_limit.get(key[1])
            limit = limits[key[2]] if limits else None
            if limit is not None:
                model.add(sum(variables) <= limit)
        elif len(variables) > 1:
            model.add_at_most_one(variables)

    terms = []
    for (a, _, start, r), var in x.items():
        cost = 0
        if inst.capacity_soft:
            cost += w["capacity"] * max(0, inst.participants[a] - inst.room_capacity[r])
        for f in inst.facilitators[a]:
            preferred = inst.person_preferred.get(f)
            if preferred:
                periods = inst.cover(start, inst.length[a])
                cost += w["preference"] * sum(1 for p in periods if p not in preferred)
        if cost:
            terms.append(cost * var)

    for a in range(len(inst.activities)):
        if inst.sessions[a] == 0:
            continue
        if w["min_days"] and inst.min_days[a] > 0:
            by_day = defaultdict(list)
            for start, _, var in of_activity[a]:
                by_day[inst.day[start]].append(var)
            used_days = []
            for d, starts_that_day in sorted(by_day.items()):
                day_used = model.new_bool_var(f"day_{a}_{d}")
                model.add(day_used <= sum(starts_that_day))
                used_days.append(day_used)
            short = model.new_int_var(0, inst.min_days[a], f"short_{a}")
            model.add(short >= inst.min_days[a] - sum(used_days))
            terms.append(w["min_days"] * short)
        if w["room_stability"]:
            room_used = {}
            for _, r, var in of_activity[a]:
                if r not in room_used:
                    room_used[r] = model.new_bool_var(f"room_{a}_{r}")
                model.add_implication(var, room_used[r])
            terms.append(w["room_stability"] * (sum(room_used.values()) - 1))

    if w["isolation"]:
        for ci, (_, members, compact) in enumerate(inst.cohorts):
            if not compact:
                continue
            sessions = [(a, s) for a in members for s in range(inst.sessions[a])]
            for a, s in sessions:
                for start in range(n_periods):
                    here = starting.get((a, s, start))
                    if not here:
                        continue
                    last = inst.cover(start, inst.length[a])[-1]
                    before, after = inst.prev.get(start), inst.next.get(last)
                    neighbours = []
                    for b, t in sessions:
                        if (b, t) != (a, s):
                            neighbours += ending.get((b, t, before), [])
                            neighbours += starting.get((b, t, after), [])
                    isolated = model.new_bool_var(f"iso_{ci}_{a}_{s}_{start}")
                    model.add(isolated >= sum(here) - sum(neighbours))
                    terms.append(w["isolation"] * isolated)

    lost_terms = []
    for a, before in inst.previous.items():
        for (p, r), count in before.items():
            kept = model.new_int_var(0, count, f"kept_{a}_{p}_{r}")
            model.add(kept <= sum(x.get((a, s, p, r), 0) for s in range(inst.sessions[a])))
            lost_terms.append(count - kept)
    lost = sum(lost_terms)
    if w["change"] and lost_terms:
        terms.append(w["change"] * lost)

    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed

    def run(budget):
        solver.parameters.max_time_in_seconds = max(0.1, budget)
        if deterministic_time is not None:
            solver.parameters.max_deterministic_time = deterministic_time
        return solver.solve(model)

    fewest_moves_proven = True
    if inst.stability == "strict" and lost_terms:
        model.minimize(lost)
        status = run(time_limit / 2)
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return inst.solution(_status_name(status), started=started)
        fewest_moves_proven = status == cp_model.OPTIMAL
        model.add(lost <= round(solver.objective_value))
        for var in x.values():
            model.add_hint(var, solver.boolean_value(var))
    model.minimize(sum(terms))
    status = run(time_limit - (time.perf_counter() - started))
    name = _status_name(status)
    if name not in ("OPTIMAL", "FEASIBLE"):
        return inst.solution(name, started=started)
    if not fewest_moves_proven:
        name = "FEASIBLE"
    placed = [(a, start, r) for (a, _, start, r), var in x.items() if solver.boolean_value(var)]
    bound = solver.best_objective_bound / scale
    bound = math.floor(bound + 1e-9) if scale == 1 else bound
    return inst.solution(name, placed, bound=bound, started=started)


def _status_name(status):
    if status == cp_model.OPTIMAL:
        return "OPTIMAL"
    if status == cp_model.FEASIBLE:
        return "FEASIBLE"
    if status == cp_model.INFEASIBLE:
        return "INFEASIBLE"
    return "UNKNOWN"
