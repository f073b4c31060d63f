"""Parse and validate a `relais-timetable/1` problem into immutable dataclasses.

Every error names the offending field (`activities[3].facilitators[0]: unknown person 'v9'`);
all errors are collected and raised together as one `ProblemError`.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from typing import Any

FORMAT = "relais-timetable/1"
WEIGHT_KINDS = ("capacity", "min_days", "isolation", "room_stability", "preference", "change")


class ProblemError(ValueError):
    """The problem breaks the format; `errors` lists one message per offending field."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("invalid timetable problem:\n" + "\n".join(f"  {e}" for e in self.errors))


@dataclass(frozen=True)
class Period:
    id: str
    day: int
    index: int
    label: str


@dataclass(frozen=True)
class Room:
    id: str
    capacity: int
    kind: str
    wings: frozenset[int] | None  # None: reachable from every wing
    unavailable: frozenset[int]
    label: str


@dataclass(frozen=True)
class Wing:
    id: str
    unavailable: frozenset[int]
    max_parallel: int | None
    max_parallel_by_period: dict[int, int]
    label: str

    def limit(self, period: int) -> int | None:
        return self.max_parallel_by_period.get(period, self.max_parallel)


@dataclass(frozen=True)
class Person:
    id: str
    unavailable: frozenset[int]
    preferred: frozenset[int]
    label: str


@dataclass(frozen=True)
class Activity:
    id: str
    sessions: int
    length: int
    participants: int
    room_kinds: frozenset[str] | None  # None: any kind
    wings: tuple[int, ...]
    facilitators: tuple[int, ...]
    min_days: int
    unavailable: frozenset[int]
    fixed: tuple[tuple[int, int], ...]  # (start period, room)
    label: str


@dataclass(frozen=True)
class Cohort:
    id: str
    activities: tuple[int, ...]
    compact: bool
    label: str


@dataclass(frozen=True)
class Weights:
    capacity: float | None = None  # None: capacity is a hard constraint
    min_days: float = 0
    isolation: float = 0
    room_stability: float = 0
    preference: float = 0
    change: float = 0


@dataclass(frozen=True)
class Problem:
    name: str
    periods: tuple[Period, ...]
    rooms: tuple[Room, ...]
    wings: tuple[Wing, ...]
    people: tuple[Person, ...]
    activities: tuple[Activity, ...]
    cohorts: tuple[Cohort, ...]
    previous: tuple[tuple[int, int, int], ...]  # (activity, period, room), known ids only
    previous_warnings: tuple[str, ...]
    strict_stability: bool
    weights: Weights
    # next_period[p]: the period consecutive after p (same day, index + 1), or None.
    next_period: tuple[int | None, ...] = field(repr=False)
    prev_period: tuple[int | None, ...] = field(repr=False)

    def covered(self, start: int, length: int) -> tuple[int, ...] | None:
        """The `length` consecutive periods from `start`, or None when they do not exist."""
        run = [start]
        while len(run) < length:
            following = self.next_period[run[-1]]
            if following is None:
                return None
            run.append(following)
        return tuple(run)

    def label_of(self, obj: Any) -> str:
        return obj.label or obj.id


def load_problem(source: dict | str | os.PathLike) -> Problem:
    """Validate a problem given as a dict (or a path to a JSON file) and return a `Problem`."""
    if isinstance(source, (str, os.PathLike)):
        try:
            with open(source, encoding="utf-8") as handle:
                source = json.load(handle)
        except OSError as exc:
            raise ProblemError([f"{os.fspath(source)}: cannot read: {exc.strerror}"]) from None
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ProblemError([f"{os.fspath(source)}: not valid JSON: {exc}"]) from None
    return _Parser().parse(source)


