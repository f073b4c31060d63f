"""The synthetic demo prison: `load_demo()` wipes and reloads it; `demo_digest()` fingerprints it.

Demo data is recognisable everywhere: sites whose address carries `DEMO_MARK`, activity codes
starting with "demo-", partners named "... (demo)", people whose last name starts with "Demo-" and
prison numbers starting with "DEMO".
"""
import datetime as dt
import hashlib
import json
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from . import data
from .generator import SCALES, DemoBuilder

__all__ = ["DemoSiteConflict", "DemoSummary", "demo_digest", "demo_terms", "load_demo", "wipe_demo", "SCALES"]


class DemoSiteConflict(Exception):
    """A site with a demo code exists but is not demo data: refuse to touch it."""


@dataclass
class DemoSummary:
    seed: int
    scale: str
    today: dt.date
    counts: dict
    digest: str
    witness: list


def _demo_sites():
    from prisons.models import Site

    sites = list(Site.objects.filter(code__in=data.DEMO_SITE_CODES))
    for site in sites:
        if data.DEMO_MARK not in site.address:
            raise DemoSiteConflict(
                f"Site '{site.code}' exists and is not demo data; the demo loader will not replace it."
            )
    return sites


def wipe_demo() -> None:
    """Delete every demo object (and what hangs off it), leaving other data alone."""
    from activities.models import Activity, Cycle, Facilitator, Partner, Term
    from core.demo_accounts import DEMO_ACCOUNTS
    from core.models import User
    from prisons.models import Detainee, StaffMember
    from surveys.models import Survey

    sites = _demo_sites()
    with transaction.atomic():
        Survey.objects.filter(site__in=sites).delete()  # before the units its answers point at
        Cycle.objects.filter(term__site__in=sites).delete()
        Term.objects.filter(site__in=sites).delete()
        Detainee.objects.filter(site__in=sites).delete()
        StaffMember.objects.filter(site__in=sites).delete()
        Facilitator.objects.filter(last_name__startswith=data.DEMO_NAME_PREFIX,
                                   email__endswith="@demo.invalid").delete()
        Activity.objects.filter(code__startswith=data.DEMO_ACTIVITY_PREFIX).delete()
        Partner.objects.filter(name__endswith=data.DEMO_PARTNER_SUFFIX).delete()
        for site in sites:
            site.delete()
        User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS], email__endswith="@demo.invalid").delete()


def load_demo(seed: int = 1, scale: str = "small", today: dt.date | None = None) -> DemoSummary:
    """Wipe the demo data and build it again, in one transaction. Deterministic for (seed, scale, today)."""
    if scale not in SCALES:
        raise ValueError(f"Unknown scale {scale!r}; choose one of: {', '.join(SCALES)}.")
    today = today or timezone.localdate()
    with transaction.atomic():
        wipe_demo()
        builder = DemoBuilder(seed, scale, today)
        builder.build()
        counts = demo_counts()
        digest = demo_digest()
    return DemoSummary(seed=seed, scale=scale, today=today, counts=counts, digest=digest,
                       witness=builder.witness())


def demo_terms():
    """The terms of the demo sites that have not ended (what `plan_term --demo` plans)."""
    from activities.models import Term

    return Term.objects.filter(site__code__in=data.DEMO_SITE_CODES, site__address__contains=data.DEMO_MARK,
                               last_date__gte=timezone.localdate()).select_related("site")


def demo_counts() -> dict:
    from activities.models import Activity, Cycle, Facilitator, Partner
    from enrolment.models import Enrolment
    from prisons.models import Detainee, Room, Site, Unit

    sites = Site.objects.filter(code__in=data.DEMO_SITE_CODES)
    return {
        "sites": sites.count(),
        "units": Unit.objects.filter(site__in=sites).count(),
        "rooms": Room.objects.filter(site__in=sites).count(),
        "detainees": Detainee.objects.filter(site__in=sites).count(),
        "partners": Partner.objects.filter(name__endswith=data.DEMO_PARTNER_SUFFIX).count(),
        "facilitators": Facilitator.objects.filter(last_name__startswith=data.DEMO_NAME_PREFIX).count(),
        "activities": Activity.objects.filter(code__startswith=data.DEMO_ACTIVITY_PREFIX).count(),
        "cycles": Cycle.objects.filter(term__site__in=sites).count(),
        "enrolments": Enrolment.objects.filter(cycle__term__site__in=sites).count(),
    }


