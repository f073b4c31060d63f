"""Written answers already handed out in the demo, so the list of answers to give holds what a
coordinator would find on a Monday: the decisions of the last three days and the requests left a
fortnight without any answer, not every application of the term.

Draws nothing from the random stream (the rest of the demo is the same without it).
"""
from __future__ import annotations

import datetime as dt

from django.utils import timezone

from enrolment.answers import ANSWERABLE
from enrolment.models import ApplicationAnswer, Enrolment, EnrolmentStatus
from enrolment.notices import notice_language

RECENT_DAYS = 3  # decisions this recent are still to tell
ACKNOWLEDGED_AFTER_DAYS = 14  # requests this old were acknowledged


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def _told_on(enrolment: Enrolment, today: dt.date) -> dt.date | None:
    """When the answer to the application's current state went out, or None when it is still to give."""
    recent = today - dt.timedelta(days=RECENT_DAYS)
    if enrolment.status == EnrolmentStatus.ENROLLED and enrolment.enrolled_on:
        day = enrolment.enrolled_on + dt.timedelta(days=2)
        return day if day <= recent else None
    if enrolment.status == EnrolmentStatus.APPROVED:
        day = enrolment.requested_on + dt.timedelta(days=4)
        return day if day <= recent else None
    if enrolment.status == EnrolmentStatus.PENDING:
        day = enrolment.requested_on + dt.timedelta(days=ACKNOWLEDGED_AFTER_DAYS)
        return day if day <= today else None
    return None


def build_answers(builder) -> None:
    today, coordinator = builder.today, builder.user_of["coordinator"]
    answers = []
    for enrolment in Enrolment.objects.filter(
            cycle__term__site__code__in=[plan.code for plan in builder.scale["sites"]],
            cycle__term__last_date__gte=today, status__in=ANSWERABLE).select_related("detainee").prefetch_related(
            "detainee__languages").order_by("pk"):
        told_on = _told_on(enrolment, today)
        if told_on is not None:
            answers.append(ApplicationAnswer(
                enrolment=enrolment, status=enrolment.status, language=notice_language(enrolment.detainee),
                answered_at=_at(told_on), by=coordinator))
    ApplicationAnswer.objects.bulk_create(answers)


def _decided_on(enrolment: Enrolment, today: dt.date) -> dt.date:
    """A plausible day for the decision on a request: one to nine days after it, never after the enrolment
    or today (by the application's number, to draw nothing from the random stream)."""
    day = enrolment.requested_on + dt.timedelta(days=enrolment.pk % 9 + 1)
    return min(day, enrolment.enrolled_on or day, today)


def build_decision_days(builder) -> None:
    """The demo's enrolment history is written in one go, so every change would read as made today: the
    requests, decisions (out of "pending") and enrolments get their own days, as the history and the
    evaluation's days to a decision read them; and the applications of finished terms had their written answers, all but one in ten."""
    from enrolment.models import EnrolmentEvent

    today, coordinator = builder.today, builder.user_of["coordinator"]
    sites = [plan.code for plan in builder.scale["sites"]]
    events = list(EnrolmentEvent.objects.filter(enrolment__cycle__term__site__code__in=sites).select_related(
        "enrolment").filter(from_status__in=["", EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED]))
    for event in events:
        enrolment = event.enrolment
        if not event.from_status:  # recorded
            event.at = timezone.make_aware(dt.datetime.combine(enrolment.requested_on, dt.time(9, 0)))
        elif event.from_status == EnrolmentStatus.PENDING:
            event.at = _at(_decided_on(enrolment, today))
        elif event.to_status == EnrolmentStatus.ENROLLED and enrolment.enrolled_on:
            event.at = _at(enrolment.enrolled_on)
    EnrolmentEvent.objects.bulk_update(events, ["at"], batch_size=500)
    answers = []
    for enrolment in Enrolment.objects.filter(cycle__term__site__code__in=sites, cycle__term__last_date__lt=today
                                              ).exclude(status=EnrolmentStatus.PENDING).order_by("pk"):
        if enrolment.pk % 10 == 0:
            continue
        told = (EnrolmentStatus.ENROLLED if enrolment.enrolled_on else
                EnrolmentStatus.DECLINED if enrolment.status == EnrolmentStatus.DECLINED else None)
        if told is not None:
            answers.append(ApplicationAnswer(enrolment=enrolment, status=told, language="fr", by=coordinator,
                                             answered_at=_at(_decided_on(enrolment, today) + dt.timedelta(days=2))))
    ApplicationAnswer.objects.bulk_create(answers)
