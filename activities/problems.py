"""Practical problems met at sessions (step 8): reported by a session's facilitators or the
coordinators, resolved by the coordinators, counted in the evaluation of the offer."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules as access

from .models import ProblemKind, SessionProblem


def problems_for(user, *, include_resolved: bool = True):
    """The problems of the sessions the user may see, unresolved first, newest first."""
    problems = SessionProblem.objects.filter(session__in=access.visible_sessions(user)).select_related(
        "session__cycle__activity", "session__room", "reported_by", "resolved_by",
    )
    if not include_resolved:
        problems = problems.filter(resolved_at__isnull=True)
    return problems.order_by("resolved_at", "-reported_at", "-id")


def report_problem(session, *, kind: str, description: str, by) -> SessionProblem:
    if not (by and by.has_perm("activities.report_problem", session)):
        raise PermissionDenied(_("You may not report problems for this session."))
    description = description.strip()
    errors = {}
    if kind not in ProblemKind.values:
        errors["kind"] = _("Choose what kind of problem it was.")
    if not description:
        errors["description"] = _("Say what happened.")
    elif len(description) > 1000:
        errors["description"] = _("Keep it under 1,000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return SessionProblem.objects.create(session=session, kind=kind, description=description, reported_by=by)


def resolve_problem(problem: SessionProblem, *, resolution: str, by) -> SessionProblem:
    if not (by and by.has_perm("activities.resolve_problem", problem)):
        raise PermissionDenied(_("You may not resolve problems of this site."))
    resolution = resolution.strip()
    if problem.resolved:
        raise ValidationError({"resolution": _("This problem was already resolved.")})
    if not resolution:
        raise ValidationError({"resolution": _("Say what was done about it.")})
    if len(resolution) > 1000:
        raise ValidationError({"resolution": _("Keep it under 1,000 characters.")})
    with transaction.atomic():
        problem.resolution, problem.resolved_by, problem.resolved_at = resolution, by, timezone.now()
        problem.save(update_fields=["resolution", "resolved_by", "resolved_at"])
    return problem
