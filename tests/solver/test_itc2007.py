"""ITC 2007 curriculum-based instances (.ctt) as relais-timetable/1 problems (itc2007.py)."""

import json

import pytest

from scheduling.solver import check_solution
from scheduling.solver.itc2007 import CttError, convert, main
from scheduling.solver.problem import load_problem

from .builders import solved

# Two courses of one curriculum taught by one teacher, two days of two periods, two rooms.
TINY = """Name: Tiny
Courses: 2
Rooms: 2
Days: 2
Periods_per_day: 2
Curricula: 1
Constraints: 2

COURSES:
maths t1 2 2 30
physics t1 1 1 12

ROOMS:
big 25
small 12

CURRICULA:
q1 2 maths physics

UNAVAILABILITY_CONSTRAINTS:
maths 0 0
maths 1 0

END.
"""


def test_a_ctt_instance_becomes_a_valid_problem_with_the_competition_weights():
    problem = convert(TINY)
    load_problem(problem)  # valid
    assert [p["id"] for p in problem["periods"]] == ["d0p0", "d0p1", "d1p0", "d1p1"]
    maths = problem["activities"][0]
    assert maths == {"id": "maths", "sessions": 2, "participants": 30, "min_days": 2,
                     "facilitators": ["t1"], "unavailable": ["d0p0", "d1p0"]}
    assert problem["cohorts"] == [{"id": "q1", "activities": ["maths", "physics"],
                                   "compact": True}]
    assert problem["weights"] == {"capacity": 1, "min_days": 5, "isolation": 2,
                                  "room_stability": 1}


def test_its_objective_is_the_competition_penalty():
    # Maths can only run in the afternoons, one per day (min_days 2), 30 students in rooms of
    # at most 25: 5 + 5 over capacity. Physics fits one morning beside it: no isolation on
    # that day, but the other maths lecture is alone on its day (2). Total 12.
    solution = solved(convert(TINY))
    assert solution["status"] == "OPTIMAL"
    assert solution["objective"] == 12
    assert solution["penalties"]["capacity"] == 10
    assert solution["penalties"]["isolation"] == 2
    assert check_solution(convert(TINY), solution) == []


@pytest.mark.parametrize(("broken", "message"), [
    (TINY.replace("Courses: 2", "Courses: 3"), "COURSES: the header announces 3 rows"),
    (TINY.replace("physics t1 1 1 12", "physics t1 1 12"), "line 11: expected 5 fields"),
    (TINY.replace("maths 1 0", "maths 7 0"), "line 22: period 7 0 is outside the week"),
    (TINY.replace("maths 1 0", "algebra 1 0"), "line 22: unknown course 'algebra'"),
    (TINY.replace("q1 2 maths", "q1 3 maths"), "line 18: expected curriculum"),
    (TINY.replace("big 25", "big many"), "line 14: 'many' is not a whole number"),
    (TINY.replace("Days: 2\n", ""), "header: missing Days"),
])
def test_a_broken_ctt_file_is_refused_with_its_line(broken, message):
    with pytest.raises(CttError, match=message):
        convert(broken)


def test_command_line_writes_the_problem_or_exits_2(tmp_path, capsys):
    source = tmp_path / "tiny.ctt"
    source.write_text(TINY)
    output = tmp_path / "tiny.json"
    assert main([str(source), "--output", str(output)]) == 0
    assert json.loads(output.read_text()) == convert(TINY)
    source.write_text(TINY.replace("big 25", "big many"))
    assert main([str(source)]) == 2
    assert "line 14" in capsys.readouterr().err
