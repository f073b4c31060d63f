"""Participants' evaluation sheets (step 11): what the people who took part think of a cycle.

A one-page sheet, printed in each participant's language with faces to tick, is handed out at one
of the cycle's last sessions and comes back without a name; the coordinators type in each sheet as
it is. The answers are counted per cycle for the evaluation, the partner report and the decision
about the next cycle. Anonymous by design: nothing ties a sheet to a person, so a sheet cannot be
corrected, only deleted when typed in twice or by mistake.
"""
from collections import Counter
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Cycle, CycleStatus
from core import audit
from core.models import AuditAction

from .feedback import COMPLETED
from .models import Enrolment, EnrolmentStatus, EvaluationSheet, Level, Rating, WouldReturn

# The questions with faces, in the order of the paper sheet.
RATED_QUESTIONS = (
    ("liked", gettext_lazy("Did you like the activity?")),
    ("useful", gettext_lazy("Did you learn something useful?")),
    ("at_ease", gettext_lazy("Did you feel at ease in the group?")),
)
TEXT_LIMIT = 500
MAX_COPIES = 60
# A share of faces is judged only on enough sheets that one person does not swing it.
MIN_SHEETS = 4


@dataclass
class SheetSummary:
    """What a cycle's sheets say, as counts; the comments in the participants' own words."""

    returned: int = 0
    ratings: dict[str, Counter] = field(default_factory=lambda: {name: Counter() for name, _q in RATED_QUESTIONS})
    levels: Counter = field(default_factory=Counter)
    would_return: Counter = field(default_factory=Counter)
    liked_most: list[str] = field(default_factory=list)
    to_change: list[str] = field(default_factory=list)

    def good_share(self, question: str) -> float | None:
        """The share of those who answered `question` who ticked the happy face."""
        answered = sum(self.ratings[question].values())
        return self.ratings[question][Rating.GOOD] / answered if answered else None

    @property
    def liked_share(self) -> float | None:
        return self.good_share("liked")

    def rows(self) -> list[dict]:
        """Each question with faces: its text and how many ticked each face, for pages and sheets."""
        return [
            {"name": name, "question": question, "good": self.ratings[name][Rating.GOOD],
             "mixed": self.ratings[name][Rating.MIXED], "poor": self.ratings[name][Rating.POOR],
             "share": self.good_share(name)}
            for name, question in RATED_QUESTIONS
        ]

    def level_counts(self) -> list[tuple[str, int]]:
        return [(str(label), self.levels[code]) for code, label in Level.choices]

    def return_counts(self) -> list[tuple[str, int]]:
        return [(str(label), self.would_return[code]) for code, label in WouldReturn.choices]


def participants(cycle: Cycle) -> int:
    """How many people took part in the cycle at some point: the most sheets it can get back."""
    return Enrolment.objects.filter(cycle=cycle).filter(
        Q(enrolled_on__isnull=False) | Q(status=EnrolmentStatus.ENROLLED)).count()


def record_sheet(cycle: Cycle, *, by, liked=None, useful=None, at_ease=None, level: str = "",
                 would_return: str = "", liked_most: str = "", to_change: str = "") -> EvaluationSheet:
    """Type in one paper sheet. Every field is checked first and nothing is saved on any error."""
    if not (by and by.has_perm("enrolment.enter_evaluation_sheets", cycle)):
        raise PermissionDenied(_("You may not enter evaluation sheets for this cycle."))
    liked_most, to_change = (liked_most or "").strip(), (to_change or "").strip()
    level, would_return = level or "", would_return or ""
    values = {"liked": liked, "useful": useful, "at_ease": at_ease}
    errors = {}
    if cycle.status in (CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CANCELLED):
        errors["__all__"] = _("Sheets are handed out once the cycle is running; this one is %(status)s.") % {
            "status": cycle.get_status_display().lower()}
    for name, value in values.items():
        if value not in (None, "") and _as_rating(value) is None:
            errors[name] = _("Choose one of the three faces, or leave it blank.")
    if level not in ("", *Level.values):
        errors["level"] = _("Choose too easy, just right or too hard, or leave it blank.")
    if would_return not in ("", *WouldReturn.values):
        errors["would_return"] = _("Choose yes, no or not sure, or leave it blank.")
    for name, text in (("liked_most", liked_most), ("to_change", to_change)):
        if len(text) > TEXT_LIMIT:
            errors[name] = _("Keep it under %(limit)s characters (%(length)s typed).") % {
                "limit": TEXT_LIMIT, "length": len(text)}
    ratings = {name: _as_rating(value) for name, value in values.items()}
    if not errors and not any((*ratings.values(), level, would_return, liked_most, to_change)):
        errors["__all__"] = _("This sheet is blank: nothing to enter.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # The cycle row is locked so two people typing in the last sheets cannot go past the count.
        Cycle.objects.select_for_update().filter(pk=cycle.pk).first()
        took_part = participants(cycle)
        entered = EvaluationSheet.objects.filter(cycle=cycle).count()
        if entered >= took_part:
            raise ValidationError({"__all__": _(
                "This cycle already has %(entered)s sheets for %(participants)s participants: was this one "
                "entered already?") % {"entered": entered, "participants": took_part}})
        sheet = EvaluationSheet.objects.create(
            cycle=cycle, entered_by=by, level=level, would_return=would_return, liked_most=liked_most,
            to_change=to_change, **ratings,
        )
        audit.record(by, AuditAction.CREATE, sheet)
    return sheet


def delete_sheet(sheet: EvaluationSheet, *, by) -> None:
    """Remove a sheet typed in twice or by mistake."""
    if not (by and by.has_perm("enrolment.enter_evaluation_sheets", sheet.cycle)):
        raise PermissionDenied(_("You may not delete evaluation sheets of this cycle."))
    with transaction.atomic():
        audit.record(by, AuditAction.DELETE, sheet)
        sheet.delete()


def summaries(cycle_ids) -> dict[int, SheetSummary]:
    """Per cycle, what its sheets say; one query whatever the number of cycles and sheets."""
    found: dict[int, SheetSummary] = {}
    for sheet in EvaluationSheet.objects.filter(cycle_id__in=list(cycle_ids)).order_by("cycle_id", "pk"):
        summary = found.setdefault(sheet.cycle_id, SheetSummary())
        summary.returned += 1
        for name, _question in RATED_QUESTIONS:
            value = getattr(sheet, name)
            if value is not None:
                summary.ratings[name][value] += 1
        if sheet.level:
            summary.levels[sheet.level] += 1
        if sheet.would_return:
            summary.would_return[sheet.would_return] += 1
        if sheet.liked_most:
            summary.liked_most.append(sheet.liked_most)
        if sheet.to_change:
            summary.to_change.append(sheet.to_change)
    return found


def summary_of(cycle: Cycle) -> SheetSummary:
    return summaries([cycle.pk]).get(cycle.pk, SheetSummary())


def holders(cycle: Cycle):
    """Who gets a sheet: those enrolled now and, once they have left, those who completed the cycle."""
    return (
        Enrolment.objects.filter(cycle=cycle, enrolled_on__isnull=False)
        .filter(Q(status=EnrolmentStatus.ENROLLED) | Q(leaving_reason__code=COMPLETED))
        .select_related("detainee").prefetch_related("detainee__languages")
    )


def copies_by_language(cycle: Cycle, language_of) -> Counter:
    """How many sheets to print in each language: one per holder, in `language_of(detainee)`."""
    return Counter(language_of(enrolment.detainee) for enrolment in holders(cycle))


def _as_rating(value) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if number in Rating.values else None
