"""Sites and their buildings, kept in Relais rather than Django's admin: the administrators open a
site (a prison, or another place where activities take place); its coordinators keep its name,
address, the gate's daily quota of outside people and the buildings its rooms are in.

A site's code and kind are the administrators': imports, exports and feeds name the site by its code.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction
from core.rules import visible_sites

from .models import Building, Site, SiteKind

CODE_MAX = Site._meta.get_field("code").max_length


def sites_with_counts(user):
    """The sites the user sees, with how many units and rooms in use each has, and its buildings
    (two queries whatever the number of sites)."""
    return visible_sites(user).annotate(
        unit_count=Count("units", distinct=True),
        room_count=Count("rooms", filter=Q(rooms__active=True), distinct=True),
    ).prefetch_related("buildings").order_by("name")


@transaction.atomic
def save_site(*, by, site: Site | None = None, code: str | None = None, name: str, kind: str | None = None,
              address: str = "", daily_outside_quota: int | None = None) -> Site:
    """Open a site (administrators) or change `site` (its coordinators; code and kind stay the
    administrators'). Errors name their field; nothing is saved on an error."""
    creating = site is None
    administrator = bool(by and by.has_perm("prisons.add_site"))
    if creating and not administrator:
        raise PermissionDenied(_("Only administrators open a site."))
    if not creating and not (by and by.has_perm("prisons.change_reference", site)):
        raise PermissionDenied(_("You may not change this site."))
    if administrator:  # an omitted code or kind stays as it was
        code = (code if code is not None else (site.code if site else "")).strip().lower()
        kind = kind if kind is not None else (site.kind if site else SiteKind.PRISON)
    else:
        code, kind = site.code, site.kind
    name, address = (name or "").strip(), (address or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("Give the site a short code (imports and exports name the site by it).")
    elif slugify(code) != code or len(code) > CODE_MAX:
        errors["code"] = _("A code of at most %(max)d lower-case letters, digits and hyphens, such as “haren”.") % {
            "max": CODE_MAX}
    elif Site.objects.filter(code=code).exclude(pk=site.pk if site else None).exists():
        errors["code"] = _("Another site already has the code %(code)s.") % {"code": code}
    if not name:
        errors["name"] = _("Give the site's name.")
    if kind not in SiteKind.values:
        errors["kind"] = _("Choose a kind of site from the list.")
    if daily_outside_quota is not None and daily_outside_quota < 1:
        errors["daily_outside_quota"] = _("At least 1 person a day, or leave it empty for no quota.")
    if errors:
        raise ValidationError(errors)
    site = site or Site()
    site.code, site.name, site.kind, site.address = code, name, kind, address
    site.daily_outside_quota = daily_outside_quota
    site.save()
    audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, site,
                 detail=f"quota {daily_outside_quota if daily_outside_quota is not None else 'none'}")
    return site


@transaction.atomic
def save_building(site: Site, *, by, building: Building | None = None, code: str, name: str) -> Building:
    """Add a building to `site` or rename `building` (the site's coordinators). Errors name their field."""
    if not (by and by.has_perm("prisons.change_reference", site)):
        raise PermissionDenied(_("You may not change the buildings of this site."))
    if building is not None and building.site_id != site.pk:
        raise PermissionDenied(_("This building is not at %(site)s.") % {"site": site.name})
    code, name = (code or "").strip(), (name or "").strip()
    errors = {}
    if not code:
        errors["code"] = _("Give the building a short code, as on the prison's plans.")
    elif Building.objects.filter(site=site, code__iexact=code).exclude(pk=building.pk if building else None).exists():
        errors["code"] = _("Another building of this site already has the code %(code)s.") % {"code": code}
    if not name:
        errors["name"] = _("Give the building's name.")
    if errors:
        raise ValidationError(errors)
    creating = building is None
    building = building or Building(site=site)
    building.code, building.name = code, name
    building.save()
    audit.record(by, AuditAction.CREATE if creating else AuditAction.CHANGE, building, detail=f"site {site.code}")
    return building
