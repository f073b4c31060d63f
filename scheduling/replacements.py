"""Someone else leads one dated session (step 9): when a facilitator is away, besides moving or
cancelling the session, the coordinators can name who replaces them that day. The session's own
facilitators then stand for the cycle's on that date: the gate list, the calendars and feeds, the
hours and the checks read them.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import AvailabilityException, Facilitator, Session, SessionStatus
from core import audit
from core.models import AuditAction

from .checks import LOCAL, overlaps
from .services import tell_facilitators


def candidates(session: Session):
    """Active facilitators of the session's site who could lead it: not away then, not leading another
    session at that time. Three queries."""
    busy = set(_leading_at(session).values_list("facilitators", flat=True)) | set(
        _leading_at(session).filter(facilitators__isnull=True).values_list("cycle__facilitators", flat=True))
    start, end = session.starts_at.astimezone(LOCAL), session.ends_at.astimezone(LOCAL)
    away = {e.facilitator_id for e in AvailabilityException.objects.filter(available=False, date=start.date())
            if overlaps(e.start, e.end, start.time(), end.time())}
    return [f for f in Facilitator.objects.filter(sites=session.cycle.term.site_id, active=True)
            .order_by("last_name", "first_name") if f.pk not in busy and f.pk not in away]


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
            errors.append(_("Not free then, away, or not at this site: %(names)s.") % {
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
