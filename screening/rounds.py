"""Screening rounds (step 6): the applications waiting for a screening interview, a morning of interviews
planned for several of them at once, and the day's list and invitations to print.

An application waits for screening while it is pending, its cycle requires an interview first, and its
detainee has no interview about this cycle (or in general) either scheduled or held with an outcome: what
the eligibility check reads (`enrolment.checks`). A round gives each one the first free slot of the morning
at which the detainee is free: not at a court hearing, visit, work or other commitment, not at a session of
a cycle they are enrolled in, not at another interview, and not at a time their unit cannot leave.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import Session, SessionStatus
from core import audit
from core.models import AuditAction
from enrolment.models import Enrolment, EnrolmentStatus
from prisons.models import BlockedPeriod, Commitment, DetaineeStatus

from .models import Interview, InterviewStatus
from .services import _check_screener, record_outcome

SLOT_MINUTES = (10, 120)  # the shortest and longest interview a round plans


def awaiting_screening(enrolments, today: dt.date | None = None):
    """Pending applications of `enrolments` whose cycle requires screening and whose detainee has no interview
    about it planned or held with an outcome, for detainees still held and terms not ended; by cycle, then
    application date (first come first)."""
    today = today or timezone.localdate()
    about = Interview.objects.filter(
        Q(enrolment__cycle=OuterRef("cycle")) | Q(enrolment__isnull=True), detainee=OuterRef("detainee"))
    return (
        enrolments.filter(status=EnrolmentStatus.PENDING, cycle__screening_required=True,
                          detainee__status=DetaineeStatus.PRESENT, cycle__term__last_date__gte=today)
        .exclude(Exists(about.filter(status=InterviewStatus.SCHEDULED)))
        .exclude(Exists(about.filter(status=InterviewStatus.HELD).exclude(outcome="")))
        .select_related("detainee__unit", "cycle__activity", "cycle__term__site")
        .order_by("cycle__term__site__name", "cycle__code", "-needs_based", "requested_on", "id")
    )


@dataclass
class Busy:
    """When detainees cannot be interviewed on one day: (start, end) local times per detainee."""

    by_detainee: dict

    def free(self, detainee_id: int, start: dt.datetime, end: dt.datetime) -> bool:
        return not any(s < end and start < e for s, e in self.by_detainee.get(detainee_id, ()))


def busy_on(day: dt.date, detainees) -> Busy:
    """Everything that keeps these detainees busy on `day`, in four queries."""
    zone = timezone.get_current_timezone()
    day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
    day_end = day_start + dt.timedelta(days=1)
    ids = [d.pk for d in detainees]
    busy = defaultdict(list)

    def local(moment):
        return timezone.localtime(moment, zone)

    for c in Commitment.objects.filter(detainee_id__in=ids).filter(
            Q(starts_at__lt=day_end, ends_at__gt=day_start)
            | Q(weekday=day.weekday(), valid_from__isnull=True) | Q(weekday=day.weekday(), valid_from__lte=day)):
        if c.is_weekly:
            if c.valid_until and c.valid_until < day:
                continue
            busy[c.detainee_id].append((timezone.make_aware(dt.datetime.combine(day, c.start_time), zone),
                                        timezone.make_aware(dt.datetime.combine(day, c.end_time), zone)))
        else:
            busy[c.detainee_id].append((local(c.starts_at), local(c.ends_at)))
    for detainee_id, starts, ends in Session.objects.filter(
            cycle__enrolments__detainee_id__in=ids, cycle__enrolments__status=EnrolmentStatus.ENROLLED,
            status=SessionStatus.SCHEDULED, starts_at__lt=day_end, ends_at__gt=day_start).values_list(
            "cycle__enrolments__detainee_id", "starts_at", "ends_at"):
        busy[detainee_id].append((local(starts), local(ends)))
    for detainee_id, starts in Interview.objects.filter(
            detainee_id__in=ids, status=InterviewStatus.SCHEDULED, scheduled_at__gte=day_start,
            scheduled_at__lt=day_end).values_list("detainee_id", "scheduled_at"):
        busy[detainee_id].append((local(starts), local(starts) + dt.timedelta(minutes=SLOT_MINUTES[0])))
    by_unit = defaultdict(list)
    for period in BlockedPeriod.objects.keeping_people_in().filter(
            unit_id__in={d.unit_id for d in detainees if d.unit_id}, weekday=day.weekday()):
        by_unit[period.unit_id].append((timezone.make_aware(dt.datetime.combine(day, period.start), zone),
                                        timezone.make_aware(dt.datetime.combine(day, period.end), zone)))
    for detainee in detainees:
        busy[detainee.pk].extend(by_unit.get(detainee.unit_id, []))
    return Busy(dict(busy))


@dataclass
class PlannedInterview:
    enrolment: Enrolment
    starts_at: dt.datetime


def plan_slots(enrolments: list[Enrolment], day: dt.date, start: dt.time, end: dt.time, minutes: int,
               busy: Busy, blocked=()) -> tuple[list[PlannedInterview], list[Enrolment]]:
    """Each application in order gets the earliest slot of the morning not yet taken, not overlapping
    `blocked` (the screener's other interviews: start, end), at which its detainee is free; those for whom
    none is left are returned apart."""
    zone = timezone.get_current_timezone()
    length = dt.timedelta(minutes=minutes)
    first = timezone.make_aware(dt.datetime.combine(day, start), zone)
    last = timezone.make_aware(dt.datetime.combine(day, end), zone)
    slots = []
    moment = first
    while moment + length <= last:
        if not any(b_start < moment + length and moment < b_end for b_start, b_end in blocked):
            slots.append(moment)
        moment += length
    taken, planned, left_out = set(), [], []
    booked = defaultdict(list)  # a detainee with two applications is not given two slots at once
    for enrolment in enrolments:
        person = enrolment.detainee_id
        slot = next((s for s in slots if s not in taken and busy.free(person, s, s + length)
                     and not any(b < s + length and s < b + length for b in booked[person])), None)
        if slot is None:
            left_out.append(enrolment)
            continue
        taken.add(slot)
        booked[person].append(slot)
        planned.append(PlannedInterview(enrolment, slot))
    return planned, left_out


def plan_round(*, applications: list[int], scope, day: dt.date, start: dt.time, end: dt.time, minutes: int,
               screener, room=None, by) -> list[Interview]:
    """Schedule an interview for each application (ids, from `scope`: those the user may see) in the first
    free slot of the morning, all or none. Refusals name the field or the row."""
    errors = {}
    if day < timezone.localdate():
        errors["day"] = _("Choose today or a later day.")
    if not (SLOT_MINUTES[0] <= minutes <= SLOT_MINUTES[1]):
        errors["minutes"] = _("An interview lasts from %(low)s to %(high)s minutes.") % {
            "low": SLOT_MINUTES[0], "high": SLOT_MINUTES[1]}
    if end <= start:
        errors["end"] = _("The round ends before it starts.")
    if not applications:
        errors["applications"] = _("Tick at least one application.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        # One round at a time per screener, and the applications locked, so that two rounds planned at once
        # neither share the screener's slots nor give one application two interviews; then checked again.
        get_user_model().objects.select_for_update().filter(pk=screener.pk).first()
        list(Enrolment.objects.select_for_update().filter(pk__in=applications).order_by("pk").values_list("pk"))
        chosen = _chosen(applications, scope, by)
        detainee = chosen[0].detainee
        _check_screener(screener, detainee)
        if room is not None and room.site_id != detainee.site_id:
            raise ValidationError({"room": _("Choose a room at this detainee's site.")})
        order = sorted(chosen, key=lambda e: (e.detainee.unit.code if e.detainee.unit else "", e.detainee.last_name,
                                              e.detainee.first_name, e.pk))
        # the screener's other interviews that day (taken to last as long as these) are not free either
        zone = timezone.get_current_timezone()
        day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
        length = dt.timedelta(minutes=minutes)
        blocked = [(moment, moment + length) for moment in Interview.objects.filter(
            screener=screener, status=InterviewStatus.SCHEDULED, scheduled_at__gte=day_start,
            scheduled_at__lt=day_start + dt.timedelta(days=1)).values_list("scheduled_at", flat=True)]
        planned, left_out = plan_slots(order, day, start, end, minutes, busy_on(day, [e.detainee for e in order]),
                                       blocked)
        if left_out:
            raise ValidationError({"applications": ngettext(
                "%(count)d of them finds no free slot between %(start)s and %(end)s (their commitments, sessions, "
                "unit's times and the screener's other interviews): end later or untick some.",
                "%(count)d of them find no free slot between %(start)s and %(end)s (their commitments, sessions, "
                "unit's times and the screener's other interviews): end later or untick some.",
                len(left_out)) % {"count": len(left_out), "start": start.strftime("%H:%M"),
                                  "end": end.strftime("%H:%M")}})
        interviews = Interview.objects.bulk_create([
            Interview(detainee=item.enrolment.detainee, enrolment=item.enrolment, scheduled_at=item.starts_at,
                      screener=screener, room=room, created_by=by)
            for item in planned])
        audit.record_each(by, AuditAction.CREATE, interviews, object_type="screening.interview",
                          detail="screening round")
    return interviews


def _chosen(applications: list[int], scope, by) -> list[Enrolment]:
    """The applications of a round, each still waiting for screening, in `scope` and of a site `by` screens,
    all at one site; else the refusal naming the row."""
    found = {e.pk: e for e in awaiting_screening(scope.filter(pk__in=applications))}
    rows = []
    for row, pk in enumerate(applications, start=1):
        enrolment = found.get(pk)
        if enrolment is None:
            rows.append(_("Row %(row)s: application %(id)s is not waiting for a screening interview among those "
                          "you may see.") % {"row": row, "id": pk})
        elif not by.has_perm("screening.change_interview", enrolment.detainee):
            rows.append(_("Row %(row)s: you may not screen the detainees of this site.") % {"row": row})
    if rows:
        raise ValidationError({"applications": rows})
    chosen = [found[pk] for pk in dict.fromkeys(applications)]
    if len({e.detainee.site_id for e in chosen}) > 1:
        raise ValidationError({"applications": _("A round is at one site: tick applications of one site.")})
    return chosen


def interviews_on(interviews, site, day: dt.date):
    """The scheduled interviews of a site on a day, in time order, with what the list and invitations show."""
    zone = timezone.get_current_timezone()
    day_start = timezone.make_aware(dt.datetime.combine(day, dt.time.min), zone)
    return (interviews.filter(detainee__site=site, status=InterviewStatus.SCHEDULED, scheduled_at__gte=day_start,
                              scheduled_at__lt=day_start + dt.timedelta(days=1))
            .select_related("detainee__unit", "screener", "room__building", "enrolment__cycle__activity")
            .prefetch_related("detainee__languages")
            .order_by("scheduled_at", "detainee__last_name", "id"))


def record_printed(user, interviews, what: str) -> None:
    """The day's list and invitations read detainee data: one audit entry per person, ids only."""
    audit.record_each(user, AuditAction.VIEW, interviews, object_type="screening.interview", detail=what)


@dataclass
class DayOutcome:
    """What happened at one interview of the day, as the day's form or the API gives it."""

    interview: int
    status: str
    outcome: str = ""
    reason: str = ""


def record_day_outcomes(user, interviews, outcomes: list[DayOutcome]) -> list[Interview]:
    """The outcomes of a morning of interviews at once, all or none; each refusal names the row (the
    person's prison number). `interviews`: those the user may see. Confidential notes stay on each
    interview's own page."""
    found = {i.pk: i for i in interviews.filter(pk__in=[o.interview for o in outcomes]).select_related("detainee")}
    errors, saved = [], []
    with transaction.atomic():
        for row, item in enumerate(outcomes, start=1):
            interview = found.get(item.interview)
            if interview is None:
                errors.append(_("Row %(row)s: no interview %(id)s among those you may see.") % {
                    "row": row, "id": item.interview})
                continue
            if not user.has_perm("screening.change_interview", interview):
                errors.append(_("Row %(row)s: you may not record this interview.") % {"row": row})
                continue
            try:
                saved.append(record_outcome(interview, status=item.status, outcome=item.outcome, reason=item.reason,
                                            by=user))
            except ValidationError as error:
                errors.extend(_("Row %(row)s (%(number)s): %(message)s") % {
                    "row": row, "number": interview.detainee.prison_number, "message": message}
                    for message in error.messages)
        if errors:
            transaction.set_rollback(True)
    if errors:
        raise ValidationError({"outcomes": errors})
    return saved
