"""Malformed problems are rejected with every error naming its field, never a traceback."""

import pytest

from scheduling.solver import ProblemError, load_problem, solve

from .builders import problem


def errors_of(prob) -> list[str]:
    with pytest.raises(ProblemError) as caught:
        load_problem(prob)
    return caught.value.errors


CASES = [
    ("missing format", lambda p: p.pop("format"), "format: required"),
    ("wrong format", lambda p: p.update(format="other/2"), "format: expected"),
    ("missing rooms", lambda p: p.pop("rooms"), "rooms: required"),
    ("no periods", lambda p: p.update(periods=[]), "periods: at least one is required"),
    ("unknown top-level key", lambda p: p.update(colour="red"), "colour: unknown key"),
    ("unknown nested key", lambda p: p["activities"][0].update(colour=1),
     "activities[0].colour: unknown key"),
    ("missing sessions", lambda p: p["activities"][0].pop("sessions"),
     "activities[0].sessions: required"),
    ("sessions not an integer", lambda p: p["activities"][0].update(sessions="2"),
     "activities[0].sessions: expected an integer"),
    ("boolean is not an integer", lambda p: p["rooms"][0].update(capacity=True),
     "rooms[0].capacity: expected an integer"),
    ("negative capacity", lambda p: p["rooms"][0].update(capacity=-3),
     "rooms[0].capacity: must be >= 0"),
    ("zero length", lambda p: p["activities"][0].update(length=0),
     "activities[0].length: must be >= 1"),
    ("negative weight", lambda p: p.update(weights={"isolation": -1}),
     "weights.isolation: must be a finite number >= 0"),
    ("unknown facilitator", lambda p: p["activities"][0].update(facilitators=["v9"]),
     "activities[0].facilitators[0]: unknown person 'v9'"),
    ("repeated id in a list", lambda p: p["rooms"][0].update(unavailable=["d0i0", "d0i0"]),
     "rooms[0].unavailable[1]: period 'd0i0' listed twice"),
    ("duplicate id", lambda p: p["rooms"].append({"id": "room", "capacity": 1}),
     "rooms[1].id: duplicate id 'room'"),
    ("empty id", lambda p: p["activities"][0].update(id=""), "activities[0].id: must not be empty"),
    ("duplicate day and index", lambda p: p["periods"][1].update(index=0),
     "periods[1]: day 0 index 0 already used"),
    ("length fits no day", lambda p: p["activities"][0].update(length=3),
     "activities[0].length: no day has 3 consecutive periods"),
    ("fixed start without room for the length",
     lambda p: p["activities"][0].update(length=2, fixed=[{"period": "d0i1", "room": "room"}]),
     "activities[0].fixed[0].period: 2 consecutive periods do not exist from 'd0i1'"),
    ("more fixed than sessions",
     lambda p: p["activities"][0].update(fixed=[{"period": "d0i0", "room": "room"}] * 2),
     "activities[0].fixed: 2 fixed sessions but only 1 sessions"),
    ("fixed in unknown room",
     lambda p: p["activities"][0].update(fixed=[{"period": "d0i0", "room": "hall"}]),
     "activities[0].fixed[0].room: unknown room 'hall'"),
    ("unknown cohort member", lambda p: p.update(cohorts=[{"id": "c", "activities": ["x"]}]),
     "cohorts[0].activities[0]: unknown activity 'x'"),
    ("escort limit of unknown period",
     lambda p: p.update(wings=[{"id": "A", "max_parallel_by_period": {"never": 1}}]),
     "wings[0].max_parallel_by_period.never: unknown period 'never'"),
    ("bad stability", lambda p: p.update(stability="loose"), "stability: expected"),
    ("previous with a wrong type", lambda p: p.update(previous=[{"activity": 1, "period": "d0i0",
                                                                 "room": "room"}]),
     "previous[0].activity: expected a string"),
    ("not an object", lambda p: p.update(rooms=["room"]), "rooms[0]: expected an object"),
]


@pytest.mark.parametrize(("mutate", "expected"), [case[1:] for case in CASES],
                         ids=[case[0] for case in CASES])
def test_malformed_problem_names_the_field(mutate, expected):
    prob = problem()
    mutate(prob)
    errors = errors_of(prob)
    assert any(error.startswith(expected) for error in errors), errors
    with pytest.raises(ProblemError, match="invalid timetable problem"):
        solve(prob, workers=1, deterministic_time=1)


def test_all_errors_are_reported_together():
    prob = problem(colour="red")
    prob["rooms"][0]["capacity"] = -1
    prob["activities"][0]["facilitators"] = ["nobody"]
    assert len(errors_of(prob)) == 3


def test_top_level_must_be_an_object():
    assert errors_of([1, 2]) == [": expected an object, got a list"]


def test_valid_problem_fills_defaults():
    prob = load_problem(problem())
    activity = prob.activities[0]
    assert (activity.length, activity.participants, activity.min_days) == (1, 0, 0)
    assert activity.room_kinds is None
    assert prob.weights.capacity is None and prob.weights.isolation == 0
    assert prob.rooms[0].wings is None
