"""Step 11, evaluating and adjusting the offer: a term's indicators per cycle, per kind of
activity and per target group, and the signals that suggest adjusting a cycle.

Everything is counted in a fixed number of queries whatever the size of the term; the page, the
API and the spreadsheet read the same `TermIndicators`. Counts only: no names, no numbers.
"""
import datetime as dt
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from activities.models import (
    ActivityKind,
    CancellationReason,
    Cycle,
    CycleStatus,
    ProblemKind,
    Session,
    SessionProblem,
    SessionStatus,
    TargetGroup,
    Term,
    cancellation_text,
)
from core import rules as access
from prisons.models import Gender, LegalRegime, Population
from prisons.selectors import held_during

from .evaluation_sheets import MIN_SHEETS, RATED_QUESTIONS, SheetSummary, summaries
from .feedback import COMPLETED, DEPARTURES
from .models import (
    AbsenceReason,
    ApplicationAnswer,
    Attendance,
    AttendanceStatus,
    CycleReview,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    FeedbackInterview,
    FeedbackTopic,
    LeavingReason,
    Rating,
    WouldReturn,
)

# When a cycle's numbers suggest adjusting it. A rate is judged only on enough people or register
# lines that one person does not swing it.
LOW_FILL = 0.5
LONG_WAITING_LIST = 0.5
LOW_ATTENDANCE = 0.6
HIGH_DROPOUT = 0.3
MANY_CANCELLED = 0.2
OFTEN_MOVED = 0.25  # of the sessions planned, moved to another time or room after planning
FEW_LIKED = 0.5  # of the participants' sheets that answer "did you like the activity?"
MIN_REGISTER_LINES = 10
MIN_ENROLLED = 4
MIN_PAST_SESSIONS = 3
ATTENDANCE_FALL = 0.15  # fifteen points under the same activity's previous term

GENDER_GROUP = {Gender.MALE: TargetGroup.MEN, Gender.FEMALE: TargetGroup.WOMEN}
EVERYONE = "all"
LEGAL_GROUPS = {TargetGroup.REMAND, TargetGroup.SENTENCED, TargetGroup.INTERNED}
POPULATION_GROUP = {Population.MEN: TargetGroup.MEN, Population.WOMEN: TargetGroup.WOMEN}



def cancellation_heading(code: str, details: str) -> str:
    """Where a cancelled session is counted: under its reason, in the reader's language ("Strike", whatever
    was added after it); "Other" is counted with what was said of it."""
    if code and code != CancellationReason.OTHER:
        return str(CancellationReason(code).label)
    return cancellation_text(code, details) or str(_("No reason given"))

def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return _("%(number)s%%") % {"number": number_format(round(100 * value))}


class WithAttendanceRate:
    """For figures that count `present` and `absent` register lines."""

    @property
    def attendance_rate(self) -> float | None:
        return rate(self.present, self.present + self.absent)


@dataclass(frozen=True)
class Signal:
    """A reason to look again at a cycle, with what a coordinator may change."""

    code: str
    message: str


@dataclass(frozen=True)
class PreviousRecord:
    """How the same activity's cycles did in the site's previous term, for comparison."""

    term: Term
    fill_rate: float | None
    attendance_rate: float | None
    dropout_rate: float | None


