"""Attendance export benchmark: N register lines to xlsx through our exporter vs bare openpyxl write-only.

    .venv/bin/python benchmarks/export_bench.py [--rows 100000] [--sessions 50] [--repeat 3]

The dataset is generated in memory and goes through the same `rows()` generators and xlsx writer as
the download (`enrolment.exports`). The baseline writes the very same cell values, already built, with
openpyxl's write-only mode and nothing else (no styles, widths, frozen panes, text protection).
Time is the best of `--repeat` interleaved runs, as CPU seconds of this process (the wall clock is
printed too, but on a shared machine it measures the neighbours); peak memory is measured by
tracemalloc in a separate run.
"""
import argparse
import datetime as dt
import gc
import io
import os
import random
import resource
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

import django  # noqa: E402

django.setup()

from django.utils import translation  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from enrolment import exports  # noqa: E402
from enrolment.models import AbsenceReason  # noqa: E402

REASONS = [r for r in AbsenceReason.values if r != AbsenceReason.OTHER]


def dataset(rows: int, n_sessions: int, seed: int = 7) -> exports.AttendanceData:
    rng = random.Random(seed)
    n_people = max(1, rows // n_sessions)
    start = dt.datetime(2027, 1, 11, 9, 0)
    sessions = [
        exports.SessionColumn(i, start + dt.timedelta(days=7 * (i // 3), hours=2 * (i % 3)),
                              start + dt.timedelta(days=7 * (i // 3), hours=2 * (i % 3) + 1, minutes=30),
                              f"cycle-{i % 5}", f"Workshop {i % 5}", rng.random() < 0.03)
        for i in range(n_sessions)
    ]
    people = [exports.Person(i, f"{100000 + i:07d}", f"First{i}", f"Last{i}") for i in range(n_people)]
    records = []
    for s, column in enumerate(sessions):
        for p in range(n_people):
            if len(records) >= rows:
                break
            if column.cancelled:
                records.append((p, s, "absent", AbsenceReason.SESSION_CANCELLED, False, False))
            elif rng.random() < 0.8:
                records.append((p, s, "present", "", rng.random() < 0.05, rng.random() < 0.03))
            else:
                records.append((p, s, "absent", rng.choice(REASONS), False, False))
    return exports.AttendanceData("Benchmark", "bench", False, sessions, people, records)


def ours(data: exports.AttendanceData) -> int:
    data._by_person = {}
    return len(exports.write_xlsx(data))


def plain(value):
    return float(value) if isinstance(value, exports.Percent) else value


def prepared_sheets(data: exports.AttendanceData):
    return [(sheet.title, [[plain(v) for v in row] for row in sheet.rows]) for sheet in exports.sheets(data)]


def bare(sheets) -> int:
    workbook = Workbook(write_only=True)
    for title, rows in sheets:
        ws = workbook.create_sheet(title)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return len(buffer.getvalue())


def timed(function, argument) -> tuple[float, float]:
    gc.collect()
    cpu, wall = time.process_time(), time.perf_counter()
    function(argument)
    return time.process_time() - cpu, time.perf_counter() - wall


def best_times(data, sheets, repeat: int):
    """Best (CPU, wall) seconds of each writer, the two interleaved so that load changes hit both."""
    runs = {"ours": [], "bare": []}
    for _ in range(repeat):
        runs["ours"].append(timed(ours, data))
        runs["bare"].append(timed(bare, sheets))
    return {name: (min(r[0] for r in results), min(r[1] for r in results)) for name, results in runs.items()}


def peak_mb(function, argument) -> float:
    gc.collect()
    tracemalloc.start()
    function(argument)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    translation.activate("en")

    data = dataset(args.rows, args.sessions)
    sheets = prepared_sheets(data)
    size = ours(data)
    times = best_times(data, sheets, args.repeat)
    (ours_s, ours_wall), (bare_s, bare_wall) = times["ours"], times["bare"]
    ours_mb = peak_mb(ours, data)
    bare_mb = peak_mb(bare, sheets)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    print(f"{len(data.records):,} attendance rows, {len(data.people):,} people × {len(data.sessions)} sessions; "
          f"xlsx {size / 2**20:.1f} MB")
    print(f"{'writer':<34} {'CPU s':>8} {'wall s':>8} {'peak MB':>8}")
    print(f"{'Relais exporter (rows() + xlsx)':<34} {ours_s:>8.2f} {ours_wall:>8.2f} {ours_mb:>8.1f}")
    print(f"{'openpyxl write-only, bare':<34} {bare_s:>8.2f} {bare_wall:>8.2f} {bare_mb:>8.1f}")
    print(f"{'ratio':<34} {ours_s / bare_s:>7.2f}x {ours_wall / bare_wall:>7.2f}x {ours_mb / bare_mb:>7.2f}x")
    print(f"process max RSS {rss_mb:.0f} MB (dataset and pre-built baseline rows included)")
    ok = ours_s / bare_s < 1.3 and ours_mb < 200
    print("target (under 1.3x time, under 200 MB):", "met" if ok else "NOT met")


if __name__ == "__main__":
    main()
