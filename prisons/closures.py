"""Rooms closed on a date, all day or some hours (works, an inspection, a room taken by the prison
for something else): recorded by the coordinators, and the sessions they hit shown at once; the
dated sessions page lists those sessions to move or cancel, and free-slot suggestions leave the
room out.
"""
import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from .models import Room, RoomClosure


def upcoming_closures(rooms, today: dt.date):
    return (RoomClosure.objects.filter(room__in=rooms, date__gte=today)
            .select_related("room__site").order_by("date", "start", "room__code", "pk"))


def sessions_hit(closures) -> dict[int, list]:
    """{closure id: the scheduled sessions it overlaps}, in one query whatever the closures."""
    from activities.models import Session, SessionStatus
    from scheduling.calendars import local_day_bounds
    from scheduling.checks import LOCAL, overlaps

    closures = list(closures)
    if not closures:
        return {}
    start, end = local_day_bounds(min(c.date for c in closures), max(c.date for c in closures))
    sessions = (Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end,
                                       room__in={c.room_id for c in closures})
                .select_related("cycle__activity").order_by("starts_at"))
    by_room_day = defaultdict(list)
    for session in sessions:
        by_room_day[session.room_id, session.starts_at.astimezone(LOCAL).date()].append(session)
    return {
        closure.pk: [s for s in by_room_day[closure.room_id, closure.date]
                     if overlaps(closure.start, closure.end, s.starts_at.astimezone(LOCAL).time(),
                                 s.ends_at.astimezone(LOCAL).time())]
        for closure in closures
    }


def close_room(room: Room, *, date: dt.date | None, start: dt.time | None = None, end: dt.time | None = None,
               reason: str = "", by) -> RoomClosure:
    """Record that `room` is closed on `date` (all day, or from `start` to `end`). Errors name their field."""
    from scheduling.checks import overlaps

    if not (by and by.has_perm("prisons.change_reference", room)):
        raise PermissionDenied(_("You may not close the rooms of this site."))
    reason = (reason or "").strip()
    errors = {}
    if date is None:
        errors["date"] = _("Give the date the room is closed.")
    elif date < timezone.localdate():
        errors["date"] = _("A closure can only be recorded from today on.")
    if (start is None) != (end is None):
        errors["end"] = _("Give both hours for part of a day, or neither for the whole day.")
    elif start and end and end <= start:
        errors["end"] = _("The end must be after the start.")
    if not reason:
        errors["reason"] = _("Say why the room is closed (works, inspection…): the facilitators read it.")
    elif len(reason) > 200:
        errors["reason"] = _("Keep the reason under 200 characters.")
    if not errors and any(overlaps(other.start, other.end, start or dt.time.min, end or dt.time.max)
                          for other in RoomClosure.objects.filter(room=room, date=date)):
        errors["date"] = _("The room is already closed then.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        closure = RoomClosure.objects.create(room=room, date=date, start=start, end=end, reason=reason)
        audit.record(by, AuditAction.CREATE, closure)
    return closure


def reopen(closure: RoomClosure, *, by) -> None:
    """Take back a closure from today on (the works were put off)."""
    if not (by and by.has_perm("prisons.change_reference", closure.room)):
        raise PermissionDenied(_("You may not reopen the rooms of this site."))
    if closure.date < timezone.localdate():
        raise ValidationError(_("Only a closure from today on can be taken back."))
    with transaction.atomic():
        audit.record(by, AuditAction.DELETE, closure)
        closure.delete()
