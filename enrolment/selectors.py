"""Reusable reads of the enrolment workflow. Callers narrow by `core.rules` scopes first."""
from django.db.models import Count, Prefetch, Q

from activities.models import SessionStatus

from .models import Enrolment, EnrolmentEvent, EnrolmentStatus

Status = EnrolmentStatus


PRIORITY_ORDER = ("-needs_based", "requested_on", "id")


def _of_cycle(cycle, enrolments, status, order):
    qs = enrolments if enrolments is not None else Enrolment.objects.all()
    return qs.filter(cycle=cycle, status=status).select_related("detainee", "detainee__unit").order_by(*order)


def waiting_list_for(cycle, enrolments=None):
    """Approved applicants in priority order: needs-based first, then application date."""
    return _of_cycle(cycle, enrolments, Status.APPROVED, PRIORITY_ORDER)


def participants_of(cycle, enrolments=None):
    return _of_cycle(cycle, enrolments, Status.ENROLLED, ("detainee__last_name", "detainee__first_name", "id"))


def pending_applications_of(cycle, enrolments=None):
    return _of_cycle(cycle, enrolments, Status.PENDING, PRIORITY_ORDER)


def ended_applications_of(cycle, enrolments=None):
    qs = enrolments if enrolments is not None else Enrolment.objects.all()
    return (
        qs.filter(cycle=cycle)
        .exclude(status__in=[Status.PENDING, Status.APPROVED, Status.ENROLLED])
        .select_related("detainee", "leaving_reason")
        .order_by("-ended_on", "-id")
    )


def capacity_of(cycle) -> dict:
    counts = Enrolment.objects.filter(cycle=cycle).aggregate(
        enrolled=Count("id", filter=Q(status=Status.ENROLLED)),
        waiting=Count("id", filter=Q(status=Status.APPROVED)),
        offered=Count("id", filter=Q(status=Status.APPROVED, offered_at__isnull=False)),
        pending=Count("id", filter=Q(status=Status.PENDING)),
    )
    counts["capacity"] = cycle.capacity
    counts["free"] = max(cycle.capacity - counts["enrolled"], 0)
    return counts


def enrolments_of_detainee(detainee, enrolments):
    """A detainee's applications and enrolments (narrowed by the caller), with history, newest first."""
    return (
        enrolments.filter(detainee=detainee)
        .select_related("cycle", "cycle__activity", "cycle__term", "leaving_reason")
        .prefetch_related(
            Prefetch("events", queryset=EnrolmentEvent.objects.select_related("by", "leaving_reason").order_by("at", "id"))
        )
        .order_by("-requested_on", "-id")
    )


def weekly_slots_of(cycle) -> list[dict]:
    """Distinct weekday/time/room combinations of a cycle's scheduled sessions, in local time."""
    from activities.offer import weekly_slots

    return weekly_slots(
        cycle.sessions.filter(status=SessionStatus.SCHEDULED).select_related("room").order_by("starts_at")
    )
