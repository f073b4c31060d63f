import json
from collections import defaultdict

import pytest

from scheduling.solver import check_solution, load_problem, solve
from scheduling.solver.generator import SIZES, disrupt, generate


def sessions_of(problem):
    return sum(a["sessions"] for a in problem["activities"])


def solved(problem):
    solution = solve(problem, workers=1, deterministic_time=1, time_limit=60)
    assert solution["status"] in ("OPTIMAL", "FEASIBLE")
    assert check_solution(problem, solution) == []
    return solution


@pytest.mark.parametrize("family", ["prison", "dense"])
def test_generator_gives_the_same_problem_for_the_same_seed(family):
    first = json.dumps(generate("medium", 7, family), sort_keys=True)
    again = json.dumps(generate("medium", 7, family), sort_keys=True)
    other = json.dumps(generate("medium", 8, family), sort_keys=True)
    assert first == again
    assert first != other


@pytest.mark.parametrize("family", ["prison", "dense"])
@pytest.mark.parametrize("size", list(SIZES))
def test_generated_week_has_about_the_sessions_of_its_size_and_is_valid(size, family):
    problem = generate(size, 1, family)
    assert 0.9 * SIZES[size] <= sessions_of(problem) <= 1.1 * SIZES[size]
    load_problem(problem)


