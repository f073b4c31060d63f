"""Feedback interviews with those who drop out (step 10): who is still to be heard, and recording
what they said. Their answers are counted in the evaluation of the offer (step 11)."""
import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from .models import Enrolment, EnrolmentStatus, FeedbackInterview, FeedbackTopic, WouldReturn

COMPLETED = "completed"  # the leaving reason of those who finished the cycle: not a dropout
# Leaving reasons of those who left the prison: nothing the cycle could change, and nobody to interview.
DEPARTURES = ("released", "transferred")


def dropouts_to_interview(enrolments, today: dt.date | None = None, *, since_days: int = 90):
    """Enrolments that ended early in the last `since_days` days, without a feedback interview yet;
    not those who finished the cycle or left the prison."""
    today = today or timezone.localdate()
    return (
        enrolments.filter(
            status__in=[EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REMOVED], enrolled_on__isnull=False,
            ended_on__gte=today - dt.timedelta(days=since_days),
        )
        .exclude(leaving_reason__code__in=[COMPLETED, *DEPARTURES])
        .exclude(Exists(FeedbackInterview.objects.filter(enrolment=OuterRef("pk"))))
        .select_related("detainee", "cycle__activity", "leaving_reason")
        .order_by("-ended_on", "pk")
    )


def record_feedback_interview(
    enrolment: Enrolment, *, held_on: dt.date, topics: Iterable[str], would_return: str, what_would_help: str = "",
    by, today: dt.date | None = None,
) -> FeedbackInterview:
    """Record an interview; every field is checked first and nothing is saved on any error."""
    if not (by and by.has_perm("enrolment.record_feedback", enrolment)):
        raise PermissionDenied(_("You may not record feedback interviews for this cycle."))
    today = today or timezone.localdate()
    topics = list(dict.fromkeys(topics))
    errors = {}
    if enrolment.enrolled_on is None and enrolment.status != EnrolmentStatus.ENROLLED:
        errors["enrolment"] = _("A feedback interview is for someone who was enrolled in the cycle.")
    if held_on is None:
        errors["held_on"] = _("Give the date of the interview.")
    elif held_on > today:
        errors["held_on"] = _("The interview date cannot be in the future.")
    elif enrolment.enrolled_on and held_on < enrolment.enrolled_on:
        errors["held_on"] = _("The interview date is before the enrolment (%(date)s).") % {
            "date": enrolment.enrolled_on.isoformat()}
    unknown = [topic for topic in topics if topic not in FeedbackTopic.values]
    if not topics:
        errors["topics"] = _("Tick at least one thing that made them stop or miss sessions.")
    elif unknown:
        errors["topics"] = _("Unknown topic: %(topics)s.") % {"topics": ", ".join(map(str, unknown))}
    if would_return not in WouldReturn.values:
        errors["would_return"] = _("Say whether they would take part again.")
    if len(what_would_help) > 1000:
        errors["what_would_help"] = _("Keep it under 1,000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        interview = FeedbackInterview.objects.create(
            enrolment=enrolment, held_on=held_on, held_by=by, topics=topics, would_return=would_return,
            what_would_help=what_would_help.strip(),
        )
        audit.record(by, AuditAction.CREATE, interview, detainee_id=enrolment.detainee_id)
    return interview
