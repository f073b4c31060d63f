"""One-worker runs and runs with a deterministic budget reproduce for a given seed: every CP-SAT
call (monolithic runs and LNS steps) stops on deterministic time, and so does the LNS loop."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from scheduling.solver import check_solution, solve
from scheduling.solver.generator import generate

ROOT = Path(__file__).resolve().parents[2]


def _key(solution):
    placed = sorted((a["activity"], a["period"], a["room"]) for a in solution["assignments"])
    return solution["status"], solution["objective"], solution["bound"], placed


@pytest.mark.parametrize("size, seed, family, budget, searched", [
    ("small", 1, "prison", 2.0, False),
    # Not proved optimal by the first run: the LNS phase and the last run are exercised too.
    ("medium", 2, "dense", 2.0, True),
])
def test_deterministic_budget_reproduces(size, seed, family, budget, searched):
    raw = generate(size, seed, family)
    first, second = (solve(raw, workers=1, seed=5, deterministic_time=budget, time_limit=60)
                     for _ in range(2))
    assert first["status"] in ("OPTIMAL", "FEASIBLE")
    assert check_solution(raw, first) == []
    if searched:
        assert first["status"] == "FEASIBLE" and first["bound"] < first["objective"]
    assert _key(first) == _key(second)


def test_command_line_one_worker_reproduces(tmp_path):
    path = tmp_path / "small.json"
    path.write_text(json.dumps(generate("small", 0, "prison")))
    outputs = []
    for _ in range(2):
        done = subprocess.run(
            [sys.executable, "-m", "scheduling.solver", str(path), "--workers", "1",
             "--seed", "5", "--time-limit", "30"],
            cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        solution = json.loads(done.stdout)
        assert solution["status"] == "OPTIMAL"
        outputs.append(json.dumps(solution["assignments"]).encode())
    assert outputs[0] == outputs[1]


def test_several_workers_with_a_deterministic_budget_reproduce():
    # With deterministic_time, several workers interleave their search (reproducible too).
    raw = generate("small", 1, "prison")
    first, second = (solve(raw, workers=2, seed=5, deterministic_time=1.0, time_limit=60)
                     for _ in range(2))
    assert check_solution(raw, first) == []
    assert _key(first) == _key(second)
