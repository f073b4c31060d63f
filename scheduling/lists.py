"""Movement list (per day and unit) and gate list (per day and site), as rows and as xlsx.

The movement list tells a unit's officers who leaves the unit, when, to which room and for what,
and when they come back; the unit is the detainee's unit *on that date* (placement history). The
gate list tells the gate which outside facilitators to expect and whether their access
authorisation is valid, against the site's daily quota of outside people.
"""
import datetime as dt
import io
from collections import defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from activities.checks import covers
from activities.models import Facilitator, MaterialStatus, SessionStatus
from core import rules as access
from core.findings import Finding, Severity
from enrolment.models import EnrolmentStatus
from prisons.models import Placement

from .calendars import BRUSSELS, local_day_bounds, room_label, session_facilitators

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# --- movement list ---------------------------------------------------------------------------------


@dataclass
class Movement:
    departs: dt.time  # local time
    returns: dt.time
    last_name: str
    first_name: str
    prison_number: str
    cell: str
    activity: str
    room: str
    moved_from: dt.datetime | None = None  # local; first planned elsewhere or at another time


def _sessions_on(user, site, day: dt.date):
    start, end = local_day_bounds(day, day)
    return access.visible_sessions(user).filter(
        cycle__term__site=site, starts_at__gte=start, starts_at__lt=end,
        status__in=[SessionStatus.SCHEDULED, SessionStatus.HELD],
    )


def _placements_on(detainee_ids, day: dt.date) -> dict[int, tuple[int | None, str]]:
    """The unit and cell of each detainee on `day`, from the placement valid that day."""
    rows = (
        Placement.objects.filter(detainee_id__in=detainee_ids, valid_from__lte=day)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))
        .order_by("detainee_id", "valid_from", "id")
        .values_list("detainee_id", "unit_id", "cell")
    )
    return {detainee_id: (unit_id, cell) for detainee_id, unit_id, cell in rows}  # latest wins


class Goer(NamedTuple):
    """Someone who goes to a session: enrolled in its cycle on its day, at their unit and cell then."""

    detainee_id: int
    unit_id: int | None
    cell: str
    last_name: str
    first_name: str
    prison_number: str


def goers_by_session(user, sessions) -> dict[int, list[Goer]]:
    """For each of `sessions`, the participants enrolled in its cycle on its day (enrolment date
    reached), with the unit and cell of their placement that day, else their current ones. The
    movement lists, weekly slips and site movements read this; one query for the enrolments and
    one per day for the placements, whatever the number of people."""
    by_cycle = defaultdict(list)
    for cycle_id, enrolled_on, *person in (
        access.visible_enrolments(user)
        .filter(cycle_id__in={s.cycle_id for s in sessions}, status=EnrolmentStatus.ENROLLED)
        .values_list("cycle_id", "enrolled_on", "detainee_id", "detainee__unit_id", "detainee__cell",
                     "detainee__last_name", "detainee__first_name", "detainee__prison_number")
    ):
        by_cycle[cycle_id].append((enrolled_on, Goer(*person)))
    days = {session.pk: session.starts_at.astimezone(BRUSSELS).date() for session in sessions}
    people = {goer.detainee_id for rows in by_cycle.values() for _on, goer in rows}
    placements = {day: _placements_on(people, day) for day in set(days.values())} if people else {}
    goers = {}
    for session in sessions:
        day, goers[session.pk] = days[session.pk], []
        for enrolled_on, goer in by_cycle[session.cycle_id]:
            if enrolled_on is not None and enrolled_on > day:
                continue
            placed = placements[day].get(goer.detainee_id)
            goers[session.pk].append(goer._replace(unit_id=placed[0], cell=placed[1]) if placed else goer)
    return goers


