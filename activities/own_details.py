"""A facilitator's own details, kept by them (step 3): how to reach them (phone, e-mail address) and what
they bring (the languages they speak, which the cycles' language findings read, and their skills). The
rest of their record (name, organisation, sites, access authorisation) stays the coordinators'.

Changing the e-mail address asks for their password: it is where a forgotten password's link goes.
"""
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction, User

from .language_codes import language_codes
from .models import Facilitator

PHONE_RE = re.compile(r"^\+?[0-9 ()./-]{6,40}$")


def _may_change(facilitator: Facilitator, by) -> None:
    if not (by and by.has_perm("activities.change_own_details", facilitator)):
        raise PermissionDenied(_("Only they can change their own details here; coordinators use the record's form."))


def update_own_details(facilitator: Facilitator, *, by, phone: str, languages: list[str], skills: str) -> Facilitator:
    """Phone, languages spoken and skills, all or nothing; every wrong field is named. Audited."""
    _may_change(facilitator, by)
    phone, skills = (phone or "").strip(), (skills or "").strip()
    errors = {}
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = _("Not a phone number: use digits, spaces and + ( ) . / - only, e.g. +32 470 12 34 56.")
    try:
        languages = language_codes(languages)
    except ValueError as error:
        errors["languages"] = error.args[0]
    if len(skills) > Facilitator._meta.get_field("skills").max_length:
        errors["skills"] = _("At most %(limit)s characters.") % {"limit": Facilitator._meta.get_field("skills").max_length}
    if errors:
        raise ValidationError(errors)
    facilitator.phone, facilitator.languages, facilitator.skills = phone, languages, skills
    with transaction.atomic():
        facilitator.save(update_fields=["phone", "languages", "skills"])
        audit.record(by, AuditAction.CHANGE, facilitator, detail="own details")
    return facilitator


def change_own_email(facilitator: Facilitator, *, by, email: str, password: str) -> Facilitator:
    """A new e-mail address, confirmed with their password; their login's address follows. Audited."""
    _may_change(facilitator, by)
    address = (email or "").strip().lower()
    if not by.check_password(password or ""):
        raise ValidationError({"password": _("This is not your password.")})
    try:
        validate_email(address)
    except ValidationError:
        raise ValidationError({"email": _("Not an e-mail address.")}) from None
    if User.objects.filter(Q(username__iexact=address) | Q(email__iexact=address)).exclude(pk=by.pk).exists():
        raise ValidationError({"email": _("Another login already uses %(address)s.") % {"address": address}})
    with transaction.atomic():
        facilitator.email = address
        facilitator.save(update_fields=["email"])  # the login's address follows (core.logins.follow_new_address)
        audit.record(by, AuditAction.CHANGE, facilitator, detail="own e-mail address")
    return facilitator