@dataclass
class CycleIndicators(WithAttendanceRate):
    cycle: Cycle
    applications: int = 0
    declined: int = 0
    waiting: int = 0
    enrolled_now: int = 0
    enrolled_ever: int = 0
    completed: int = 0
    left_prison: int = 0
    dropouts: int = 0
    interviewed: int = 0
    problems: int = 0
    previous: PreviousRecord | None = None
    review: CycleReview | None = None
    dropout_reasons: Counter = field(default_factory=Counter)
    sessions_planned: int = 0
    sessions_past: int = 0
    sessions_cancelled: int = 0
    sessions_cancelled_past: int = 0
    sessions_moved: int = 0  # not cancelled, but no longer when or where first planned
    hours_held: float = 0.0
    present: int = 0
    absent: int = 0
    absence_reasons: Counter = field(default_factory=Counter)
    leaving_reasons: Counter = field(default_factory=Counter)
    sheets: SheetSummary = field(default_factory=SheetSummary)
    signals: list[Signal] = field(default_factory=list)
    days_to_decision: list[int] = field(default_factory=list)  # per application decided: request to decision
    answered_in_writing: int = 0  # applications with at least one written answer handed out

    @property
    def median_days_to_decision(self) -> float | None:
        """How long an applicant waited for a decision (waiting list, enrolled or declined), middle value."""
        return statistics.median(self.days_to_decision) if self.days_to_decision else None

    @property
    def answered_rate(self) -> float | None:
        return rate(self.answered_in_writing, self.applications)

    @property
    def places_taken(self) -> int:
        """Those enrolled now; once a cycle is finished and everyone has left, those who were."""
        return self.enrolled_ever if self.cycle.status == CycleStatus.FINISHED else self.enrolled_now

    @property
    def fill_rate(self) -> float | None:
        return rate(self.places_taken, self.cycle.capacity)

    @property
    def dropout_rate(self) -> float | None:
        return rate(self.dropouts, self.enrolled_ever)

    @property
    def cancellation_rate(self) -> float | None:
        return rate(self.sessions_cancelled_past, self.sessions_past + self.sessions_cancelled_past)


@dataclass
class GroupIndicators(WithAttendanceRate):
    """A target group of the term's site: who was held there, who applied, who took part."""

    group: str
    held: int = 0
    applicants: int = 0
    participants: int = 0
    dropouts: int = 0
    present: int = 0
    absent: int = 0
    places_open: int = 0  # places of the term's cycles open to at least one unit of the group

    @property
    def label(self) -> str:
        return _("Everyone") if self.group == EVERYONE else str(TargetGroup(self.group).label)

    @property
    def places_per_hundred(self) -> float | None:
        """Places open to the group for every hundred of its detainees held at the site."""
        return None if not self.held else 100 * self.places_open / self.held

    @property
    def reach(self) -> float | None:
        return rate(self.participants, self.held)


@dataclass
class KindIndicators(WithAttendanceRate):
    kind: str
    cycles: int = 0
    places: int = 0
    places_taken: int = 0
    present: int = 0
    absent: int = 0

    @property
    def label(self) -> str:
        return str(ActivityKind(self.kind).label)

    @property
    def fill_rate(self) -> float | None:
        return rate(self.places_taken, self.places)


@dataclass
class PartnerIndicators(WithAttendanceRate):
    """What a partner organisation's activities delivered in the term: for its own reports."""

    name: str
    partner_id: int | None = None
    cycles: int = 0
    sessions_held: int = 0
    hours_held: float = 0.0
    participants: int = 0
    present: int = 0
    absent: int = 0


@dataclass
class TermIndicators:
    term: Term
    counted_until: dt.date
    cycles: list[CycleIndicators]
    groups: list[GroupIndicators]
    kinds: list[KindIndicators]
    absence_reasons: list[tuple[str, int]]
    leaving_reasons: list[tuple[str, int]]
    cancellation_reasons: list[tuple[str, int]]
    feedback_topics: list[tuple[str, int]]
    would_return: list[tuple[str, int]]
    problem_kinds: list[tuple[str, int]]
    partners: list[PartnerIndicators]

    @property
    def interviews(self) -> int:
        return sum(n for _label, n in self.would_return)

    @property
    def signalled(self) -> list[CycleIndicators]:
        return [row for row in self.cycles if row.signals]


