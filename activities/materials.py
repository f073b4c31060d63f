"""Material brought into the prison for a cycle (step 8): asked for by the cycle's facilitators or
the coordinators, decided on by the direction (the coordinators record its decision), shown on the
gate list to the officers who let the facilitators in."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules as access

from .models import CycleMaterial, CycleStatus, MaterialStatus

MAX_QUANTITY = 999
DECISIONS = [(MaterialStatus.APPROVED.value, MaterialStatus.APPROVED.label),
             (MaterialStatus.REFUSED.value, MaterialStatus.REFUSED.label)]
ENDED = (CycleStatus.FINISHED, CycleStatus.CANCELLED)

# Items awaiting a decision come first: they are what someone has to act on.
_STATUS_ORDER = Case(
    When(status=MaterialStatus.REQUESTED, then=Value(0)),
    When(status=MaterialStatus.REFUSED, then=Value(1)),
    default=Value(2), output_field=IntegerField(),
)


def materials_for(user, *, cycle=None, status: str | None = None):
    """The material of the cycles the user may see, awaiting a decision first."""
    materials = CycleMaterial.objects.filter(cycle__in=access.visible_cycles(user).values("pk")).select_related(
        "cycle__activity", "cycle__term__site", "requested_by", "decided_by",
    )
    if cycle is not None:
        materials = materials.filter(cycle=cycle)
    if status:
        materials = materials.filter(status=status)
    return materials.order_by(_STATUS_ORDER, "cycle__term__site__name", "cycle__code", "item", "pk")


def withdrawable(user, materials) -> set[int]:
    """Ids of the items the user may take off their list (the rule: core.rules), for the pages' buttons."""
    return {material.pk for material in materials if user.has_perm("activities.withdraw_material", material)}


def request_material(cycle, *, item: str, quantity, note: str = "", by) -> CycleMaterial:
    if not (by and by.has_perm("activities.request_material", cycle)):
        raise PermissionDenied(_("You may not ask for material for this cycle."))
    item, note = (item or "").strip(), (note or "").strip()
    errors = {}
    if cycle.status in ENDED:
        errors["cycle"] = _("This cycle is %(status)s: no material can be asked for it.") % {
            "status": cycle.get_status_display().lower()}
    if not item:
        errors["item"] = _("Name the item.")
    elif len(item) > 120:
        errors["item"] = _("Keep the item's name under 120 characters.")
    else:
        same = next((m for m in cycle.materials.exclude(status=MaterialStatus.REFUSED)
                     if m.item.casefold() == item.casefold()), None)
        if same is not None:
            errors["item"] = _("“%(item)s” is already on this cycle's list (%(status)s).") % {
                "item": same.item, "status": same.get_status_display().lower()}
    try:
        quantity = int(quantity)
    except (TypeError, ValueError):
        errors["quantity"] = _("Give the quantity as a whole number.")
    else:
        if not 1 <= quantity <= MAX_QUANTITY:
            errors["quantity"] = _("Give a quantity between 1 and %(max)d.") % {"max": MAX_QUANTITY}
    if len(note) > 300:
        errors["note"] = _("Keep the note under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return CycleMaterial.objects.create(cycle=cycle, item=item, quantity=quantity, note=note, requested_by=by)


def decide_material(material: CycleMaterial, *, decision: str, note: str = "", by) -> CycleMaterial:
    """Record the direction's decision on an item. A decision can be reversed (an approval
    withdrawn after an incident, a refusal reconsidered); the last one counts."""
    if not (by and by.has_perm("activities.decide_material", material)):
        raise PermissionDenied(_("You may not record decisions on material for this site."))
    note = (note or "").strip()
    errors = {}
    if decision not in (MaterialStatus.APPROVED, MaterialStatus.REFUSED):
        errors["decision"] = _("Choose whether the direction approved or refused the item.")
    elif decision == material.status:
        errors["decision"] = _("“%(item)s” is already %(status)s.") % {
            "item": material.item, "status": material.get_status_display().lower()}
    if decision == MaterialStatus.REFUSED and not note:
        errors["decision_note"] = _("Say why the direction refused it, so the facilitators can offer something else.")
    if len(note) > 300:
        errors["decision_note"] = _("Keep the note under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        material.status, material.decision_note = decision, note
        material.decided_by, material.decided_at = by, timezone.now()
        material.save(update_fields=["status", "decision_note", "decided_by", "decided_at"])
    return material


def withdraw_material(material: CycleMaterial, *, by) -> None:
    """Take an item off the cycle's list: its facilitators while the direction has not decided,
    the coordinators at any time (the gate stops expecting it)."""
    if not (by and by.has_perm("activities.withdraw_material", material)):
        raise PermissionDenied(_("You may not take this item off the list."))
    with transaction.atomic():
        material.delete()
