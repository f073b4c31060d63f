"""Writes and audited reads of screening interviews."""
import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction, Role

from .models import Interview, InterviewStatus, Outcome


def _check_screener(screener, detainee):
    if screener.role not in (Role.SCREENER, Role.COORDINATOR) or detainee.site_id not in screener.site_ids():
        raise ValidationError({"screener": _("Choose a screener or coordinator who works at this detainee's site.")})


def schedule_interview(*, detainee, scheduled_at, screener, room=None, enrolment=None, by=None) -> Interview:
    _check_screener(screener, detainee)
    if room is not None and room.site_id != detainee.site_id:
        raise ValidationError({"room": _("Choose a room at this detainee's site.")})
    if enrolment is not None and enrolment.detainee_id != detainee.pk:
        raise ValidationError({"enrolment": _("This application belongs to another detainee.")})
    with transaction.atomic():
        interview = Interview.objects.create(
            detainee=detainee, enrolment=enrolment, scheduled_at=scheduled_at, screener=screener, room=room,
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        audit.record(by, AuditAction.CREATE, interview, detainee_id=detainee.pk)
    return interview


def record_outcome(interview: Interview, *, status: str, outcome: str = "", reason: str = "", notes: str | None = None,
                   by=None) -> Interview:
    """Held (with an outcome and, unless suitable, a reason), missed or cancelled."""
    if status not in InterviewStatus.values or status == InterviewStatus.SCHEDULED:
        raise ValidationError({"status": _("Say whether the interview was held, missed or cancelled.")})
    if status == InterviewStatus.HELD:
        if outcome not in Outcome.values:
            raise ValidationError({"outcome": _("Choose the outcome of the interview.")})
        if outcome != Outcome.SUITABLE and not (reason or "").strip():
            raise ValidationError({"outcome_reason": _("Give the reason for this outcome.")})
    else:
        outcome = ""
    with transaction.atomic():
        interview = Interview.objects.select_for_update().get(pk=interview.pk)
        interview.status = status
        interview.outcome = outcome
        interview.outcome_reason = (reason or "").strip()[:255]
        if notes is not None:
            interview.notes = notes
        interview.save()
        audit.record(by, AuditAction.CHANGE, interview, detainee_id=interview.detainee_id,
                     detail=f"status={status} outcome={outcome}")
    return interview


def may_read_notes(user, interview) -> bool:
    """Tests the rule itself: Django's `has_perm` lets superusers through, professional secrecy does not."""
    return rules.has_perm("screening.view_notes", user, interview)


def read_notes(interview: Interview, user) -> str:
    """The confidential notes, for those allowed; every read goes to the audit log."""
    if not may_read_notes(user, interview):
        raise PermissionDenied(_("Screening notes are confidential."))
    audit.record(user, AuditAction.READ_CONFIDENTIAL, interview, detainee_id=interview.detainee_id)
    return interview.notes
