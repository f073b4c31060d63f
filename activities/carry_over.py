"""Preparing a term's offer from an earlier term's (steps 4 and 11): the cycles the coordinators
decided to run again, as they were or with changes, become draft cycles of the new term with the
same activity, places, rhythm, language, units and facilitators, ready to adjust, plan and open.

All or nothing: each refusal names the cycle, and nothing is created while one is refused.
"""
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from .models import Cycle, CycleStatus, Term

RUN_AGAIN = ("continue", "adjust")  # review decisions that carry a cycle over by default


@dataclass
class Candidate:
    cycle: Cycle
    review: object | None  # enrolment.CycleReview
    code_taken: bool  # the new term already has a cycle with this code
    activity_planned: bool  # the new term already has a cycle of this activity

    @property
    def proposed(self) -> bool:
        """Ticked by default: decided to run again, and not already in the new term."""
        return self.review is not None and self.review.decision in RUN_AGAIN and not (
            self.code_taken or self.activity_planned)


def earlier_terms(term: Term):
    """The terms of the same site that started before `term`, latest first: where to carry over from."""
    return Term.objects.filter(site=term.site_id, first_date__lt=term.first_date).order_by("-first_date")


def candidates(source: Term, target: Term) -> list[Candidate]:
    """The source term's cycles (cancelled ones left out), with their decisions; three queries."""
    from enrolment.models import CycleReview

    taken = set(Cycle.objects.filter(term=target).values_list("code", flat=True))
    planned = set(Cycle.objects.filter(term=target).values_list("activity_id", flat=True))
    reviews = {review.cycle_id: review for review in CycleReview.objects.filter(cycle__term=source)}
    return [
        Candidate(cycle, reviews.get(cycle.pk), cycle.code in taken, cycle.activity_id in planned)
        for cycle in Cycle.objects.filter(term=source).exclude(status=CycleStatus.CANCELLED)
        .select_related("activity").order_by("activity__kind", "code")
    ]


def carry_over(source: Term, target: Term, cycle_ids, *, by) -> list[Cycle]:
    """Copy the chosen cycles of `source` into `target` as drafts, with their units and active facilitators."""
    if not (by and by.has_perm("activities.change_cycle", target)):
        raise PermissionDenied(_("You may not prepare the cycles of this term."))
    cycle_ids = list(dict.fromkeys(cycle_ids))
    if source.site_id != target.site_id or source.first_date >= target.first_date:
        raise ValidationError({"source": _("Choose a term of the same site that started before this one.")})
    if not cycle_ids:
        raise ValidationError({"cycles": _("Tick at least one cycle to prepare again.")})
    chosen = {c.pk: c for c in Cycle.objects.filter(term=source, pk__in=cycle_ids).select_related("activity")
              .prefetch_related("eligible_units", "facilitators")}
    taken = set(Cycle.objects.filter(term=target).values_list("code", flat=True))
    errors = []
    for pk in cycle_ids:
        cycle = chosen.get(pk)
        if cycle is None:
            errors.append(_("Cycle %(id)s is not one of %(term)s's.") % {"id": pk, "term": source.name})
        elif cycle.code in taken:
            errors.append(_("%(code)s: %(term)s already has a cycle with this code.") % {
                "code": cycle.code, "term": target.name})
        elif not cycle.activity.active:
            errors.append(_("%(code)s: the activity %(activity)s is no longer in the catalogue.") % {
                "code": cycle.code, "activity": cycle.activity.title()})
    if errors:
        raise ValidationError({"cycles": errors})
    created = []
    with transaction.atomic():
        for pk in cycle_ids:
            cycle = chosen[pk]
            copy = Cycle.objects.create(
                activity=cycle.activity, term=target, code=cycle.code, capacity=cycle.capacity,
                sessions_per_week=cycle.sessions_per_week, session_periods=cycle.session_periods,
                language=cycle.language, screening_required=cycle.screening_required, status=CycleStatus.DRAFT,
            )
            copy.eligible_units.set(cycle.eligible_units.all())
            copy.facilitators.set([f for f in cycle.facilitators.all() if f.active])
            audit.record(by, AuditAction.CREATE, copy, detail=f"carried over from cycle {cycle.pk}")
            created.append(copy)
    return created
