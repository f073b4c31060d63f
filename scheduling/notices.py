"""E-mail to facilitators about changes to their coming sessions, so a volunteer does not travel to
the prison for nothing: the sessions of the next two weeks cancelled, moved, sent to another room,
going on without some units or led by someone else that day (both the replacement and whoever they
replace are told), in one message per facilitator, in their language.

Each (facilitator, session, revision) is told once: a session's `sequence` grows with every published
change, so a later change is told again. Messages hold the activity, time, place and reason only,
never a participant (e-mail leaves the prison's systems). Sent after each cancellation, move or
publication by a background task, and by `manage.py send_change_notices` as a safety net.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Session, SessionStatus

from .calendars import (
    BRUSSELS,
    CHANGES_AHEAD_DAYS,
    CHANGES_SINCE_DAYS,
    entries,
    with_details,
)
from .models import ChangeNotice, UnsentEmail, UnsentEmailKind
from .outbox import Outbox

# What a facilitator's line of the e-mail says about who leads the session that day.
LEADS, REPLACES, REPLACED, NO_LONGER = "leads", "replaces", "replaced", "no_longer"


def _roles(session: Session, told_before: set[int]) -> tuple[dict, set[int]]:
    """{facilitator: role} of who leads this revision (the cycle's, or a replacement named for the
    date) and the cycle's facilitators someone replaces that day; and the ids of those told about an
    earlier revision who are neither (a replacement taken back), to tell they need not come."""
    own = list(session.facilitators.all())
    usual = list(session.cycle.facilitators.all())
    roles = {f: (REPLACES if own and f not in usual else LEADS) for f in (own or usual)}
    for facilitator in usual:
        roles.setdefault(facilitator, REPLACED)
    return roles, told_before - {f.pk for f in roles}


def pending_notices(now: dt.datetime | None = None) -> dict:
    """{facilitator: [(session, role)]} still to tell, facilitators with an address who want the e-mails."""
    from activities.models import Facilitator

    now = now or timezone.now()
    sessions = list(with_details(Session.objects.filter(
        starts_at__gte=now, starts_at__lt=now + dt.timedelta(days=CHANGES_AHEAD_DAYS),
        updated_at__gte=now - dt.timedelta(days=CHANGES_SINCE_DAYS), sequence__gt=0,
    )))
    told = set(ChangeNotice.objects.filter(session__in=[s.pk for s in sessions])
               .values_list("facilitator_id", "session_id", "sequence"))
    told_before = defaultdict(set)
    for facilitator_id, session_id, _sequence in told:
        told_before[session_id].add(facilitator_id)
    roles_of, former = {}, set()
    for session in sessions:
        roles_of[session.pk], gone = _roles(session, told_before[session.pk])
        former |= gone
    people = {f.pk: f for f in Facilitator.objects.filter(pk__in=former)}
    pending = defaultdict(list)
    for session in sessions:
        roles = dict(roles_of[session.pk])
        for person_id in told_before[session.pk]:
            if person_id in people and people[person_id] not in roles:
                roles[people[person_id]] = NO_LONGER
        for facilitator, role in roles.items():
            if (facilitator.active and facilitator.email and facilitator.email_changes
                    and (facilitator.pk, session.pk, session.sequence) not in told):
                pending[facilitator].append((session, role))
    return dict(pending)


@dataclass
class Told:
    """One e-mail sent about a session, as its page lists them."""

    sent_at: dt.datetime
    who: str
    what: str


def told_about(session: Session) -> list[Told]:
    """Who was e-mailed about this session, newest first: its facilitators, the units' staff, and the
    gate about its day's list (a session's change reaches the gate as a change to that list). Three queries."""
    from .models import GateNotice, StaffNotice

    told = [Told(n.sent_at, str(n.facilitator), _("revision %(number)s") % {"number": n.sequence})
            for n in ChangeNotice.objects.filter(session=session).select_related("facilitator")]
    told += [Told(n.sent_at, f"{n.staff_member} ({n.staff_member.get_function_display()})", n.get_kind_display())
             for n in StaffNotice.objects.filter(session=session).select_related("staff_member")]
    day = session.starts_at.astimezone(BRUSSELS).date()
    told += [Told(n.sent_at, f"{n.staff_member} ({n.staff_member.get_function_display()})",
                  ngettext("the day's gate list: %(count)d change", "the day's gate list: %(count)d changes",
                           n.changes) % {"count": n.changes})
             for n in GateNotice.objects.filter(staff_member__site=session.cycle.term.site_id, date=day,
                                                sent_at__isnull=False).select_related("staff_member")]
    return sorted(told, key=lambda item: item.sent_at, reverse=True)


def _role_line(role: str, session: Session) -> str:
    if session.status != SessionStatus.SCHEDULED:  # "cancelled" says it all
        return ""
    own = ", ".join(str(f) for f in session.facilitators.all())
    usual = ", ".join(str(f) for f in session.cycle.facilitators.all())
    if role == REPLACES:
        return _("You lead it that day in place of %(usual)s.") % {"usual": usual}
    if role == REPLACED:
        return _("%(replacement)s leads it that day in your place: you need not come.") % {"replacement": own}
    if role == NO_LONGER:
        return _("You no longer lead it that day: you need not come.")
    return ""


def send_change_notices(now: dt.datetime | None = None) -> int:
    """Send what is pending; returns how many e-mails went out. A failed send is retried next time."""
    from core.models import User

    pending = pending_notices(now)
    languages = dict(User.objects.filter(facilitator__in=[f.pk for f in pending])
                     .values_list("facilitator__pk", "language"))
    sent = 0
    with Outbox(UnsentEmailKind.FACILITATOR_CHANGES) as outbox:
        for facilitator, items in sorted(pending.items(), key=lambda item: item[0].pk):
            sent += _send_changes(outbox, facilitator, items, languages.get(facilitator.pk) or settings.LANGUAGE_CODE)
    return sent


def _send_changes(outbox, facilitator, items, language: str) -> int:
    """E-mail one facilitator their changes; 1 when it went out, 0 when refused (tried next run)."""
    sessions = [session for session, _role in items]
    with translation.override(language):
        subject = ngettext("Relais: %(count)d change to your sessions", "Relais: %(count)d changes to your sessions",
                           len(sessions)) % {"count": len(sessions)}
        lines = [(entry, _role_line(role, session))
                 for entry, (session, role) in zip(entries(sessions, language=language), items, strict=True)]
        body = render_to_string("scheduling/email/changes.txt", {
            "facilitator": facilitator, "lines": lines,
            "calendar_url": f"{settings.RELAIS_BASE_URL}/calendar/",
            "emails_url": f"{settings.RELAIS_BASE_URL}/calendar/emails/",
        })
    if not outbox.send(facilitator, facilitator.email, subject, body):
        return 0
    ChangeNotice.objects.bulk_create(
        [ChangeNotice(facilitator=facilitator, session=s, sequence=s.sequence) for s in sessions],
        ignore_conflicts=True,
    )
    return 1


def _coordinators_and_their_sessions(session_ids, only: set[int] | None):
    """Each active coordinator with an address at the sessions' sites (`only`: those user ids), with the
    sessions of their sites, in time order."""
    from core.models import Role, User

    by_site = defaultdict(list)
    for session in with_details(Session.objects.filter(pk__in=session_ids)):
        by_site[session.cycle.term.site_id].append(session)
    coordinators = (User.objects.filter(role=Role.COORDINATOR, is_active=True, sites__in=list(by_site))
                    .exclude(email="").distinct().prefetch_related("sites"))
    if only is not None:
        coordinators = coordinators.filter(pk__in=only)
    for coordinator in coordinators:
        their_sites = {site.pk for site in coordinator.sites.all()}
        yield coordinator, [s for site_id in sorted(by_site) if site_id in their_sites for s in by_site[site_id]]


def tell_coordinators_of_absence(absence_id: int, only: set[int] | None = None) -> int:
    """E-mail the coordinators of the sites concerned that a facilitator declared an absence hitting
    sessions, with the sessions and where to move or cancel them (`only`: those user ids, whose e-mail was
    refused before). Returns how many e-mails went out."""
    from activities.absences import sessions_hit
    from activities.models import AvailabilityException

    absence = AvailabilityException.objects.select_related("facilitator").filter(pk=absence_id).first()
    if absence is None:  # taken back before the task ran (what was refused went with it)
        return 0
    with Outbox(UnsentEmailKind.ABSENCE, absence=absence) as outbox:
        sessions = sessions_hit(absence.facilitator, [absence])[absence.pk]
        if not sessions:  # moved or cancelled meanwhile: nothing left to tell
            return 0
        sent = 0
        for coordinator, theirs in _coordinators_and_their_sessions([s.pk for s in sessions], only):
            with translation.override(coordinator.language or settings.LANGUAGE_CODE):
                subject = _("Relais: %(name)s will be away on %(date)s") % {
                    "name": absence.facilitator, "date": date_format(absence.date, "j F Y")}
                body = render_to_string("scheduling/email/absence.txt", {
                    "coordinator": coordinator, "absence": absence, "entries": entries(theirs),
                    "links": sorted({f"{settings.RELAIS_BASE_URL}/planning/terms/{s.cycle.term_id}/sessions/"
                                     for s in theirs}),
                })
            sent += outbox.send(coordinator, coordinator.email, subject, body, absence=absence)
        return sent


def retry_absence_notices() -> int:
    """The absences told to coordinators whose e-mail was refused, tried again for them only."""
    refused = defaultdict(set)
    for absence_id, user_id in UnsentEmail.objects.filter(kind=UnsentEmailKind.ABSENCE).values_list(
            "absence_id", "user_id"):
        refused[absence_id].add(user_id)
    return sum(tell_coordinators_of_absence(absence_id, only=users) for absence_id, users in refused.items())


def tell_coordinators_of_availability_change(facilitator_id: int, only: set[int] | None = None) -> int:
    """E-mail the coordinators of the sites concerned that a facilitator changed their weekly availability
    and it no longer covers some of their coming sessions: which, and where to find someone else, move or
    cancel them (`only`: those user ids, whose e-mail was refused before). Nothing once every session is
    covered again or dealt with. Returns how many e-mails went out."""
    from activities.availability import availability_text, sessions_outside_availability
    from activities.models import Facilitator

    facilitator = Facilitator.objects.filter(pk=facilitator_id).first()
    if facilitator is None:
        return 0
    with Outbox(UnsentEmailKind.AVAILABILITY_CHANGE, about_facilitator=facilitator) as outbox:
        outside = sessions_outside_availability(facilitator=facilitator)
        if not outside:  # covered again, moved or cancelled meanwhile: nothing left to tell
            return 0
        sent = 0
        for coordinator, theirs in _coordinators_and_their_sessions([item.session.pk for item in outside], only):
            with translation.override(coordinator.language or settings.LANGUAGE_CODE):
                subject = ngettext(
                    "Relais: %(name)s's weekly availability no longer covers %(count)d session",
                    "Relais: %(name)s's weekly availability no longer covers %(count)d sessions",
                    len(theirs)) % {"name": facilitator, "count": len(theirs)}
                body = render_to_string("scheduling/email/availability_change.txt", {
                    "coordinator": coordinator, "facilitator": facilitator, "entries": entries(theirs),
                    "availability": availability_text(facilitator),
                    "link": f"{settings.RELAIS_BASE_URL}/activities/facilitators/{facilitator.pk}/",
                })
            sent += outbox.send(coordinator, coordinator.email, subject, body, about=facilitator)
        return sent


def retry_availability_change_notices() -> int:
    """Weekly availability changes told to coordinators whose e-mail was refused, tried again for them only."""
    refused = defaultdict(set)
    for facilitator_id, user_id in UnsentEmail.objects.filter(kind=UnsentEmailKind.AVAILABILITY_CHANGE).values_list(
            "about_facilitator_id", "user_id"):
        refused[facilitator_id].add(user_id)
    return sum(tell_coordinators_of_availability_change(facilitator_id, only=users)
               for facilitator_id, users in refused.items())
