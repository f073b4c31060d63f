"""Answers to applications (steps 5 and 6): everyone who asked to take part is told in writing, in their
language, what became of the request: received (and whether an interview comes first), on the waiting list
and at which place, enrolled (when and where), or not admitted this time (with what else is open to them).

Detainees who hear nothing send the same request slip again and again. Relais keeps which answer each
application last had (`ApplicationAnswer`), so the coordinators print, unit by unit, only the answers still
to give: a decision nobody has told yet, or a request received a week ago without any answer. What is
recorded is what the slip said, so a decision taken after printing is due again by itself.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Session, SessionStatus
from activities.offer import offers_for_units, weekly_slots
from core import audit
from core.models import AuditAction
from prisons.models import DetaineeStatus

from . import notices
from .models import ApplicationAnswer, Enrolment, EnrolmentStatus
from .selectors import PRIORITY_ORDER

Status = EnrolmentStatus

# What an answer can tell; a withdrawal or a removal is the detainee's own doing or told in person.
ANSWERABLE = (Status.PENDING, Status.APPROVED, Status.ENROLLED, Status.DECLINED)
# A request without a decision after this many days gets an acknowledgement (before that, the decision
# itself is usually the first answer).
ACKNOWLEDGE_AFTER_DAYS = 7
# A refusal older than this is no longer worth a slip.
DECLINED_TOLD_WITHIN_DAYS = 30
# Other activities suggested on a refusal.
OTHER_OFFERS_SHOWN = 5


def with_last_answer(enrolments):
    """`enrolments` annotated with `told_status` and `told_at`: the last written answer handed out, if any."""
    last = ApplicationAnswer.objects.filter(enrolment=OuterRef("pk")).order_by("-answered_at", "-id")
    return enrolments.annotate(told_status=Subquery(last.values("status")[:1]),
                               told_at=Subquery(last.values("answered_at")[:1]))


def answers_to_give(enrolments, today: dt.date | None = None):
    """The applications among `enrolments` whose current state the detainee has not been told in writing,
    for detainees still held and cycles whose term has not ended, by unit and name (the order officers hand
    them out). Annotated with `told_status` and `told_at`, the last answer given if any."""
    today = today or timezone.localdate()
    return (
        with_last_answer(enrolments.filter(status__in=ANSWERABLE, detainee__status=DetaineeStatus.PRESENT,
                                           cycle__term__last_date__gte=today))
        .exclude(status=Status.DECLINED, ended_on__lt=today - dt.timedelta(days=DECLINED_TOLD_WITHIN_DAYS))
        .filter(Q(told_status__isnull=True) | ~Q(told_status=F("status")))
        .select_related("detainee", "detainee__unit", "cycle", "cycle__activity", "cycle__term")
        .order_by("detainee__unit__code", "detainee__last_name", "detainee__first_name", "cycle__code", "id")
    )


def is_overdue(enrolment, today: dt.date | None = None) -> bool:
    """A decision not told, or a request left without any answer for a week: what the home page counts."""
    today = today or timezone.localdate()
    return enrolment.status != Status.PENDING or enrolment.requested_on <= today - dt.timedelta(
        days=ACKNOWLEDGE_AFTER_DAYS)


def overdue_count(enrolments, today: dt.date | None = None) -> int:
    today = today or timezone.localdate()
    return answers_to_give(enrolments, today).exclude(
        status=Status.PENDING, requested_on__gt=today - dt.timedelta(days=ACKNOWLEDGE_AFTER_DAYS)).count()


def waiting_positions(cycle_ids) -> dict[int, int]:
    """Each waiting application's place on its cycle's waiting list (1 is next), in one query."""
    positions, counter = {}, defaultdict(int)
    for pk, cycle_id in Enrolment.objects.filter(cycle_id__in=cycle_ids, status=Status.APPROVED).order_by(
            "cycle_id", *PRIORITY_ORDER).values_list("pk", "cycle_id"):
        counter[cycle_id] += 1
        positions[pk] = counter[cycle_id]
    return positions


@dataclass
class Slip:
    """One answer as printed: what it says and in which language, and the rest of the page's content."""

    enrolment: Enrolment
    status: str
    language: str
    waiting_position: int | None
    title: str
    description: str
    slots: list[dict]
    first_date: dt.date | None
    last_date: dt.date | None
    other_offers: list[dict]

    @property
    def token(self) -> str:
        """What the page posts back once the slip is handed out: the application and what the slip told."""
        return f"{self.enrolment.pk}:{self.status}:{self.language}:{self.waiting_position or ''}"