def term_indicators(term: Term, now: dt.datetime | None = None, *, compare: bool = True) -> TermIndicators:
    """The indicators of `term` as of `now` (sessions before it count as past); with `compare`, each
    cycle also carries its activity's record in the site's previous term."""
    now = now or timezone.now()
    counted_until = min(term.last_date, timezone.localdate(now))
    cycles = list(
        Cycle.objects.filter(term=term).select_related("activity__partner").order_by("activity__kind", "code")
    )
    rows = {cycle.pk: CycleIndicators(cycle) for cycle in cycles}
    leaving_reasons = {reason.pk: reason for reason in LeavingReason.objects.all()}

    enrolments = list(
        Enrolment.objects.filter(cycle__term=term).values_list(
            "id", "cycle_id", "detainee_id", "detainee__gender", "detainee__legal_status", "status", "enrolled_on",
            "leaving_reason_id",
        )
    )
    people: dict[int, dict] = {}
    dropouts = set()
    partner_people: dict[int, set[int]] = defaultdict(set)
    for pk, cycle_id, detainee_id, gender, legal_status, status, enrolled_on, leaving_id in enrolments:
        row = rows[cycle_id]
        person = people.setdefault(detainee_id, {
            "gender": gender, "legal_status": legal_status, "participant": False, "dropout": False,
        })
        row.applications += 1
        was_enrolled = enrolled_on is not None or status == EnrolmentStatus.ENROLLED
        row.declined += status == EnrolmentStatus.DECLINED
        row.waiting += status == EnrolmentStatus.APPROVED
        row.enrolled_now += status == EnrolmentStatus.ENROLLED
        row.enrolled_ever += was_enrolled
        person["participant"] |= was_enrolled
        if was_enrolled and row.cycle.activity.partner_id:
            partner_people[row.cycle.activity.partner_id].add(detainee_id)
        reason = leaving_reasons.get(leaving_id)
        left = _how_they_left(status, enrolled_on, reason.code if reason else None)
        if left == "completed":
            row.completed += 1
        elif left is not None:
            label = reason.label() if reason else _("No reason given")
            row.leaving_reasons[label] += 1
            if left == "left_prison":
                row.left_prison += 1
                continue
            row.dropout_reasons[label] += 1
            row.dropouts += 1
            dropouts.add(pk)
            person["dropout"] = True

    # the first change out of "pending" is the decision; requests and decisions in Brussels days
    for cycle_id, requested_on, decided_at in EnrolmentEvent.objects.filter(
            enrolment__cycle__term=term, from_status=EnrolmentStatus.PENDING).values("enrolment_id").annotate(
            decided_at=Min("at")).values_list("enrolment__cycle_id", "enrolment__requested_on", "decided_at"):
        rows[cycle_id].days_to_decision.append(max(0, (timezone.localdate(decided_at) - requested_on).days))
    for cycle_id, answered in ApplicationAnswer.objects.filter(enrolment__cycle__term=term).values(
            "enrolment__cycle_id").annotate(answered=Count("enrolment", distinct=True)).values_list(
            "enrolment__cycle_id", "answered"):
        rows[cycle_id].answered_in_writing = answered

    for values in Session.objects.filter(cycle__term=term).values("cycle_id").annotate(
        planned=Count("id", filter=~Q(status=SessionStatus.CANCELLED)),
        past=Count("id", filter=~Q(status=SessionStatus.CANCELLED) & Q(starts_at__lt=now)),
        cancelled=Count("id", filter=Q(status=SessionStatus.CANCELLED)),
        cancelled_past=Count("id", filter=Q(status=SessionStatus.CANCELLED) & Q(starts_at__lt=now)),
        moved=Count("id", filter=~Q(status=SessionStatus.CANCELLED) & Q(moved_from_starts_at__isnull=False)),
        time_held=Sum(ExpressionWrapper(F("ends_at") - F("starts_at"), output_field=DurationField()),
                      filter=~Q(status=SessionStatus.CANCELLED) & Q(starts_at__lt=now)),
    ):
        row = rows[values["cycle_id"]]
        row.sessions_planned, row.sessions_past = values["planned"], values["past"]
        row.sessions_cancelled = values["cancelled"]
        row.sessions_cancelled_past = values["cancelled_past"]
        row.sessions_moved = values["moved"]
        row.hours_held = (values["time_held"] or dt.timedelta()).total_seconds() / 3600
    cancellation_reasons = Counter()
    for values in (Session.objects.filter(cycle__term=term, status=SessionStatus.CANCELLED)
                   .values("cancellation_code", "cancellation_details").annotate(n=Count("id"))):
        cancellation_reasons[cancellation_heading(values["cancellation_code"], values["cancellation_details"])] += \
            values["n"]

    # A cancelled session is nobody's absence: those register lines are left out of every rate.
    lines = (
        Attendance.objects.filter(session__cycle__term=term)
        .exclude(absence_reason=AbsenceReason.SESSION_CANCELLED)
        .values_list("session__cycle_id", "enrolment__detainee_id", "status", "absence_reason")
        .annotate(n=Count("id"))
    )
    attendance_by_person: dict[int, Counter] = defaultdict(Counter)
    absence_labels = dict(AbsenceReason.choices)
    for cycle_id, detainee_id, status, reason, n in lines:
        row = rows[cycle_id]
        if status == AttendanceStatus.PRESENT:
            row.present += n
        else:
            row.absent += n
            row.absence_reasons[str(absence_labels.get(reason, _("No reason given")))] += n
        attendance_by_person[detainee_id][status] += n

    topics, would_return = Counter(), Counter()
    interviewed = set()
    for enrolment_id, cycle_id, said, answer in FeedbackInterview.objects.filter(
        enrolment__cycle__term=term,
    ).values_list("enrolment_id", "enrolment__cycle_id", "topics", "would_return"):
        topics.update(said)
        would_return[answer] += 1
        if enrolment_id in dropouts and enrolment_id not in interviewed:
            interviewed.add(enrolment_id)
            rows[cycle_id].interviewed += 1
    problem_kinds = Counter()
    for cycle_id, kind in SessionProblem.objects.filter(session__cycle__term=term).values_list(
        "session__cycle_id", "kind",
    ):
        rows[cycle_id].problems += 1
        problem_kinds[str(ProblemKind(kind).label)] += 1
    for review in CycleReview.objects.filter(cycle__term=term).select_related("reviewed_by"):
        rows[review.cycle_id].review = review
    for cycle_id, summary in summaries(rows).items():
        rows[cycle_id].sheets = summary
    records = previous_records(term, now) if compare else {}
    for row in rows.values():
        row.previous = records.get(row.cycle.activity_id)
        row.signals = signals(row)
    groups = _groups(term, counted_until, people, attendance_by_person)
    _places_open(term, rows, groups)
    return TermIndicators(
        term=term,
        counted_until=counted_until,
        cycles=list(rows.values()),
        groups=groups,
        kinds=_kinds(rows.values()),
        absence_reasons=_ranked(_sum_counters(row.absence_reasons for row in rows.values())),
        leaving_reasons=_ranked(_sum_counters(row.leaving_reasons for row in rows.values())),
        cancellation_reasons=_ranked(cancellation_reasons),
        feedback_topics=_ranked(Counter({str(FeedbackTopic(code).label): n for code, n in topics.items()
                                         if code in FeedbackTopic.values})),
        would_return=[(str(WouldReturn(code).label), would_return[code]) for code in WouldReturn.values
                      if would_return[code]],
        problem_kinds=_ranked(problem_kinds),
        partners=_partners(rows.values(), partner_people),
    )