def _digest_specs():
    """(queryset, fields) per model: natural keys only, so the digest ignores ids and clocks."""
    from activities import models as act
    from core.models import User
    from enrolment.models import Enrolment, EnrolmentEvent
    from prisons import models as pr
    from screening.models import Interview

    codes = data.DEMO_SITE_CODES
    return [
        (pr.Site.objects.filter(code__in=codes), ["code", "name", "address", "daily_outside_quota"]),
        (pr.Building.objects.filter(site__code__in=codes), ["site__code", "code", "name"]),
        (pr.Unit.objects.filter(site__code__in=codes),
         ["site__code", "code", "building__code", "name", "population", "legal_regime", "regime", "capacity",
          "max_parallel_sessions"]),
        (pr.Room.objects.filter(site__code__in=codes),
         ["site__code", "code", "building__code", "name", "kind", "capacity", "reachable_from_all_units"]),
        (pr.Room.reachable_units.through.objects.filter(room__site__code__in=codes), ["room__code", "unit__code"]),
        (pr.RegimePeriod.objects.filter(site__code__in=codes), ["site__code", "weekday", "index", "start", "end"]),
        (pr.RoomUse.objects.filter(room__site__code__in=codes), ["room__code", "weekday", "start", "end", "label"]),
        (pr.BlockedPeriod.objects.filter(unit__site__code__in=codes),
         ["unit__site__code", "unit__code", "weekday", "start", "end", "reason"]),
        (act.Partner.objects.filter(name__endswith=data.DEMO_PARTNER_SUFFIX),
         ["name", "community", "themes", "languages", "address", "latitude", "longitude", "contact_name"]),
        (act.Facilitator.objects.filter(last_name__startswith=data.DEMO_NAME_PREFIX),
         ["email", "kind", "first_name", "last_name", "partner__name", "languages", "authorisation_number",
          "authorisation_valid_from", "authorisation_valid_until", "user__username", "staff_member__last_name"]),
        (act.Facilitator.sites.through.objects.filter(site__code__in=codes), ["facilitator__email", "site__code"]),
        (act.Availability.objects.filter(facilitator__last_name__startswith=data.DEMO_NAME_PREFIX),
         ["facilitator__email", "weekday", "start", "end", "preferred"]),
        (act.AvailabilityException.objects.filter(facilitator__last_name__startswith=data.DEMO_NAME_PREFIX),
         ["facilitator__email", "date", "available"]),
        (act.Activity.objects.filter(code__startswith=data.DEMO_ACTIVITY_PREFIX),
         ["code", "kind", "title_fr", "title_nl", "title_en", "partner__name", "room_kinds", "group_min",
          "group_max", "session_periods", "sessions_per_week", "weeks", "languages", "target_groups"]),
        (act.Activity.default_facilitators.through.objects.filter(activity__code__startswith=data.DEMO_ACTIVITY_PREFIX),
         ["activity__code", "facilitator__email"]),
        (act.Term.objects.filter(site__code__in=codes), ["site__code", "name", "first_date", "last_date"]),
        (act.ExcludedDate.objects.filter(term__site__code__in=codes), ["term__site__code", "date", "label"]),
        (act.Cycle.objects.filter(term__site__code__in=codes),
         ["term__site__code", "code", "activity__code", "capacity", "sessions_per_week", "session_periods",
          "language", "status"]),
        (act.Cycle.eligible_units.through.objects.filter(cycle__term__site__code__in=codes),
         ["cycle__code", "unit__code"]),
        (act.Cycle.facilitators.through.objects.filter(cycle__term__site__code__in=codes),
         ["cycle__code", "facilitator__email"]),
        (pr.Detainee.objects.filter(site__code__in=codes),
         ["prison_number", "last_name", "first_name", "gender", "legal_status", "site__code", "unit__code", "cell",
          "birth_date", "needs_interpreter", "reads_french", "reads_dutch", "arrival_date",
          "expected_release_date", "status"]),
        (pr.DetaineeLanguage.objects.filter(detainee__site__code__in=codes),
         ["detainee__prison_number", "language", "proficiency"]),
        (pr.Placement.objects.filter(detainee__site__code__in=codes),
         ["detainee__prison_number", "unit__code", "cell", "status", "valid_from", "valid_until"]),
        (pr.Commitment.objects.filter(detainee__site__code__in=codes),
         ["detainee__prison_number", "kind", "source", "starts_at", "ends_at", "weekday", "start_time",
          "end_time", "valid_from", "valid_until"]),
        (pr.NonAssociation.objects.filter(first__site__code__in=codes),
         ["first__prison_number", "second__prison_number", "scope", "reason"]),
        (pr.ActivityRestriction.objects.filter(detainee__site__code__in=codes),
         ["detainee__prison_number", "starts_on", "ends_on"]),
        (Interview.objects.filter(detainee__site__code__in=codes),
         ["detainee__prison_number", "scheduled_at", "status", "outcome", "screener__username"]),
        (pr.StaffMember.objects.filter(site__code__in=codes),
         ["site__code", "first_name", "last_name", "function", "user__username"]),
        (pr.StaffMember.units.through.objects.filter(unit__site__code__in=codes),
         ["staffmember__last_name", "staffmember__function", "unit__code"]),
        (Enrolment.objects.filter(cycle__term__site__code__in=codes),
         ["detainee__prison_number", "cycle__code", "status", "requested_on", "enrolled_on", "needs_based"]),
        (EnrolmentEvent.objects.filter(enrolment__cycle__term__site__code__in=codes),
         ["enrolment__detainee__prison_number", "enrolment__cycle__code", "from_status", "to_status",
          "by__username"]),
        (User.objects.filter(email__endswith="@demo.invalid"),
         ["username", "role", "first_name", "last_name", "is_superuser"]),
        (User.sites.through.objects.filter(user__email__endswith="@demo.invalid"), ["user__username", "site__code"]),
    ]


def demo_digest() -> str:
    """SHA-256 over the demo data by natural keys: equal for equal data, whatever the ids."""
    digest = hashlib.sha256()
    for queryset, fields in _digest_specs():
        rows = sorted(json.dumps(row, default=str, ensure_ascii=False) for row in queryset.values_list(*fields))
        digest.update(f"{queryset.model._meta.label}:{len(rows)}\n".encode())
        for row in rows:
            digest.update(row.encode())
            digest.update(b"\n")
    return digest.hexdigest()
