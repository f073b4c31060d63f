"""The prison staff the coordinators work with (step 7): who they are, their function, the units they
work in and how to reach them. Kept by the site's coordinators; an officer's units decide which
detainees, cycles and sessions they see, so a wing change is made here the day it happens.
Logins stay with the administrators.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from core import audit
from core.logins import close_login
from core.models import AuditAction

from .models import Site, StaffFunction, StaffMember, Unit


def _check(site: Site, *, first_name: str, last_name: str, function: str, units, email: str) -> dict:
    errors = {}
    if not first_name.strip():
        errors["first_name"] = _("Give the first name.")
    if not last_name.strip():
        errors["last_name"] = _("Give the last name.")
    for field, value in (("first_name", first_name), ("last_name", last_name)):
        if len(value.strip()) > 100:
            errors[field] = _("Keep it under 100 characters.")
    if function not in StaffFunction.values:
        errors["function"] = _("Choose a function from the list.")
    foreign = [unit.code for unit in units if unit.site_id != site.pk]
    if foreign:
        errors["units"] = _("Not units of %(site)s: %(units)s.") % {"site": site.name, "units": ", ".join(foreign)}
    if email:
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid e-mail address.")
    return errors


@transaction.atomic
def save_staff_member(site: Site, *, by, member: StaffMember | None = None, first_name: str, last_name: str,
                      function: str, units, email: str = "", email_cancellations: bool = True) -> StaffMember:
    """Add a staff member to `site`, or change `member`. Errors name their field."""
    if not (by and by.has_perm("prisons.change_reference", site)):
        raise PermissionDenied(_("You may not change the staff of this site."))
    if member is not None and member.site_id != site.pk:
        raise ValidationError({"site": _("A staff member stays at their site: add them at the other site.")})
    units = list(units)
    email = (email or "").strip()
    errors = _check(site, first_name=first_name, last_name=last_name, function=function, units=units, email=email)
    if errors:
        raise ValidationError(errors)
    creating = member is None
    member = member or StaffMember(site=site)
    member.first_name, member.last_name = first_name.strip(), last_name.strip()
    member.function, member.email, member.email_cancellations = function, email, email_cancellations
    member.save()
    member.units.set(units)
    audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, member,
                 detail="units " + ",".join(sorted(u.code for u in units)))
    return member


@transaction.atomic
def remove_staff_member(member: StaffMember, *, by) -> None:
    """Someone who left the prison or the site. Their login, if any, is closed."""
    if not (by and by.has_perm("prisons.change_reference", member.site)):
        raise PermissionDenied(_("You may not change the staff of this site."))
    with transaction.atomic():
        if member.user_id and member.user.is_active:
            close_login(member, by=by)
        audit.record(by, AuditAction.DELETE, member)
        member.delete()


def set_email_changes(member: StaffMember, wanted: bool, *, by) -> None:
    """A staff member's own choice of the change e-mails about their units' sessions (and, at the gate,
    the outside people expected); audited."""
    member.email_cancellations = wanted
    member.save(update_fields=["email_cancellations"])
    audit.record(by, AuditAction.CHANGE, member, detail=f"e-mail changes={int(wanted)}")


def staff_of_site(site: Site):
    """The site's staff by function and name, with their units and whether they have a login (2 queries)."""
    return (StaffMember.objects.filter(site=site).select_related("user")
            .prefetch_related("units").order_by("function", "last_name", "first_name"))


def not_told(members) -> list[StaffMember]:
    """Those of a unit, or at the gate, whom no change e-mail reaches: no address, or they unticked them
    (from members already read with their units)."""
    return [m for m in members if (m.function == StaffFunction.GATE or m.units.all())
            and not (m.email and m.email_cancellations)]


def units_of_site(site: Site):
    return Unit.objects.filter(site=site).order_by("code")