class _Parser:
    def __init__(self) -> None:
        self.errors: list[str] = []

    def error(self, path: str, message: str) -> None:
        self.errors.append(f"{path}: {message}")

    # Typed field readers: each returns None (after recording an error) when the value is wrong.

    def obj(self, value: Any, path: str, allowed: set[str], required: set[str]) -> dict | None:
        if not isinstance(value, dict):
            self.error(path, f"expected an object, got {_kind(value)}")
            return None
        for key in value:
            if key not in allowed:
                self.error(f"{path}.{key}" if path else key, "unknown key")
        for key in sorted(required - value.keys()):
            self.error(f"{path}.{key}" if path else key, "required")
        return value

    def integer(self, value: Any, path: str, minimum: int = 0) -> int | None:
        if isinstance(value, bool) or not isinstance(value, int):
            self.error(path, f"expected an integer, got {_kind(value)}")
            return None
        if value < minimum:
            self.error(path, f"must be >= {minimum}, got {value}")
            return None
        return value

    def number(self, value: Any, path: str) -> float | None:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.error(path, f"expected a number, got {_kind(value)}")
            return None
        if not math.isfinite(value) or value < 0:
            self.error(path, f"must be a finite number >= 0, got {value}")
            return None
        return value

    def string(self, value: Any, path: str, non_empty: bool = False) -> str | None:
        if not isinstance(value, str):
            self.error(path, f"expected a string, got {_kind(value)}")
            return None
        if non_empty and not value:
            self.error(path, "must not be empty")
            return None
        return value

    def boolean(self, value: Any, path: str) -> bool | None:
        if not isinstance(value, bool):
            self.error(path, f"expected true or false, got {_kind(value)}")
            return None
        return value

    def array(self, value: Any, path: str) -> list:
        if not isinstance(value, list):
            self.error(path, f"expected a list, got {_kind(value)}")
            return []
        return value

    def id_list(self, value: Any, path: str, index: dict[str, int], what: str) -> list[int]:
        """A set of references: each must be a known id, and none may repeat."""
        result: list[int] = []
        seen: set[str] = set()
        for i, item in enumerate(self.array(value, path)):
            ref = self.string(item, f"{path}[{i}]", non_empty=True)
            if ref is None:
                continue
            if ref in seen:
                self.error(f"{path}[{i}]", f"{what} '{ref}' listed twice")
            elif ref not in index:
                self.error(f"{path}[{i}]", f"unknown {what} '{ref}'")
            else:
                result.append(index[ref])
            seen.add(ref)
        return result

    def label(self, item: dict, path: str) -> str:
        if "label" in item:
            return self.string(item["label"], f"{path}.label") or ""
        return ""

    def ids(self, items: list, path: str) -> dict[str, int]:
        """Index a list of objects by id, reporting missing, malformed and duplicate ids."""
        index: dict[str, int] = {}
        for i, item in enumerate(items):
            if not isinstance(item, dict) or "id" not in item:
                continue  # reported by the item's own parser
            ident = self.string(item["id"], f"{path}[{i}].id", non_empty=True)
            if ident is None:
                continue
            if ident in index:
                self.error(f"{path}[{i}].id", f"duplicate id '{ident}'")
            else:
                index[ident] = i
        return index

    # The problem, top down.

    def parse(self, data: Any) -> Problem:
        top = self.obj(
            data,
            "",
            {"format", "name", "periods", "rooms", "wings", "people", "activities", "cohorts",
             "previous", "stability", "weights", "label"},
            {"format", "periods", "rooms", "activities"},
        )
        if top is None:
            raise ProblemError(self.errors)
        if "format" in top and top["format"] != FORMAT:
            self.error("format", f"expected '{FORMAT}', got {json.dumps(top['format'])}")
        name = self.string(top.get("name", ""), "name") or ""
        if "label" in top:
            self.string(top["label"], "label")

        raw = {key: self.array(top.get(key, []), key) for key in
               ("periods", "rooms", "wings", "people", "activities", "cohorts", "previous")}
        for key in ("periods", "rooms"):
            if key in top and isinstance(top[key], list) and not top[key]:
                self.error(key, "at least one is required")
        index = {key: self.ids(raw[key], key) for key in
                 ("periods", "rooms", "wings", "people", "activities", "cohorts")}

        periods = [self.period(item, f"periods[{i}]") for i, item in enumerate(raw["periods"])]
        next_period, prev_period = self.consecutive(periods)
        p_index = index["periods"]
        rooms = [self.room(item, f"rooms[{i}]", p_index, index["wings"])
                 for i, item in enumerate(raw["rooms"])]
        wings = [self.wing(item, f"wings[{i}]", p_index) for i, item in enumerate(raw["wings"])]
        people = [self.person(item, f"people[{i}]", p_index)
                  for i, item in enumerate(raw["people"])]
        partial = _Partial(periods, next_period)
        activities = [self.activity(item, f"activities[{i}]", index, partial)
                      for i, item in enumerate(raw["activities"])]
        cohorts = [self.cohort(item, f"cohorts[{i}]", index["activities"])
                   for i, item in enumerate(raw["cohorts"])]
        previous, warnings = self.previous(raw["previous"], index)
        stability = top.get("stability", "weighted")
        if stability not in ("weighted", "strict"):
            self.error("stability", f"expected 'weighted' or 'strict', got {json.dumps(stability)}")
        weights = self.weights(top.get("weights", {}))

        if self.errors:
            raise ProblemError(self.errors)
        return Problem(
            name=name,
            periods=tuple(periods),
            rooms=tuple(rooms),
            wings=tuple(wings),
            people=tuple(people),
            activities=tuple(activities),
            cohorts=tuple(cohorts),
            previous=tuple(previous),
            previous_warnings=tuple(warnings),
            strict_stability=stability == "strict",
            weights=weights,
            next_period=tuple(next_period),
            prev_period=tuple(prev_period),
        )

    def period(self, item: Any, path: str) -> Period | None:
        item = self.obj(item, path, {"id", "day", "index", "start", "end", "label"},
                        {"id", "day", "index"})
        if item is None:
            return None
        day = self.integer(item.get("day", 0), f"{path}.day")
        number = self.integer(item.get("index", 0), f"{path}.index")
        for key in ("start", "end"):
            if key in item and item[key] is not None:
                self.string(item[key], f"{path}.{key}")
        if day is None or number is None or not isinstance(item.get("id"), str):
            return None
        return Period(item["id"], day, number, self.label(item, path))

    def consecutive(self, periods: list[Period | None]) -> tuple[list, list]:
        slot: dict[tuple[int, int], int] = {}
        for i, period in enumerate(periods):
            if period is None:
                continue
            key = (period.day, period.index)
            if key in slot:
                self.error(f"periods[{i}]", f"day {period.day} index {period.index} "
                                            f"already used by periods[{slot[key]}]")
            else:
                slot[key] = i
        next_period: list[int | None] = [None] * len(periods)
        prev_period: list[int | None] = [None] * len(periods)
        for (day, number), i in slot.items():
            following = slot.get((day, number + 1))
            if following is not None:
                next_period[i] = following
                prev_period[following] = i
        return next_period, prev_period

    def room(self, item: Any, path: str, periods: dict, wings: dict) -> Room | None:
        item = self.obj(item, path, {"id", "capacity", "kind", "wings", "unavailable", "label"},
                        {"id", "capacity"})
        if item is None:
            return None
        capacity = self.integer(item.get("capacity", 0), f"{path}.capacity")
        kind = self.string(item.get("kind", ""), f"{path}.kind")
        reach = item.get("wings")
        reachable = None if reach is None else frozenset(
            self.id_list(reach, f"{path}.wings", wings, "wing"))
        unavailable = self.id_list(item.get("unavailable", []), f"{path}.unavailable",
                                   periods, "period")
        return Room(item.get("id"), capacity or 0, kind or "", reachable,
                    frozenset(unavailable), self.label(item, path))

    def wing(self, item: Any, path: str, periods: dict) -> Wing | None:
        item = self.obj(item, path, {"id", "unavailable", "max_parallel",
                                     "max_parallel_by_period", "label"}, {"id"})
        if item is None:
            return None
        unavailable = self.id_list(item.get("unavailable", []), f"{path}.unavailable",
                                   periods, "period")
        limit = item.get("max_parallel")
        if limit is not None:
            limit = self.integer(limit, f"{path}.max_parallel")
        by_period: dict[int, int] = {}
        raw = item.get("max_parallel_by_period")
        if raw is not None:
            if not isinstance(raw, dict):
                self.error(f"{path}.max_parallel_by_period",
                           f"expected an object of period id -> integer, got {_kind(raw)}")
            else:
                for key, value in raw.items():
                    sub = f"{path}.max_parallel_by_period.{key}"
                    if key not in periods:
                        self.error(sub, f"unknown period '{key}'")
                        continue
                    value = self.integer(value, sub)
                    if value is not None:
                        by_period[periods[key]] = value
        return Wing(item.get("id"), frozenset(unavailable), limit, by_period,
                    self.label(item, path))

    def person(self, item: Any, path: str, periods: dict) -> Person | None:
        item = self.obj(item, path, {"id", "unavailable", "preferred", "label"}, {"id"})
        if item is None:
            return None
        unavailable = self.id_list(item.get("unavailable", []), f"{path}.unavailable",
                                   periods, "period")
        preferred = self.id_list(item.get("preferred", []), f"{path}.preferred", periods,
                                 "period")
        return Person(item.get("id"), frozenset(unavailable), frozenset(preferred),
                      self.label(item, path))

    def activity(self, item: Any, path: str, index: dict, grid: _Partial) -> Activity | None:
        item = self.obj(item, path, {"id", "sessions", "length", "participants", "room_kinds",
                                     "wings", "facilitators", "min_days", "unavailable", "fixed",
                                     "label"}, {"id", "sessions"})
        if item is None:
            return None
        sessions = self.integer(item.get("sessions", 0), f"{path}.sessions")
        length = self.integer(item.get("length", 1), f"{path}.length", minimum=1)
        participants = self.integer(item.get("participants", 0), f"{path}.participants")
        min_days = self.integer(item.get("min_days", 0), f"{path}.min_days")
        kinds = item.get("room_kinds")
        room_kinds = None
        if kinds is not None:
            names = []
            for i, kind in enumerate(self.array(kinds, f"{path}.room_kinds")):
                kind = self.string(kind, f"{path}.room_kinds[{i}]")
                if kind is not None and kind in names:
                    self.error(f"{path}.room_kinds[{i}]", f"kind '{kind}' listed twice")
                elif kind is not None:
                    names.append(kind)
            room_kinds = frozenset(names) or None
        wings = self.id_list(item.get("wings", []), f"{path}.wings", index["wings"], "wing")
        facilitators = self.id_list(item.get("facilitators", []), f"{path}.facilitators",
                                    index["people"], "person")
        unavailable = self.id_list(item.get("unavailable", []), f"{path}.unavailable",
                                   index["periods"], "period")
        fixed = []
        fixed_entries = self.array(item.get("fixed", []), f"{path}.fixed")
        for i, entry in enumerate(fixed_entries):
            sub = f"{path}.fixed[{i}]"
            entry = self.obj(entry, sub, {"period", "room"}, {"period", "room"})
            if entry is None or not {"period", "room"} <= entry.keys():
                continue
            period = self.reference(entry["period"], f"{sub}.period", index["periods"], "period")
            room = self.reference(entry["room"], f"{sub}.room", index["rooms"], "room")
            if period is None or room is None:
                continue
            if length is not None and grid.covered(period, length) is None:
                self.error(f"{sub}.period", f"{length} consecutive periods do not exist from "
                                            f"'{entry['period']}'")
                continue
            fixed.append((period, room))
        if sessions is not None and len(fixed_entries) > sessions:
            self.error(f"{path}.fixed", f"{len(fixed_entries)} fixed sessions but only "
                                        f"{sessions} sessions")
        if sessions and length is not None and not grid.fits_somewhere(length):
            self.error(f"{path}.length", f"no day has {length} consecutive periods")
        return Activity(
            id=item.get("id"),
            sessions=sessions or 0,
            length=length or 1,
            participants=participants or 0,
            room_kinds=room_kinds,
            wings=tuple(wings),
            facilitators=tuple(facilitators),
            min_days=min_days or 0,
            unavailable=frozenset(unavailable),
            fixed=tuple(fixed),
            label=self.label(item, path),
        )

    def reference(self, value: Any, path: str, index: dict, what: str) -> int | None:
        ref = self.string(value, path, non_empty=True)
        if ref is None:
            return None
        if ref not in index:
            self.error(path, f"unknown {what} '{ref}'")
            return None
        return index[ref]

    def cohort(self, item: Any, path: str, activities: dict) -> Cohort | None:
        item = self.obj(item, path, {"id", "activities", "compact", "label"}, {"id", "activities"})
        if item is None:
            return None
        members = self.id_list(item.get("activities", []), f"{path}.activities", activities,
                               "activity")
        compact = self.boolean(item.get("compact", False), f"{path}.compact")
        return Cohort(item.get("id"), tuple(members), bool(compact), self.label(item, path))

    def previous(self, items: list, index: dict) -> tuple[list, list[str]]:
        kept, warnings = [], []
        for i, entry in enumerate(items):
            path = f"previous[{i}]"
            entry = self.obj(entry, path, {"activity", "period", "room"},
                             {"activity", "period", "room"})
            if entry is None:
                continue
            refs = {}
            for key in ("activity", "period", "room"):
                if key in entry:
                    refs[key] = self.string(entry[key], f"{path}.{key}", non_empty=True)
            if None in refs.values() or len(refs) < 3:
                continue
            unknown = [f"{key} '{refs[key]}'" for key, table in
                       (("activity", "activities"), ("period", "periods"), ("room", "rooms"))
                       if refs[key] not in index[table]]
            if unknown:
                warnings.append(f"{path}: ignored, unknown {', '.join(unknown)}")
                continue
            kept.append((index["activities"][refs["activity"]], index["periods"][refs["period"]],
                         index["rooms"][refs["room"]]))
        return kept, warnings

    def weights(self, raw: Any) -> Weights:
        item = self.obj(raw, "weights", set(WEIGHT_KINDS), set())
        if item is None:
            return Weights()
        values: dict[str, float | None] = {}
        for kind in WEIGHT_KINDS:
            value = item.get(kind)
            if value is None:
                continue
            number = self.number(value, f"weights.{kind}")
            if number is not None:
                values[kind] = number
        return Weights(**values)


@dataclass
class _Partial:
    """The time grid, usable while the rest of the problem is being parsed."""

    periods: list[Period | None]
    next_period: list[int | None]

    def covered(self, start: int, length: int) -> list[int] | None:
        run = [start]
        while len(run) < length:
            following = self.next_period[run[-1]]
            if following is None:
                return None
            run.append(following)
        return run

    def fits_somewhere(self, length: int) -> bool:
        return any(p is not None and self.covered(i, length) is not None
                   for i, p in enumerate(self.periods))


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        return f"the string {json.dumps(value)}"
    if isinstance(value, list):
        return "a list"
    return "an object"
