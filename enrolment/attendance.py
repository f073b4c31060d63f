"""Attendance registers: who is expected at a session, recording, corrections with history.

A facilitator edits the register of their own session from the session's day until
`RELAIS_ATTENDANCE_EDIT_DAYS` days after it; coordinators of the site may correct it at any time.
Every write that changes a line leaves an `AttendanceChange` (before/after, who, when).
"""
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import Session, SessionStatus

from .models import (
    AbsenceReason,
    Attendance,
    AttendanceChange,
    AttendanceStatus,
    Enrolment,
    EnrolmentStatus,
)

TRACKED_FIELDS = ("status", "absence_reason", "reason_text", "late", "left_early")


# --- reads ---------------------------------------------------------------------------------------


def session_date(session: Session) -> dt.date:
    """The session's day in Europe/Brussels."""
    return timezone.localdate(session.starts_at)


def edit_deadline(session: Session) -> dt.date:
    """The last day a facilitator may still change the register."""
    return session_date(session) + dt.timedelta(days=settings.RELAIS_ATTENDANCE_EDIT_DAYS)


def facilitator_may_edit(session: Session, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        session.status != SessionStatus.CANCELLED
        and session_date(session) <= today <= edit_deadline(session)
    )


def closed_to_facilitators_because(session: Session, today: dt.date | None = None) -> str:
    """Why a facilitator cannot edit this register now ("" when they can)."""
    today = today or timezone.localdate()
    if session.status == SessionStatus.CANCELLED:
        return str(_("The session was cancelled: everyone is marked “session cancelled”."))
    if today < session_date(session):
        return str(_("The register opens on the day of the session."))
    if today > edit_deadline(session):
        return str(
            _("The register was locked on %(date)s. Ask a coordinator to correct it.")
            % {"date": (edit_deadline(session) + dt.timedelta(days=1)).isoformat()}
        )
    return ""


def expected_enrolments_q(day: dt.date, prefix: str = "") -> Q:
    """Enrolments that count on `day`: enrolled by then and not ended before it.

    People who left the cycle later still belong in the registers of the sessions they were enrolled for.
    """
    p = prefix
    enrolled_then = Q(**{f"{p}enrolled_on__lte": day}) | Q(**{f"{p}enrolled_on__isnull": True, f"{p}status": EnrolmentStatus.ENROLLED})
    not_ended = Q(**{f"{p}ended_on__isnull": True}) | Q(**{f"{p}ended_on__gte": day})
    was_enrolled = Q(**{f"{p}status": EnrolmentStatus.ENROLLED}) | Q(
        **{f"{p}status__in": [EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REMOVED], f"{p}enrolled_on__isnull": False}
    )
    return enrolled_then & not_ended & was_enrolled


def describe(values: dict) -> str:
    """A register line's values in words, e.g. "Absent (Sick), late"; "" for an empty snapshot."""
    if not values:
        return ""
    text = str(AttendanceStatus(values["status"]).label) if values.get("status") in AttendanceStatus.values else ""
    reason = values.get("absence_reason")
    if reason in AbsenceReason.values:
        details = f": {values['reason_text']}" if values.get("reason_text") else ""
        text += f" ({AbsenceReason(reason).label}{details})"
    extras = [str(label) for name, label in (("late", _("late")), ("left_early", _("left early"))) if values.get(name)]
    return ", ".join([text, *extras])


@dataclass
class RegisterLine:
    """One participant on a register: the enrolment and what was recorded (if anything)."""

    number: int
    enrolment: Enrolment
    attendance: Attendance | None
    changes: list[AttendanceChange] = field(default_factory=list)

    @property
    def detainee(self):
        return self.enrolment.detainee

    @property
    def recorded(self) -> bool:
        return self.attendance is not None

    def value(self, name: str):
        if self.attendance is None:
            return "" if name in ("status", "absence_reason", "reason_text") else False
        return getattr(self.attendance, name)


