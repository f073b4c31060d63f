"""A site's year in figures (step 11): what the coordinators send once a year to the direction, to
the Communities that fund the offer and to the partners, whatever the terms the year cut across.

The year is the calendar year in Brussels time: a session counts in the year it started, locally.
Counts only, no names; eight queries whatever the size of the year.
"""
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import ActivityKind, FacilitatorKind, Session, SessionStatus
from prisons.models import Gender, LegalStatus
from scheduling.calendars import session_facilitators
from surveys.models import Survey

from .indicators import WithAttendanceRate, _how_they_left, _ranked, cancellation_heading, rate
from .models import (
    AbsenceReason,
    Attendance,
    AttendanceStatus,
    Enrolment,
    EvaluationSheet,
    FeedbackInterview,
    Rating,
)

SEX_GROUP = {Gender.MALE: "men", Gender.FEMALE: "women"}


@dataclass
class YearLine(WithAttendanceRate):
    """The figures of one kind of activity, or of one partner organisation, over the year."""

    label: str
    cycles: set = field(default_factory=set)
    sessions: int = 0
    hours: float = 0.0
    participants: set = field(default_factory=set)
    present: int = 0
    absent: int = 0


@dataclass
class FacilitatorHours:
    """Who led the year's sessions, by kind of facilitator: volunteer hours are what partners report."""

    label: str
    people: set = field(default_factory=set)
    sessions: int = 0
    hours: float = 0.0


@dataclass
class YearReport(WithAttendanceRate):
    site: object
    year: int
    counted_until: dt.date
    sessions_held: int = 0
    sessions_cancelled: int = 0
    hours_held: float = 0.0
    cycles: set = field(default_factory=set)
    participants: set = field(default_factory=set)
    present: int = 0
    absent: int = 0
    groups: list = field(default_factory=list)  # (label, distinct participants)
    kinds: list = field(default_factory=list)
    partners: list = field(default_factory=list)
    facilitators: list = field(default_factory=list)
    cancellation_reasons: list = field(default_factory=list)
    completed: int = 0
    dropouts: int = 0
    left_prison: int = 0
    interviews: int = 0
    sheets_returned: int = 0
    sheets_liked: int = 0
    sheets_answered: int = 0
    surveys: int = 0
    survey_answers: int = 0

    @property
    def liked_share(self) -> float | None:
        return rate(self.sheets_liked, self.sheets_answered)

    @property
    def dropout_rate(self) -> float | None:
        """Dropouts, out of those who left a cycle in the year (release and transfer aside)."""
        return rate(self.dropouts, self.dropouts + self.completed)


def year_bounds(year: int) -> tuple[dt.datetime, dt.datetime]:
    """The year's first and next year's first instant, in Brussels time (stored as UTC)."""
    zone = ZoneInfo(settings.TIME_ZONE)
    return dt.datetime(year, 1, 1, tzinfo=zone), dt.datetime(year + 1, 1, 1, tzinfo=zone)


def years_with_sessions(site) -> list[int]:
    """The years the site has sessions in, newest first; this year if none yet."""
    span = Session.objects.filter(cycle__term__site=site).aggregate(first=Min("starts_at"), last=Max("starts_at"))
    today = timezone.localdate()
    if span["first"] is None:
        return [today.year]
    first, last = timezone.localtime(span["first"]).year, timezone.localtime(span["last"]).year
    return list(range(max(last, today.year), first - 1, -1))


def default_year(years: list[int]) -> int:
    """This year when the site has sessions in it (or none at all), else the latest."""
    this_year = timezone.localdate().year
    return this_year if this_year in years else years[0]


