"""Command line: solve a problem file, or check a solution against its problem."""

from __future__ import annotations

import argparse
import json
import sys

from .check import check_solution
from .problem import ProblemError, load_problem
from .solver import solve

EXIT_SOLVED, EXIT_NO_SOLUTION, EXIT_INVALID = 0, 1, 2


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m scheduling.solver",
        description="Solve a relais-timetable/1 problem, or --check a solution.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE",
                        help="PROBLEM.json, or PROBLEM.json SOLUTION.json with --check")
    parser.add_argument("--check", action="store_true",
                        help="verify SOLUTION.json against PROBLEM.json")
    parser.add_argument("--time-limit", type=_positive, default=60.0, metavar="SECONDS")
    parser.add_argument("--workers", type=int, default=2, metavar="N")
    parser.add_argument("--seed", type=int, default=0, metavar="N")
    parser.add_argument("--output", metavar="SOLUTION.json", help="default: standard output")
    args = parser.parse_args(argv)
    if args.check:
        if len(args.files) != 2:
            parser.error("--check takes PROBLEM.json SOLUTION.json")
        return _check(*args.files)
    if len(args.files) != 1:
        parser.error("expected one PROBLEM.json (or --check PROBLEM.json SOLUTION.json)")
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return _solve(args)


def _solve(args: argparse.Namespace) -> int:
    try:
        problem = load_problem(args.files[0])
        solution = solve(problem, time_limit=args.time_limit, workers=args.workers,
                         seed=args.seed)
    except ProblemError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    text = json.dumps(solution, indent=1, ensure_ascii=False) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text)
    else:
        sys.stdout.write(text)
    sessions = len(solution["assignments"])
    print(f"{solution['problem'] or args.files[0]}: {solution['status']}, objective "
          f"{solution['objective']}, bound {solution['bound']}, {sessions} sessions placed, "
          f"{solution['wall_seconds']} s", file=sys.stderr)
    return EXIT_SOLVED if solution["status"] in ("OPTIMAL", "FEASIBLE") else EXIT_NO_SOLUTION


def _check(problem_path: str, solution_path: str) -> int:
    try:
        problem = load_problem(problem_path)
    except ProblemError as exc:
        print(exc, file=sys.stderr)
        return EXIT_INVALID
    try:
        with open(solution_path, encoding="utf-8") as handle:
            solution = json.load(handle)
    except (OSError, ValueError) as exc:
        print(f"{solution_path}: cannot read the solution: {exc}", file=sys.stderr)
        return EXIT_NO_SOLUTION
    findings = check_solution(problem, solution)
    for finding in findings:
        print(finding)
    verdict = "valid" if not findings else f"{len(findings)} problem(s)"
    print(f"{solution_path}: {verdict}", file=sys.stderr)
    return EXIT_SOLVED if not findings else EXIT_NO_SOLUTION


def _positive(text: str) -> float:
    value = float(text)
    if not value > 0:
        raise argparse.ArgumentTypeError("must be a positive number of seconds")
    return value
