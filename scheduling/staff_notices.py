"""E-mail to prison staff about the coming sessions of their units that are off: cancelled, or going
on without their unit. So a wing does not get people ready, nor an officer come to escort them, for
nothing; and the liaison a coordinator did by phone after a cancellation is done at once (step 7).

Each (staff member, session, kind) is told once, within the next two weeks, in the language of the
staff member's login (else the site default). Messages hold the activity, time, place, unit codes and
reason only, never a detainee. Sent with the facilitators' change notices, by the same task and
`manage.py send_change_notices`.
"""
import datetime as dt
import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from activities.models import Session, SessionStatus
from prisons.models import StaffMember

from .calendars import CHANGES_AHEAD_DAYS, CHANGES_SINCE_DAYS, entries, with_details
from .models import StaffNotice, StaffNoticeKind

logger = logging.getLogger(__name__)


def pending_staff_notices(now: dt.datetime | None = None) -> dict:
    """{staff member: [(session, kind, their unit codes concerned)]} not told yet, for staff members with
    an address who want these e-mails. A fixed number of queries."""
    now = now or timezone.now()
    members = list(StaffMember.objects.filter(email_cancellations=True).exclude(email="")
                   .select_related("user").prefetch_related("units"))
    by_unit = defaultdict(list)
    for member in members:
        for unit in member.units.all():
            by_unit[unit.pk].append(member)
    if not by_unit:
        return {}
    sessions = list(with_details(Session.objects.filter(
        starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=CHANGES_AHEAD_DAYS),
        updated_at__gte=now - dt.timedelta(days=CHANGES_SINCE_DAYS), cycle__eligible_units__in=list(by_unit),
    ).filter(Q(status=SessionStatus.CANCELLED) | Q(cancelled_units__isnull=False)).distinct()))
    told = set(StaffNotice.objects.filter(session__in=[s.pk for s in sessions])
               .values_list("staff_member_id", "session_id", "kind"))
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
                kind, theirs = StaffNoticeKind.CANCELLED, unit_ids
            else:
                kind, theirs = StaffNoticeKind.NOT_COMING, [u for u in unit_ids if u in off]
            if theirs and (member.pk, session.pk, kind) not in told:
                pending[member].append((session, kind, sorted(units[u] for u in theirs)))
    return dict(pending)


def send_staff_notices(now: dt.datetime | None = None) -> int:
    """Send what is pending; returns how many e-mails went out. A failed send is retried next time."""
    sent = 0
    for member, items in sorted(pending_staff_notices(now).items(), key=lambda item: item[0].pk):
        language = (member.user.language if member.user_id else "") or settings.LANGUAGE_CODE
        with translation.override(language):
            subject = ngettext("Relais: %(count)d session of your units is off",
                               "Relais: %(count)d sessions of your units are off", len(items)) % {"count": len(items)}
            rows = entries([session for session, _kind, _units in items], language=language)
            body = render_to_string("scheduling/email/staff_cancellations.txt", {
                "member": member,
                "lines": [(entry, kind, units) for entry, (_session, kind, units) in zip(rows, items, strict=True)],
                "movement_lists": [(unit.code, f"{settings.RELAIS_BASE_URL}/calendar/movements/{unit.pk}/")
                                   for unit in sorted(member.units.all(), key=lambda unit: unit.code)],
            })
        try:
            send_mail(subject, body, None, [member.email])
        except OSError as error:  # SMTP down or refusing: keep it pending
            logger.warning("Cancellation notice to staff member %s not sent: %s", member.pk, error)
            continue
        StaffNotice.objects.bulk_create(
            [StaffNotice(staff_member=member, session=session, kind=kind) for session, kind, _units in items],
            ignore_conflicts=True,
        )
        sent += 1
    return sent