def movement_rows(user, unit, day: dt.date, *, language: str | None = None) -> list[Movement]:
    """Enrolled participants living in `unit` on `day` who go to a session that day.

    Sorted for the officer: by departure time, then last and first name. Detainees without a
    placement record are taken at their current unit.
    """
    sessions = list(
        _sessions_on(user, unit.site, day)
        .exclude(cancelled_units=unit)  # this unit no longer comes (cancelled for it alone)
        .select_related("cycle__activity", "room__building")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    goers, movements = goers_by_session(user, sessions), []
    for session in sessions:
        for goer in goers[session.pk]:
            if goer.unit_id != unit.pk:
                continue
            movements.append(Movement(
                departs=session.starts_at.astimezone(BRUSSELS).time(),
                returns=session.ends_at.astimezone(BRUSSELS).time(),
                last_name=goer.last_name, first_name=goer.first_name, prison_number=goer.prison_number,
                cell=goer.cell, activity=session.cycle.activity.title(language), room=room_label(session.room),
                moved_from=session.first_planned_local,
            ))
    movements.sort(key=lambda m: (m.departs, m.last_name.casefold(), m.first_name.casefold(), m.prison_number))
    return movements


def cancelled_sessions_on(user, unit, day: dt.date):
    """The unit's sessions of the day that were cancelled, or that the unit no longer goes to."""
    start, end = local_day_bounds(day, day)
    return (
        access.visible_sessions(user)
        .filter(cycle__term__site=unit.site_id, starts_at__gte=start, starts_at__lt=end, cycle__eligible_units=unit)
        .filter(Q(status=SessionStatus.CANCELLED) | Q(cancelled_units=unit))
        .select_related("cycle__activity", "room__building")
        .order_by("starts_at", "pk")
        .distinct()
    )


def moved_away_on(user, unit, day: dt.date):
    """The unit's sessions first planned on `day` that now take place on another day (scheduled ones),
    so the officer holding last week's printed list does not get people ready for them."""
    start, end = local_day_bounds(day, day)
    return (
        access.visible_sessions(user)
        .filter(cycle__term__site=unit.site_id, moved_from_starts_at__gte=start, moved_from_starts_at__lt=end,
                cycle__eligible_units=unit, status=SessionStatus.SCHEDULED)
        .exclude(starts_at__gte=start, starts_at__lt=end)
        .exclude(cancelled_units=unit)
        .select_related("cycle__activity", "room__building")
        .order_by("moved_from_starts_at", "pk")
        .distinct()
    )


# --- gate list -------------------------------------------------------------------------------------


class AuthorisationState:
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"
    MISSING = "missing"


AUTHORISATION_LABELS = {
    AuthorisationState.VALID: _("valid"),
    AuthorisationState.EXPIRING: _("expiring soon"),
    AuthorisationState.EXPIRED: _("expired"),
    AuthorisationState.MISSING: _("no authorisation on file"),
}


def authorisation_state(facilitator: Facilitator, day: dt.date) -> str:
    valid_until = facilitator.authorisation_valid_until
    if valid_until is None:
        return AuthorisationState.MISSING
    if not covers(facilitator, day):
        return AuthorisationState.EXPIRED
    if valid_until <= day + dt.timedelta(days=settings.RELAIS_AUTHORISATION_WARNING_DAYS):
        return AuthorisationState.EXPIRING
    return AuthorisationState.VALID


@dataclass
class GateRow:
    facilitator: Facilitator
    organisation: str
    arrives: dt.time
    leaves: dt.time
    activities: list[str] = field(default_factory=list)
    authorisation: str = AuthorisationState.VALID
    # what the direction approved for their cycles, and what it has not (yet): to be left outside
    material: list[str] = field(default_factory=list)
    material_not_approved: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        return f"{self.facilitator.last_name.upper()} {self.facilitator.first_name}"

    @property
    def authorisation_label(self) -> str:
        return str(AUTHORISATION_LABELS[self.authorisation])

    @property
    def flagged(self) -> bool:
        return self.authorisation != AuthorisationState.VALID


def _expected_outside_people(sessions) -> dict[int, tuple[Facilitator, list]]:
    expected = {}
    for session in sessions:
        for facilitator in session_facilitators(session):
            if facilitator.is_outside_person:
                expected.setdefault(facilitator.pk, (facilitator, []))[1].append(session)
    return expected


def gate_rows(user, site, day: dt.date, *, language: str | None = None) -> list[GateRow]:
    start, end = local_day_bounds(day, day)
    sessions = (
        access.visible_gate_sessions(user)
        .filter(cycle__term__site=site, starts_at__gte=start, starts_at__lt=end, status=SessionStatus.SCHEDULED)
        .select_related("cycle__activity", "room__building")
        .prefetch_related("facilitators__partner", "cycle__facilitators__partner", "cycle__materials")
        .order_by("starts_at", "pk")
    )
    rows = []
    for facilitator, own_sessions in _expected_outside_people(sessions).values():
        materials = [m for cycle in dict.fromkeys(s.cycle for s in own_sessions) for m in cycle.materials.all()]
        rows.append(GateRow(
            facilitator=facilitator,
            organisation=facilitator.partner.name if facilitator.partner_id else "",
            arrives=min(s.starts_at for s in own_sessions).astimezone(BRUSSELS).time(),
            leaves=max(s.ends_at for s in own_sessions).astimezone(BRUSSELS).time(),
            activities=[f"{s.cycle.activity.title(language)} ({room_label(s.room)})" for s in own_sessions],
            authorisation=authorisation_state(facilitator, day),
            material=[str(m) for m in materials if m.status == MaterialStatus.APPROVED],
            material_not_approved=[str(m) for m in materials if m.status != MaterialStatus.APPROVED],
        ))
    rows.sort(key=lambda r: (r.arrives, r.facilitator.last_name.casefold(), r.facilitator.first_name.casefold()))
    return rows


def gate_quota_findings(site, dates) -> list[Finding]:
    """Days on which more outside facilitators are expected than the site's daily quota: warnings
    (`core.findings.Finding`, so the publish step shows them with its own findings).

    Reads every scheduled session of the site (no user scope: the publish step and the gate need
    the whole site). One query for the sessions, two for their facilitators, whatever the dates.
    """
    from activities.models import Session

    dates = sorted(set(dates))
    if site.daily_outside_quota is None or not dates:
        return []
    start, _end = local_day_bounds(dates[0], dates[0])
    _start, end = local_day_bounds(dates[-1], dates[-1])
    sessions = (
        Session.objects.filter(cycle__term__site=site, status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
        .select_related("cycle")
        .prefetch_related("facilitators", "cycle__facilitators")
    )
    wanted = set(dates)
    people_by_day = defaultdict(set)
    for session in sessions:
        day = session.starts_at.astimezone(BRUSSELS).date()
        if day in wanted:
            people_by_day[day].update(f.pk for f in session_facilitators(session) if f.is_outside_person)
    findings = []
    for day in dates:
        count = len(people_by_day.get(day, ()))
        if count > site.daily_outside_quota:
            findings.append(Finding(
                code="gate_quota_exceeded", severity=Severity.WARNING,
                message=str(_("%(date)s: %(count)d outside facilitators expected at %(site)s, over the daily quota of %(quota)d.") % {
                    "date": day.isoformat(), "count": count, "site": site.name, "quota": site.daily_outside_quota,
                }),
            ))
    return findings


# --- xlsx ------------------------------------------------------------------------------------------

FORMULA_PREFIXES = ("=", "+", "-", "@")


def xlsx_cell(sheet, value, *, bold: bool = False):
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        cell.data_type = "s"  # text, never a formula
        cell.quotePrefix = True
    if isinstance(value, dt.time):
        cell.number_format = "HH:MM"
    elif type(value) is dt.date:
        cell.number_format = "YYYY-MM-DD"
    if bold:
        cell.font = Font(bold=True)
    return cell


def add_sheet(workbook: Workbook, title: str, header: list[str], rows, widths: list[int]) -> None:
    """A sheet of a write-only workbook: frozen header row, set column widths; rows are lists of plain values."""
    sheet = workbook.create_sheet(title=title[:31])
    sheet.freeze_panes = "A2"
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.append([xlsx_cell(sheet, str(label), bold=True) for label in header])
    for row in rows:
        sheet.append([xlsx_cell(sheet, value) for value in row])


def workbook_bytes(workbook: Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def write_xlsx(title: str, header: list[str], rows, widths: list[int]) -> bytes:
    """One sheet (`add_sheet`) as a workbook."""
    workbook = Workbook(write_only=True)
    add_sheet(workbook, title, header, rows, widths)
    return workbook_bytes(workbook)


MOVEMENT_HEADER = [_("Leaves at"), _("Back at"), _("Last name"), _("First name"), _("Prison number"), _("Cell"), _("Activity"), _("Room")]


def movement_xlsx(movements: list[Movement], *, title: str) -> bytes:
    rows = (
        [m.departs, m.returns, m.last_name, m.first_name, m.prison_number, m.cell, m.activity, m.room]
        for m in movements
    )
    return write_xlsx(title, MOVEMENT_HEADER, rows, [10, 10, 22, 18, 14, 8, 34, 30])


GATE_HEADER = [_("Arrives"), _("Leaves"), _("Name"), _("Organisation"), _("Authorisation number"), _("Valid until"),
               _("Authorisation"), _("Activities"), _("Material approved"), _("Material not approved")]


def gate_xlsx(rows: list[GateRow], *, title: str) -> bytes:
    values = (
        [r.arrives, r.leaves, r.name, r.organisation, r.facilitator.authorisation_number,
         r.facilitator.authorisation_valid_until.isoformat() if r.facilitator.authorisation_valid_until else "",
         r.authorisation_label, "; ".join(r.activities), "; ".join(r.material), "; ".join(r.material_not_approved)]
        for r in rows
    )
    return write_xlsx(title, GATE_HEADER, values, [10, 10, 26, 26, 18, 12, 22, 50, 40, 30])
