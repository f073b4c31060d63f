"""Reads about detainees, units and rooms, always starting from the user's scope in core.rules."""
from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext_lazy as _

from core import rules as access

from .models import (
    ActivityRestriction,
    BlockedPeriod,
    Commitment,
    DetaineeStatus,
    NonAssociation,
    Placement,
    StaffMember,
)

# Languages met in Brussels prisons, by ISO 639 code; an unknown code is shown as it is.
LANGUAGE_NAMES = {
    "fr": _("French"), "nl": _("Dutch"), "en": _("English"), "de": _("German"),
    "ar": _("Arabic"), "ber": _("Berber (Tamazight)"), "ro": _("Romanian"), "pl": _("Polish"),
    "bg": _("Bulgarian"), "es": _("Spanish"), "pt": _("Portuguese"), "it": _("Italian"),
    "tr": _("Turkish"), "ku": _("Kurdish"), "sq": _("Albanian"), "ru": _("Russian"),
    "uk": _("Ukrainian"), "ka": _("Georgian"), "ti": _("Tigrinya"), "am": _("Amharic"),
    "so": _("Somali"), "fa": _("Persian"), "ps": _("Pashto"), "ur": _("Urdu"), "ln": _("Lingala"),
}


def language_name(code: str) -> str:
    return str(LANGUAGE_NAMES.get((code or "").lower(), code))


def language_choices() -> list[tuple[str, str]]:
    return sorted(((code, str(name)) for code, name in LANGUAGE_NAMES.items()), key=lambda item: item[1])


def search_detainees(user, query: str = ""):
    """The detainees the user may see, matching a prison number, a name or a unit code."""
    detainees = access.visible_detainees(user).select_related("site", "unit")
    for word in (query or "").split():
        detainees = detainees.filter(
            Q(prison_number__icontains=word)
            | Q(last_name__icontains=word)
            | Q(first_name__icontains=word)
            | Q(unit__code__iexact=word)
        )
    return detainees.order_by("last_name", "first_name", "prison_number")


def detainee_record(user, detainee) -> dict:
    """Everything the detainee page shows; the other party of a non-association only if visible."""
    non_associations = list(
        NonAssociation.objects.filter(Q(first=detainee) | Q(second=detainee)).select_related(
            "first", "second"
        ).order_by("-active", "id")
    )
    others = {na.second_id if na.first_id == detainee.pk else na.first_id for na in non_associations}
    visible_others = set(access.visible_detainees(user).filter(pk__in=others).values_list("pk", flat=True))
    kept_apart = []
    for na in non_associations:
        other = na.second if na.first_id == detainee.pk else na.first
        kept_apart.append({"link": na, "other": other if other.pk in visible_others else None})
    return {
        "languages": list(detainee.languages.all().order_by("language")),
        "placements": list(
            Placement.objects.filter(detainee=detainee).select_related("unit").order_by("-valid_from", "-id")
        ),
        "commitments": list(
            Commitment.objects.filter(detainee=detainee).order_by("weekday", "start_time", "starts_at")
        ),
        "non_associations": kept_apart,
        "restrictions": list(ActivityRestriction.objects.filter(detainee=detainee).order_by("-starts_on")),
        "enrolments": list(
            access.visible_enrolments(user).filter(detainee=detainee).select_related(
                "cycle__activity", "cycle__term"
            ).order_by("-requested_on", "-id")
        ),
    }


def units_with_blocked_periods(user, site=None):
    units = access.visible_units(user).annotate(
        present=Count("detainees", filter=Q(detainees__status=DetaineeStatus.PRESENT))
    )
    if site is not None:
        units = units.filter(site=site)
    return units.prefetch_related(
        Prefetch("blocked_periods", queryset=BlockedPeriod.objects.order_by("weekday", "start")),
        Prefetch("staff", queryset=StaffMember.objects.order_by("function", "last_name", "first_name")),
    ).order_by("site__name", "code")


def rooms_by_site(user, site=None):
    rooms = access.visible_rooms(user)
    if site is not None:
        rooms = rooms.filter(site=site)
    return rooms.prefetch_related("reachable_units", "weekly_uses").order_by("site__name", "code")


def held_during(site, first, last, unit_ids=None) -> dict[int, tuple[set[str], str]]:
    """Detainees held in the site's units (or in `unit_ids`) at some time from `first` to `last`,
    from the placement history: detainee id -> (populations of the units they were in, legal status)."""
    placements = Placement.objects.filter(
        unit__site=site, status=DetaineeStatus.PRESENT, valid_from__lte=last,
    ).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=first))
    if unit_ids is not None:
        placements = placements.filter(unit_id__in=unit_ids)
    held: dict[int, tuple[set[str], str]] = {}
    # order_by() first: the model's ordering would join the DISTINCT and keep duplicates.
    for detainee_id, population, legal_status in placements.order_by().values_list(
        "detainee_id", "unit__population", "detainee__legal_status",
    ).distinct():
        held.setdefault(detainee_id, (set(), legal_status))[0].add(population)
    return held