@pytest.mark.parametrize("family", ["prison", "dense"])
@pytest.mark.parametrize("size", ["tiny", "small"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_generated_week_is_feasible(size, family, seed):
    solved(generate(size, seed, family))


def test_prison_week_has_the_shape_of_a_prison():
    problem = generate("medium", 3)
    by_day = defaultdict(list)
    for p in problem["periods"]:
        by_day[p["day"]].append(p["index"])
    assert sorted(by_day) == [0, 1, 2, 3, 4]
    assert all(4 <= len(indices) <= 5 and 2 not in indices for indices in by_day.values())
    assert {r["kind"] for r in problem["rooms"]} == {
        "classroom", "workshop", "computer", "gym", "stage", "multi-purpose"}
    assert any("wings" in r for r in problem["rooms"])
    assert any("wings" not in r for r in problem["rooms"])
    assert all(w["max_parallel"] >= 1 for w in problem["wings"])
    assert any("max_parallel_by_period" in w for w in problem["wings"])
    assert any(w.get("unavailable") for w in problem["wings"])
    assert {a["length"] for a in problem["activities"]} == {1, 2}
    assert any(a["min_days"] >= 2 for a in problem["activities"])
    assert problem["cohorts"] and all(2 <= len(c["activities"]) <= 3 for c in problem["cohorts"])
    assert set(problem["weights"]) == {"min_days", "isolation", "room_stability", "preference"}
    volunteers = [p for p in problem["people"] if p["id"].startswith("volunteer-")]
    assert volunteers and any(v.get("preferred") for v in volunteers)
    n_periods = len(problem["periods"])
    # most volunteers come for one or two half-days: at most four periods a week
    short_weeks = [v for v in volunteers if n_periods - len(v["unavailable"]) <= 4]
    assert len(short_weeks) >= 0.8 * len(volunteers)


def test_prison_rooms_exceed_no_capacity_and_respect_wings():
    problem = generate("large", 2)
    rooms = {r["id"]: r for r in problem["rooms"]}
    for activity in problem["activities"]:
        fits = [r for r in rooms.values()
                if r["kind"] in activity["room_kinds"]
                and r["capacity"] >= activity["participants"]
                and set(activity["wings"]) <= set(r.get("wings") or activity["wings"])]
        assert fits, activity["id"]


def test_dense_week_is_mostly_compact_curricula_in_busy_rooms():
    problem = generate("large", 0, "dense")
    in_cohort = {aid for c in problem["cohorts"] for aid in c["activities"]}
    assert all(c["compact"] for c in problem["cohorts"])
    taught = sum(a["sessions"] for a in problem["activities"] if a["id"] in in_cohort)
    assert taught >= 0.75 * sessions_of(problem)
    busy = sum(a["sessions"] * a.get("length", 1) for a in problem["activities"])
    occupancy = busy / (len(problem["rooms"]) * len(problem["periods"]))
    assert 0.7 <= occupancy <= 0.9
    assert isinstance(problem["weights"]["capacity"], int)
    assert problem["weights"]["min_days"] > 0 and problem["weights"]["isolation"] > 0


@pytest.mark.parametrize("size", ["medium", "large"])
def test_dense_curricula_share_courses_as_a_schools_programmes_do(size):
    # ITC 2007's shape: a course in about three curricula, a teacher giving one or two courses.
    for seed in range(3):
        problem = generate(size, seed, "dense")
        curricula_of = defaultdict(int)
        for cohort in problem["cohorts"]:
            for activity in cohort["activities"]:
                curricula_of[activity] += 1
        in_curricula = list(curricula_of.values())
        assert sum(in_curricula) / len(in_curricula) >= 1.5
        assert max(in_curricula) >= 4
        courses_of = defaultdict(int)
        for activity in problem["activities"]:
            for person in activity["facilitators"]:
                courses_of[person] += 1
        assert sum(courses_of.values()) / len(courses_of) <= 2


def test_unknown_size_or_family_is_refused():
    with pytest.raises(ValueError, match="size"):
        generate("huge")
    with pytest.raises(ValueError, match="family"):
        generate("small", family="school")


@pytest.mark.parametrize("k", [1, 3])
def test_disruption_takes_whole_days_from_people_who_led_sessions_then(k):
    problem = generate("small", 4)
    solution = solved(problem)
    disrupted = disrupt(problem, solution, k, seed=1)

    assert disrupted["stability"] == "strict"
    assert disrupted["weights"]["change"] > 0
    assert len(disrupted["previous"]) == len(solution["assignments"])
    assert "previous" not in problem
    day_of = {p["id"]: p["day"] for p in problem["periods"]}
    day_periods = defaultdict(set)
    for p in problem["periods"]:
        day_periods[p["day"]].add(p["id"])
    before = {p["id"]: set(p.get("unavailable", [])) for p in problem["people"]}
    lost = []
    for person in disrupted["people"]:
        after = set(person.get("unavailable", []))
        gained = after - before[person["id"]]
        days = [d for d, ids in day_periods.items() if ids & gained]
        assert all(day_periods[d] <= after for d in days)
        lost += [(person["id"], d) for d in days]
    assert len(lost) == k
    led = {(f, day_of[a["period"]])
           for a in solution["assignments"]
           for act in problem["activities"] if act["id"] == a["activity"]
           for f in act["facilitators"]}
    assert set(lost) <= led
    assert disrupt(problem, solution, k, seed=1) == disrupted
    replanned = solved(disrupted)
    assert replanned["penalties"]["change"] > 0


def test_disruption_whose_sessions_must_push_another_session_is_kept():
    # One room, two days: whichever day is lost, its session can only move where the other
    # session sits, which moves to the freed day. A first fit with the rest in place finds
    # nothing; the search finds the swap, so the disruption is kept and the week stays feasible.
    problem = {
        "format": "relais-timetable/1", "name": "swap",
        "periods": [{"id": "mon", "day": 0, "index": 0}, {"id": "tue", "day": 1, "index": 0}],
        "rooms": [{"id": "room", "capacity": 10}],
        "people": [{"id": "ann"}, {"id": "bob"}],
        "activities": [{"id": "a", "sessions": 1, "facilitators": ["ann"]},
                       {"id": "b", "sessions": 1, "facilitators": ["bob"]}],
    }
    solution = solved(problem)
    disrupted = disrupt(problem, solution, 1)
    [person] = [person for person in disrupted["people"] if person.get("unavailable")]
    [lost_period] = person["unavailable"]
    own = "a" if person["id"] == "ann" else "b"
    replanned = solved(disrupted)
    assert replanned["status"] == "OPTIMAL" and replanned["penalties"]["change"] > 0
    assert (own, lost_period) not in {(a["activity"], a["period"]) for a in replanned["assignments"]}
