"""Properties of every solver on small random weeks that are feasible by construction.

Problems come from the generator (tiny size, random seeds) and from a hypothesis strategy that
builds a week around a hidden timetable, then derives closures, limits, people and cohorts that
this timetable keeps. Solving uses one worker and a deterministic budget, so runs reproduce.
"""

import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scheduling.solver import check_solution, solve
from scheduling.solver.baselines import Instance, Occupancy, greedy, plain_cpsat
from scheduling.solver.generator import disrupt, generate

IN_CI = bool(os.environ.get("CI"))
PROFILE = settings(
    deadline=None,
    max_examples=25 if IN_CI else 60,
    derandomize=IN_CI,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
SOLVED = ("OPTIMAL", "FEASIBLE")
KINDS = ("classroom", "workshop", "gym")


def relais(problem):
    return solve(problem, workers=1, seed=0, deterministic_time=2, time_limit=60)


def plain(problem):
    return plain_cpsat(problem, time_limit=60, workers=1, deterministic_time=2)


def assert_sound(problem, solution):
    """A solution to a problem known to be feasible: never INFEASIBLE, valid, costs add up."""
    assert solution["status"] != "INFEASIBLE"
    if solution["status"] in SOLVED:
        assert check_solution(problem, solution) == []
        assert abs(solution["objective"] - sum(solution["penalties"].values())) < 1e-6
        assert solution["bound"] is None or solution["bound"] <= solution["objective"] + 1e-6


@st.composite
def known_feasible_weeks(draw):
    """A small week built around a hidden timetable that keeps every hard constraint."""
    periods = []
    for day in range(draw(st.integers(1, 3))):
        for index in sorted(draw(st.sets(st.integers(0, 4), min_size=1, max_size=4))):
            periods.append({"id": f"d{day}i{index}", "day": day, "index": index})
    n_periods = len(periods)
    wings = [{"id": f"w{i}"} for i in range(draw(st.integers(0, 2)))]
    wing_ids = [w["id"] for w in wings]
    rooms = []
    for i in range(draw(st.integers(1, 3))):
        room = {"id": f"r{i}", "capacity": draw(st.integers(0, 12)),
                "kind": draw(st.sampled_from(KINDS))}
        if wing_ids and draw(st.booleans()):
            room["wings"] = draw(st.lists(st.sampled_from(wing_ids), unique=True))
        rooms.append(room)
    soft_capacity = draw(st.booleans())
    activities = []
    for i in range(draw(st.integers(1, 5))):
        activity = {"id": f"a{i}", "sessions": draw(st.integers(0, 3)),
                    "length": draw(st.integers(1, 2)), "participants": draw(st.integers(0, 10)),
                    "min_days": draw(st.integers(0, 3))}
        if draw(st.booleans()):
            activity["room_kinds"] = draw(st.lists(st.sampled_from(KINDS), unique=True))
        if wing_ids:
            activity["wings"] = draw(st.lists(st.sampled_from(wing_ids), unique=True,
                                              max_size=2))
        activities.append(activity)
    weights = {kind: draw(st.integers(0, 3))
               for kind in ("min_days", "isolation", "room_stability", "preference", "change")}
    if soft_capacity:
        weights["capacity"] = draw(st.integers(0, 3))
    problem = {"format": "relais-timetable/1", "name": "drawn", "periods": periods,
               "rooms": rooms, "wings": wings, "activities": activities, "weights": weights}

    # the hidden timetable: each session takes a drawn free slot, or the activity has fewer
    inst = Instance(problem)
    state = Occupancy(inst)
    for a, activity in enumerate(activities):
        placed = 0
        for _ in range(activity["sessions"]):
            free = [spot for spot in inst.options(a) if state.fits(a, *spot)]
            if not free:
                break
            state.place(a, *draw(st.sampled_from(free)))
            placed += 1
        activity["sessions"] = placed
    covered = {a: set() for a in range(len(activities))}
    room_busy = {r: set() for r in range(len(rooms))}
    for a, start, r in state.placed:
        periods_here = inst.cover(start, inst.length[a])
        covered[a].update(periods_here)
        room_busy[r].update(periods_here)

    def free_periods(busy):
        return [periods[p]["id"] for p in range(n_periods) if p not in busy]

    for a, activity in enumerate(activities):
        if draw(st.booleans()) and free_periods(covered[a]):
            activity["unavailable"] = draw(st.lists(st.sampled_from(free_periods(covered[a])),
                                                    unique=True, max_size=2))
        spots = [(start, r) for b, start, r in state.placed if b == a]
        if spots and draw(st.booleans()):
            start, r = spots[0]
            activity["fixed"] = [{"period": periods[start]["id"], "room": rooms[r]["id"]}]
    for r, room in enumerate(rooms):
        if draw(st.booleans()) and free_periods(room_busy[r]):
            room["unavailable"] = draw(st.lists(st.sampled_from(free_periods(room_busy[r])),
                                                unique=True, max_size=2))
    for wing in wings:
        busy = set().union(*(covered[a] for a, act in enumerate(activities)
                             if wing["id"] in act.get("wings", [])))
        load = [sum(1 for a, start, _ in state.placed
                    if wing["id"] in activities[a].get("wings", [])
                    and p in inst.cover(start, inst.length[a]))
                for p in range(n_periods)]
        if draw(st.booleans()) and free_periods(busy):
            wing["unavailable"] = draw(st.lists(st.sampled_from(free_periods(busy)),
                                                unique=True, max_size=2))
        if draw(st.booleans()):
            wing["max_parallel"] = max(load) + draw(st.integers(0, 1))
        if draw(st.booleans()):
            p = draw(st.integers(0, n_periods - 1))
            wing["max_parallel_by_period"] = {periods[p]["id"]: load[p]}

    def apart(members):
        """Keep the drawn activities whose hidden sessions do not overlap each other."""
        kept, taken = [], set()
        for a in members:
            if not covered[a] & taken:
                kept.append(a)
                taken |= covered[a]
        return kept

    people = []
    for i in range(draw(st.integers(0, 3))):
        led = apart(draw(st.lists(st.integers(0, len(activities) - 1), unique=True,
                                  max_size=3)))
        busy = set().union(*(covered[a] for a in led))
        person = {"id": f"p{i}"}
        if draw(st.booleans()) and free_periods(busy):
            person["unavailable"] = draw(st.lists(st.sampled_from(free_periods(busy)),
                                                  unique=True))
        if draw(st.booleans()):
            person["preferred"] = draw(st.lists(st.sampled_from([p["id"] for p in periods]),
                                                unique=True))
        for a in led:
            activities[a].setdefault("facilitators", []).append(person["id"])
        people.append(person)
    problem["people"] = people
    cohorts = []
    for i in range(draw(st.integers(0, 2))):
        members = apart(draw(st.lists(st.integers(0, len(activities) - 1), unique=True,
                                      min_size=1, max_size=3)))
        cohorts.append({"id": f"c{i}", "activities": [activities[a]["id"] for a in members],
                        "compact": draw(st.booleans())})
    problem["cohorts"] = cohorts
    if state.placed and draw(st.booleans()):
        kept = draw(st.lists(st.sampled_from(state.placed), max_size=4))
        problem["previous"] = [
            {"activity": activities[a]["id"], "period": periods[start]["id"],
             "room": rooms[r]["id"]}
            for a, start, r in kept
        ]
        if draw(st.booleans()):
            problem["previous"].append({"activity": "gone", "period": "d9i9", "room": "r0"})
        problem["stability"] = draw(st.sampled_from(["weighted", "strict"]))
    return problem


@PROFILE
@given(seed=st.integers(0, 10_000), family=st.sampled_from(["prison", "dense"]))
def test_relais_solves_generated_tiny_weeks_soundly(seed, family):
    problem = generate("tiny", seed, family)
    solution = relais(problem)
    assert solution["status"] in SOLVED
    assert_sound(problem, solution)


@PROFILE
@given(problem=known_feasible_weeks())
def test_relais_never_calls_a_week_with_a_known_timetable_infeasible(problem):
    solution = relais(problem)
    assert solution["status"] in SOLVED
    assert_sound(problem, solution)


@PROFILE
@given(problem=known_feasible_weeks())
def test_baselines_return_valid_timetables_with_their_true_costs(problem):
    assert_sound(problem, greedy(problem))
    assert_sound(problem, plain(problem))


@PROFILE
@given(seed=st.integers(0, 10_000), family=st.sampled_from(["prison", "dense"]))
def test_baselines_on_generated_tiny_weeks(seed, family):
    problem = generate("tiny", seed, family)
    assert_sound(problem, greedy(problem))
    solution = plain(problem)
    assert solution["status"] in SOLVED
    assert_sound(problem, solution)


@PROFILE
@given(problem=known_feasible_weeks())
def test_relais_and_plain_model_agree_on_proven_optima(problem):
    ours, theirs = relais(problem), plain(problem)
    if ours["status"] == theirs["status"] == "OPTIMAL":
        assert abs(ours["objective"] - theirs["objective"]) < 1e-6


@settings(PROFILE, max_examples=8 if IN_CI else 15)
@given(seed=st.integers(0, 10_000), k=st.integers(1, 2))
def test_replanning_a_disrupted_generated_week_stays_feasible_and_valid(seed, k):
    problem = generate("small", seed % 50)
    solution = relais(problem)
    try:
        disrupted = disrupt(problem, solution, k, seed=seed)
    except ValueError:
        return  # this week has no day a volunteer could lose without making it infeasible
    replanned = relais(disrupted)
    assert replanned["status"] in SOLVED
    assert_sound(disrupted, replanned)
    assert_sound(disrupted, plain(disrupted))
