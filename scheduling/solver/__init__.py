"""Relais timetable solver: the `relais-timetable/1` format solved with OR-Tools CP-SAT.

Imports nothing from Django, so the web app, the command line and the benchmarks share it.
"""

from .check import check_solution, compute_penalties
from .problem import ProblemError, load_problem
from .solver import solve

__all__ = ["ProblemError", "check_solution", "compute_penalties", "load_problem", "solve"]
