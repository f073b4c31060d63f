"""A term's weekly timetable as a `relais-timetable/1` problem, built from the database.

Identifiers are readable and stable, so an exported problem can be read and reproduced by hand:
periods `mon-0`, rooms and units by code, facilitators `fac-<id>`, activities by cycle code.
Problems carry no detainee data: cohorts name cycles, never people.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from activities.availability import covers
from activities.models import Availability, CycleStatus, Term
from enrolment.models import Enrolment, EnrolmentStatus
from prisons.models import BlockedPeriod, RegimePeriod, Room, Unit

DAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# Rooms are hard (capacity null); the rest trades off. Moving a published session costs most.
DEFAULT_WEIGHTS = {"min_days": 3, "isolation": 1, "room_stability": 1, "preference": 1, "change": 5}


def period_id(period: RegimePeriod) -> str:
    return f"{DAY_CODES[period.weekday]}-{period.index}"


def period_label(period: RegimePeriod) -> str:
    return f"{DAY_NAMES[period.weekday]} {period.start:%H:%M}–{period.end:%H:%M}"


def person_id(facilitator_pk: int) -> str:
    return f"fac-{facilitator_pk}"


def _overlaps(windows, start: dt.time, end: dt.time) -> bool:
    return any(w_start < end and start < w_end for w_start, w_end in windows)


@dataclass
class BuiltProblem:
    """The problem and the maps back from its identifiers to database rows."""

    problem: dict
    periods: dict[str, RegimePeriod] = field(default_factory=dict)
    rooms: dict[str, Room] = field(default_factory=dict)
    units: dict[str, Unit] = field(default_factory=dict)
    cycles: dict = field(default_factory=dict)
    facilitators: dict = field(default_factory=dict)

    def period_for(self, weekday: int, start: dt.time) -> RegimePeriod | None:
        for period in self.periods.values():
            if period.weekday == weekday and period.start == start:
                return period
        return None


def build_problem(term: Term, *, previous: list[dict] | None = None, stability: str = "weighted",
                  use_pins: bool = True) -> BuiltProblem:
    """The term's problem. `previous` defaults to the last publication's weekly slots."""
    site = term.site
    built = BuiltProblem(problem={})

    periods = list(RegimePeriod.objects.filter(site=site).order_by("weekday", "index"))
    built.periods = {period_id(p): p for p in periods}
    period_rows = [
        {"id": period_id(p), "day": p.weekday, "index": p.index, "start": f"{p.start:%H:%M}",
         "end": f"{p.end:%H:%M}", "label": period_label(p)}
        for p in periods
    ]

    units = list(Unit.objects.filter(site=site).order_by("code"))
    built.units = {u.code: u for u in units}
    blocked = defaultdict(list)
    for b in BlockedPeriod.objects.filter(unit__site=site).keeping_people_in():
        blocked[(b.unit_id, b.weekday)].append((b.start, b.end))
    wing_rows = []
    for unit in units:
        row = {"id": unit.code, "label": unit.name}
        unavailable = [period_id(p) for p in periods if _overlaps(blocked[(unit.pk, p.weekday)], p.start, p.end)]
        if unavailable:
            row["unavailable"] = unavailable
        if unit.max_parallel_sessions is not None:
            row["max_parallel"] = unit.max_parallel_sessions
        wing_rows.append(row)

    rooms = list(Room.objects.filter(site=site, active=True).prefetch_related("reachable_units", "weekly_uses")
                 .order_by("code"))
    built.rooms = {r.code: r for r in rooms}
    room_rows = []
    for room in rooms:
        wings = None if room.reachable_from_all_units else sorted(u.code for u in room.reachable_units.all())
        row = {"id": room.code, "label": room.name, "kind": room.kind, "capacity": room.capacity, "wings": wings}
        used = defaultdict(list)  # the times others use it (the prison school, worship...)
        for use in room.weekly_uses.all():
            used[use.weekday].append((use.start, use.end))
        unavailable = [period_id(p) for p in periods if _overlaps(used[p.weekday], p.start, p.end)]
        if unavailable:
            row["unavailable"] = unavailable
        room_rows.append(row)

    cycles = list(
        term.cycles.exclude(status=CycleStatus.CANCELLED)
        .select_related("activity").prefetch_related("eligible_units", "facilitators").order_by("code")
    )
    built.cycles = {c.code: c for c in cycles}

    facilitators = {f.pk: f for c in cycles for f in c.facilitators.all()}
    built.facilitators = {person_id(pk): f for pk, f in facilitators.items()}
    windows, preferred = defaultdict(list), defaultdict(list)
    for a in Availability.objects.filter(facilitator__in=facilitators):
        windows[(a.facilitator_id, a.weekday)].append((a.start, a.end))
        if a.preferred:
            preferred[(a.facilitator_id, a.weekday)].append((a.start, a.end))
    has_windows = {pk for pk, _day in windows}
    people_rows = []
    for pk in sorted(facilitators):
        f = facilitators[pk]
        row = {"id": person_id(pk), "label": f"{f.first_name} {f.last_name}"}
        # No weekly availability recorded means "not said": no constraint, rather than never.
        if pk in has_windows:
            unavailable = [period_id(p) for p in periods if not covers(windows[(pk, p.weekday)], p.start, p.end)]
            if unavailable:
                row["unavailable"] = unavailable
        liked = [period_id(p) for p in periods if covers(preferred[(pk, p.weekday)], p.start, p.end)]
        if liked:
            row["preferred"] = liked
        people_rows.append(row)

    pins = defaultdict(list)
    if use_pins:
        for d in term.draft_sessions.filter(pinned=True).select_related("period", "room", "cycle"):
            pins[d.cycle.code].append({"period": period_id(d.period), "room": d.room.code})
    activity_rows = []
    for cycle in cycles:
        row = {
            "id": cycle.code,
            "label": f"{cycle.activity.title_en or cycle.activity.title_fr} ({cycle.code})",
            "sessions": cycle.sessions_per_week,
            "length": cycle.session_periods,
            "participants": cycle.capacity,
            "room_kinds": sorted(cycle.activity.room_kinds) or None,
            "wings": sorted(u.code for u in cycle.eligible_units.all()),
            "facilitators": [person_id(f.pk) for f in sorted(cycle.facilitators.all(), key=lambda f: f.pk)],
            "min_days": cycle.sessions_per_week if cycle.sessions_per_week > 1 else 0,
        }
        if pins[cycle.code]:
            row["fixed"] = sorted(pins[cycle.code], key=lambda e: (e["period"], e["room"]))
        activity_rows.append(row)

    problem = {
        "format": "relais-timetable/1",
        "name": f"{site.code} {term.name}",
        "periods": period_rows,
        "rooms": room_rows,
        "wings": wing_rows,
        "people": people_rows,
        "activities": activity_rows,
        "cohorts": _cohorts(term, cycles, units),
        "previous": previous if previous is not None else published_previous(term),
        "stability": stability,
        "weights": dict(DEFAULT_WEIGHTS),
    }
    built.problem = problem
    return built


def _cohorts(term: Term, cycles, units) -> list[dict]:
    codes = {c.pk: c.code for c in cycles}
    per_detainee = defaultdict(set)
    for detainee_id, cycle_id in Enrolment.objects.filter(
        cycle__in=cycles, status=EnrolmentStatus.ENROLLED
    ).values_list("detainee_id", "cycle_id"):
        per_detainee[detainee_id].add(codes[cycle_id])
    cohorts = []
    for together in sorted({frozenset(s) for s in per_detainee.values() if len(s) > 1}, key=sorted):
        names = sorted(together)
        cohorts.append({"id": "enrolled:" + "+".join(names), "activities": names,
                        "label": "Participants enrolled in " + ", ".join(names)})
    # A unit whose staff escort one group at a time moves as one group: its cycles never overlap
    # and are best back to back, so the unit goes out once.
    by_unit = defaultdict(list)
    for cycle in cycles:
        for unit in cycle.eligible_units.all():
            by_unit[unit.pk].append(cycle.code)
    for unit in units:
        if unit.max_parallel_sessions == 1 and len(by_unit[unit.pk]) > 1:
            cohorts.append({"id": f"unit:{unit.code}", "activities": sorted(by_unit[unit.pk]), "compact": True,
                            "label": f"Unit {unit.name}, escorted as one group"})
    return cohorts


def published_previous(term: Term) -> list[dict]:
    """The last publication's weekly slots as `previous` entries."""
    publication = term.publications.order_by("-number").first()
    if publication is None:
        return []
    periods = {(p.weekday, p.start): p for p in RegimePeriod.objects.filter(site=term.site_id)}
    rows = []
    for slot in publication.slots.select_related("cycle", "room"):
        period = periods.get((slot.weekday, slot.start))
        if period is not None:
            rows.append({"activity": slot.cycle.code, "period": period_id(period), "room": slot.room.code})
    return sorted(rows, key=lambda r: (r["activity"], r["period"], r["room"]))


def draft_previous(term: Term) -> list[dict]:
    rows = [
        {"activity": d.cycle.code, "period": period_id(d.period), "room": d.room.code}
        for d in term.draft_sessions.select_related("cycle", "period", "room")
    ]
    return sorted(rows, key=lambda r: (r["activity"], r["period"], r["room"]))


def draft_assignments(term: Term) -> list[dict]:
    return draft_previous(term)