def year_report(site, year: int, now: dt.datetime | None = None) -> YearReport:
    """The site's figures for `year`, as of `now` (sessions after it are not held yet)."""
    now = now or timezone.now()
    start, end = year_bounds(year)
    until = min(end, max(now, start))
    report = YearReport(site=site, year=year, counted_until=min(dt.date(year, 12, 31), timezone.localdate(now)))
    kinds = {kind: YearLine(str(label)) for kind, label in ActivityKind.choices}
    partners: dict[int, YearLine] = {}
    helpers = {kind: FacilitatorHours(str(label)) for kind, label in FacilitatorKind.choices}
    cancellations = Counter()

    sessions = (Session.objects.filter(cycle__term__site=site, starts_at__gte=start, starts_at__lt=until)
                .select_related("cycle__activity__partner").prefetch_related("facilitators", "cycle__facilitators"))
    for session in sessions:
        if session.status == SessionStatus.CANCELLED:
            report.sessions_cancelled += 1
            cancellations[cancellation_heading(session.cancellation_code, session.cancellation_details)] += 1
            continue
        hours = (session.ends_at - session.starts_at).total_seconds() / 3600
        activity = session.cycle.activity
        lines = [kinds[activity.kind]]
        if activity.partner_id:
            lines.append(partners.setdefault(activity.partner_id, YearLine(activity.partner.name)))
        for line in lines:
            line.cycles.add(session.cycle_id)
            line.sessions += 1
            line.hours += hours
        report.sessions_held += 1
        report.hours_held += hours
        report.cycles.add(session.cycle_id)
        for facilitator in session_facilitators(session):
            helper = helpers[facilitator.kind]
            helper.people.add(facilitator.pk)
            helper.sessions += 1
            helper.hours += hours

    groups = {name: set() for name in ("men", "women", *LegalStatus.values)}
    attendance = (Attendance.objects.filter(session__cycle__term__site=site, session__starts_at__gte=start,
                                            session__starts_at__lt=until)
                  .exclude(session__status=SessionStatus.CANCELLED)
                  .exclude(absence_reason=AbsenceReason.SESSION_CANCELLED)
                  .values_list("session__cycle__activity__kind", "session__cycle__activity__partner_id",
                               "enrolment__detainee_id", "enrolment__detainee__gender",
                               "enrolment__detainee__legal_status", "status")
                  .annotate(n=Count("id")))
    for kind, partner_id, detainee_id, gender, legal_status, status, n in attendance:
        lines = [kinds[kind]] + ([partners[partner_id]] if partner_id in partners else [])
        if status == AttendanceStatus.PRESENT:
            report.present += n
            report.participants.add(detainee_id)
            for line in lines:
                line.present += n
                line.participants.add(detainee_id)
            for group in (SEX_GROUP.get(gender), legal_status):
                if group in groups:
                    groups[group].add(detainee_id)
        else:
            report.absent += n
            for line in lines:
                line.absent += n

    for status, enrolled_on, code in Enrolment.objects.filter(
        cycle__term__site=site, ended_on__gte=start.date(), ended_on__lt=end.date(),
    ).values_list("status", "enrolled_on", "leaving_reason__code"):
        left = _how_they_left(status, enrolled_on, code)
        report.completed += left == "completed"
        report.left_prison += left == "left_prison"
        report.dropouts += left == "dropout"
    report.interviews = FeedbackInterview.objects.filter(
        enrolment__cycle__term__site=site, held_on__gte=start.date(), held_on__lt=end.date()).count()
    for liked in EvaluationSheet.objects.filter(
        cycle__term__site=site, entered_at__gte=start, entered_at__lt=end,
    ).values_list("liked", flat=True):
        report.sheets_returned += 1
        report.sheets_answered += liked is not None
        report.sheets_liked += liked == Rating.GOOD
    surveys = Survey.objects.filter(site=site, closes_on__gte=start.date(), closes_on__lt=end.date()).annotate(
        answers=Count("responses", distinct=True)).values_list("answers", flat=True)
    report.surveys, report.survey_answers = len(surveys), sum(surveys)

    labels = {"men": _("Men"), "women": _("Women"), **dict(LegalStatus.choices)}
    report.groups = [(str(labels[name]), len(people)) for name, people in groups.items()]
    report.kinds = [line for line in kinds.values() if line.sessions or line.present or line.absent]
    report.partners = sorted(partners.values(), key=lambda line: (-line.hours, line.label))
    report.facilitators = [helper for helper in helpers.values() if helper.sessions]
    report.cancellation_reasons = _ranked(cancellations)
    return report
