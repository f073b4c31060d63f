"""Impossible problems come back INFEASIBLE with the requirements that clash, in plain words."""

from collections import Counter

from scheduling.solver.explain import precheck
from scheduling.solver.generator import generate
from scheduling.solver.problem import load_problem
from scheduling.solver.slots import compute_slots

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
    assert solution["explanation"][0]["message"] == (
        "These 2 activities of wing A need 3 periods of sessions in all, and cannot all fit in the "
        "week.")


def overloaded_week() -> tuple[dict, str, set[str]]:
    """A generated 150-session week whose busiest facilitator keeps one free period fewer than
    the periods their sessions need: each activity fits alone, theirs together do not."""
    prob = generate("medium", 0)
    need: Counter = Counter()
    for activity in prob["activities"]:
        for person in activity.get("facilitators", []):
            need[person] += activity["sessions"] * activity.get("length", 1)
    person, periods_needed = need.most_common(1)[0]
    ids = [period["id"] for period in prob["periods"]]
    for entry in prob["people"]:
        if entry["id"] == person:
            entry["unavailable"] = ids[:len(ids) - (periods_needed - 1)]
    led = {activity["id"] for activity in prob["activities"]
           if person in activity.get("facilitators", [])}
    return prob, person, led


def test_facilitator_with_more_sessions_than_free_periods_in_a_real_week():
    prob, person, led = overloaded_week()
    solution = solved(prob, deterministic_time=10)
    assert solution["status"] == "INFEASIBLE"
    first = solution["explanation"][0]
    assert first["code"] == "overloaded"
    assert f"These {len(led)} activities led by" in first["message"]
    assert {ref["id"] for ref in first["refs"] if ref["type"] == "activity"} == led
    named = {ident for kind, ident in refs(solution) if kind == "activity"}
    assert named == led  # no activity of anyone else
    assert ("person", person) in refs(solution)
    assert {"person_busy", "person_unavailable"} <= {item["code"]
                                                    for item in solution["explanation"]}


def test_explanation_of_a_real_week_is_reproducible():
    prob, _, _ = overloaded_week()
    first = solved(prob, deterministic_time=10)["explanation"]
    assert solved(prob, deterministic_time=10)["explanation"] == first


def test_too_many_sessions_for_the_only_stage():
    prob = problem(
        periods=periods("0:0", "0:1", "1:0", "1:1"),
        rooms=[{"id": "stage", "capacity": 30, "kind": "stage", "unavailable": ["d1i1"],
                "label": "Stage"},
               {"id": "class", "capacity": 30, "kind": "classroom"}],
        activities=[{"id": "theatre", "label": "Theatre", "sessions": 2, "room_kinds": ["stage"]},
                    {"id": "drama", "label": "Drama", "sessions": 2, "room_kinds": ["stage"]},
                    {"id": "french", "sessions": 3}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    first = solution["explanation"][0]
    assert first["code"] == "overloaded"
    assert first["message"] == ("These 2 activities that can only use room Stage need 4 periods "
                                "of sessions in all, and cannot all fit in the week.")
    assert ("activity", "french") not in refs(solution)
    assert {"room_busy", "room_unavailable"} <= {item["code"] for item in solution["explanation"]}


def test_cohort_whose_activities_cannot_all_fit():
    prob = problem(
        periods=periods("0:0", "0:1", "0:2", "1:0", "1:1"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10}],
        activities=[{"id": "dutch", "sessions": 2}, {"id": "maths", "sessions": 2},
                    {"id": "art", "sessions": 2}, {"id": "gym", "sessions": 4}],
        cohorts=[{"id": "newcomers", "label": "Newcomers",
                  "activities": ["dutch", "maths", "art"]}],
    )
    solution = solved(prob)
    assert solution["status"] == "INFEASIBLE"
    first = solution["explanation"][0]
    assert first["code"] == "overloaded"
    assert first["message"].startswith("These 3 activities of Newcomers need 6 periods")
    assert ("cohort", "newcomers") in refs(solution) and ("activity", "gym") not in refs(solution)
    assert "cohort_overlap" in {item["code"] for item in solution["explanation"]}


def test_overfull_facilitator_is_explained_before_any_search():
    # Counting the periods their activities may use is enough: no model is built or solved.
    prob, person, led = overloaded_week()
    loaded = load_problem(prob)
    reasons = precheck(loaded, compute_slots(loaded))
    assert reasons[0]["code"] == "overloaded"
    assert {ref["id"] for ref in reasons[0]["refs"] if ref["type"] == "activity"} == led
    feasible = load_problem(generate("medium", 0))
    assert precheck(feasible, compute_slots(feasible)) == []
