"""Reads for the catalogue, partner, facilitator, term and cycle pages, narrowed by core.rules first."""
from django.db.models import Count, Prefetch, Q
from django.utils import timezone, translation

from core import rules as access
from enrolment.models import EnrolmentStatus

from .checks import authorisation_findings
from .materials import materials_for, withdrawable
from .models import Availability, AvailabilityException, Facilitator


def catalogue(user):
    """The catalogue, sorted by title in the interface language."""
    language = (translation.get_language() or "fr")[:2]
    field = f"title_{language}" if language in {"fr", "nl", "en"} else "title_fr"
    return access.visible_activities(user).order_by(field, "code")


def partners(user):
    return access.visible_partners(user).annotate(
        facilitator_count=Count("facilitators", filter=Q(facilitators__active=True), distinct=True)
    ).order_by("name")


def facilitators(user):
    return (access.visible_facilitators(user).select_related("user").prefetch_related("sites")
            .order_by("last_name", "first_name"))


def to_invite(user) -> tuple[int, int]:
    """Active facilitators without a login whom the user may give one: (with an e-mail address, to invite;
    without one, to give a letter) for the list's "give them logins"."""
    if not user.has_perm("activities.view_facilitator_list"):
        return 0, 0
    counts = access.visible_facilitators(user).filter(active=True, user__isnull=True).aggregate(
        by_email=Count("pk", filter=~Q(email="")), on_paper=Count("pk", filter=Q(email="")))
    return counts["by_email"], counts["on_paper"]


def active_without_email(user) -> int:
    """Active facilitators the user may see who have no e-mail address: no change e-mails, no reminders."""
    return access.visible_facilitators(user).filter(active=True, email="").count()


def with_authorisation_findings(facilitator_rows, today=None):
    """Attach `findings` to each facilitator (no query: the check reads fields only)."""
    today = today or timezone.localdate()
    rows = list(facilitator_rows)
    for facilitator in rows:
        facilitator.findings = authorisation_findings(facilitator, today)
    return rows


def facilitator_schedule(facilitator, today=None):
    """Weekly availability and the dated exceptions from today on."""
    today = today or timezone.localdate()
    return {
        "availabilities": list(Availability.objects.filter(facilitator=facilitator).order_by("weekday", "start")),
        "exceptions": list(
            AvailabilityException.objects.filter(facilitator=facilitator, date__gte=today).order_by("date", "start")
        ),
    }


def cycles(user):
    return access.visible_cycles(user).select_related("activity", "term", "term__site").annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True),
        waiting=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.APPROVED), distinct=True),
    ).order_by("-term__first_date", "code")


def cycle_record(user, cycle) -> dict:
    """Units, facilitators, participants and sessions of a cycle, each as far as the user may see."""
    materials = list(materials_for(user, cycle=cycle))
    return {
        "eligible_units": list(cycle.eligible_units.order_by("code")),
        "cycle_facilitators": list(cycle.facilitators.order_by("last_name", "first_name")),
        "participants": list(
            access.visible_enrolments(user).filter(cycle=cycle).select_related("detainee", "detainee__unit")
            .order_by("status", "detainee__last_name", "detainee__first_name")
        ),
        "sessions": list(
            access.visible_sessions(user).filter(cycle=cycle).select_related("room", "log")
            .prefetch_related(Prefetch("facilitators", queryset=Facilitator.objects.order_by("last_name")))
            .order_by("starts_at")
        ),
        "materials": materials,
        "withdrawable": withdrawable(user, materials),
    }


def terms(user):
    return access.visible_terms(user).annotate(cycle_count=Count("cycles", distinct=True)).order_by("-first_date")


def term_record(user, term) -> dict:
    return {
        "excluded_dates": list(term.excluded_dates.order_by("date")),
        "term_cycles": list(cycles(user).filter(term=term)),
    }


def partner_record(user, partner) -> dict:
    return {
        "partner_facilitators": list(access.visible_facilitators(user).filter(partner=partner).order_by("last_name")),
        "partner_activities": list(access.visible_activities(user).filter(partner=partner).order_by("title_en")),
    }
