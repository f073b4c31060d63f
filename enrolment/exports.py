"""Attendance exports: one rows() generator per sheet, written to xlsx (openpyxl write-only) and CSV.

Data is loaded in a fixed number of queries whatever the number of rows, then turned into plain
tuples; the same generators feed the web download and `benchmarks/export_bench.py`.
Dates and times are Europe/Brussels. Cells that start with = + - @ stay text (formula injection).
"""
import csv
import datetime as dt
import hashlib
import hmac
import io
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from activities.models import SessionStatus

from .models import AbsenceReason, AttendanceStatus

FORMULA_STARTS = ("=", "+", "-", "@")

# Short codes for the grid sheet; the legend sheet spells them out.
ABSENCE_CODES = {
    AbsenceReason.SICK: "A-SICK",
    AbsenceReason.REFUSED: "A-REF",
    AbsenceReason.CLASH_COURT: "A-COURT",
    AbsenceReason.CLASH_VISIT: "A-VISIT",
    AbsenceReason.CLASH_WORK: "A-WORK",
    AbsenceReason.CLASH_LAWYER: "A-LAWYER",
    AbsenceReason.NOT_ESCORTED: "A-ESC",
    AbsenceReason.SESSION_CANCELLED: "CANC",
    AbsenceReason.EXCUSED: "A-EXC",
    AbsenceReason.TRANSFERRED: "A-TRANS",
    AbsenceReason.RELEASED: "A-REL",
    AbsenceReason.SANCTION: "A-SANC",
    AbsenceReason.OTHER: "A-OTHER",
}
PRESENT_CODE = "P"

FORMATS = {
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
    "csv": ("text/csv; charset=utf-8", "csv"),
    "csv-grid": ("text/csv; charset=utf-8", "csv"),
}
FORMAT_CHOICES = [
    ("xlsx", gettext_lazy("Excel workbook (.xlsx): grid, one line per session, codes")),
    ("csv", gettext_lazy("CSV: one line per person per session")),
    ("csv-grid", gettext_lazy("CSV: participants × sessions grid")),
]


class Percent(float):
    """A rate between 0 and 1, shown as a percentage."""


def pseudonym(prison_number: str, key: str | None = None) -> str:
    """A stable stand-in for a prison number: keyed HMAC-SHA256, so it cannot be reversed by guessing."""
    key = settings.EXPORT_PSEUDONYM_KEY if key is None else key
    digest = hmac.new(key.encode(), prison_number.encode(), hashlib.sha256).hexdigest()
    return f"P-{digest[:16]}"


# --- the data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SessionColumn:
    pk: int
    starts: dt.datetime  # local, naive
    ends: dt.datetime
    cycle: str
    activity: str
    cancelled: bool

    @property
    def label(self) -> str:
        return f"{self.starts:%Y-%m-%d %H:%M} {self.cycle}"


@dataclass(frozen=True)
class Person:
    key: int
    number: str  # prison number, or its pseudonym
    first_name: str
    last_name: str


@dataclass
class AttendanceData:
    """Everything an export writes. `records` are (person index, session index, status, reason, late, left early)."""

    title: str
    filename: str
    pseudonymised: bool
    sessions: list[SessionColumn]
    people: list[Person]
    records: list[tuple[int, int, str, str, bool, bool]]
    scope_detail: str = ""
    _by_person: dict = field(default_factory=dict, repr=False)

    def by_person(self) -> dict[int, dict[int, tuple]]:
        if not self._by_person:
            for record in self.records:
                self._by_person.setdefault(record[0], {})[record[1]] = record
        return self._by_person


@dataclass(frozen=True)
class ExportScope:
    """A cycle, or a site and a range of local dates."""

    site: object
    cycle: object = None
    first_date: dt.date | None = None
    last_date: dt.date | None = None

    @property
    def permission_object(self):
        return self.cycle if self.cycle is not None else self.site

    def filter_sessions(self, sessions):
        if self.cycle is not None:
            return sessions.filter(cycle=self.cycle)
        start = timezone.make_aware(dt.datetime.combine(self.first_date, dt.time.min))
        end = timezone.make_aware(dt.datetime.combine(self.last_date + dt.timedelta(days=1), dt.time.min))
        return sessions.filter(cycle__term__site=self.site, starts_at__gte=start, starts_at__lt=end)

    @property
    def detail(self) -> str:
        if self.cycle is not None:
            return f"cycle={self.cycle.pk}"
        return f"site={self.site.pk} from={self.first_date} to={self.last_date}"

    @property
    def slug(self) -> str:
        if self.cycle is not None:
            return f"{self.site.code}-{self.cycle.code}"
        return f"{self.site.code}-{self.first_date}-{self.last_date}"