def register_lines(session: Session, *, with_history: bool = False) -> list[RegisterLine]:
    """The register of a session: expected participants plus anyone already recorded on it."""
    day = session_date(session)
    attendances = {
        a.enrolment_id: a
        for a in Attendance.objects.filter(session=session).select_related("recorded_by")
    }
    enrolments = (
        Enrolment.objects.filter(cycle_id=session.cycle_id)
        .filter(expected_enrolments_q(day) | Q(pk__in=list(attendances)))
        .select_related("detainee", "detainee__unit")
        .order_by("detainee__last_name", "detainee__first_name", "detainee__prison_number", "pk")
    )
    changes: dict[int, list[AttendanceChange]] = {}
    if with_history and attendances:
        for change in AttendanceChange.objects.filter(attendance__session=session).select_related("by"):
            change.before_text, change.after_text = describe(change.before), describe(change.after)
            changes.setdefault(change.attendance_id, []).append(change)
    lines = []
    for number, enrolment in enumerate(enrolments, start=1):
        attendance = attendances.get(enrolment.pk)
        lines.append(
            RegisterLine(number, enrolment, attendance, changes.get(attendance.pk, []) if attendance else [])
        )
    return lines


def next_register_to_take(user, session: Session) -> Session | None:
    """The next session of the same day, already begun, whose register nobody took: where to go on when
    typing in a day's registers from paper (one query)."""
    from core.rules import visible_sessions

    day = session_date(session)
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    return (visible_sessions(user)
            .filter(starts_at__gte=start, starts_at__lt=min(start + dt.timedelta(days=1), timezone.now()))
            .exclude(pk=session.pk).exclude(status=SessionStatus.CANCELLED)
            .exclude(Exists(Attendance.objects.filter(session=OuterRef("pk"))))
            .select_related("cycle__activity", "room").order_by("starts_at", "pk").first())


def sessions_with_register_state(sessions):
    """Annotate a (visible) session queryset with whether its register was taken."""
    return sessions.annotate(register_taken=Exists(Attendance.objects.filter(session=OuterRef("pk"))))


def sessions_for_registers(user, today: dt.date | None = None, *, past_days: int = 21, next_days: int = 7):
    """The sessions whose registers a user takes, grouped: today, recent (newest first), coming.

    Facilitators see their own sessions, coordinators those of their sites (`visible_sessions`).
    """
    from core.rules import visible_sessions

    today = today or timezone.localdate()
    start = timezone.make_aware(dt.datetime.combine(today - dt.timedelta(days=past_days), dt.time.min))
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=next_days + 1), dt.time.min))
    sessions = sessions_with_register_state(
        visible_sessions(user).filter(starts_at__gte=start, starts_at__lt=end).select_related("cycle__term__site")
    ).order_by("starts_at", "pk")
    groups = {"today": [], "recent": [], "coming": []}
    for session in sessions:
        day = session_date(session)
        key = "today" if day == today else ("recent" if day < today else "coming")
        groups[key].append(session)
    groups["recent"].reverse()
    return groups


def registers_missing(sessions, now: dt.datetime | None = None):
    """Past, not cancelled sessions (of a visible queryset) with no register line at all."""
    now = now or timezone.now()
    return sessions.filter(starts_at__lt=now).exclude(status=SessionStatus.CANCELLED).exclude(
        Exists(Attendance.objects.filter(session=OuterRef("pk")))
    )


def consecutive_absences(enrolments, *, at_least: int = 2, since_days: int = 90) -> list[tuple[Enrolment, int]]:
    """Enrolled participants whose latest `at_least`+ recorded sessions were all absences.

    `enrolments` is a visible enrolment queryset; "session cancelled" neither counts nor breaks a run.
    Returns (enrolment, run length), longest runs first.
    """
    runs = absence_runs(enrolments, at_least=at_least, since_days=since_days)
    return [(enrolment, len(missed)) for enrolment, missed in runs]


