"""The site's movements of the day, for whoever organises the escorts (step 8): per departure time,
how many people each unit sends and where, and the units asked to escort to more sessions at once
than their staff can (a session moved or a unit's limit lowered after planning).

The same people and sessions as the units' movement lists, for the whole site at once and in a
fixed number of queries.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from prisons.models import Unit

from .calendars import BRUSSELS, room_label
from .lists import _sessions_on, goers_by_session


@dataclass
class Departure:
    """People of one unit leaving for one session."""

    unit: Unit
    people: int
    departs: dt.time
    returns: dt.time
    activity: str
    room: str
    moved_from: dt.datetime | None = None  # local; the session was first planned elsewhere or at another time


@dataclass
class EscortOverload:
    unit: Unit
    at: dt.time
    sessions: int
    limit: int


@dataclass
class SiteMovements:
    site: object
    day: dt.date
    departures: list[Departure] = field(default_factory=list)
    overloads: list[EscortOverload] = field(default_factory=list)

    @property
    def people(self) -> int:
        return sum(d.people for d in self.departures)

    def by_time(self) -> list[tuple[dt.time, list[Departure]]]:
        """Departures grouped by the time they leave, earliest first."""
        grouped = defaultdict(list)
        for departure in self.departures:
            grouped[departure.departs].append(departure)
        return sorted(grouped.items())


def site_movements(user, site, day: dt.date, *, language: str | None = None) -> SiteMovements:
    result = SiteMovements(site=site, day=day)
    sessions = list(_sessions_on(user, site, day).select_related("cycle__activity", "room__building")
                    .prefetch_related("cancelled_units").order_by("starts_at", "pk"))
    if not sessions:
        return result
    goers = goers_by_session(user, sessions)
    busy = defaultdict(list)  # unit id -> (start, end) of the sessions it sends people to
    for session in sessions:
        not_coming = {u.pk for u in session.cancelled_units.all()}
        counts = defaultdict(int)
        for goer in goers[session.pk]:
            if goer.unit_id is not None and goer.unit_id not in not_coming:
                counts[goer.unit_id] += 1
        for unit_id, people in counts.items():
            busy[unit_id].append((session.starts_at, session.ends_at))
            result.departures.append(Departure(
                unit=unit_id, people=people, departs=session.starts_at.astimezone(BRUSSELS).time(),
                returns=session.ends_at.astimezone(BRUSSELS).time(), activity=session.cycle.activity.title(language),
                room=room_label(session.room),
                moved_from=session.first_planned_local,
            ))
    units = Unit.objects.in_bulk(list(busy))  # the departures name their unit by id until here
    for departure in result.departures:
        departure.unit = units[departure.unit]
    result.departures.sort(key=lambda d: (d.departs, d.unit.code, d.activity))
    for unit_id, spans in busy.items():
        limit = units[unit_id].max_parallel_sessions
        if limit is None:
            continue
        for start, _end in sorted(set(spans)):
            at_once = sum(1 for s, e in spans if s <= start < e)
            if at_once > limit:
                result.overloads.append(EscortOverload(units[unit_id], start.astimezone(BRUSSELS).time(), at_once,
                                                       limit))
    result.overloads.sort(key=lambda o: (o.at, o.unit.code))
    return result
