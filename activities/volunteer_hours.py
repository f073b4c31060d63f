"""The sessions a facilitator led and the hours they gave, per month of a year (step 9): volunteers
keep them for their own records and for the attestations of volunteering they are asked for, and
partners for their funders. A replacement counts for the session they led, not the cycle's usual
facilitators; cancelled sessions and those still to come do not count.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils import timezone

from enrolment.year_report import year_bounds

from .models import Session, SessionStatus


@dataclass
class LedSession:
    day: dt.date
    starts: dt.time
    ends: dt.time
    hours: float
    activity: str
    site: str


@dataclass
class FacilitatorHours:
    facilitator: object
    year: int
    sessions: list[LedSession] = field(default_factory=list)

    @property
    def hours(self) -> float:
        return round(sum(s.hours for s in self.sessions), 2)

    @property
    def first(self) -> dt.date | None:
        return self.sessions[0].day if self.sessions else None

    @property
    def last(self) -> dt.date | None:
        return self.sessions[-1].day if self.sessions else None

    def months(self) -> list[tuple[dt.date, int, float]]:
        """(first day of the month, sessions, hours) for each month with a session, in order."""
        by_month = defaultdict(lambda: [0, 0.0])
        for led in self.sessions:
            month = by_month[led.day.replace(day=1)]
            month[0] += 1
            month[1] += led.hours
        return [(month, n, round(hours, 2)) for month, (n, hours) in sorted(by_month.items())]


def hours_of(facilitator, year: int, now: dt.datetime | None = None, *, language: str | None = None) -> FacilitatorHours:
    """The sessions `facilitator` led in `year` (Brussels time) up to `now`; one query."""
    now = now or timezone.now()
    start, end = year_bounds(year)
    led = (
        Session.objects.filter(starts_at__gte=start, starts_at__lt=min(end, now))
        .exclude(status=SessionStatus.CANCELLED)
        # their own session (a replacement), or one of their cycle's with no replacement named
        .filter(Q(facilitators=facilitator) | Q(facilitators__isnull=True, cycle__facilitators=facilitator))
        .select_related("cycle__activity", "cycle__term__site").distinct().order_by("starts_at")
    )
    result = FacilitatorHours(facilitator, year)
    for session in led:
        local_start, local_end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        result.sessions.append(LedSession(
            day=local_start.date(), starts=local_start.time(), ends=local_end.time(),
            hours=(session.ends_at - session.starts_at).total_seconds() / 3600,
            activity=session.cycle.activity.title(language), site=session.cycle.term.site.name,
        ))
    return result