def previous_records(term: Term, now: dt.datetime) -> dict[int, PreviousRecord]:
    """Per activity, the rates of its cycles in the last term of the site that ended before `term`."""
    previous = (Term.objects.filter(site=term.site_id, last_date__lt=term.first_date)
                .order_by("-last_date", "-pk").first())
    if previous is None:
        return {}
    sums = defaultdict(Counter)
    for row in term_indicators(previous, now, compare=False).cycles:
        sums[row.cycle.activity_id].update({
            "taken": row.places_taken, "places": row.cycle.capacity, "present": row.present, "absent": row.absent,
            "dropouts": row.dropouts, "enrolled": row.enrolled_ever,
        })
    return {
        activity: PreviousRecord(
            term=previous, fill_rate=rate(total["taken"], total["places"]),
            attendance_rate=rate(total["present"], total["present"] + total["absent"]),
            dropout_rate=rate(total["dropouts"], total["enrolled"]),
        )
        for activity, total in sums.items()
    }


def _ranked(counter: Counter) -> list[tuple[str, int]]:
    """Most frequent first; equal counts in alphabetical order, so the tables do not reshuffle."""
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def _sum_counters(counters) -> Counter:
    total = Counter()
    for counter in counters:
        total.update(counter)
    return total


def _groups(term, counted_until, people, attendance_by_person) -> list[GroupIndicators]:
    """Target groups: men and women by the population of the unit they were held in (by gender for
    someone with no placement on record), remand, sentenced and interned by legal status."""
    held_in = {
        detainee_id: ({POPULATION_GROUP[population] for population in populations}, legal_status)
        for detainee_id, (populations, legal_status) in held_during(term.site, term.first_date, counted_until).items()
    }

    def groups_of(detainee_id, gender, legal_status) -> set[str]:
        sexes = held_in[detainee_id][0] if detainee_id in held_in else {GENDER_GROUP.get(gender)} - {None}
        return {EVERYONE, *sexes, legal_status}

    by_group = {name: GroupIndicators(name) for name in (EVERYONE, *TargetGroup.values)}
    for sexes, legal_status in held_in.values():
        for name in {EVERYONE, *sexes, legal_status}:
            by_group[name].held += 1
    for detainee_id, person in people.items():
        for name in groups_of(detainee_id, person["gender"], person["legal_status"]):
            group = by_group[name]
            group.applicants += 1
            group.participants += person["participant"]
            group.dropouts += person["dropout"]
            group.present += attendance_by_person[detainee_id][AttendanceStatus.PRESENT]
            group.absent += attendance_by_person[detainee_id][AttendanceStatus.ABSENT]
    return list(by_group.values())


