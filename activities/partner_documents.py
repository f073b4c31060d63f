"""Partner organisations' cooperation agreements and volunteers' insurance (step 3): recorded with
their validity, and the partners whose people come in without a current one of each, or with one
ending soon, listed for the coordinators to chase.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rules as access

from .models import Facilitator, FacilitatorKind, Partner, PartnerDocument, PartnerDocumentKind

EXPIRY_WARNING_DAYS = 60
# Who comes in on behalf of the partner: the people its agreement and insurance must cover.
COMING_IN = (FacilitatorKind.VOLUNTEER, FacilitatorKind.PARTNER_EMPLOYEE)


class DocumentState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    FUTURE = "future"
    MISSING = "missing"


STATE_LABELS = {
    DocumentState.VALID: gettext_lazy("valid"),
    DocumentState.EXPIRING: gettext_lazy("ends within 60 days"),
    DocumentState.EXPIRED: gettext_lazy("expired"),
    DocumentState.FUTURE: gettext_lazy("not yet in force"),
    DocumentState.MISSING: gettext_lazy("none recorded"),
}


def state_of(document: PartnerDocument, today: dt.date) -> str:
    if document.valid_from > today:
        return DocumentState.FUTURE
    if document.valid_until is None or document.valid_until > today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
        return DocumentState.VALID
    if document.valid_until >= today:
        return DocumentState.EXPIRING
    return DocumentState.EXPIRED


@dataclass
class KindStatus:
    kind: str
    label: str
    state: str
    document: PartnerDocument | None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def status_by_kind(documents, today: dt.date) -> list[KindStatus]:
    """For each kind, the best document in force (the one lasting longest), else the latest one."""
    statuses = []
    for kind, label in PartnerDocumentKind.choices:
        own = [d for d in documents if d.kind == kind]
        in_force = [d for d in own if state_of(d, today) in (DocumentState.VALID, DocumentState.EXPIRING)]
        if in_force:
            best = max(in_force, key=lambda d: d.valid_until or dt.date.max)
        else:
            best = max(own, key=lambda d: d.valid_until or dt.date.max, default=None)
        statuses.append(KindStatus(kind, str(label), state_of(best, today) if best else DocumentState.MISSING, best))
    return statuses


def partners_to_chase(today: dt.date):
    """Active partners with people coming in whose agreement or insurance is missing, expired or ends
    within 60 days (any site's document counts)."""
    coming_in = Facilitator.objects.filter(partner=OuterRef("pk"), active=True, kind__in=COMING_IN)
    soon = today + dt.timedelta(days=EXPIRY_WARNING_DAYS)

    def lasting(kind):
        return PartnerDocument.objects.filter(partner=OuterRef("pk"), kind=kind, valid_from__lte=today).filter(
            Q(valid_until__isnull=True) | Q(valid_until__gt=soon))

    return (Partner.objects.filter(active=True).filter(Exists(coming_in))
            .exclude(Exists(lasting(PartnerDocumentKind.AGREEMENT)) & Exists(lasting(PartnerDocumentKind.INSURANCE)))
            .order_by("name"))


def record_document(partner: Partner, *, kind: str, reference: str, valid_from: dt.date | None,
                    valid_until: dt.date | None = None, site=None, note: str = "", by) -> PartnerDocument:
    if not by.has_perm("activities.manage_partner_documents", site):
        raise PermissionDenied(_("You may not record partners' documents."))
    reference, note = (reference or "").strip(), (note or "").strip()
    errors = {}
    if kind not in PartnerDocumentKind.values:
        errors["kind"] = _("Choose an agreement or an insurance.")
    if not reference:
        errors["reference"] = _("Give the agreement's number, or the insurer and the policy number.")
    elif len(reference) > 100:
        errors["reference"] = _("Keep the reference under 100 characters.")
    if valid_from is None:
        errors["valid_from"] = _("Give the date from which it is valid.")
    elif valid_until is not None and valid_until <= valid_from:
        errors["valid_until"] = _("The end must be after the start.")
    if site is not None and site.pk not in {s.pk for s in access.visible_sites(by)}:
        errors["site"] = _("Choose one of your sites, or none for every site.")
    if len(note) > 200:
        errors["note"] = _("Keep the note under 200 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return PartnerDocument.objects.create(partner=partner, kind=kind, reference=reference, valid_from=valid_from,
                                              valid_until=valid_until, site=site, note=note, recorded_by=by)


def remove_document(document: PartnerDocument, *, by) -> None:
    """Take off a document recorded by mistake (an expired one stays: it is the partner's history)."""
    if not by.has_perm("activities.manage_partner_documents", document.site):
        raise PermissionDenied(_("You may not remove this document."))
    document.delete()
