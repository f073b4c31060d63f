"""The explanation benchmark's impossible weeks are impossible, and explained."""


import pytest

from scheduling.solver import solve
from scheduling.solver.generator import generate

from .builders import benchmark


@pytest.fixture(scope="module")
def bench():
    return benchmark("explain_bench")


@pytest.mark.parametrize("case", ["facilitator", "cohort", "wing"])
def test_each_impossible_week_is_explained(bench, case):
    week = generate("medium", 0)
    impossible = bench.CASES[case](week)
    assert impossible != week and generate("medium", 0) == week  # the week itself is left as it was
    solution = solve(impossible, workers=1, deterministic_time=5, time_limit=60)
    assert solution["status"] == "INFEASIBLE"
    assert solution["explanation"] and solution["explanation"][0]["code"] != "no_timetable"


def test_the_table_has_a_row_per_week_and_case(bench, capsys):
    bench.main(["--sizes", "small", "--time-limit", "10", "--workers", "1"])
    rows = [line for line in capsys.readouterr().out.splitlines()
            if line.startswith("| prison-small")]
    assert [row.split(" | ")[1] for row in rows] == ["facilitator", "cohort", "wing"]
    assert all(" | INFEASIBLE | " in row for row in rows)
