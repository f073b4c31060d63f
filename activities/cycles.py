"""Creating and editing a term's cycles, and moving them through their life (step 4): in
preparation, open for applications, running, finished, or cancelled.

Everything is checked before anything is saved; each refusal names its field. Finishing a cycle
ends the applications still open: those enrolled completed it, those still waiting or pending are
declined. A cycle with people enrolled or waiting cannot be cancelled or put back in preparation
until their applications are ended, one by one, with their reasons.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction
from prisons.selectors import LANGUAGE_NAMES

from .models import Cycle, CycleStatus

# Where a cycle may go from each status, in the order a coordinator meets them.
NEXT_STATUSES = {
    CycleStatus.DRAFT: (CycleStatus.OPEN, CycleStatus.CANCELLED),
    CycleStatus.OPEN: (CycleStatus.DRAFT, CycleStatus.RUNNING, CycleStatus.CANCELLED),
    CycleStatus.RUNNING: (CycleStatus.FINISHED, CycleStatus.CANCELLED),
    CycleStatus.FINISHED: (),
    CycleStatus.CANCELLED: (),
}
FIRST_STATUSES = (CycleStatus.DRAFT, CycleStatus.OPEN)


def allowed_statuses(cycle: Cycle | None) -> list[str]:
    """The statuses the cycle may have after this edit: its own and the next ones."""
    if cycle is None or cycle.pk is None:
        return list(FIRST_STATUSES)
    return [cycle.status, *NEXT_STATUSES[cycle.status]]


def defaults_from(activity) -> dict:
    """A new cycle's places, rhythm, language and facilitators, from its catalogue entry."""
    return {
        "activity": activity, "code": slugify(activity.code)[:50], "capacity": activity.group_max,
        "sessions_per_week": activity.sessions_per_week, "session_periods": activity.session_periods,
        "language": (activity.languages or ["fr"])[0],
        "facilitators": [f for f in activity.default_facilitators.all() if f.active],
    }


def save_cycle(cycle: Cycle | None, *, by, term, activity, code: str, capacity: int, sessions_per_week: int,
               session_periods: int, language: str, screening_required: bool, eligible_units, facilitators,
               status: str, finish_note: str = "") -> Cycle:
    """Create (`cycle` None) or update a cycle. All or nothing; errors name their fields."""
    from enrolment.models import OPEN_STATUSES, Enrolment, EnrolmentStatus

    creating = cycle is None
    target = term if creating else cycle.term
    if not (by and by.has_perm("activities.change_cycle", target)):
        raise PermissionDenied(_("You may not prepare the cycles of this term."))
    eligible_units, facilitators = list(eligible_units), list(facilitators)
    errors = {}
    if not creating and term is not None and term.pk != cycle.term_id:
        errors["term"] = _("A cycle stays in its term: prepare it again in the other term instead.")
    if not activity.active and (creating or activity.pk != cycle.activity_id):
        errors["activity"] = _("This activity is no longer in the catalogue.")
    if Cycle.objects.filter(term=target, code=code).exclude(pk=getattr(cycle, "pk", None)).exists():
        errors["code"] = _("%(term)s already has a cycle with this code.") % {"term": target.name}
    if (language or "").lower() not in LANGUAGE_NAMES:
        errors["language"] = _("Choose the language the sessions are given in.")
    foreign_units = [u.code for u in eligible_units if u.site_id != target.site_id]
    if not eligible_units:
        errors["eligible_units"] = _("Choose the units whose detainees may take part.")
    elif foreign_units:
        errors["eligible_units"] = _("Not units of %(site)s: %(units)s.") % {
            "site": target.site.name, "units": ", ".join(foreign_units)}
    elsewhere = [str(f) for f in facilitators if target.site_id not in {s.pk for s in f.sites.all()}]
    if elsewhere:
        errors["facilitators"] = _("Not facilitators at %(site)s: %(names)s.") % {
            "site": target.site.name, "names": ", ".join(elsewhere)}
    open_applications = Enrolment.objects.none() if creating else cycle.enrolments.filter(status__in=OPEN_STATUSES)
    enrolled = 0 if creating else open_applications.filter(status=EnrolmentStatus.ENROLLED).count()
    if capacity is not None and capacity < max(1, enrolled):
        errors["capacity"] = _("%(count)s people are enrolled: the cycle needs at least as many places.") % {
            "count": enrolled} if enrolled else _("A cycle needs at least one place.")
    if status not in allowed_statuses(cycle):
        names = ", ".join(str(CycleStatus(s).label).lower() for s in allowed_statuses(cycle))
        errors["status"] = _("From here the cycle can be: %(statuses)s.") % {"statuses": names}
    elif not creating and status != cycle.status and status in (CycleStatus.DRAFT, CycleStatus.CANCELLED):
        waiting = open_applications.count()
        if waiting:
            errors["status"] = _(
                "%(count)s people applied, are waiting or are enrolled: end their applications first.") % {
                "count": waiting}
    if errors:
        raise ValidationError(errors)

    with transaction.atomic():
        was = None if creating else cycle.status
        cycle = cycle or Cycle(term=target)
        for name, value in (("activity", activity), ("code", code), ("capacity", capacity),
                            ("sessions_per_week", sessions_per_week), ("session_periods", session_periods),
                            ("language", language.lower()), ("screening_required", screening_required),
                            ("status", status)):
            setattr(cycle, name, value)
        cycle.save()
        cycle.eligible_units.set(eligible_units)
        cycle.facilitators.set(facilitators)
        audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, cycle,
                     detail=f"status {was}->{status}" if was and was != status else "")
        if was != CycleStatus.FINISHED and status == CycleStatus.FINISHED:
            _end_applications(cycle, by, finish_note)
    return cycle


def _end_applications(cycle: Cycle, by, note: str) -> None:
    """At the end of a cycle: those enrolled completed it; those waiting or pending are declined."""
    from enrolment import services
    from enrolment.models import Enrolment, EnrolmentStatus

    reason = note.strip() or _("The cycle has ended.")
    for enrolment in cycle.enrolments.filter(status__in=[EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED]):
        services.decline(enrolment, by=by, reason=reason)
    completed = services.leaving_reason("completed")
    for enrolment in Enrolment.objects.filter(cycle=cycle, status=EnrolmentStatus.ENROLLED):
        services.end_enrolment(enrolment, reason=completed, by=by, note=reason, status=EnrolmentStatus.REMOVED)