def _partners(rows, people: dict[int, set[int]]) -> list[PartnerIndicators]:
    """Per partner organisation of the activities, by name; each participant counted once."""
    partners: dict[str, PartnerIndicators] = {}
    for row in rows:
        partner = row.cycle.activity.partner
        if partner is None:
            continue
        totals = partners.setdefault(partner.name, PartnerIndicators(partner.name, partner.pk))
        totals.cycles += 1
        totals.sessions_held += row.sessions_past
        totals.hours_held += row.hours_held
        totals.present += row.present
        totals.absent += row.absent
    for row in rows:
        partner = row.cycle.activity.partner
        if partner is not None:
            partners[partner.name].participants = len(people[partner.pk])
    return [partners[name] for name in sorted(partners)]


def _places_open(term, rows, groups) -> None:
    """How many places each target group could apply for: a cycle counts for every group one of its
    eligible units houses (a unit of mixed legal regime houses all three legal groups)."""
    offered = {cycle_id for cycle_id, row in rows.items() if row.cycle.status not in
               (CycleStatus.DRAFT, CycleStatus.CANCELLED)}
    open_to: dict[int, set[str]] = defaultdict(set)
    for cycle_id, population, regime in Cycle.eligible_units.through.objects.filter(
        cycle__term=term,
    ).values_list("cycle_id", "unit__population", "unit__legal_regime"):
        legal = LEGAL_GROUPS if regime == LegalRegime.MIXED else {regime}
        open_to[cycle_id] |= {EVERYONE, POPULATION_GROUP[population], *legal}
    by_group = {group.group: group for group in groups}
    for cycle_id in offered:
        for name in open_to[cycle_id]:
            by_group[name].places_open += rows[cycle_id].cycle.capacity


def _kinds(rows) -> list[KindIndicators]:
    kinds = {kind: KindIndicators(kind) for kind in ActivityKind.values}
    for row in rows:
        kind = kinds[row.cycle.activity.kind]
        kind.cycles += 1
        kind.places += row.cycle.capacity
        kind.places_taken += row.places_taken
        kind.present += row.present
        kind.absent += row.absent
    return [kind for kind in kinds.values() if kind.cycles]


