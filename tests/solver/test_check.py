"""The checker catches every broken hard constraint and every misreported cost."""

import pytest

from scheduling.solver import check_solution

from .builders import periods, problem


def base(**fields) -> dict:
    prob = problem(
        periods=periods("0:0", "0:1", "1:0"),
        rooms=[{"id": "class", "capacity": 10, "kind": "classroom", "wings": ["A"]},
               {"id": "gym", "capacity": 30, "kind": "gym"}],
        wings=[{"id": "A", "max_parallel": 2}],
        people=[{"id": "vol"}],
        activities=[{"id": "french", "sessions": 1, "participants": 8, "room_kinds": ["classroom"],
                     "wings": ["A"], "facilitators": ["vol"]},
                    {"id": "sport", "sessions": 1, "participants": 20, "room_kinds": ["gym"],
                     "wings": ["A"]}],
        cohorts=[{"id": "grp", "activities": ["french", "sport"]}],
    )
    prob.update(fields)
    return prob


def solution(*placements, **fields) -> dict:
    answer = {
        "format": "relais-timetable-solution/1", "problem": "test", "status": "FEASIBLE",
        "objective": 0, "bound": 0, "wall_seconds": 0.1,
        "penalties": {"capacity": 0, "min_days": 0, "isolation": 0, "room_stability": 0,
                      "preference": 0, "change": 0},
        "assignments": [{"activity": a, "period": p, "room": r} for a, p, r in placements],
        "explanation": [], "warnings": [],
    }
    answer.update(fields)
    return answer


VALID = (("french", "d0i0", "class"), ("sport", "d0i1", "gym"))


def test_valid_solution_has_no_findings():
    assert check_solution(base(), solution(*VALID)) == []


def edit(prob: dict, path: str, value) -> dict:
    """Set a field of a problem given as a dotted path with list indices: 'rooms.0.wings'."""
    target = prob
    *parents, last = path.split(".")
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    target[int(last) if last.isdigit() else last] = value
    return prob


CASES = [
    # (name, problem edits, assignments, expected words in a finding)
    ("too few sessions", {}, [VALID[0]], "0 sessions instead of 1"),
    ("too many sessions", {}, [*VALID, ("sport", "d1i0", "gym")], "2 sessions instead of 1"),
    ("length does not fit", {"activities.1.length": 2},
     [VALID[0], ("sport", "d1i0", "gym")], "consecutive periods do not exist"),
    ("room double booked", {"activities.1.room_kinds": None, "cohorts": []},
     [VALID[0], ("sport", "d0i0", "class")], "room class has 2 sessions"),
    ("room closed", {"rooms.1.unavailable": ["d0i1"]}, VALID, "room unavailable at d0i1"),
    ("person in two places", {"activities.1.facilitators": ["vol"], "cohorts": []},
     [VALID[0], ("sport", "d0i0", "gym")], "person vol has 2 sessions"),
    ("person unavailable", {"people.0.unavailable": ["d0i0"]}, VALID,
     "person vol unavailable at d0i0"),
    ("activity overlaps itself", {"activities.1.sessions": 2, "activities.1.length": 2},
     [VALID[0], ("sport", "d0i0", "gym"), ("sport", "d0i1", "gym")], "activity sport has 2"),
    ("cohort overlap", {}, [VALID[0], ("sport", "d0i0", "gym")], "cohort grp has 2 sessions"),
    ("activity unavailable", {"activities.0.unavailable": ["d0i0"]}, VALID,
     "activity unavailable at d0i0"),
    ("wing unavailable", {"wings.0.unavailable": ["d0i1"]}, VALID,
     "wing A unavailable at d0i1"),
    ("wrong room kind", {}, [("french", "d0i0", "gym"), ("sport", "d0i1", "gym")],
     "room kind 'gym' not among"),
    ("room not reachable", {"rooms.0.wings": []}, VALID, "not reachable from wing A"),
    ("hard capacity", {"activities.0.participants": 11}, VALID, "11 participants exceed"),
    ("escort limit", {"wings.0.max_parallel": 1, "cohorts": []},
     [VALID[0], ("sport", "d0i0", "gym")], "more than its limit 1"),
    ("escort limit of a period", {"wings.0.max_parallel_by_period": {"d0i0": 1}, "cohorts": []},
     [VALID[0], ("sport", "d0i0", "gym")], "more than its limit 1"),
    ("fixed session moved", {"activities.0.fixed": [{"period": "d1i0", "room": "class"}]},
     VALID, "fixed session at d1i0 in class missing"),
    ("unknown room", {}, [VALID[0], ("sport", "d0i1", "pool")], "unknown room 'pool'"),
]


@pytest.mark.parametrize(("edits", "placements", "expected"),
                         [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_broken_hard_constraint_is_reported(edits, placements, expected):
    prob = base()
    for path, value in edits.items():
        edit(prob, path, value)
    findings = check_solution(prob, solution(*placements))
    assert any(expected in finding for finding in findings), findings


def test_misreported_penalty_and_objective_are_reported():
    prob = base(weights={"room_stability": 1, "min_days": 2})
    findings = check_solution(prob, solution(*VALID, objective=1,
                                             penalties={"capacity": 0, "min_days": 0,
                                                        "isolation": 1, "room_stability": 0,
                                                        "preference": 0, "change": 0}))
    assert "penalties.isolation: reported 1, recomputed 0" in findings
    assert "objective: reported 1, recomputed 0" in findings


def test_bound_above_objective_is_reported():
    findings = check_solution(base(), solution(*VALID, bound=5))
    assert any(f.startswith("bound:") for f in findings)


def test_infeasible_answer_must_not_carry_a_timetable():
    findings = check_solution(base(), solution(*VALID, status="INFEASIBLE"))
    assert "assignments: must be empty when status is INFEASIBLE" in findings
    assert "objective: must be null when status is INFEASIBLE" in findings
