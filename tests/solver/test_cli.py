"""The command line: exit statuses, --output and --check, run as a real subprocess."""

import json
import subprocess
import sys
from pathlib import Path

from .builders import EXAMPLE, problem

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "scheduling.solver", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def write(tmp_path: Path, name: str, content) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(content))
    return str(path)


def test_solves_to_standard_output_with_a_summary(tmp_path):
    done = run(str(EXAMPLE), "--workers", "1", "--time-limit", "30")
    assert done.returncode == 0, done.stderr
    solution = json.loads(done.stdout)
    assert (solution["status"], solution["objective"]) == ("OPTIMAL", 3)
    assert len(done.stderr.strip().splitlines()) == 1
    assert "OPTIMAL" in done.stderr


def test_output_file_then_check_passes(tmp_path):
    output = tmp_path / "solution.json"
    done = run(str(EXAMPLE), "--workers", "1", "--seed", "3", "--output", str(output))
    assert done.returncode == 0 and done.stdout == ""
    checked = run("--check", str(EXAMPLE), str(output))
    assert checked.returncode == 0, checked.stdout


def test_check_lists_what_differs(tmp_path):
    output = tmp_path / "solution.json"
    run(str(EXAMPLE), "--workers", "1", "--output", str(output))
    solution = json.loads(output.read_text())
    solution["objective"] = 5
    solution["assignments"].pop()
    checked = run("--check", str(EXAMPLE), write(tmp_path, "tampered.json", solution))
    assert checked.returncode == 1
    assert "objective: reported 5, recomputed 2" in checked.stdout
    assert "activity painting: 0 sessions instead of 1" in checked.stdout


def test_invalid_problem_exits_2_naming_the_field(tmp_path):
    prob = problem()
    prob["activities"][0]["facilitators"] = ["v9"]
    done = run(write(tmp_path, "bad.json", prob))
    assert done.returncode == 2
    assert "activities[0].facilitators[0]: unknown person 'v9'" in done.stderr
    assert "Traceback" not in done.stderr


def test_unreadable_json_exits_2(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    done = run(str(path))
    assert done.returncode == 2 and "not valid JSON" in done.stderr
    assert run("--check", str(path), str(path)).returncode == 2


def test_infeasible_problem_exits_1_with_an_explanation(tmp_path):
    prob = problem(activities=[{"id": "a", "sessions": 3}])
    done = run(write(tmp_path, "impossible.json", prob), "--workers", "1")
    assert done.returncode == 1
    solution = json.loads(done.stdout)
    assert solution["status"] == "INFEASIBLE" and solution["explanation"]