def load_attendance(user, scope: ExportScope, *, pseudonymise: bool = False) -> AttendanceData:
    """Read the sessions and register lines of a scope in two queries, narrowed to what `user` may see."""
    from core.rules import visible_attendances, visible_sessions

    language = (translation.get_language() or "fr")[:2]
    title_field = f"cycle__activity__title_{language if language in ('fr', 'nl', 'en') else 'fr'}"
    sessions_qs = scope.filter_sessions(visible_sessions(user)).order_by("starts_at", "pk")
    sessions = [
        SessionColumn(
            pk, timezone.localtime(starts).replace(tzinfo=None), timezone.localtime(ends).replace(tzinfo=None),
            cycle, activity, status == SessionStatus.CANCELLED,
        )
        for pk, starts, ends, status, cycle, activity in sessions_qs.values_list(
            "pk", "starts_at", "ends_at", "status", "cycle__code", title_field
        )
    ]
    session_index = {column.pk: index for index, column in enumerate(sessions)}
    lines = (
        visible_attendances(user)
        .filter(session_id__in=list(session_index))
        .values_list(
            "session_id", "enrolment__detainee_id", "enrolment__detainee__prison_number",
            "enrolment__detainee__first_name", "enrolment__detainee__last_name",
            "status", "absence_reason", "late", "left_early",
        )
    )
    people: dict[int, Person] = {}
    raw = []
    for session_id, detainee_id, number, first, last, status, reason, late, left in lines.iterator(chunk_size=5000):
        if detainee_id not in people:
            people[detainee_id] = (
                Person(detainee_id, pseudonym(number), "", "") if pseudonymise
                else Person(detainee_id, number, first, last)
            )
        raw.append((detainee_id, session_index[session_id], status, reason, late, left))
    # Pseudonymised files are ordered by pseudonym: an alphabetical order would leak the names.
    ordered = sorted(
        people.values(),
        key=(lambda p: p.number) if pseudonymise else (lambda p: (p.last_name, p.first_name, p.number)),
    )
    position = {person.key: index for index, person in enumerate(ordered)}
    records = sorted(((position[r[0]], *r[1:]) for r in raw), key=lambda r: (r[1], r[0]))
    what = (
        f"{scope.cycle}" if scope.cycle is not None
        else f"{scope.site} {scope.first_date:%Y-%m-%d} – {scope.last_date:%Y-%m-%d}"
    )
    return AttendanceData(
        title=_("Attendance: %(what)s") % {"what": what},
        filename=f"attendance-{scope.slug}{'-pseudonymised' if pseudonymise else ''}",
        pseudonymised=pseudonymise,
        sessions=sessions,
        people=ordered,
        records=records,
        scope_detail=scope.detail,
    )


# --- rows: one generator per sheet ---------------------------------------------------------------


def _identity_header(data: AttendanceData) -> list[str]:
    if data.pseudonymised:
        return [_("Pseudonym")]
    return [_("Prison number"), _("First name"), _("Last name")]


def _identity(data: AttendanceData, person: Person) -> list[str]:
    if data.pseudonymised:
        return [person.number]
    return [person.number, person.first_name, person.last_name]


def _code(status: str, reason: str) -> str:
    if status == AttendanceStatus.PRESENT:
        return PRESENT_CODE
    return ABSENCE_CODES.get(reason, "A")


def _rate(present: int, counted: int) -> Percent | None:
    return Percent(round(present / counted, 4)) if counted else None


def grid_rows(data: AttendanceData) -> Iterator[list]:
    """Participants as rows × sessions as columns, with totals and rates per person and per session.

    A "session cancelled" line counts neither as present nor absent.
    """
    n_sessions = len(data.sessions)
    yield [*_identity_header(data), *(s.label for s in data.sessions), _("Present"), _("Absent"), _("Attendance rate")]
    present_per_session = [0] * n_sessions
    counted_per_session = [0] * n_sessions
    by_person = data.by_person()
    for index, person in enumerate(data.people):
        cells: list = [None] * n_sessions
        present = absent = 0
        for session_index, record in by_person.get(index, {}).items():
            status, reason = record[2], record[3]
            cells[session_index] = _code(status, reason)
            if reason == AbsenceReason.SESSION_CANCELLED:
                continue
            counted_per_session[session_index] += 1
            if status == AttendanceStatus.PRESENT:
                present += 1
                present_per_session[session_index] += 1
            else:
                absent += 1
        yield [*_identity(data, person), *cells, present, absent, _rate(present, present + absent)]
    padding = [None] * (len(_identity_header(data)) - 1)
    yield [_("Present"), *padding, *present_per_session, None, None, None]
    yield [
        _("Attendance rate"), *padding,
        *(_rate(p, c) for p, c in zip(present_per_session, counted_per_session, strict=True)),
        None, None, None,
    ]


