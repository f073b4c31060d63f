"""Storage limitation for detainee data (GDPR art. 5(1)(e) and art. 10): what is due, and applying it.

Two rules, per site, with periods from the settings:
- a detainee who left the prison (released or transferred) `RELAIS_RETENTION_AFTER_LEAVING_DAYS`
  ago or more is anonymised: names, number, birth date, cell, languages, commitments, sanctions,
  non-associations and every free text written about them go; what the evaluation counts stays
  (gender, legal status, placements' units and dates, enrolments, attendance, reasons as codes);
- confidential screening notes are erased `RELAIS_SCREENING_NOTES_DAYS` after the interview,
  whoever it was about;
- would-be volunteers whose recruitment was not pursued are deleted `RELAIS_CANDIDATE_RETENTION_DAYS`
  after (those who became facilitators stay with their record).

Applying is idempotent and all or nothing; each run is recorded with its counts (never names), and
each anonymised person and erased note gets an audit entry holding ids only.
"""
import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import CharField, DateField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate
from django.utils import timezone

from core.models import AuditAction, AuditEntry

from .models import (
    ActivityRestriction,
    Commitment,
    Detainee,
    DetaineeLanguage,
    DetaineeStatus,
    NonAssociation,
    Placement,
    RetentionRun,
    RetentionTrigger,
    Site,
)

ANONYMISED_NUMBER_PREFIX = "ANON-"
# what stands where a free text must not be empty (an absence for "another reason" needs details)
REMOVED_TEXT = "—"
GONE = (DetaineeStatus.RELEASED, DetaineeStatus.TRANSFERRED)


@dataclass(frozen=True)
class Cutoffs:
    """People who left on or before `left_before`, notes of interviews before `notes_before`,
    candidates not pursued on or before `candidates_before`."""

    left_before: dt.date
    notes_before: dt.date
    candidates_before: dt.date


def cutoffs(today: dt.date) -> Cutoffs:
    return Cutoffs(
        left_before=today - dt.timedelta(days=settings.RELAIS_RETENTION_AFTER_LEAVING_DAYS),
        notes_before=today - dt.timedelta(days=settings.RELAIS_SCREENING_NOTES_DAYS),
        candidates_before=today - dt.timedelta(days=settings.RELAIS_CANDIDATE_RETENTION_DAYS),
    )


def with_left_on(detainees):
    """Annotate `left_on`: the start of the open placement (the departure), else the last change."""
    departure = Placement.objects.filter(detainee=OuterRef("pk"), valid_until__isnull=True).values("valid_from")[:1]
    return detainees.annotate(
        left_on=Coalesce(Subquery(departure, output_field=DateField()), TruncDate("updated_at"), output_field=DateField())
    )


def detainees_due(site: Site, today: dt.date):
    """Detainees of the site gone long enough to be anonymised, those who left first first."""
    gone = Detainee.objects.filter(site=site, status__in=GONE, anonymised_at__isnull=True)
    return with_left_on(gone).filter(left_on__lte=cutoffs(today).left_before).order_by("left_on", "pk")


def notes_due(site: Site, today: dt.date):
    """Interviews at the site whose confidential notes are older than the notes' retention period."""
    from screening.models import Interview

    start_of_cutoff = timezone.make_aware(dt.datetime.combine(cutoffs(today).notes_before, dt.time.min))
    return Interview.objects.filter(detainee__site=site, scheduled_at__lt=start_of_cutoff).exclude(notes="")


def candidates_due(site: Site, today: dt.date):
    """Would-be volunteers of the site whose recruitment was not pursued, long enough ago."""
    from activities.models import RecruitmentStage, VolunteerCandidate

    return VolunteerCandidate.objects.filter(site=site, stage=RecruitmentStage.WITHDRAWN,
                                             withdrawn_on__lte=cutoffs(today).candidates_before)


def due_counts(site: Site, today: dt.date) -> tuple[int, int, int]:
    """How many people to anonymise, notes to erase and candidates to delete at the site."""
    return (detainees_due(site, today).count(), notes_due(site, today).count(),
            candidates_due(site, today).count())


