"""Someone else leads one dated session (step 9): when a facilitator is away, besides moving or
cancelling the session, the coordinators can name who replaces them that day. The session's own
facilitators then stand for the cycle's on that date: the gate list, the calendars and feeds, the
hours and the checks read them.
"""
import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.availability import covers
from activities.models import (
    Availability,
    AvailabilityException,
    Facilitator,
    Session,
    SessionStatus,
)
from core import audit
from core.models import AuditAction

from .checks import LOCAL, overlaps
from .services import tell_facilitators


def candidates(session: Session):
    """Active facilitators of the session's site who could lead it: not away then, not leading another
    session at that time, and free then by their weekly availability (those who recorded none said
    nothing; a dated "exceptionally available" covers its day). Those of the same organisation as the
    cycle's facilitators come first, then those for whom it is a preferred time (`same_partner`, `preferred`
    set on each). Six queries."""
    busy = set(_leading_at(session).values_list("facilitators", flat=True)) | set(
        _leading_at(session).filter(facilitators__isnull=True).values_list("cycle__facilitators", flat=True))
    start, end = session.starts_at.astimezone(LOCAL), session.ends_at.astimezone(LOCAL)
    until = end.time() if end.date() == start.date() else dt.time.max
    away, exceptionally = set(), set()
    for exception in AvailabilityException.objects.filter(date=start.date()):
        if exception.available and covers([(exception.start or dt.time.min, exception.end or dt.time.max)],
                                          start.time(), until):
            exceptionally.add(exception.facilitator_id)
        elif not exception.available and overlaps(exception.start, exception.end, start.time(), until):
            away.add(exception.facilitator_id)
    people = [f for f in Facilitator.objects.filter(sites=session.cycle.term.site_id, active=True)
              .select_related("partner").order_by("last_name", "first_name") if f.pk not in busy and f.pk not in away]
    windows, preferred, said = defaultdict(list), defaultdict(list), set()
    for person_id, weekday, w_start, w_end, liked in Availability.objects.filter(facilitator__in=people).values_list(
            "facilitator_id", "weekday", "start", "end", "preferred"):
        said.add(person_id)
        if weekday == start.weekday():
            windows[person_id].append((w_start, w_end))
            if liked:
                preferred[person_id].append((w_start, w_end))
    partners = {f.partner_id for f in session.cycle.facilitators.all() if f.partner_id}
    found = []
    for person in people:
        if person.pk in said and not covers(windows[person.pk], start.time(), until) and \
                person.pk not in exceptionally:
            continue
        person.same_partner = person.partner_id in partners
        person.preferred = covers(preferred[person.pk], start.time(), until)
        found.append(person)
    return sorted(found, key=lambda f: (not f.same_partner, not f.preferred))


def replace(session: Session, facilitators, *, by) -> Session:
    """Name who leads `session` instead of the cycle's facilitators; none puts the cycle's back."""
    if not (by and by.has_perm("scheduling.plan_term", session)):
        raise PermissionDenied(_("You may not change the sessions of this term."))
    facilitators = list(facilitators)
    errors = []
    if session.status != SessionStatus.SCHEDULED or session.starts_at <= timezone.now():
        errors.append(_("Only a coming scheduled session can get a replacement."))
    else:
        free = {f.pk for f in candidates(session)}
        cycle_people = {f.pk for f in session.cycle.facilitators.all()}
        unavailable = [str(f) for f in facilitators if f.pk not in free and f.pk not in cycle_people]
        if unavailable:
            errors.append(_("Not free then, away, not available by their weekly availability, or not at this "
                            "site: %(names)s.") % {
                "names": ", ".join(unavailable)})
    if errors:
        raise ValidationError({"facilitators": errors})
    with transaction.atomic():
        before = set(session.facilitators.values_list("pk", flat=True))
        session.facilitators.set(facilitators)
        if before != {f.pk for f in facilitators}:
            # A new revision: the replacement and whoever they replace are e-mailed (`scheduling.notices`),
            # and calendar apps update the event.
            Session.objects.filter(pk=session.pk).update(sequence=F("sequence") + 1, updated_at=timezone.now())
            session.refresh_from_db(fields=["sequence", "updated_at"])
            tell_facilitators()
        audit.record(by, AuditAction.CHANGE, session,
                     detail="replacement " + (",".join(str(f.pk) for f in facilitators) or "cleared"))
    return session


def _leading_at(session: Session):
    """Other scheduled sessions that overlap `session`."""
    return Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__lt=session.ends_at,
                                  ends_at__gt=session.starts_at).exclude(pk=session.pk)
