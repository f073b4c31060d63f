"""Impossible problems come back INFEASIBLE with the requirements that clash, in plain words."""

from .builders import periods, problem, solved


def refs(solution: dict) -> set[tuple[str, str]]:
    return {(ref["type"], ref["id"]) for item in solution["explanation"] for ref in item["refs"]}


def test_stage_closed_whenever_its_facilitator_is_free():
    prob = problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        rooms=[{"id": "stage", "capacity": 30, "kind": "stage", "unavailable": ["d1i0"],
                "label": "Stage"},
               {"id": "class", "capacity": 10, "kind": "classroom"}],
        people=[{"id": "vol-17", "unavailable": ["d0i0", "d0i1", "d1i1"], "label": "Ann"}],
        activities=[{"id": "theatre", "label": "Theatre", "sessions": 1, "room_kinds": ["stage"],
                     "facilitators": ["vol-17"]},
                    {"id": "french", "sessions": 2}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    assert solution["assignments"] == [] and solution["objective"] is None
    assert {("activity", "theatre"), ("person", "vol-17"), ("room", "stage")} <= refs(solution)
    assert ("activity", "french") not in refs(solution)
    text = " ".join(item["message"] for item in solution["explanation"])
    assert "Theatre needs 1 session of 1 period in a room of kind 'stage'" in text
    assert "Ann" in text and "Stage" in text
    for item in solution["explanation"]:
        assert set(item) == {"code", "message", "refs"} and item["code"]


def test_no_room_of_the_needed_kind_reachable_from_the_wing():
    prob = problem(
        wings=[{"id": "A"}, {"id": "B"}],
        rooms=[{"id": "gym", "capacity": 30, "kind": "gym", "wings": ["B"]}],
        activities=[{"id": "fitness", "sessions": 1, "room_kinds": ["gym"], "wings": ["A"]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    [reason] = solution["explanation"]
    assert reason["code"] == "no_suitable_room"
    assert "no room of the right kind (gym) can be reached from wing A" in reason["message"]


def test_facilitator_shared_by_two_activities_at_the_same_time():
    prob = problem(
        periods=periods("0:0", "0:1", "1:0"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        people=[{"id": "vol", "unavailable": ["d0i1", "d1i0"]}, {"id": "other"}],
        activities=[{"id": "a", "sessions": 1, "facilitators": ["vol"]},
                    {"id": "b", "sessions": 1, "facilitators": ["vol"]},
                    {"id": "c", "sessions": 3, "facilitators": ["other"]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    codes = {item["code"] for item in solution["explanation"]}
    assert "person_busy" in codes
    assert {("activity", "a"), ("activity", "b"), ("person", "vol")} <= refs(solution)
    assert ("activity", "c") not in refs(solution)


def test_fixed_sessions_that_collide_are_named():
    prob = problem(
        activities=[{"id": "a", "sessions": 1, "fixed": [{"period": "d0i0", "room": "room"}]},
                    {"id": "b", "sessions": 1, "fixed": [{"period": "d0i0", "room": "room"}]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    assert {("fixed", "a:0"), ("fixed", "b:0"), ("room", "room")} <= refs(solution)


def test_fixed_session_in_a_closed_room():
    prob = problem(
        rooms=[{"id": "room", "capacity": 10, "unavailable": ["d0i1"]}],
        activities=[{"id": "a", "sessions": 1, "fixed": [{"period": "d0i1", "room": "room"}]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    assert [item["code"] for item in solution["explanation"]] == ["fixed", "room_unavailable"]


def test_escort_limit_too_low_for_the_week():
    prob = problem(
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        wings=[{"id": "A", "max_parallel": 1}],
        activities=[{"id": "a", "sessions": 2, "wings": ["A"]},
                    {"id": "b", "sessions": 1, "wings": ["A"]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    assert "wing_limit" in {item["code"] for item in solution["explanation"]}
