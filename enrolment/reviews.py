"""Deciding what becomes of a cycle once its numbers are in (step 11): run it again as it is, with
changes, or not. The decision is read again when the next term's offer is designed."""
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import CycleStatus

from .models import CycleReview, ReviewChange, ReviewDecision


def review_cycle(cycle, *, decision: str, changes: Iterable[str] = (), note: str = "", by) -> CycleReview:
    """Record or replace the decision about `cycle`. Everything is checked before anything is saved."""
    if not (by and by.has_perm("enrolment.review_cycle", cycle)):
        raise PermissionDenied(_("You may not review the cycles of this site."))
    changes = list(dict.fromkeys(changes))
    note = note.strip()
    errors = {}
    if cycle.status == CycleStatus.DRAFT:
        errors["__all__"] = _("A cycle still in preparation has nothing to review yet.")
    if decision not in ReviewDecision.values:
        errors["decision"] = _("Choose what becomes of the cycle.")
    unknown = [code for code in changes if code not in ReviewChange.values]
    if unknown:
        errors["changes"] = _("Unknown change: %(codes)s.") % {"codes": ", ".join(map(str, unknown))}
    elif decision == ReviewDecision.ADJUST and not changes:
        errors["changes"] = _("Tick what to change in the next cycle.")
    elif decision != ReviewDecision.ADJUST and changes:
        errors["changes"] = _("Changes go with the decision to run it again with changes.")
    if decision == ReviewDecision.STOP and not note:
        errors["note"] = _("Say briefly why the activity should not run again.")
    if len(note) > 1000:
        errors["note"] = _("Keep the note under 1,000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        review, _created = CycleReview.objects.update_or_create(
            cycle=cycle, defaults={"decision": decision, "changes": changes, "note": note, "reviewed_by": by},
        )
    return review


def reviews_of_activity(activity, cycles):
    """The decisions about the activity's past cycles among `cycles` (narrowed by the caller), newest first."""
    return (
        CycleReview.objects.filter(cycle__in=cycles.filter(activity=activity))
        .select_related("cycle__term__site", "reviewed_by")
        .order_by("-cycle__term__first_date", "-reviewed_at")
    )