def absence_runs(enrolments, *, at_least: int = 2, since_days: int = 90) -> list[tuple[Enrolment, list[dt.datetime]]]:
    """`consecutive_absences` with the start of each session missed in the run, newest first. Two queries."""
    since = timezone.now() - dt.timedelta(days=since_days)
    current = enrolments.filter(status=EnrolmentStatus.ENROLLED)
    rows = (
        Attendance.objects.filter(enrolment__in=current.values("pk"), session__starts_at__gte=since)
        .exclude(absence_reason=AbsenceReason.SESSION_CANCELLED)
        .order_by("enrolment_id", "-session__starts_at")
        .values_list("enrolment_id", "status", "session__starts_at")
    )
    runs: dict[int, list[dt.datetime]] = {}
    broken: set[int] = set()
    for enrolment_id, status, starts_at in rows:
        if enrolment_id in broken:
            continue
        if status == AttendanceStatus.ABSENT:
            runs.setdefault(enrolment_id, []).append(starts_at)
        else:
            broken.add(enrolment_id)
    wanted = {pk: missed for pk, missed in runs.items() if len(missed) >= at_least}
    found = current.filter(pk__in=list(wanted)).select_related("detainee", "cycle", "cycle__activity")
    return sorted(((e, wanted[e.pk]) for e in found), key=lambda pair: (-len(pair[1]), pair[0].pk))


# --- writes --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One register line as submitted."""

    enrolment_id: int
    status: str
    absence_reason: str = ""
    reason_text: str = ""
    late: bool = False
    left_early: bool = False

    def values(self) -> dict:
        return {name: getattr(self, name) for name in TRACKED_FIELDS}


def _snapshot(attendance: Attendance) -> dict:
    return {name: getattr(attendance, name) for name in TRACKED_FIELDS}


def _line_label(line: RegisterLine) -> str:
    return _("Row %(number)s (%(name)s)") % {"number": line.number, "name": line.detainee.short_name}


def validate_entries(lines: list[RegisterLine], entries: Iterable[Entry]) -> dict[int, Entry]:
    """Check every submitted line; raise one ValidationError naming each bad row and field."""
    by_enrolment = {line.enrolment.pk: line for line in lines}
    errors: dict[str, list[str]] = {}
    clean: dict[int, Entry] = {}

    def fail(key, message):
        errors.setdefault(key, []).append(str(message))

    for entry in entries:
        line = by_enrolment.get(entry.enrolment_id)
        if line is None:
            fail("__all__", _("Participant %(id)s is not on this register.") % {"id": entry.enrolment_id})
            continue
        key, label = f"e{entry.enrolment_id}", _line_label(line)
        text = (entry.reason_text or "").strip()
        # A reason left on a line marked present (or "late" on an absent one) is dropped, not an error:
        # without JavaScript the phone form sends every field of the line.
        if entry.status == AttendanceStatus.PRESENT:
            entry = Entry(entry.enrolment_id, entry.status, "", "", bool(entry.late), bool(entry.left_early))
        elif entry.status == AttendanceStatus.ABSENT:
            if not entry.absence_reason:
                fail(key, _("%(row)s: choose the reason for the absence.") % {"row": label})
            elif entry.absence_reason not in AbsenceReason.values:
                fail(key, _("%(row)s: “%(value)s” is not an absence reason.") % {"row": label, "value": entry.absence_reason})
            elif entry.absence_reason == AbsenceReason.OTHER and not text:
                fail(key, _("%(row)s: absence reason “other” needs details.") % {"row": label})
            if len(text) > Attendance._meta.get_field("reason_text").max_length:
                fail(key, _("%(row)s: the details are too long (200 characters at most).") % {"row": label})
            details = text if entry.absence_reason == AbsenceReason.OTHER else ""
            entry = Entry(entry.enrolment_id, entry.status, entry.absence_reason, details)
        else:
            fail(key, _("%(row)s: choose present or absent.") % {"row": label})
        clean[entry.enrolment_id] = entry
    if errors:
        raise ValidationError(errors)
    return clean