def slips_for(enrolments: list[Enrolment], language: str | None = None, now: dt.datetime | None = None) -> list[Slip]:
    """The answer slip of each application, each in the detainee's language unless `language` is chosen.
    A fixed number of queries whatever the number of slips."""
    now = now or timezone.now()
    positions = waiting_positions({e.cycle_id for e in enrolments if e.status == Status.APPROVED})
    sessions = defaultdict(list)
    for session in Session.objects.filter(
            cycle_id__in={e.cycle_id for e in enrolments if e.status == Status.ENROLLED},
            status=SessionStatus.SCHEDULED).select_related("room", "room__building").order_by("starts_at"):
        sessions[session.cycle_id].append(session)
    detainee_ids = {e.detainee_id for e in enrolments}
    open_cycles = defaultdict(set)  # a refusal does not suggest what the person already asked for
    for detainee_id, cycle_id in Enrolment.objects.filter(
            detainee_id__in=detainee_ids, status__in=(Status.PENDING, Status.APPROVED, Status.ENROLLED)).values_list(
            "detainee_id", "cycle_id"):
        open_cycles[detainee_id].add(cycle_id)
    refused_units = {e.detainee.unit_id: e.detainee.unit for e in enrolments
                     if e.status == Status.DECLINED and e.detainee.unit_id}
    # titles are re-read in each slip's language below
    offers_by_unit = offers_for_units(list(refused_units.values()), "fr", now) if refused_units else {}
    slips = []
    for enrolment in enrolments:
        detainee, cycle = enrolment.detainee, enrolment.cycle
        slip_language = notices.notice_language(detainee, language)
        slots = weekly_slots(sessions[cycle.pk]) if enrolment.status == Status.ENROLLED else []
        others = []
        if enrolment.status == Status.DECLINED and detainee.unit_id:
            others = [
                {"title": item.cycle.activity.title(slip_language), "slots": item.slots,
                 "first_date": item.first_date, "places_left": item.places_left}
                for item in offers_by_unit[detainee.unit_id]
                if item.cycle.pk != cycle.pk and item.cycle.pk not in open_cycles[detainee.pk]
            ]
            # places left first, then the soonest
            others = sorted(others, key=lambda other: other["places_left"] == 0)[:OTHER_OFFERS_SHOWN]
        slips.append(Slip(
            enrolment=enrolment, status=enrolment.status, language=slip_language,
            waiting_position=positions.get(enrolment.pk), title=cycle.activity.title(slip_language),
            description=cycle.activity.description(slip_language), slots=slots,
            first_date=min((s["first"] for s in slots), default=None),
            last_date=max((s["last"] for s in slots), default=None), other_offers=others,
        ))
    return slips


def record_slips_printed(user, slips: list[Slip]) -> None:
    """Printing answers reads detainee data: one audit entry per person, ids only, in one query."""
    told = {slip.enrolment.pk: f"answer slip {slip.status} {slip.language}" for slip in slips}
    audit.record_each(user, AuditAction.VIEW, [slip.enrolment for slip in slips], object_type="enrolment.enrolment",
                      detail=lambda enrolment: told[enrolment.pk])


@dataclass
class Handed:
    """An answer handed out, as the page or the API reports it; None means "as it stands now"."""

    application: int
    status: str | None = None
    language: str | None = None
    waiting_position: int | None = None


def read_tokens(tokens: list[str]) -> list[Handed]:
    """The slips' tokens posted back by the print page; a malformed one names its row."""
    handed = []
    for row, token in enumerate(tokens, start=1):
        parts = token.split(":")
        if len(parts) != 4 or not parts[0].isdigit() or (parts[3] and not parts[3].isdigit()):
            raise ValidationError({"answers": _("Row %(row)s: this is not an answer printed by Relais.") % {"row": row}})
        handed.append(Handed(int(parts[0]), parts[1], parts[2], int(parts[3]) if parts[3] else None))
    return handed


def record_answers(user, scope, handed: list[Handed]) -> list[ApplicationAnswer]:
    """Record that these answers were handed out, all or none. `scope`: the applications the user may see;
    an application outside it, one the user may not answer, a status no answer tells or a language Relais
    does not print are refused naming the row. An application's state may have changed since printing:
    what is recorded is what the slip told, so the new state stays to answer."""
    if not handed:
        raise ValidationError({"answers": _("Tick at least one answer.")})
    found = {e.pk: e for e in scope.filter(pk__in=[h.application for h in handed]).select_related(
        "detainee", "cycle__term").prefetch_related("detainee__languages")}
    errors = []
    current = waiting_positions({e.cycle_id for e in found.values() if e.status == Status.APPROVED})
    answers = []
    for row, item in enumerate(handed, start=1):
        enrolment = found.get(item.application)
        if enrolment is None:
            errors.append(_("Row %(row)s: no application %(id)s among those you may see.") % {
                "row": row, "id": item.application})
            continue
        if not user.has_perm("enrolment.manage_applications", enrolment):
            errors.append(_("Row %(row)s: you may not answer the applications of this site.") % {"row": row})
            continue
        status = item.status or enrolment.status
        if status not in ANSWERABLE:
            errors.append(_("Row %(row)s: an answer cannot tell “%(status)s”.") % {"row": row, "status": status})
            continue
        language = item.language or notices.notice_language(enrolment.detainee)
        if language not in notices.NOTICE_LANGUAGES:
            errors.append(_("Row %(row)s: Relais does not print answers in “%(language)s”.") % {
                "row": row, "language": language})
            continue
        position = item.waiting_position if item.status else current.get(enrolment.pk)
        answers.append(ApplicationAnswer(
            enrolment=enrolment, status=status, language=language,
            waiting_position=position if status == Status.APPROVED else None, by=user))
    if errors:
        raise ValidationError({"answers": errors})
    with transaction.atomic():
        return ApplicationAnswer.objects.bulk_create(answers)



def take_back(answer: ApplicationAnswer, *, by) -> None:
    """An answer recorded as handed out by mistake (the slip never went): the application is due again.
    Audited, ids only."""
    if not by.has_perm("enrolment.manage_applications", answer.enrolment):
        raise ValidationError({"answer": _("You may not answer the applications of this site.")})
    with transaction.atomic():
        audit.record(by, AuditAction.DELETE, answer.enrolment,
                     detail=f"answer taken back {answer.status} {answer.answered_at:%Y-%m-%d}")
        answer.delete()
