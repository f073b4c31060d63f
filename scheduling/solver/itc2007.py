"""Curriculum-based course timetabling instances of ITC 2007 (track 3, `.ctt` files) as
`relais-timetable/1` problems, to measure the solver on public academic benchmarks.

    python -m scheduling.solver.itc2007 comp07.ctt [--output comp07.json]

The two formats share their shape: a course is an activity (its lectures are its one-period
sessions, its teacher its facilitator, its students its participants, its unavailability
constraints its unavailable periods), a curriculum is a compact cohort, and every room can hold
every course. The competition's weights make capacity soft (1 per student over), minimum working
days 5 per missing day, curriculum compactness 2 per isolated lecture and room stability 1 per
extra room: a solution's objective is the competition's penalty.
"""

from __future__ import annotations

import argparse
import json
import sys

HEADER = ("Name", "Courses", "Rooms", "Days", "Periods_per_day", "Curricula", "Constraints")
SECTIONS = ("COURSES", "ROOMS", "CURRICULA", "UNAVAILABILITY_CONSTRAINTS")
WEIGHTS = {"capacity": 1, "min_days": 5, "isolation": 2, "room_stability": 1}


class CttError(ValueError):
    """A `.ctt` file that breaks the competition's format; the message names the line."""


def period_id(day: int, index: int) -> str:
    return f"d{day}p{index}"


def convert(text: str) -> dict:
    """The problem of a `.ctt` file's text; raises CttError naming the line at fault."""
    header: dict[str, str] = {}
    rows: dict[str, list[tuple[int, list[str]]]] = {name: [] for name in SECTIONS}
    section = None
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.split()
        if not words:
            continue
        if words[0] == "END.":
            break
        if len(words) == 1 and words[0].rstrip(":") in SECTIONS:
            section = words[0].rstrip(":")
        elif section is None:
            key, _, value = line.partition(":")
            if key.strip() not in HEADER or not value.strip():
                raise CttError(f"line {number}: expected one of {', '.join(HEADER)}")
            header[key.strip()] = value.strip()
        else:
            rows[section].append((number, words))
    missing = [key for key in HEADER if key not in header]
    if missing:
        raise CttError(f"header: missing {', '.join(missing)}")
    days = _count(header, "Days")
    per_day = _count(header, "Periods_per_day")
    for key, section in (("Courses", "COURSES"), ("Rooms", "ROOMS"), ("Curricula", "CURRICULA"),
                         ("Constraints", "UNAVAILABILITY_CONSTRAINTS")):
        if _count(header, key) != len(rows[section]):
            raise CttError(f"{section}: the header announces {header[key]} rows, "
                           f"the section has {len(rows[section])}")

    courses = {words[0] for _, words in rows["COURSES"]}
    unavailable: dict[str, list[str]] = {}
    for number, words in rows["UNAVAILABILITY_CONSTRAINTS"]:
        course, day, index = _fields(number, words, 3, "course day period")
        day_number, index_number = _integer(number, day), _integer(number, index)
        if day_number >= days or index_number >= per_day:
            raise CttError(f"line {number}: period {day} {index} is outside the week")
        if course not in courses:
            raise CttError(f"line {number}: unknown course '{course}'")
        unavailable.setdefault(course, []).append(period_id(day_number, index_number))

    activities, teachers = [], []
    for number, words in rows["COURSES"]:
        course, teacher, lectures, min_days, students = _fields(
            number, words, 5, "course teacher lectures min_days students")
        if teacher not in teachers:
            teachers.append(teacher)
        activities.append({
            "id": course, "sessions": _integer(number, lectures),
            "participants": _integer(number, students), "min_days": _integer(number, min_days),
            "facilitators": [teacher], "unavailable": unavailable.get(course, []),
        })
    rooms = []
    for number, words in rows["ROOMS"]:
        room, capacity = _fields(number, words, 2, "room capacity")
        rooms.append({"id": room, "capacity": _integer(number, capacity)})
    cohorts = []
    for number, words in rows["CURRICULA"]:
        if len(words) < 2 or _integer(number, words[1]) != len(words) - 2:
            raise CttError(f"line {number}: expected curriculum, number of courses, "
                           "then that many courses")
        cohorts.append({"id": words[0], "activities": words[2:], "compact": True})
    return {
        "format": "relais-timetable/1",
        "name": header["Name"],
        "periods": [{"id": period_id(day, index), "day": day, "index": index}
                    for day in range(days) for index in range(per_day)],
        "rooms": rooms,
        "people": [{"id": teacher} for teacher in teachers],
        "activities": activities,
        "cohorts": cohorts,
        "weights": dict(WEIGHTS),
    }


def _count(header: dict[str, str], key: str) -> int:
    value = header[key]
    if not value.isdigit():
        raise CttError(f"header: {key} must be a whole number, not '{value}'")
    return int(value)


def _fields(number: int, words: list[str], count: int, names: str) -> list[str]:
    if len(words) != count:
        raise CttError(f"line {number}: expected {count} fields ({names}), found {len(words)}")
    return words


def _integer(number: int, word: str) -> int:
    if not word.isdigit():
        raise CttError(f"line {number}: '{word}' is not a whole number")
    return int(word)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("instance", help="an ITC 2007 curriculum-based .ctt file")
    parser.add_argument("--output", help="problem file to write (default: standard output)")
    args = parser.parse_args(argv)
    try:
        with open(args.instance, encoding="utf-8") as handle:
            problem = convert(handle.read())
    except (OSError, CttError) as error:
        print(f"{args.instance}: {error}", file=sys.stderr)
        return 2
    text = json.dumps(problem, indent=1)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as handle:
            handle.write(text + "\n")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
