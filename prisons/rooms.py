"""Rooms kept by the site's coordinators (step 8): a classroom opened, a workshop's capacity lowered by
the fire officer, a room the prison takes back. What the planner reads is changed here, and a room is
taken out of use only once no coming session is left in it.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit
from core.models import AuditAction

from .models import Building, Room, RoomKind, RoomUse, Site, Unit
from .regime import weekly_time_errors

USE_LABEL_MAX = 80


@dataclass
class UseRow:
    """One weekly time typed on the room's page or sent to the API; `where` names it in errors."""

    weekday: int | None
    start: dt.time | None
    end: dt.time | None
    label: str
    where: str


@transaction.atomic
def save_room(site: Site, *, by, room: Room | None = None, code: str, name: str, kind: str, capacity: int | None,
              building: Building | None = None, reachable_from_all_units: bool = False, reachable_units=(),
              accessibility_notes: str = "", active: bool = True) -> Room:
    """Add a room to `site`, or change `room`. Errors name their field; nothing is saved on an error."""
    from activities.models import Session, SessionStatus

    if not (by and by.has_perm("prisons.change_reference", site)):
        raise PermissionDenied(_("You may not change the rooms of this site."))
    code, name = (code or "").strip(), (name or "").strip()
    reachable_units = list(reachable_units)
    errors = {}
    if not code:
        errors["code"] = _("Give the room a short code (used in timetables and exports).")
    elif Room.objects.filter(site=site, code__iexact=code).exclude(pk=room.pk if room else None).exists():
        errors["code"] = _("Another room of this site already has the code %(code)s.") % {"code": code}
    if not name:
        errors["name"] = _("Give the room's name.")
    if kind not in RoomKind.values:
        errors["kind"] = _("Choose a kind of room from the list.")
    if capacity is None or capacity < 1:
        errors["capacity"] = _("How many participants the room holds: at least 1.")
    if building is not None and building.site_id != site.pk:
        errors["building"] = _("This building is not at %(site)s.") % {"site": site.name}
    foreign = [unit.code for unit in reachable_units if unit.site_id != site.pk]
    if foreign:
        errors["reachable_units"] = _("Not units of %(site)s: %(units)s.") % {"site": site.name,
                                                                              "units": ", ".join(foreign)}
    elif not reachable_from_all_units and not reachable_units:
        errors["reachable_units"] = _("Tick the units that can reach the room, or “reachable from every unit”.")
    if room is not None and room.active and not active:
        coming = Session.objects.filter(room=room, status=SessionStatus.SCHEDULED, starts_at__gte=timezone.now())
        count = coming.count()
        if count:
            errors["active"] = ngettext(
                "%(count)d coming session takes place in this room: move it first, or close the room on its date.",
                "%(count)d coming sessions take place in this room: move them first, or close the room on their "
                "dates.", count) % {"count": count}
    if errors:
        raise ValidationError(errors)
    creating = room is None
    room = room or Room(site=site)
    room.code, room.name, room.kind, room.capacity = code, name, kind, capacity
    room.building, room.reachable_from_all_units = building, reachable_from_all_units
    room.accessibility_notes, room.active = (accessibility_notes or "").strip(), active
    room.save()
    room.reachable_units.set([] if reachable_from_all_units else reachable_units)
    audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, room,
                 detail=f"capacity {capacity} {'active' if active else 'inactive'}")
    return room


def choices_of(site: Site):
    """The buildings and units a room of `site` may name."""
    return (Building.objects.filter(site=site).order_by("code"), Unit.objects.filter(site=site).order_by("code"))


@transaction.atomic
def set_room_uses(room: Room, rows: list[UseRow], *, by) -> list[RoomUse]:
    """Replace the weekly times `room` is used by others. Every refusal names its row; nothing is saved
    on an error. The planner keeps activities out of these times from the next planning, and the coming
    sessions already in them are listed with those that no longer fit the regime."""
    if not (by and by.has_perm("prisons.change_reference", room.site)):
        raise PermissionDenied(_("You may not change the rooms of this site."))
    errors = weekly_time_errors(rows)
    for row in rows:
        label = (row.label or "").strip()
        if not label:
            errors.append(_("%(where)s: say who uses the room then (the prison school, worship…).")
                          % {"where": row.where})
        elif len(label) > USE_LABEL_MAX:
            errors.append(_("%(where)s: keep the note under %(max)d characters.")
                          % {"where": row.where, "max": USE_LABEL_MAX})
    if errors:
        raise ValidationError({"weekly_uses": errors})
    Room.objects.select_for_update().filter(pk=room.pk).first()
    room.weekly_uses.all().delete()
    created = RoomUse.objects.bulk_create([
        RoomUse(room=room, weekday=row.weekday, start=row.start, end=row.end, label=row.label.strip())
        for row in sorted(rows, key=lambda row: (row.weekday, row.start))])
    audit.record(by, AuditAction.CHANGE, room, detail=f"weekly uses {len(created)}")
    return created
