"""Registers on paper (steps 9 and 10): outside volunteers usually may not bring a phone into the
prison, so the register is ticked on a printed sheet and typed in afterwards, by them or a coordinator.

One sheet per session: the activity, day, times, room, facilitators and the units coming; the
participants expected that day (first name, prison number and unit: what a facilitator may see, since
the sheet goes in with them), numbered as on the register page so typing in goes row by row; boxes for
present, absent, late or left early and the absence reason's number; what the last session left to
prepare; lines for what was done, what to prepare next time and any problem. A fixed number of queries
for a whole day of a site.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils import timezone

from activities.models import Facilitator, Session, SessionLog, SessionStatus

from .attendance import expected_enrolments_q
from .models import AbsenceReason, Enrolment

# the reasons a facilitator can see for themselves; the others are set by Relais or the coordinators
REASONS_ON_PAPER = [choice for choice in AbsenceReason.choices
                    if choice[0] not in (AbsenceReason.SESSION_CANCELLED, AbsenceReason.TRANSFERRED,
                                         AbsenceReason.RELEASED)]


def paper_legend() -> list[tuple[int, str]]:
    """The absence reasons as the sheet numbers them: (number, label)."""
    return [(number, label) for number, (_value, label) in enumerate(REASONS_ON_PAPER, start=1)]


def numbered_reasons() -> list[tuple[str, str]]:
    """Every absence reason for the register's form, those on the paper legend with its number, so a
    sheet is typed in as it was ticked."""
    numbers = {value: number for number, (value, _label) in enumerate(REASONS_ON_PAPER, start=1)}
    return [(value, f"{numbers[value]} · {label}" if value in numbers else label)
            for value, label in AbsenceReason.choices]


def sessions_of_day(user, day: dt.date, site_id: int | None = None):
    """The scheduled sessions of a Brussels day whose registers the user may print (a coordinator's sites,
    a facilitator's own), narrowed to one site if given, in the order they start."""
    from core.rules import visible_sessions
    from scheduling.calendars import local_day_bounds

    start, end = local_day_bounds(day, day)
    sessions = visible_sessions(user).filter(starts_at__gte=start, starts_at__lt=end, status=SessionStatus.SCHEDULED)
    if site_id is not None:
        sessions = sessions.filter(cycle__term__site_id=site_id)
    return sessions.order_by("starts_at", "room__code", "pk")


@dataclass
class SheetRow:
    number: int
    first_name: str
    prison_number: str
    unit: str


@dataclass
class RegisterSheet:
    session: Session
    starts: dt.datetime
    ends: dt.datetime
    place: str
    facilitators: list[Facilitator]
    units: list[str]
    units_not_coming: list[str]
    rows: list[SheetRow] = field(default_factory=list)
    last_time: str = ""  # what the previous session's log left to prepare

    @property
    def cancelled(self) -> bool:
        return self.session.status == SessionStatus.CANCELLED


def register_sheets(sessions) -> list[RegisterSheet]:
    """The sheets of these sessions (a queryset), in their order. Seven queries for a day, whatever the number of sessions."""
    from scheduling.calendars import location_of, session_facilitators

    people = Facilitator.objects.select_related("partner")
    sessions = list(sessions.select_related("cycle__activity", "room__building").prefetch_related(
        Prefetch("facilitators", queryset=people), Prefetch("cycle__facilitators", queryset=people),
        "cycle__eligible_units", "cancelled_units"))
    by_day = defaultdict(set)
    for session in sessions:
        by_day[timezone.localdate(session.starts_at)].add(session.cycle_id)
    expected = defaultdict(list)  # (cycle, day) -> enrolments, in the register page's order
    for day, cycles in by_day.items():
        for enrolment in (Enrolment.objects.filter(expected_enrolments_q(day), cycle_id__in=cycles)
                          .select_related("detainee__unit")
                          .order_by("detainee__last_name", "detainee__first_name", "detainee__prison_number", "pk")):
            expected[enrolment.cycle_id, day].append(enrolment)
    last_logs = _last_logs(sessions)
    sheets = []
    for session in sessions:
        day = timezone.localdate(session.starts_at)
        not_coming = {unit.pk for unit in session.cancelled_units.all()}
        sheet = RegisterSheet(
            session=session, starts=timezone.localtime(session.starts_at), ends=timezone.localtime(session.ends_at),
            place=location_of(session), facilitators=session_facilitators(session),
            units=[u.code for u in session.cycle.eligible_units.all() if u.pk not in not_coming],
            units_not_coming=sorted(u.code for u in session.cancelled_units.all()),
            last_time=last_logs.get(session.pk, ""))
        for number, enrolment in enumerate(expected[session.cycle_id, day], start=1):
            detainee = enrolment.detainee
            sheet.rows.append(SheetRow(number, detainee.first_name, detainee.prison_number,
                                       detainee.unit.code if detainee.unit_id else ""))
        sheets.append(sheet)
    return sheets


def _last_logs(sessions) -> dict[int, str]:
    """For each session, what the log of its cycle's last earlier session left to prepare (one query)."""
    if not sessions:
        return {}
    logs = defaultdict(list)
    for cycle_id, starts_at, next_time in (
        SessionLog.objects.filter(session__cycle_id__in={s.cycle_id for s in sessions},
                                  session__starts_at__lt=max(s.starts_at for s in sessions))
        .order_by("session__starts_at").values_list("session__cycle_id", "session__starts_at", "next_time")
    ):
        logs[cycle_id].append((starts_at, next_time))
    notes = {}
    for session in sessions:
        earlier = [note for starts_at, note in logs[session.cycle_id] if starts_at < session.starts_at]
        if earlier and earlier[-1]:
            notes[session.pk] = earlier[-1]
    return notes
