"""Reads for calendars: dated sessions per facilitator, unit, room or site, for a day or a week.

Every selector starts from `core.rules.visible_sessions(user)`, so a calendar never shows more than
its reader may see. Datetimes are stored in UTC; days and weeks are Europe/Brussels days.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.db.models import Prefetch, Q
from django.utils import timezone

from activities.models import Facilitator, Session, SessionStatus
from core import rules as access
from enrolment.models import EnrolmentStatus

BRUSSELS = ZoneInfo("Europe/Brussels")


def local_day_bounds(first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `first` to the start of the day after `last`, Brussels time (DST-proof)."""
    start = dt.datetime.combine(first, dt.time.min, tzinfo=BRUSSELS)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=BRUSSELS)
    return start, end


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


@dataclass(frozen=True)
class Period:
    """A day or a week shown by a calendar page, with its neighbours for navigation."""

    first: dt.date
    span: str  # "day" or "week"

    @classmethod
    def around(cls, day: dt.date, span: str) -> "Period":
        span = "day" if span == "day" else "week"
        return cls(day if span == "day" else monday_of(day), span)

    @property
    def last(self) -> dt.date:
        return self.first if self.span == "day" else self.first + dt.timedelta(days=6)

    @property
    def days(self) -> list[dt.date]:
        return [self.first + dt.timedelta(days=i) for i in range((self.last - self.first).days + 1)]

    @property
    def previous(self) -> dt.date:
        return self.first - dt.timedelta(days=1 if self.span == "day" else 7)

    @property
    def next(self) -> dt.date:
        return self.first + dt.timedelta(days=1 if self.span == "day" else 7)


def with_details(sessions):
    """Everything a calendar row shows, in a constant number of queries."""
    return sessions.select_related(
        "cycle__activity", "cycle__term__site", "room__building", "moved_from_room__building"
    ).prefetch_related(
        Prefetch("facilitators", queryset=Facilitator.objects.select_related("partner")),
        Prefetch("cycle__facilitators", queryset=Facilitator.objects.select_related("partner")),
        "cycle__eligible_units", "cancelled_units",
    ).order_by("starts_at", "room__name", "pk")


def _between(sessions, first: dt.date, last: dt.date):
    start, end = local_day_bounds(first, last)
    return sessions.filter(starts_at__gte=start, starts_at__lt=end)


def sessions_of_target(user, kind: str, target):
    """Sessions of a facilitator, unit, room or site, narrowed to what `user` may see."""
    sessions = access.visible_sessions(user)
    if kind == "facilitator":
        # Those they lead: their own (a replacement), or their cycle's with no replacement named.
        return sessions.filter(Q(facilitators=target) | Q(cycle__facilitators=target, facilitators__isnull=True)
                               ).distinct()
    if kind == "unit":
        return sessions.filter(cycle__eligible_units=target).distinct()
    if kind == "room":
        return sessions.filter(room=target)
    if kind == "site":
        return sessions.filter(cycle__term__site=target)
    raise ValueError(f"unknown calendar kind {kind!r}")


def calendar_sessions(user, kind: str, target, first: dt.date, last: dt.date) -> list[Session]:
    return list(with_details(_between(sessions_of_target(user, kind, target), first, last)))


def upcoming_sessions(user, kind: str, target, *, now: dt.datetime | None = None, limit: int = 50) -> list[Session]:
    """Next sessions first (the facilitator's list view); sessions already under way included."""
    now = now or timezone.now()
    sessions = sessions_of_target(user, kind, target).filter(ends_at__gt=now)
    return list(with_details(sessions)[:limit])


# How far ahead, and how recent, a change must be for a facilitator's notice of changes.
CHANGES_AHEAD_DAYS = CHANGES_SINCE_DAYS = 14


def recent_changes(user, facilitator, *, now: dt.datetime | None = None) -> list[Session]:
    """The facilitator's sessions of the coming two weeks cancelled, moved or given another room
    in the last two weeks (a published change raises `sequence`): so nobody comes in for nothing."""
    now = now or timezone.now()
    sessions = sessions_of_target(user, "facilitator", facilitator).filter(
        starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=CHANGES_AHEAD_DAYS),
        updated_at__gte=now - dt.timedelta(days=CHANGES_SINCE_DAYS), sequence__gt=0,
    )
    return list(with_details(sessions))


