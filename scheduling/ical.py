"""iCalendar (RFC 5545) output of dated sessions, written with the `icalendar` package.

Each event: UID from the session UUID alone, DTSTAMP = last modification, SEQUENCE = the session's
published revision, STATUS:CANCELLED kept in the feed, DTSTART/DTEND in Europe/Brussels with a
VTIMEZONE limited to the dates of the terms concerned. No detainee data in any feed: calendar apps
copy events to servers outside the prison's control (criminal-justice data, GDPR art. 10), so even
a facilitator's feed carries no participant; the signed-in calendar page shows them.
"""
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, Timezone

from activities.models import Cycle, Session, SessionStatus, cancellation_text

from .calendars import BRUSSELS, room_and_building

PRODID = "-//Relais//Relais calendars//EN"
TZID = "Europe/Brussels"


@dataclass(frozen=True)
class FeedEvent:
    """What one VEVENT needs, read from the database in bulk (no model instances)."""

    uuid: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    updated_at: dt.datetime
    sequence: int
    status: str
    cancellation_reason: str
    title: str
    location: str
    units: str
    term_first: dt.date
    term_last: dt.date


def feed_events(sessions, language: str, *, unit=None) -> list[FeedEvent]:
    """Three queries whatever the number of sessions: the sessions, the units of their cycles and
    the units no longer coming. In a unit's feed (`unit`), a session that unit no longer goes to
    is CANCELLED."""
    language = (language or "fr")[:2]
    rows = list(
        sessions.order_by("starts_at", "pk").values_list(
            "uuid", "starts_at", "ends_at", "updated_at", "sequence", "status", "cancellation_code",
            "cycle_id", "cycle__activity__title_fr", "cycle__activity__title_nl", "cycle__activity__title_en",
            "room__name", "room__building__name", "cycle__term__first_date", "cycle__term__last_date", "pk",
            "cancellation_details",
        )
    )
    units = {}
    for cycle_id, unit_id, code in (
        Cycle.eligible_units.through.objects.filter(cycle_id__in={row[7] for row in rows})
        .order_by("unit__code").values_list("cycle_id", "unit_id", "unit__code")
    ):
        units.setdefault(cycle_id, []).append((unit_id, code))
    not_coming = {}
    for session_id, unit_id in Session.cancelled_units.through.objects.filter(
        session_id__in=[row[15] for row in rows]
    ).values_list("session_id", "unit_id"):
        not_coming.setdefault(session_id, set()).add(unit_id)
    title_index = {"fr": 8, "nl": 9, "en": 10}.get(language, 8)
    with translation.override(language):  # the subscriber's, whoever cancelled
        reasons = {row[15]: cancellation_text(row[6], row[16]) for row in rows if row[6] or row[16]}
    events = []
    for row in rows:
        absent = not_coming.get(row[15], set())
        status = row[5]
        if unit is not None and unit.pk in absent:
            status = SessionStatus.CANCELLED
        events.append(FeedEvent(
            uuid=str(row[0]), starts_at=row[1], ends_at=row[2], updated_at=row[3], sequence=row[4],
            status=status, cancellation_reason=reasons.get(row[15], ""), title=row[title_index] or row[8] or row[10],
            location=room_and_building(row[11], row[12]),
            units=", ".join(code for unit_id, code in units.get(row[7], []) if unit_id not in absent),
            term_first=row[13], term_last=row[14],
        ))
    return events


@lru_cache(maxsize=64)
def brussels_timezone(first: dt.date, last: dt.date) -> Timezone:
    """VTIMEZONE covering only the transitions between `first` and `last` (cached: slow to build)."""
    return Timezone.from_tzid(TZID, first_date=first, last_date=last)


def event_component(event: FeedEvent) -> Event:
    vevent = Event()
    vevent.add("uid", f"{event.uuid}@relais")
    vevent.add("dtstamp", event.updated_at.astimezone(dt.UTC))
    vevent.add("last-modified", event.updated_at.astimezone(dt.UTC))
    vevent.add("sequence", event.sequence)
    vevent.add("dtstart", event.starts_at.astimezone(BRUSSELS))
    vevent.add("dtend", event.ends_at.astimezone(BRUSSELS))
    vevent.add("summary", event.title)
    vevent.add("location", event.location)
    description = _("Units: %(units)s") % {"units": event.units} if event.units else ""
    if event.status == SessionStatus.CANCELLED:
        vevent.add("status", "CANCELLED")
        if event.cancellation_reason:
            reason = _("Cancelled: %(reason)s") % {"reason": event.cancellation_reason}
            description = f"{reason}\n{description}" if description else reason
    else:
        vevent.add("status", "CONFIRMED")
    if description:
        vevent.add("description", description)
    return vevent


def build_calendar(events: list[FeedEvent], *, name: str, language: str) -> Calendar:
    """A VCALENDAR of `events`, its texts in `language`."""
    with translation.override(language):
        calendar = Calendar()
        calendar.add("prodid", PRODID)
        calendar.add("version", "2.0")
        calendar.add("calscale", "GREGORIAN")
        calendar.add("method", "PUBLISH")
        calendar.add("x-wr-calname", name)
        calendar.add("x-wr-timezone", TZID)
        if events:
            first = min(event.term_first for event in events)
            last = max(event.term_last for event in events) + dt.timedelta(days=1)
            calendar.add_component(brussels_timezone(first, last))
        for event in events:
            calendar.add_component(event_component(event))
    return calendar


def to_ical(events: list[FeedEvent], *, name: str, language: str) -> bytes:
    return build_calendar(events, name=name, language=language).to_ical()