def _apply(session: Session, values: dict[int, dict], by, note: str = "") -> int:
    """Write register lines, recording a change for each line created or altered. Returns changes."""
    now = timezone.now()
    user = by if getattr(by, "is_authenticated", False) else None
    existing = {
        a.enrolment_id: a for a in Attendance.objects.select_for_update().filter(session=session)
    }
    to_create, to_update, history = [], [], []
    for enrolment_id, after in values.items():
        attendance = existing.get(enrolment_id)
        if attendance is None:
            attendance = Attendance(session=session, enrolment_id=enrolment_id, recorded_by=user, recorded_at=now, **after)
            to_create.append(attendance)
            continue
        before = _snapshot(attendance)
        if before == after:
            continue
        for name, value in after.items():
            setattr(attendance, name, value)
        attendance.recorded_by, attendance.recorded_at = user, now
        to_update.append(attendance)
        history.append(AttendanceChange(attendance=attendance, by=user, before=before, after=after, note=note))
    created = Attendance.objects.bulk_create(to_create)
    history.extend(
        AttendanceChange(attendance=a, by=user, before={}, after=_snapshot(a), note=note) for a in created
    )
    if to_update:
        Attendance.objects.bulk_update(to_update, [*TRACKED_FIELDS, "recorded_by", "recorded_at"])
    AttendanceChange.objects.bulk_create(history)
    return len(history)


def _require_edit_right(session: Session, by) -> None:
    if not (by and by.has_perm("enrolment.change_attendance", session)):
        raise PermissionDenied(closed_to_facilitators_because(session) or _("You may not change this register."))


def record_register(session: Session, entries: Iterable[Entry], by, note: str = "") -> int:
    """Record (or correct) a register. All lines are checked first; nothing is saved on any error."""
    _require_edit_right(session, by)
    lines = register_lines(session)
    clean = validate_entries(lines, entries)
    if not clean:
        raise ValidationError({"__all__": [str(_("Mark at least one participant present or absent."))]})
    with transaction.atomic():
        return _apply(session, {pk: entry.values() for pk, entry in clean.items()}, by, note.strip()[:200])


def mark_all_present(session: Session, by) -> int:
    """"All present" in one tap: everyone not yet recorded is marked present; recorded lines stay."""
    _require_edit_right(session, by)
    present = Entry(0, AttendanceStatus.PRESENT).values()
    with transaction.atomic():
        recorded = set(Attendance.objects.filter(session=session).values_list("enrolment_id", flat=True))
        unrecorded = {line.enrolment.pk: dict(present) for line in register_lines(session) if line.enrolment.pk not in recorded}
        return _apply(session, unrecorded, by)


def _mark_absent(session: Session, lines: list[RegisterLine], reason: str, by, reason_text: str = "") -> int:
    if reason not in AbsenceReason.values:
        raise ValidationError({"absence_reason": [str(_("“%(value)s” is not an absence reason.") % {"value": reason})]})
    if reason == AbsenceReason.OTHER and not reason_text.strip():
        raise ValidationError({"reason_text": [str(_("Absence reason “other” needs details."))]})
    after = Entry(0, AttendanceStatus.ABSENT, reason, reason_text.strip() if reason == AbsenceReason.OTHER else "").values()
    with transaction.atomic():
        return _apply(session, {line.enrolment.pk: dict(after) for line in lines}, by)


def mark_session_cancelled(session: Session, by=None) -> int:
    """Mark everyone on a cancelled session's register "session cancelled" (planning calls this)."""
    return _mark_absent(session, register_lines(session), AbsenceReason.SESSION_CANCELLED, by)


def mark_unit_absent(session: Session, unit, reason: str, by=None, reason_text: str = "") -> int:
    """Mark the participants living in `unit` absent with `reason` (e.g. a unit that cannot come)."""
    lines = [line for line in register_lines(session) if line.detainee.unit_id == unit.pk]
    return _mark_absent(session, lines, reason, by, reason_text)


def attendance_counts(enrolment: Enrolment) -> dict[str, int]:
    """Present and absent on the registers of one enrolment (cancelled sessions left out)."""
    counts = dict.fromkeys(AttendanceStatus.values, 0)
    for status, n in (
        enrolment.attendances.exclude(absence_reason=AbsenceReason.SESSION_CANCELLED)
        .values_list("status").annotate(n=Count("id"))
    ):
        counts[status] = n
    return counts
