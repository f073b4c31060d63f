"""Builders for the solver tests: small hand-built problems solved in-process, reproducibly."""

import copy
import importlib.util
import json
from pathlib import Path

from scheduling.solver import check_solution, solve

EXAMPLE = Path(__file__).parent / "timetable-example.json"


def periods(*layout: str) -> list[dict]:
    """Periods from "day:index" strings, with ids like "d0i1"."""
    result = []
    for spec in layout:
        day, index = (int(part) for part in spec.split(":"))
        result.append({"id": f"d{day}i{index}", "day": day, "index": index})
    return result


def problem(**fields) -> dict:
    """A minimal valid problem; keyword arguments replace its top-level fields."""
    base = {
        "format": "relais-timetable/1",
        "name": "test",
        "periods": periods("0:0", "0:1"),
        "rooms": [{"id": "room", "capacity": 10}],
        "activities": [{"id": "act", "sessions": 1}],
    }
    base.update(copy.deepcopy(fields))
    return base


def solved(prob: dict, **options) -> dict:
    """Solve with one worker and a deterministic budget; every solution must pass the checker."""
    options.setdefault("workers", 1)
    options.setdefault("deterministic_time", 20)
    options.setdefault("time_limit", 120)
    solution = solve(prob, **options)
    if solution["status"] in ("OPTIMAL", "FEASIBLE"):
        assert check_solution(prob, solution) == []
    json.dumps(solution)  # the solution must be plain JSON
    return solution


def example() -> dict:
    """The worked example of docs/timetable-format.md (optimum 3)."""
    return json.loads(EXAMPLE.read_text())


def benchmark(name: str):
    """A script of benchmarks/ imported as a module, to test its parts."""
    path = Path(__file__).resolve().parents[2] / "benchmarks" / f"{name}.py"
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
