"""Solving: the worked example, and one tiny problem per soft constraint with its exact optimum."""

from scheduling.solver import compute_penalties
from scheduling.solver import solver as solver_module
from scheduling.solver.generator import generate

from .builders import example, periods, problem, solved


def test_worked_example_reaches_optimum_three():
    solution = solved(example())
    assert solution["status"] == "OPTIMAL"
    assert solution["objective"] == 3
    assert solution["bound"] == 3
    assert solution["penalties"] == {"capacity": 0, "min_days": 0, "isolation": 2,
                                     "room_stability": 0, "preference": 1, "change": 0}
    assert {"activity": "theatre", "period": "tue-am", "room": "hall"} in solution["assignments"]


def test_worked_example_timetable_of_the_document_costs_three():
    timetable = [
        {"activity": "french", "period": "mon-am", "room": "class"},
        {"activity": "french", "period": "tue-pm", "room": "class"},
        {"activity": "theatre", "period": "tue-am", "room": "hall"},
        {"activity": "painting", "period": "mon-pm", "room": "class"},
    ]
    penalties = compute_penalties(example(), timetable)
    assert penalties["isolation"] == 2 and penalties["preference"] == 1
    assert sum(penalties.values()) == 3


def test_solution_has_the_documented_shape():
    solution = solved(example())
    assert set(solution) == {"format", "problem", "status", "objective", "bound", "wall_seconds",
                             "penalties", "assignments", "explanation", "warnings"}
    assert solution["format"] == "relais-timetable-solution/1"
    assert solution["problem"] == "example"
    assert solution["objective"] == sum(solution["penalties"].values())
    assert len(solution["assignments"]) == 4


def test_soft_capacity_charges_missing_places_in_the_only_period():
    prob = problem(
        periods=periods("0:0"),
        rooms=[{"id": "big", "capacity": 15}, {"id": "small", "capacity": 10}],
        activities=[{"id": "a", "sessions": 1, "participants": 12},
                    {"id": "b", "sessions": 1, "participants": 13}],
        weights={"capacity": 2},
    )
    solution = solved(prob)
    assert solution["status"] == "OPTIMAL"
    assert solution["objective"] == 4  # a (12) in the room of 10: 2 places short, weight 2


def test_hard_capacity_is_the_default():
    prob = problem(rooms=[{"id": "small", "capacity": 5}],
                   activities=[{"id": "a", "sessions": 1, "participants": 6}])
    assert solved(prob)["status"] == "INFEASIBLE"


def test_min_days_counts_days_missing():
    prob = problem(
        periods=periods("0:0", "0:1", "1:0"),
        activities=[{"id": "a", "sessions": 3, "min_days": 3}],
        weights={"min_days": 5},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 5)
    assert solution["penalties"]["min_days"] == 5


def test_isolation_is_avoided_by_adjacent_sessions_of_different_lengths():
    prob = problem(
        periods=periods("0:0", "0:1", "0:2"),
        activities=[{"id": "long", "sessions": 1, "length": 2},
                    {"id": "short", "sessions": 1, "unavailable": ["d0i2"]}],
        cohorts=[{"id": "c", "activities": ["long", "short"], "compact": True}],
        weights={"isolation": 3},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 0)
    starts = {a["activity"]: a["period"] for a in solution["assignments"]}
    assert starts == {"short": "d0i0", "long": "d0i1"}


def test_isolation_against_min_days_of_one_activity_cohort():
    # Two sessions side by side cost min_days 1; on two days both are isolated (2 x 3).
    prob = problem(
        periods=periods("0:0", "0:1", "1:0"),
        activities=[{"id": "a", "sessions": 2, "min_days": 2}],
        cohorts=[{"id": "c", "activities": ["a"], "compact": True}],
        weights={"isolation": 3, "min_days": 1},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 1)
    assert solution["penalties"] == {"capacity": 0, "min_days": 1, "isolation": 0,
                                     "room_stability": 0, "preference": 0, "change": 0}


def test_isolation_counts_once_per_compact_cohort_and_ignores_gaps():
    prob = problem(
        periods=periods("0:0", "0:2"),  # index 1 is missing: a break, nothing is consecutive
        activities=[{"id": "a", "sessions": 1}, {"id": "b", "sessions": 1}],
        cohorts=[{"id": "c1", "activities": ["a", "b"], "compact": True},
                 {"id": "c2", "activities": ["a"], "compact": True},
                 {"id": "loose", "activities": ["a", "b"]}],
        weights={"isolation": 2},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 6)  # (2 + 1) x 2


