"""E-mail to prison staff about the coming sessions of their units that change: cancelled, going on
without their unit, or moved to another time or room. So a wing does not get people ready, nor an
officer come to escort them, for nothing or at the wrong hour; and the liaison a coordinator did by
phone after a change is done at once (step 7).

Being off is told once per (staff member, session, kind); a move whenever the time or room differs
from what the staff member last knew (the last move told, else where the session was first planned:
the printed week), so a replacement that changes neither is not told. Within the next two weeks, in
the language of the staff member's login (else the site default). Messages hold the activity, time,
place, unit codes and reason only, never a detainee. Sent with the facilitators' change notices, by the same task
and `manage.py send_change_notices`.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from activities.models import Session, SessionStatus
from prisons.models import Room, StaffMember

from .calendars import (
    BRUSSELS,
    CHANGES_AHEAD_DAYS,
    CHANGES_SINCE_DAYS,
    entries,
    room_label,
    with_details,
)
from .models import StaffNotice, StaffNoticeKind, UnsentEmailKind
from .outbox import Outbox


@dataclass
class StaffChange:
    """One line of a staff member's e-mail."""

    session: Session
    kind: str
    units: list[str]  # their unit codes concerned
    was_starts: dt.datetime | None = None  # a move: when and where they last knew it (local time)
    was_room: str = ""


def _last_moves_told(sessions: list[Session]) -> dict:
    """{(staff member id, session id): (starts_at, room id)} of the last move each was told."""
    told = {}
    for member_id, session_id, starts_at, room_id in (
        StaffNotice.objects.filter(session__in=[s.pk for s in sessions], kind=StaffNoticeKind.MOVED)
        .order_by("sequence").values_list("staff_member_id", "session_id", "starts_at", "room_id")
    ):
        told[member_id, session_id] = (starts_at, room_id)
    return told


def pending_staff_notices(now: dt.datetime | None = None) -> dict:
    """{staff member: [StaffChange]} not told yet, for staff members with an address who want these
    e-mails. A fixed number of queries."""
    now = now or timezone.now()
    members = list(StaffMember.objects.filter(email_cancellations=True).exclude(email="")
                   .select_related("user").prefetch_related("units"))
    by_unit = defaultdict(list)
    for member in members:
        for unit in member.units.all():
            by_unit[unit.pk].append(member)
    if not by_unit:
        return {}
    ahead = now + dt.timedelta(days=CHANGES_AHEAD_DAYS)
    sessions = list(with_details(Session.objects.filter(
        Q(starts_at__gte=now, starts_at__lt=ahead)
        | Q(starts_at__gte=now, moved_from_starts_at__gte=now, moved_from_starts_at__lt=ahead),
        updated_at__gte=now - dt.timedelta(days=CHANGES_SINCE_DAYS), cycle__eligible_units__in=list(by_unit),
    ).filter(
        Q(status=SessionStatus.CANCELLED) | Q(cancelled_units__isnull=False)
        | Q(status=SessionStatus.SCHEDULED, moved_from_starts_at__isnull=False)
    ).distinct()))
    told = set(StaffNotice.objects.filter(session__in=[s.pk for s in sessions]).exclude(kind=StaffNoticeKind.MOVED)
               .values_list("staff_member_id", "session_id", "kind"))
    last_moves = _last_moves_told(sessions)
    rooms = {room.pk: room for room in Room.objects.filter(
        pk__in={s.moved_from_room_id for s in sessions} | {room_id for _starts, room_id in last_moves.values()}
    ).select_related("building")}
    pending = defaultdict(list)
    for session in sessions:
        units = {unit.pk: unit.code for unit in session.cycle.eligible_units.all()}
        off = {unit.pk for unit in session.cancelled_units.all()}
        concerned = defaultdict(list)
        for unit_id in units:
            for member in by_unit.get(unit_id, []):
                concerned[member].append(unit_id)
        for member, unit_ids in concerned.items():
            if session.status == SessionStatus.CANCELLED:
                changes = [(StaffNoticeKind.CANCELLED, unit_ids)]
            else:
                changes = [(StaffNoticeKind.NOT_COMING, [u for u in unit_ids if u in off]),
                           (StaffNoticeKind.MOVED, [u for u in unit_ids if u not in off])]
            for kind, theirs in changes:
                if not theirs:
                    continue
                codes = sorted(units[u] for u in theirs)
                if kind != StaffNoticeKind.MOVED:
                    if (member.pk, session.pk, kind) not in told:
                        pending[member].append(StaffChange(session, kind, codes))
                    continue
                if session.moved_from_starts_at is None:
                    continue
                was_starts, was_room = last_moves.get(
                    (member.pk, session.pk), (session.moved_from_starts_at, session.moved_from_room_id))
                if (was_starts, was_room) != (session.starts_at, session.room_id):
                    pending[member].append(StaffChange(
                        session, kind, codes, was_starts=was_starts.astimezone(BRUSSELS),
                        was_room=room_label(rooms[was_room]) if was_room in rooms else ""))
    return dict(pending)


def send_staff_notices(now: dt.datetime | None = None) -> int:
    """Send what is pending; returns how many e-mails went out. A failed send is retried next time."""
    sent = 0
    with Outbox(UnsentEmailKind.STAFF_CHANGES) as outbox:
        for member, items in sorted(pending_staff_notices(now).items(), key=lambda item: item[0].pk):
            with translation.override(member.language):
                subject = ngettext("Relais: %(count)d change to the sessions of your units",
                                   "Relais: %(count)d changes to the sessions of your units", len(items)) % {
                    "count": len(items)}
                rows = entries([item.session for item in items], language=member.language)
                body = render_to_string("scheduling/email/staff_changes.txt", {
                    "member": member,
                    "emails_url": f"{settings.RELAIS_BASE_URL}/calendar/emails/",
                    "lines": list(zip(rows, items, strict=True)),
                    "movement_lists": [(unit.code, f"{settings.RELAIS_BASE_URL}/calendar/movements/{unit.pk}/")
                                       for unit in sorted(member.units.all(), key=lambda unit: unit.code)],
                })
            if not outbox.send(member, member.email, subject, body):
                continue
            StaffNotice.objects.bulk_create(
                [StaffNotice(staff_member=member, session=item.session, kind=item.kind, sequence=item.session.sequence,
                             starts_at=item.session.starts_at, room_id=item.session.room_id) for item in items],
                ignore_conflicts=True,
            )
            sent += 1
    return sent