def session_facilitators(session: Session) -> list[Facilitator]:
    """Who leads this session: its own facilitators when set (a replacement), else the cycle's."""
    own = list(session.facilitators.all())
    return own or list(session.cycle.facilitators.all())


def participants_by_cycle(user, cycle_ids) -> dict[int, list[str]]:
    """Enrolled participants per cycle as a facilitator may see them: first name and prison number."""
    rows = (
        access.visible_enrolments(user)
        .filter(cycle_id__in=set(cycle_ids), status=EnrolmentStatus.ENROLLED)
        .order_by("detainee__first_name", "detainee__prison_number")
        .values_list("cycle_id", "detainee__first_name", "detainee__prison_number")
    )
    participants = defaultdict(list)
    for cycle_id, first_name, number in rows:
        participants[cycle_id].append(f"{first_name} ({number})")
    return dict(participants)


def room_and_building(room_name: str, building_name: str | None) -> str:
    """"Room, Building" (LOCATION and every list); once only when the room's name has it already."""
    if not building_name or building_name in room_name:
        return room_name
    return f"{room_name}, {building_name}"


def room_label(room) -> str:
    return room_and_building(room.name, room.building.name if room.building_id else None)


def location_of(session: Session) -> str:
    return room_label(session.room)


@dataclass
class Entry:
    """One session as a calendar shows it, in local time."""

    session: Session
    starts: dt.datetime
    ends: dt.datetime
    title: str
    location: str
    units: list[str]
    facilitators: list[Facilitator]
    participants: list[str] = field(default_factory=list)
    units_not_coming: list[str] = field(default_factory=list)
    cancelled_for_reader: bool = False  # a unit's calendar: that unit no longer comes

    @property
    def cancelled(self) -> bool:
        return self.session.status == SessionStatus.CANCELLED or self.cancelled_for_reader

    @property
    def moved_from(self) -> tuple[dt.datetime, str] | None:
        """(local start, room) where it was first planned, when it takes place elsewhere or at another time."""
        session = self.session
        if not session.is_moved or session.status == SessionStatus.CANCELLED:
            return None
        room = room_label(session.moved_from_room) if session.moved_from_room_id else ""
        return session.first_planned_local, room


def entries(sessions: list[Session], *, language: str | None = None, participants: dict | None = None,
            unit=None) -> list[Entry]:
    """Calendar rows; `unit`: the unit whose calendar this is (its cancellations show)."""
    participants = participants or {}
    items = []
    for session in sessions:
        not_coming = {u.pk: u.code for u in session.cancelled_units.all()}
        items.append(Entry(
            session=session,
            starts=session.starts_at.astimezone(BRUSSELS),
            ends=session.ends_at.astimezone(BRUSSELS),
            title=session.cycle.activity.title(language),
            location=location_of(session),
            units=[u.code for u in session.cycle.eligible_units.all() if u.pk not in not_coming],
            facilitators=session_facilitators(session),
            participants=participants.get(session.cycle_id, []),
            units_not_coming=sorted(not_coming.values()),
            cancelled_for_reader=unit is not None and unit.pk in not_coming,
        ))
    return items


def entries_by_day(items: list[Entry], days: list[dt.date]) -> list[tuple[dt.date, list[Entry]]]:
    grouped = defaultdict(list)
    for entry in items:
        grouped[entry.starts.date()].append(entry)
    return [(day, grouped.get(day, [])) for day in days]


def absences_by_day(facilitator, first: dt.date, last: dt.date) -> dict[dt.date, list]:
    """The facilitator's dated absences between two days, by day."""
    from activities.models import AvailabilityException

    by_day = defaultdict(list)
    for absence in AvailabilityException.objects.filter(facilitator=facilitator, available=False,
                                                        date__gte=first, date__lte=last).order_by("start"):
        by_day[absence.date].append(absence)
    return by_day
