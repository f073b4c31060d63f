"""Certificates of participation: one printable page per person who completed a cycle (or is still in
it at its end), with the sessions they attended of those held and the hours, for their file (parole,
reintegration, a training record). Five queries whatever the size of the cycle.
"""
import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Max, Min, Q
from django.utils import timezone

from activities.models import Cycle, Session, SessionStatus

from .feedback import COMPLETED
from .models import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus


@dataclass
class Certificate:
    enrolment: Enrolment
    attended: int
    held: int
    hours: float
    first: dt.date | None
    last: dt.date | None


def certificates_for(cycle: Cycle, now: dt.datetime) -> list[Certificate]:
    """Those enrolled who finished: left with the reason "completed", or still enrolled."""
    held_sessions = Session.objects.filter(cycle=cycle, starts_at__lt=now).exclude(status=SessionStatus.CANCELLED)
    span = held_sessions.aggregate(first=Min("starts_at"), last=Max("starts_at"), held=Count("pk"))
    minutes = {pk: (end - start).total_seconds() / 60 for pk, start, end in held_sessions.values_list(
        "pk", "starts_at", "ends_at")}
    enrolments = list(
        Enrolment.objects.filter(cycle=cycle, enrolled_on__isnull=False)
        .filter(Q(status=EnrolmentStatus.ENROLLED) | Q(leaving_reason__code=COMPLETED))
        .select_related("detainee").prefetch_related("detainee__languages")
        .order_by("detainee__last_name", "detainee__first_name", "pk")
    )
    present = {}
    for enrolment_id, session_id in (Attendance.objects
                                     .filter(enrolment__in=enrolments, status=AttendanceStatus.PRESENT,
                                             session_id__in=list(minutes))
                                     .values_list("enrolment_id", "session_id")):
        present.setdefault(enrolment_id, []).append(session_id)
    return [
        Certificate(
            enrolment=e, attended=len(present.get(e.pk, [])), held=span["held"],
            hours=round(sum(minutes[s] for s in present.get(e.pk, [])) / 60, 1),
            first=timezone.localdate(span["first"]) if span["first"] else None,
            last=timezone.localdate(span["last"]) if span["last"] else None,
        )
        for e in enrolments
    ]