def test_room_stability_when_no_room_is_open_twice():
    prob = problem(
        periods=periods("0:0", "1:0"),
        rooms=[{"id": "r1", "capacity": 10, "unavailable": ["d1i0"]},
               {"id": "r2", "capacity": 10, "unavailable": ["d0i0"]}],
        activities=[{"id": "a", "sessions": 2}],
        weights={"room_stability": 4},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 4)


def test_room_stability_keeps_one_room_when_possible():
    prob = problem(
        periods=periods("0:0", "0:1", "1:0"),
        rooms=[{"id": "r1", "capacity": 10}, {"id": "r2", "capacity": 10},
               {"id": "r3", "capacity": 10}],
        activities=[{"id": "a", "sessions": 3}, {"id": "b", "sessions": 3}],
        weights={"room_stability": 1},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 0)


def test_preference_counts_each_unpreferred_period_of_each_facilitator():
    prob = problem(
        periods=periods("0:0", "0:1", "0:2"),
        people=[{"id": "v", "preferred": ["d0i0"]}, {"id": "w", "preferred": ["d0i2"]},
                {"id": "free"}],
        activities=[{"id": "a", "sessions": 1, "length": 2, "facilitators": ["v", "w", "free"]}],
        weights={"preference": 3},
    )
    solution = solved(prob)
    # From d0i0: v 1 + w 2; from d0i1: v 2 + w 1. Either way 3 periods x 3.
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 9)


def test_change_counts_previous_pairs_not_kept():
    prob = problem(
        periods=periods("0:0", "0:1"),
        people=[{"id": "v", "unavailable": ["d0i0"]}],
        activities=[{"id": "a", "sessions": 1, "facilitators": ["v"]},
                    {"id": "b", "sessions": 1}],
        previous=[{"activity": "a", "period": "d0i0", "room": "room"},
                  {"activity": "b", "period": "d0i1", "room": "room"},
                  {"activity": "ghost", "period": "d0i1", "room": "room"}],
        weights={"change": 7},
    )
    solution = solved(prob)
    # a must leave d0i0; b then loses its room at d0i1, so both move.
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 14)
    assert solution["warnings"] == ["previous[2]: ignored, unknown activity 'ghost'"]


def test_fractional_weights_are_reported_exactly():
    prob = problem(
        periods=periods("0:0"),
        rooms=[{"id": "small", "capacity": 10}],
        activities=[{"id": "a", "sessions": 1, "participants": 13}],
        weights={"capacity": 0.25},
    )
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 0.75)


def test_progress_reports_improving_solutions():
    reports = []
    solved(example(), on_progress=reports.append)
    assert reports and set(reports[-1]) == {"elapsed", "objective", "bound"}
    assert reports[-1]["objective"] == 3


def test_progress_never_goes_back():
    # What the coordinator's page shows while a run goes on: a later stage's CP-SAT run reports
    # its own, lower bound and may start from a dearer timetable; neither is passed on.
    reports = []
    report = solver_module._improvements_only(reports.append)
    for elapsed, objective, bound in [(1, 253, 249), (2, 250, 249), (3, 250, 171), (4, 255, 100),
                                      (5, 250, 250), (6, 249, -1e30)]:
        report({"elapsed": elapsed, "objective": objective, "bound": bound})
    assert reports == [{"elapsed": 1, "objective": 253, "bound": 249},
                       {"elapsed": 2, "objective": 250, "bound": 249},
                       {"elapsed": 5, "objective": 250, "bound": 250},
                       {"elapsed": 6, "objective": 249, "bound": 249}]


def test_progress_of_a_whole_solve_only_improves():
    reports = []
    answer = solved(generate("medium", 1), deterministic_time=5, on_progress=reports.append)
    objectives = [report["objective"] for report in reports]
    bounds = [report["bound"] for report in reports]
    assert objectives == sorted(objectives, reverse=True) and bounds == sorted(bounds)
    assert all(0 <= report["bound"] <= report["objective"] for report in reports)
    assert objectives[-1] == answer["objective"]


def test_one_worker_with_a_seed_is_reproducible():
    first = solved(example(), seed=7)
    second = solved(example(), seed=7)
    assert first["assignments"] == second["assignments"]


def test_activity_without_sessions_is_ignored():
    prob = problem(activities=[{"id": "a", "sessions": 0, "min_days": 3},
                               {"id": "b", "sessions": 1}],
                   weights={"min_days": 1, "room_stability": 1})
    solution = solved(prob)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 0)