def signals(row: CycleIndicators) -> list[Signal]:
    """What in a cycle's numbers calls for a change, each with the change to consider."""
    found = []
    cycle = row.cycle
    if cycle.status in (CycleStatus.CANCELLED, CycleStatus.DRAFT):
        return found
    if row.fill_rate is not None and row.fill_rate < LOW_FILL and cycle.status != CycleStatus.OPEN:
        found.append(Signal("low_fill", _(
            "Only %(enrolled)s of %(capacity)s places are taken: publicise the cycle again, open it "
            "to more units or offer fewer places."
        ) % {"enrolled": row.places_taken, "capacity": cycle.capacity}))
    if row.waiting >= max(1, LONG_WAITING_LIST * cycle.capacity):
        found.append(Signal("long_waiting_list", ngettext(
            "%(waiting)s person waits for a place (capacity %(capacity)s): consider a second cycle "
            "or a larger room.",
            "%(waiting)s people wait for a place (capacity %(capacity)s): consider a second cycle "
            "or a larger room.",
            row.waiting,
        ) % {"waiting": row.waiting, "capacity": cycle.capacity}))
    lines = row.present + row.absent
    if lines >= MIN_REGISTER_LINES and row.attendance_rate < LOW_ATTENDANCE:
        reason, count = _ranked(row.absence_reasons)[0]
        found.append(Signal("low_attendance", _(
            "Attendance is %(rate)s; the most frequent reason for absence is “%(reason)s” (%(count)s "
            "times): look at the time slot, escorts and clashes with work or visits."
        ) % {"rate": percent(row.attendance_rate), "reason": reason, "count": count}))
    before = row.previous.attendance_rate if row.previous else None
    if (lines >= MIN_REGISTER_LINES and before is not None and row.attendance_rate >= LOW_ATTENDANCE
            and before - row.attendance_rate >= ATTENDANCE_FALL):
        found.append(Signal("attendance_fell", _(
            "Attendance fell from %(before)s in %(term)s to %(now)s: ask the facilitators and the "
            "units what changed."
        ) % {"before": percent(before), "term": row.previous.term.name, "now": percent(row.attendance_rate)}))
    if row.enrolled_ever >= MIN_ENROLLED and row.dropout_rate >= HIGH_DROPOUT:
        reason, _count = _ranked(row.dropout_reasons)[0]
        found.append(Signal("high_dropout", _(
            "%(dropouts)s of %(enrolled)s participants dropped out (%(rate)s), most often “%(reason)s”: "
            "hold feedback interviews with them before the next cycle."
        ) % {"dropouts": row.dropouts, "enrolled": row.enrolled_ever, "rate": percent(row.dropout_rate),
             "reason": reason}))
    past = row.sessions_past + row.sessions_cancelled_past
    if past >= MIN_PAST_SESSIONS and row.cancellation_rate >= MANY_CANCELLED:
        found.append(Signal("many_cancelled", _(
            "%(cancelled)s of %(sessions)s sessions so far were cancelled: check the room, the "
            "facilitators' availability and the escorts for this slot."
        ) % {"cancelled": row.sessions_cancelled_past, "sessions": past}))
    if row.sessions_planned >= MIN_PAST_SESSIONS and row.sessions_moved / row.sessions_planned >= OFTEN_MOVED:
        found.append(Signal("often_moved", _(
            "%(moved)s of %(planned)s sessions were moved to another time or room after planning: agree a steadier "
            "slot and room with the prison for the next cycle, and tell the participants."
        ) % {"moved": row.sessions_moved, "planned": row.sessions_planned}))
    answered = sum(row.sheets.ratings["liked"].values())
    if answered >= MIN_SHEETS and row.sheets.liked_share < FEW_LIKED:
        found.append(Signal("few_liked", _(
            "Only %(good)s of the %(answered)s participants who answered on their sheet liked the activity: "
            "read what they would change, with the facilitators."
        ) % {"good": row.sheets.ratings["liked"][Rating.GOOD], "answered": answered}))
    return found


def terms_to_evaluate(terms, today: dt.date | None = None):
    """The terms worth evaluating, newest first: those that have started."""
    today = today or timezone.localdate()
    return terms.filter(first_date__lte=today).order_by("-first_date", "site__code")


def signalled_cycles_now(terms, today: dt.date | None = None) -> int:
    """How many cycles of the terms under way today have a signal (the home page's count)."""
    today = today or timezone.localdate()
    current = terms.filter(first_date__lte=today, last_date__gte=today)
    return sum(len(term_indicators(term).signalled) for term in current)