def apply_retention(site: Site, *, today: dt.date, by=None, trigger: str = RetentionTrigger.PAGE) -> RetentionRun:
    """Anonymise the people, erase the notes and delete the candidates due at the site today, in one
    transaction."""
    from screening.models import Interview

    bounds = cutoffs(today)
    with transaction.atomic():
        detainee_ids = list(detainees_due(site, today).select_for_update(of=("self",)).values_list("pk", flat=True))
        interview_ids = list(notes_due(site, today).values_list("pk", flat=True))
        # an anonymised person's interviews lose their notes below too; count each note once
        interview_ids = list(
            Interview.objects.filter(pk__in=interview_ids).exclude(detainee_id__in=detainee_ids).values_list("pk", flat=True)
        )
        anonymise(detainee_ids, by=by)
        erased = Interview.objects.filter(pk__in=interview_ids).update(notes="")
        AuditEntry.objects.bulk_create([
            AuditEntry(user=_user(by), action=AuditAction.DELETE, object_type="screening.interview",
                       object_id=str(interview_id), detainee_id=detainee_id, detail="retention: confidential notes erased")
            for interview_id, detainee_id in Interview.objects.filter(pk__in=interview_ids).values_list("pk", "detainee_id")
        ])
        candidates_deleted, _by_model = candidates_due(site, today).delete()
        return RetentionRun.objects.create(
            site=site, by=_user(by), trigger=trigger, left_before=bounds.left_before, notes_before=bounds.notes_before,
            detainees_anonymised=len(detainee_ids), notes_erased=erased, candidates_deleted=candidates_deleted,
        )


def anonymise(detainee_ids: list[int], *, by=None) -> None:
    """Remove everything that says who these people were; keep what the evaluation counts.

    A fixed number of queries whatever the number of people. Call inside a transaction.
    """
    from enrolment.models import (
        Attendance,
        AttendanceChange,
        Enrolment,
        EnrolmentEvent,
        FeedbackInterview,
    )
    from screening.models import Interview

    if not detainee_ids:
        return
    Detainee.objects.filter(pk__in=detainee_ids).update(
        prison_number=Concat(Value(ANONYMISED_NUMBER_PREFIX), Cast("pk", output_field=CharField())),
        first_name="", last_name="", cell="", birth_date=None, arrival_date=None, expected_release_date=None,
        expected_transfer_date=None, needs_interpreter=False, reads_french=False, reads_dutch=False,
        anonymised_at=timezone.now(), updated_at=timezone.now(),
    )
    DetaineeLanguage.objects.filter(detainee_id__in=detainee_ids).delete()
    Commitment.objects.filter(detainee_id__in=detainee_ids).delete()
    ActivityRestriction.objects.filter(detainee_id__in=detainee_ids).delete()
    NonAssociation.objects.filter(Q(first_id__in=detainee_ids) | Q(second_id__in=detainee_ids)).delete()
    Placement.objects.filter(detainee_id__in=detainee_ids).update(cell="", source="")
    Interview.objects.filter(detainee_id__in=detainee_ids).update(notes="", outcome_reason="")
    Enrolment.objects.filter(detainee_id__in=detainee_ids).update(confirmation_reason="")
    EnrolmentEvent.objects.filter(enrolment__detainee_id__in=detainee_ids).update(reason="")
    attendance = Attendance.objects.filter(enrolment__detainee_id__in=detainee_ids).exclude(reason_text="")
    attendance.filter(absence_reason="other").update(reason_text=REMOVED_TEXT)
    attendance.exclude(absence_reason="other").update(reason_text="")
    AttendanceChange.objects.filter(attendance__enrolment__detainee_id__in=detainee_ids).update(before={}, after={}, note="")
    FeedbackInterview.objects.filter(enrolment__detainee_id__in=detainee_ids).update(what_would_help="")
    AuditEntry.objects.bulk_create([
        AuditEntry(user=_user(by), action=AuditAction.ANONYMISE, object_type="prisons.detainee",
                   object_id=str(pk), detainee_id=pk, detail="retention")
        for pk in detainee_ids
    ])


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None
