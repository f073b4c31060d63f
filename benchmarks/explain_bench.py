"""Benchmark of the explanations of impossible weeks: generated prison weeks made impossible.

    .venv/bin/python benchmarks/explain_bench.py [--sizes medium,large,xlarge] [--seeds 0 1 ...]
        [--time-limit S] [--workers N]

Each generated week is made impossible in three ways: its busiest facilitator keeps one free
period fewer than their sessions need ("facilitator"); its busiest activities, taken together
until they need more periods than the week has, become one cohort ("cohort"); its busiest wing
gets an escort limit of one and goes out in one period fewer than its sessions need ("wing").
The table shows the status, the whole solve's time (finding that no timetable exists, then
explaining it), the explanation's length and its first requirement, which should name what was
made impossible.
"""

import argparse
import copy
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scheduling.solver import solve  # noqa: E402
from scheduling.solver.generator import SIZES, generate  # noqa: E402


def periods_needed(activity: dict) -> int:
    return activity["sessions"] * activity.get("length", 1)


def busiest(problem: dict, field: str) -> tuple[str, int]:
    """The person or wing (`field` of the activities) whose activities need the most periods."""
    need: Counter = Counter()
    for activity in problem["activities"]:
        for key in activity.get(field, []):
            need[key] += periods_needed(activity)
    return need.most_common(1)[0]


def all_but(problem: dict, periods: int) -> list[str]:
    """The week's period ids but for its last `periods` ones."""
    ids = [period["id"] for period in problem["periods"]]
    return ids[:max(0, len(ids) - periods)]


def busiest_facilitator(problem: dict) -> dict:
    person, periods = busiest(problem, "facilitators")
    impossible = copy.deepcopy(problem)
    for entry in impossible["people"]:
        if entry["id"] == person:
            entry["unavailable"] = all_but(problem, periods - 1)
    return impossible


def busiest_cohort(problem: dict) -> dict:
    members, periods = [], 0
    for activity in sorted(problem["activities"], key=lambda a: (-periods_needed(a), a["id"])):
        members.append(activity["id"])
        periods += periods_needed(activity)
        if periods > len(problem["periods"]):
            break
    impossible = copy.deepcopy(problem)
    impossible.setdefault("cohorts", []).append(
        {"id": "bench-cohort", "label": "Benchmark cohort", "activities": members})
    return impossible


def busiest_wing(problem: dict) -> dict:
    wing, periods = busiest(problem, "wings")
    impossible = copy.deepcopy(problem)
    for entry in impossible["wings"]:
        if entry["id"] == wing:
            entry["max_parallel"] = 1
            entry.pop("max_parallel_by_period", None)
            entry["unavailable"] = all_but(problem, periods - 1)
    return impossible


CASES = {"facilitator": busiest_facilitator, "cohort": busiest_cohort, "wing": busiest_wing}


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="medium,large,xlarge")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--time-limit", type=float, default=60)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    sizes = [size for size in args.sizes.split(",") if size]
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        parser.error(f"unknown size(s): {', '.join(unknown)}")
    header = ("instance", "made impossible", "status", "seconds", "lines", "first requirement")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for seed in args.seeds:
        for size in sizes:
            week = generate(size, seed)
            for case, make in CASES.items():
                started = time.perf_counter()
                solution = solve(make(week), time_limit=args.time_limit, workers=args.workers)
                seconds = time.perf_counter() - started
                lines = solution.get("explanation", [])
                first = lines[0]["message"] if lines else "-"
                if len(first) > 90:
                    first = first[:87] + "..."
                print(f"| prison-{size}-s{seed} | {case} | {solution['status']} | {seconds:.1f} | "
                      f"{len(lines)} | {first} |", flush=True)


if __name__ == "__main__":
    main()
