"""A notice to post in a unit for its detainees: this week's activities of the unit that are off or
moved (step 5 and 7). Facilitators and officers are e-mailed changes; the people the sessions are for
learn of them from the wing's board, in French, Dutch or English, with each activity's pictogram.

No reason is given: what a coordinator typed is written for staff, in their language.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Q

from activities.models import SessionStatus
from core import rules as access

from .calendars import BRUSSELS, local_day_bounds


class ChangeKind:
    CANCELLED = "cancelled"
    MOVED = "moved"


@dataclass
class UnitChange:
    kind: str
    title: str
    picture: str
    starts: dt.datetime  # local; the new time of a moved session
    ends: dt.datetime
    was: dt.datetime | None = None  # local; a moved session's first planned time


def unit_changes(user, unit, monday: dt.date, *, language: str) -> list[UnitChange]:
    """The unit's sessions of the week (Monday to Sunday) cancelled, that the unit no longer goes to, or
    moved (to or from a day of this week), in the order of the week as it was printed; three queries."""
    start, end = local_day_bounds(monday, monday + dt.timedelta(days=6))
    in_week = Q(starts_at__gte=start, starts_at__lt=end)
    moved_from_week = Q(moved_from_starts_at__gte=start, moved_from_starts_at__lt=end)
    sessions = (
        access.visible_sessions(user)
        .filter(cycle__term__site=unit.site_id, cycle__eligible_units=unit)
        .filter(in_week | moved_from_week)
        .select_related("cycle__activity").prefetch_related("cancelled_units")
        .order_by("starts_at", "pk").distinct()
    )
    changes = []
    for session in sessions:
        off = session.status == SessionStatus.CANCELLED or any(u.pk == unit.pk for u in session.cancelled_units.all())
        starts, ends = session.starts_at.astimezone(BRUSSELS), session.ends_at.astimezone(BRUSSELS)
        activity = session.cycle.activity
        if off and start <= session.starts_at < end:
            changes.append(UnitChange(ChangeKind.CANCELLED, activity.title(language), activity.picture, starts, ends))
        elif not off and session.is_moved:  # held already or still to come: the notice stays the week's
            changes.append(UnitChange(ChangeKind.MOVED, activity.title(language), activity.picture, starts, ends,
                                      was=session.first_planned_local))
    changes.sort(key=lambda change: (change.was or change.starts, change.title))
    return changes