def long_rows(data: AttendanceData) -> Iterator[list]:
    """One row per person per session."""
    header = [*_identity_header(data), _("Cycle"), _("Activity"), _("Date"), _("Start"), _("End"),
              _("Attendance"), _("Absence reason"), _("Late"), _("Left early")]
    yield header
    statuses = dict(AttendanceStatus.choices)
    reasons = dict(AbsenceReason.choices)
    yes = _("yes")
    labels_status = {key: str(value) for key, value in statuses.items()}
    labels_reason = {key: str(value) for key, value in reasons.items()}
    identities = [_identity(data, person) for person in data.people]
    session_cells = [
        [s.cycle, s.activity, s.starts.date(), f"{s.starts:%H:%M}", f"{s.ends:%H:%M}"] for s in data.sessions
    ]
    for person_index, session_index, status, reason, late, left_early in data.records:
        yield [
            *identities[person_index], *session_cells[session_index],
            labels_status.get(status, status), labels_reason.get(reason, "") if reason else "",
            yes if late else "", yes if left_early else "",
        ]


def legend_rows(data: AttendanceData) -> Iterator[list]:
    yield [_("Code"), _("Meaning")]
    yield [PRESENT_CODE, str(AttendanceStatus.PRESENT.label)]
    for reason, code in ABSENCE_CODES.items():
        yield [code, str(reason.label)]


@dataclass(frozen=True)
class Sheet:
    title: str
    rows: Iterator[list]
    widths: list[float]
    freeze: str


def sheets(data: AttendanceData) -> list[Sheet]:
    identity = [22.0] if data.pseudonymised else [14.0, 16.0, 18.0]
    return [
        Sheet(_("Grid"), grid_rows(data), [*identity, *([18.0] * len(data.sessions)), 9.0, 9.0, 14.0],
              f"{get_column_letter(len(identity) + 1)}2"),
        Sheet(_("Sessions"), long_rows(data), [*identity, 16.0, 28.0, 12.0, 7.0, 7.0, 12.0, 26.0, 6.0, 10.0], "A2"),
        Sheet(_("Codes"), legend_rows(data), [10.0, 36.0], "A2"),
    ]


# --- writers -------------------------------------------------------------------------------------


def write_xlsx(data: AttendanceData) -> bytes:
    return write_sheets(sheets(data))


def write_sheets(sheets_to_write: list[Sheet]) -> bytes:
    """A workbook of `sheets_to_write`, each a bold header row then its rows, streamed."""
    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    for sheet in sheets_to_write:
        ws = workbook.create_sheet(sheet.title[:31])
        for index, width in enumerate(sheet.widths, start=1):
            ws.column_dimensions[get_column_letter(index)].width = width
        ws.freeze_panes = sheet.freeze
        rows = iter(sheet.rows)
        header = []
        for value in next(rows):
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type, cell.font = "s", bold
            header.append(cell)
        ws.append(header)
        for row in rows:
            ws.append([_xlsx_value(ws, value) for value in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _xlsx_value(ws, value):
    if value.__class__ is str:
        if value[:1] == "=":
            # openpyxl would store it as a formula; a string cell keeps it inert text.
            cell = WriteOnlyCell(ws, value=value)
            cell.data_type = "s"
            return cell
        return value
    if value.__class__ is Percent:
        cell = WriteOnlyCell(ws, value=float(value))
        cell.number_format = "0.0%"
        return cell
    return value


def csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, Percent):
        return f"{value * 100:.1f}%"
    if isinstance(value, dt.date):
        return value.isoformat()
    text = str(value)
    # A leading apostrophe keeps spreadsheet programs from running the cell as a formula.
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def write_csv(rows: Iterator[list]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_value(value) for value in row])
    # The BOM lets Excel recognise UTF-8 (accents in names).
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def render(data: AttendanceData, fmt: str) -> tuple[bytes, str, str]:
    content_type, extension = FORMATS[fmt]
    if fmt == "xlsx":
        return write_xlsx(data), content_type, extension
    return write_csv(grid_rows(data) if fmt == "csv-grid" else long_rows(data)), content_type, extension


def record(user, data: AttendanceData, fmt: str):
    """The audit entry for an export: scope, format, size; never names or numbers."""
    from core.audit import record_export

    return record_export(
        user, "enrolment.attendance",
        detail=f"{data.scope_detail} format={fmt} pseudonymised={int(data.pseudonymised)} "
               f"sessions={len(data.sessions)} people={len(data.people)} rows={len(data.records)}",
    )