def own_cycles(user, today: dt.date | None = None) -> list[CycleIndicators]:
    """How the groups a facilitator leads in the terms under way are doing: those enrolled now,
    sessions so far, attendance, dropouts and evaluation sheets returned, in five queries and
    counts only."""
    today = today or timezone.localdate()
    now = timezone.now()
    rows = {cycle.pk: CycleIndicators(cycle) for cycle in access.visible_cycles(user).filter(
        term__first_date__lte=today, term__last_date__gte=today,
    ).exclude(status__in=[CycleStatus.DRAFT, CycleStatus.CANCELLED]).order_by("term__first_date", "code")}
    if not rows:
        return []
    for cycle_id, status, enrolled_on, code in Enrolment.objects.filter(cycle__in=rows).values_list(
        "cycle_id", "status", "enrolled_on", "leaving_reason__code",
    ):
        row = rows[cycle_id]
        row.enrolled_now += status == EnrolmentStatus.ENROLLED
        row.dropouts += _how_they_left(status, enrolled_on, code) == "dropout"
    for cycle_id, past in Session.objects.filter(
        cycle__in=rows, starts_at__lt=now,
    ).exclude(status=SessionStatus.CANCELLED).values_list("cycle_id").annotate(n=Count("id")):
        rows[cycle_id].sessions_past = past
    for cycle_id, status, n in Attendance.objects.filter(session__cycle__in=rows).exclude(
        absence_reason=AbsenceReason.SESSION_CANCELLED,
    ).values_list("session__cycle_id", "status").annotate(n=Count("id")):
        if status == AttendanceStatus.PRESENT:
            rows[cycle_id].present += n
        else:
            rows[cycle_id].absent += n
    for cycle_id, summary in summaries(rows).items():
        rows[cycle_id].sheets = summary
    return list(rows.values())


def _how_they_left(status: str, enrolled_on, leaving_code: str | None) -> str | None:
    """"completed", "left_prison" or "dropout" for someone enrolled who left the cycle; else None."""
    if status not in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REMOVED) or enrolled_on is None:
        return None
    if leaving_code == COMPLETED:
        return "completed"
    return "left_prison" if leaving_code in DEPARTURES else "dropout"


@dataclass
class PartnerReport:
    """One partner organisation's part of a term, to send it: its figures, its cycles, and what
    its sessions covered (the session logs). Counts and content only, never a participant's name."""

    data: TermIndicators
    partner: object
    totals: PartnerIndicators
    cycles: list[CycleIndicators]
    logs: list
    facilitator_hours: list = field(default_factory=list)  # (facilitator, sessions led, hours), most hours first

    @property
    def questions(self) -> list[str]:
        """The questions of the participants' evaluation sheets, as the report's column headings."""
        return [str(question) for _name, question in RATED_QUESTIONS]


def partner_report(term: Term, partner, now: dt.datetime | None = None) -> PartnerReport | None:
    """None when none of the term's cycles is the partner's."""
    from activities.models import SessionLog
    from scheduling.calendars import session_facilitators

    now = now or timezone.now()
    data = term_indicators(term, now, compare=False)
    totals = next((row for row in data.partners if row.partner_id == partner.pk), None)
    if totals is None:
        return None
    logs = list(SessionLog.objects.filter(session__cycle__term=term, session__cycle__activity__partner=partner)
                .select_related("session__cycle__activity").order_by("session__starts_at"))
    # The hours each facilitator gave (volunteer hours are what partners report to their funders).
    held = (Session.objects.filter(cycle__term=term, cycle__activity__partner=partner, starts_at__lt=now)
            .exclude(status=SessionStatus.CANCELLED).prefetch_related("facilitators", "cycle__facilitators"))
    given = {}
    for session in held:
        hours = (session.ends_at - session.starts_at).total_seconds() / 3600
        for facilitator in session_facilitators(session):
            sessions, total = given.get(facilitator, (0, 0.0))
            given[facilitator] = (sessions + 1, total + hours)
    facilitator_hours = sorted(((f, n, round(h, 1)) for f, (n, h) in given.items()),
                               key=lambda row: (-row[2], row[0].last_name, row[0].first_name))
    return PartnerReport(data=data, partner=partner, totals=totals, logs=logs, facilitator_hours=facilitator_hours,
                         cycles=[row for row in data.cycles if row.cycle.activity.partner_id == partner.pk])
