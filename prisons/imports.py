"""Importing the prison's list of detainees (xlsx or CSV): parse → validate everything → report → apply.

`prepare_import()` reads the file and validates every row against the database without writing
anything; its `ImportReport` lists errors (row, column, message), new detainees, updates, unit
changes and the site's present detainees missing from the file. `apply_import()` writes a valid
report in one transaction. The page and `manage.py import_detainees` both use these two calls.
The format is described in docs/detainee-import-format.md.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditAction

from .models import (
    Detainee,
    DetaineeLanguage,
    DetaineeStatus,
    Gender,
    LegalStatus,
    Placement,
    Proficiency,
    Site,
    Unit,
)
from .retention import ANONYMISED_NUMBER_PREFIX

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 20000


def normalise(text) -> str:
    """Lower case, no accents, letters and digits only: 'Numéro d'écrou' → 'numerodecrou'."""
    text = unicodedata.normalize("NFKD", str(text or "")).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]", "", text.lower())


# Accepted column names (French, Dutch, English), compared after `normalise()`.
COLUMNS = {
    "prison_number": ("prison number", "prisoner number", "detainee number", "numéro d'écrou", "numéro écrou",
                      "écrou", "n° d'écrou", "numéro de détenu", "rolnummer", "gedetineerdennummer",
                      "detentienummer", "inschrijvingsnummer"),
    "last_name": ("last name", "surname", "family name", "nom", "nom de famille", "achternaam", "familienaam",
                  "naam"),
    "first_name": ("first name", "given name", "prénom", "voornaam"),
    "gender": ("gender", "sex", "sexe", "genre", "geslacht"),
    "legal_status": ("legal status", "statut juridique", "statut légal", "statut", "juridisch statuut",
                     "juridische status", "statuut"),
    "unit": ("unit code", "unit", "wing", "code unité", "unité", "unité de vie", "aile", "code eenheid",
             "eenheid", "leefeenheid", "vleugel"),
    "cell": ("cell", "cellule", "cel"),
    "birth_date": ("birth date", "date of birth", "date de naissance", "naissance", "geboortedatum"),
    "languages": ("languages", "languages spoken", "langues", "langues parlées", "talen", "gesproken talen"),
    "arrival_date": ("arrival date", "date d'arrivée", "date d'entrée", "arrivée", "aankomstdatum",
                     "datum aankomst", "datum binnenkomst"),
    "expected_release_date": ("expected release date", "release date", "date de libération prévue",
                              "date de sortie prévue", "libération prévue", "verwachte vrijlatingsdatum",
                              "vrijlatingsdatum", "verwachte datum vrijlating"),
    "expected_transfer_date": ("expected transfer date", "transfer date", "date de transfert prévue",
                               "transfert prévu", "verwachte overplaatsingsdatum", "overplaatsingsdatum"),
}
REQUIRED = ("prison_number", "last_name", "first_name", "gender", "legal_status", "unit")
COLUMN_LABELS = {
    "prison_number": _("prison number"), "last_name": _("last name"), "first_name": _("first name"),
    "gender": _("gender"), "legal_status": _("legal status"), "unit": _("unit code"), "cell": _("cell"),
    "birth_date": _("birth date"), "languages": _("languages"), "arrival_date": _("arrival date"),
    "expected_release_date": _("expected release date"),
    "expected_transfer_date": _("expected transfer date"),
}
_ALIASES = {normalise(alias): key for key, aliases in COLUMNS.items() for alias in aliases}

GENDERS = {
    Gender.MALE: ("m", "male", "man", "men", "homme", "h", "masculin"),
    Gender.FEMALE: ("f", "female", "woman", "femme", "vrouw", "v", "feminin"),
    Gender.OTHER: ("x", "other", "autre", "ander", "andere"),
}
LEGAL_STATUSES = {
    LegalStatus.REMAND: ("remand", "prevenu", "prevenue", "prevenus", "beklaagde", "beklaagd",
                         "detentionpreventive", "voorlopigehechtenis"),
    LegalStatus.SENTENCED: ("sentenced", "condamne", "condamnee", "veroordeelde", "veroordeeld"),
    LegalStatus.INTERNED: ("interned", "interne", "internee", "geinterneerde", "geinterneerd"),
}
PROFICIENCIES = {
    Proficiency.NATIVE: ("native", "maternelle", "languematernelle", "moedertaal", "mothertongue"),
    Proficiency.FLUENT: ("fluent", "courant", "couramment", "vloeiend", "good", "bon", "goed"),
    Proficiency.BASIC: ("basic", "base", "basique", "debutant", "basis", "beginner", "notions"),
}
_GENDER_VALUES = {normalise(v): key for key, values in GENDERS.items() for v in values}
_LEGAL_VALUES = {normalise(v): key for key, values in LEGAL_STATUSES.items() for v in values}
_PROFICIENCY_VALUES = {normalise(v): key for key, values in PROFICIENCIES.items() for v in values}
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")
MISSING_CHOICES = ("", DetaineeStatus.TRANSFERRED, DetaineeStatus.RELEASED)
UPDATED_FIELDS = ["last_name", "first_name", "gender", "legal_status", "birth_date", "arrival_date",
                  "expected_release_date", "expected_transfer_date", "cell", "site", "unit", "status"]


def _snapshot(detainee) -> list:
    return [getattr(detainee, Detainee._meta.get_field(name).attname) for name in UPDATED_FIELDS]


@dataclass
class RowError:
    row: int | None  # the spreadsheet's row number (the header is row 1); None: the whole file
    column: str
    message: str

    @property
    def where(self) -> str:
        """For the command line: "row 3, column 'Unit'", "row 3" or "file"."""
        if self.row is None:
            return "file"
        return f"row {self.row}, column {self.column!r}" if self.column else f"row {self.row}"


@dataclass
class ImportRow:
    row: int
    prison_number: str
    last_name: str
    first_name: str
    gender: str
    legal_status: str
    unit: Unit
    cell: str | None = None
    birth_date: dt.date | None = None
    languages: list[tuple[str, str]] | None = None
    arrival_date: dt.date | None = None
    expected_release_date: dt.date | None = None
    expected_transfer_date: dt.date | None = None
    existing: Detainee | None = None

    @property
    def moves(self) -> bool:
        """The detainee changes unit (or site, or comes back after a departure)."""
        d = self.existing
        return d is not None and (d.unit_id != self.unit.pk or d.site_id != self.unit.site_id
                                  or d.status != DetaineeStatus.PRESENT)


@dataclass
class ImportReport:
    site: Site
    filename: str
    import_date: dt.date
    rows: list[ImportRow] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    missing: list[Detainee] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    rows_read: int = 0  # non-empty data rows, valid or not

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new(self) -> list[ImportRow]:
        return [r for r in self.rows if r.existing is None]

    @property
    def updated(self) -> list[ImportRow]:
        return [r for r in self.rows if r.existing is not None]

    @property
    def moved(self) -> list[ImportRow]:
        return [r for r in self.rows if r.moves]

    def counts(self) -> dict[str, int]:
        return {"rows": self.rows_read, "new": len(self.new), "updated": len(self.updated),
                "moved": len(self.moved), "missing": len(self.missing), "errors": len(self.errors)}


@dataclass
class ImportResult:
    created: int
    updated: int
    moved: int
    marked: int
    mark_missing: str


# --- reading the file ----------------------------------------------------------------------------


class UnreadableFile(ValueError):
    pass


def read_table(content: bytes, filename: str = "") -> list[list]:
    """The file's rows (header first) as lists of cell values: xlsx or CSV (`;` or `,`)."""
    if len(content) > MAX_FILE_BYTES:
        raise UnreadableFile(_("The file is larger than 5 MB."))
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_xlsx(content: bytes) -> list[list]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise UnreadableFile(_("The file could not be opened as an Excel workbook (xlsx).")) from exc
    try:
        sheet = workbook.worksheets[0]
        rows = []
        for values in sheet.iter_rows(values_only=True):
            rows.append(list(values))
            if len(rows) > MAX_ROWS + 1:
                raise UnreadableFile(_("The file has more than 20,000 rows."))
        return rows
    finally:
        workbook.close()


def _read_csv(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The CSV file is not encoded in UTF-8: save it as “CSV UTF-8” and try again.")) from exc
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    if len(rows) > MAX_ROWS + 1:
        raise UnreadableFile(_("The file has more than 20,000 rows."))
    return rows


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def read_header(header: list[str], aliases: dict, required, labels: dict, report) -> dict[str, int]:
    """Each known column's position, from names in French, Dutch or English (`aliases`: normalised name →
    key). An unknown column is a warning (ignored); two columns for one key or a required one missing are
    errors on row 1, added to `report.errors` / `report.warnings`."""
    positions: dict[str, int] = {}
    for index, name in enumerate(header):
        key = aliases.get(normalise(name))
        if key is None:
            if name:
                report.warnings.append(RowError(1, name, str(_("Unknown column, ignored."))))
            continue
        if key in positions:
            report.errors.append(RowError(1, name, str(
                _("Two columns mean the same thing (%(first)s and %(second)s).")
                % {"first": header[positions[key]], "second": name})))
            continue
        positions[key] = index
    for key in required:
        if key not in positions:
            report.errors.append(RowError(1, str(labels[key]), str(_("Required column missing."))))
    return positions


def word_lookup(words: dict, labelled) -> dict:
    """{normalised word: value}: the `words` given for each value, and each (value, label) of `labelled`
    with its label in French, Dutch and English, so what the templates and the interface write is always
    understood (a column's name, a choice)."""
    from django.utils import translation

    found = {normalise(word): value for value, aliases in words.items() for word in aliases}
    for language in ("en", "fr", "nl"):
        with translation.override(language):
            found.update({normalise(label): value for value, label in labelled})
    return found


def column_aliases(columns: dict, template_columns) -> dict:
    """A list import's column names: the aliases of `columns` and the template's own column names
    (`template_columns`: key, label, example) in French, Dutch and English."""
    return word_lookup(columns, [(key, label) for key, label, _example in template_columns])


# Columns every list of people may have, in French, Dutch and English.
PERSON_COLUMNS = {
    "last_name": ("last name", "surname", "family name", "nom", "nom de famille", "achternaam", "familienaam",
                  "naam"),
    "first_name": ("first name", "given name", "prénom", "voornaam"),
    "email": ("email", "e-mail", "mail", "courriel", "adresse e-mail", "e-mailadres"),
}


@dataclass
class ListImportResult:
    created: int
    updated: int


def record_list_import(report, user, what: str) -> ListImportResult:
    """The audit entry of an applied list import (counts only, no names) and its result."""
    audit.record(user, AuditAction.IMPORT, object_type=what,
                 detail=f"site={report.site.pk if report.site else 'all'} new={len(report.new)} "
                        f"updated={len(report.updated)}")
    return ListImportResult(created=len(report.new), updated=len(report.updated))


class RowCheck:
    """One row of a list being checked: its cells as text, and its errors, each naming the row and the column
    as it was typed. A required cell left empty is an error at once."""

    def __init__(self, report, number: int, cells: dict, column: dict, required=()):
        self.report, self.number, self.column = report, number, column
        self.text = {key: cell_text(value) for key, value in cells.items()}
        self.failed = False
        for key in required:
            if not self.text[key]:
                self.error(key, _("Required."))

    def error(self, key: str, message) -> None:
        self.report.errors.append(RowError(self.number, self.column[key], str(message)))
        self.failed = True

    def within(self, key: str, limit: int) -> None:
        if len(self.text.get(key, "")) > limit:
            self.error(key, _("Longer than %(limit)d characters.") % {"limit": limit})


def flag_repeats(report, number: int, keys, seen: dict, message=None) -> None:
    """The same person twice in a file: `keys` are (value, column name) pairs that identify the row (an
    e-mail, a name); `seen` maps the values met so far to their row. `message`: another wording than a
    person's (it has %(row)d)."""
    for key, column in keys:
        if key and key in seen:
            report.errors.append(RowError(number, column, str((message or _("The same person as on row %(row)d."))
                                                              % {"row": seen[key]})))
        elif key:
            seen[key] = number


def write_rows(report, user, what: str, new_record, *, before_save=None, after_save=None) -> ListImportResult:
    """Write a valid list report in one transaction: each row's `values` onto the record it updates, or onto
    `new_record(row)`; `before_save(row, record)` and `after_save(row, record)` for what a list adds (a building,
    units reached, an audit entry per record); then the import's own audit entry and counts (`what`)."""
    if not report.ok:
        raise ValueError("An import with errors cannot be applied.")
    with transaction.atomic():
        for row in report.rows:
            record = row.existing or new_record(row)
            for key, value in row.values.items():
                setattr(record, key, value)
            if before_save:
                before_save(row, record)
            record.save()
            if after_save:
                after_save(row, record)
        return record_list_import(report, user, what)


def collect_rows(report, rows, validate, identity, repeated, no_rows) -> None:
    """Check each (row number, cells) of a list with `validate` (None when the row has errors), flag a row that
    names the same record as an earlier one (`identity(row)`: (value, column name) pairs, as `flag_repeats`
    takes; `repeated` has %(row)d), keep the valid rows in `report.rows`, and refuse a file without any
    (`no_rows`)."""
    seen = {}
    for number, cells in rows:
        row = validate(number, cells)
        if row is None:
            continue
        flag_repeats(report, number, identity(row), seen, repeated)
        report.rows.append(row)
    if not report.rows_read:
        report.errors.append(RowError(None, "", str(no_rows)))


@dataclass
class ListReport:
    """What a list import (facilitators, staff, partners) found: the valid rows, each with `existing` (the
    record it updates, or None for a new one), and the errors and warnings by row and column. `site`: the
    site the list is for, None for a list shared by every site (partners)."""

    site: Site | None
    filename: str
    rows: list = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[RowError] = field(default_factory=list)
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def new(self) -> list:
        return [row for row in self.rows if row.existing is None]

    @property
    def updated(self) -> list:
        return [row for row in self.rows if row.existing is not None]


def read_list(content: bytes, filename: str, report, *, aliases: dict, required, labels: dict):
    """The file's data rows as (row number, {key: cell}) with the columns' names as typed ({key: name}),
    or None when the file itself is refused (the reason is in `report.errors`). Empty rows are skipped."""
    try:
        table = read_table(content, filename)
    except UnreadableFile as exc:
        report.errors.append(RowError(None, "", str(exc.args[0])))
        return None
    if not table or not any(cell_text(v) for v in table[0]):
        report.errors.append(RowError(None, "", str(_("The file is empty: the first row must hold the column names."))))
        return None
    header = [cell_text(v) for v in table[0]]
    positions = read_header(header, aliases, required, labels, report)
    if report.errors:
        return None
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if any(cell_text(v) for v in values):
            rows.append((number, {key: values[index] if index < len(values) else None
                                  for key, index in positions.items()}))
    report.rows_read = len(rows)
    return {key: header[index] for key, index in positions.items()}, rows


# --- validating ----------------------------------------------------------------------------------


def parse_date(value) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def parse_languages(text: str) -> list[tuple[str, str]]:
    """'ar:native, fr:basic' → [('ar', 'native'), ('fr', 'basic')]; a language alone is 'fluent'."""
    found = []
    for part in re.split(r"[,;/|]", text):
        part = part.strip()
        if not part:
            continue
        code, _sep, level = part.partition(":")
        code = code.strip().lower()
        if not re.fullmatch(r"[a-z]{2,3}", code):
            raise ValueError(_("“%(part)s” is not a language code of two or three letters (e.g. ar, fr, nl, ti).")
                             % {"part": part})
        proficiency = Proficiency.FLUENT
        if level.strip():
            proficiency = _PROFICIENCY_VALUES.get(normalise(level))
            if proficiency is None:
                raise ValueError(_("“%(level)s” is not a level: use native, fluent or basic.") % {"level": level.strip()})
        if code in (c for c, _p in found):
            raise ValueError(_("The language “%(code)s” appears twice.") % {"code": code})
        found.append((code, str(proficiency)))
    return found


def prepare_import(content: bytes, filename: str, site: Site, *, today: dt.date | None = None) -> ImportReport:
    """Read and validate the whole file; nothing is written. `report.ok` says whether it can be applied."""
    report = ImportReport(site=site, filename=filename, import_date=today or timezone.localdate())
    found = read_list(content, filename, report, aliases=_ALIASES, required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column_name, rows = found
    report.columns = list(column_name)
    units = {normalise(u.code): u for u in Unit.objects.filter(site=site).select_related("site")}
    seen: dict[str, int] = {}
    parsed: list[ImportRow] = []
    for number, cells in rows:
        row = _validate_row(number, cells, column_name, units, seen, report)
        if row is not None:
            parsed.append(row)
    if not parsed and not report.errors:
        report.errors.append(RowError(None, "", str(_("The file has column names but no detainee."))))

    existing = {d.prison_number: d for d in Detainee.objects.filter(prison_number__in=[r.prison_number for r in parsed])
                .select_related("unit", "site").prefetch_related("languages")}
    for row in parsed:
        row.existing = existing.get(row.prison_number)
        if row.existing is not None and row.existing.site_id != site.pk:
            report.warnings.append(RowError(row.row, column_name["prison_number"], str(
                _("Known at %(site)s: the import moves this detainee to %(here)s.")
                % {"site": row.existing.site.name, "here": site.name})))
    report.rows = parsed
    numbers = [r.prison_number for r in parsed]
    report.missing = list(
        Detainee.objects.filter(site=site, status=DetaineeStatus.PRESENT).exclude(prison_number__in=numbers)
        .select_related("unit").order_by("prison_number")
    )
    return report


def _validate_row(number, cells, column_name, units, seen, report) -> ImportRow | None:
    errors_before = len(report.errors)

    def error(key, message):
        report.errors.append(RowError(number, column_name[key], str(message)))

    def required(key):
        value = cell_text(cells.get(key))
        if not value:
            error(key, _("A value is required."))
        return value

    prison_number = required("prison_number")
    if prison_number:
        if len(prison_number) > 20:
            error("prison_number", _("At most 20 characters."))
        elif prison_number.upper().startswith(ANONYMISED_NUMBER_PREFIX):
            error("prison_number", _("Numbers starting with %(prefix)s are kept for anonymised records.")
                  % {"prefix": ANONYMISED_NUMBER_PREFIX})
        elif prison_number in seen:
            error("prison_number", _("The prison number %(number)s already appears in row %(row)s.")
                  % {"number": prison_number, "row": seen[prison_number]})
        else:
            seen[prison_number] = number
    last_name, first_name = required("last_name"), required("first_name")
    for key, value in (("last_name", last_name), ("first_name", first_name)):
        if len(value) > 100:
            error(key, _("At most 100 characters."))
    gender = None
    if value := required("gender"):
        gender = _GENDER_VALUES.get(normalise(value))
        if gender is None:
            error("gender", _("Unknown gender “%(value)s”: use M, F or X.") % {"value": value})
    legal_status = None
    if value := required("legal_status"):
        legal_status = _LEGAL_VALUES.get(normalise(value))
        if legal_status is None:
            error("legal_status", _("Unknown legal status “%(value)s”: use remand, sentenced or interned.")
                  % {"value": value})
    unit = None
    if value := required("unit"):
        unit = units.get(normalise(value))
        if unit is None:
            error("unit", _("Unknown unit code “%(value)s” at this site.") % {"value": value})

    dates = {}
    for key in ("birth_date", "arrival_date", "expected_release_date", "expected_transfer_date"):
        if key in cells and cell_text(cells[key]):
            try:
                dates[key] = parse_date(cells[key])
            except ValueError:
                error(key, _("“%(value)s” is not a date: write it as 2026-03-31 or 31/03/2026.")
                      % {"value": cell_text(cells[key])})
    today = report.import_date
    if dates.get("birth_date") and dates["birth_date"] >= today:
        error("birth_date", _("The birth date must be in the past."))
    if dates.get("arrival_date") and dates["arrival_date"] > today:
        error("arrival_date", _("The arrival date cannot be in the future."))
    if dates.get("arrival_date") and dates.get("expected_release_date") and \
            dates["expected_release_date"] < dates["arrival_date"]:
        error("expected_release_date", _("The expected release date is before the arrival date."))
    languages = None
    if "languages" in cells and cell_text(cells["languages"]):
        try:
            languages = parse_languages(cell_text(cells["languages"]))
        except ValueError as exc:
            error("languages", str(exc.args[0]))
    cell = cell_text(cells["cell"]) if "cell" in cells and cell_text(cells["cell"]) else None
    if cell and len(cell) > 20:
        error("cell", _("At most 20 characters."))
    if len(report.errors) > errors_before:
        return None
    if unit.population == "women" and gender == Gender.MALE or unit.population == "men" and gender == Gender.FEMALE:
        report.warnings.append(RowError(number, column_name["unit"], str(
            _("Unit %(unit)s houses %(population)s.") % {"unit": unit.code, "population": unit.get_population_display().lower()})))
    return ImportRow(row=number, prison_number=prison_number, last_name=last_name, first_name=first_name,
                     gender=str(gender), legal_status=str(legal_status), unit=unit, cell=cell, languages=languages,
                     **dates)


# --- applying ------------------------------------------------------------------------------------


def _close_and_open(placements_to_close, placements_to_open, detainee, unit, cell, status, day, source, open_now):
    current = open_now.get(detainee.pk)
    if current is not None and current.valid_from >= day:
        # Already changed today: correct today's record rather than leave a zero-length one.
        current.unit, current.cell, current.status, current.source = unit, cell, status, source
        placements_to_close.append(current)
        return
    if current is not None:
        current.valid_until = day
        placements_to_close.append(current)
    placements_to_open.append(Placement(detainee=detainee, unit=unit, cell=cell, status=status, valid_from=day,
                                        source=source))


def apply_import(report: ImportReport, *, user=None, mark_missing: str = "") -> ImportResult:
    """Write a validated report in one transaction. `mark_missing`: '' (leave them), 'transferred' or 'released'."""
    if not report.ok:
        raise ValueError("An import with errors cannot be applied.")
    if mark_missing not in MISSING_CHOICES:
        raise ValueError(f"mark_missing must be one of {MISSING_CHOICES}")
    day, site = report.import_date, report.site
    source = f"import {report.filename}"[:100]
    moved = len(report.moved)  # before the rows' detainees take their new units
    with transaction.atomic():
        changed = [r.existing.pk for r in report.rows if r.existing] + [d.pk for d in report.missing]
        open_now = {p.detainee_id: p for p in Placement.objects.select_for_update()
                    .filter(detainee_id__in=changed, valid_until__isnull=True)}
        new_detainees, new_languages, to_update, to_close, to_open = [], [], [], [], []
        replaced_languages = []
        for row in report.rows:
            d = row.existing
            if d is None:
                d = Detainee(prison_number=row.prison_number, site=site, status=DetaineeStatus.PRESENT)
                new_detainees.append((d, row))
            before = _snapshot(d)
            moves = row.moves
            d.last_name, d.first_name, d.gender, d.legal_status = row.last_name, row.first_name, row.gender, row.legal_status
            for key in ("birth_date", "arrival_date", "expected_release_date", "expected_transfer_date"):
                if getattr(row, key) is not None:
                    setattr(d, key, getattr(row, key))
            cell_changes = row.cell is not None and row.cell != d.cell
            if row.cell is not None:
                d.cell = row.cell
            d.site, d.unit, d.status = site, row.unit, DetaineeStatus.PRESENT
            if row.existing is None:
                if row.languages is not None:
                    d.needs_interpreter = not any(c in ("fr", "nl") and p != Proficiency.BASIC for c, p in row.languages)
                    new_languages.append((d, row.languages))
                continue
            if row.languages is not None and sorted(row.languages) != sorted(
                (lang.language, lang.proficiency) for lang in d.languages.all()
            ):
                replaced_languages.append(d.pk)
                new_languages.append((d, row.languages))
            # Only rows that change anything are written: a weekly list is mostly unchanged.
            if _snapshot(d) != before:
                d.updated_at = timezone.now()  # bulk_update does not touch auto_now fields
                to_update.append(d)
            if moves or cell_changes:
                _close_and_open(to_close, to_open, d, row.unit, d.cell, DetaineeStatus.PRESENT, day, source, open_now)
        Detainee.objects.bulk_create([d for d, _row in new_detainees])
        for d, _row in new_detainees:
            to_open.append(Placement(detainee=d, unit=d.unit, cell=d.cell, status=DetaineeStatus.PRESENT,
                                     valid_from=d.arrival_date if d.arrival_date and d.arrival_date <= day else day,
                                     source=source))
        Detainee.objects.bulk_update(to_update, [*UPDATED_FIELDS, "updated_at"], batch_size=200)
        DetaineeLanguage.objects.filter(detainee_id__in=replaced_languages).delete()
        DetaineeLanguage.objects.bulk_create([
            DetaineeLanguage(detainee=d, language=code, proficiency=level)
            for d, languages in new_languages for code, level in languages
        ])

        marked = []
        if mark_missing:
            for d in report.missing:
                _close_and_open(to_close, to_open, d, None, "", mark_missing, day, source, open_now)
                d.status, d.unit, d.cell = mark_missing, None, ""
                marked.append(d)
            for d in marked:
                d.updated_at = timezone.now()
            Detainee.objects.bulk_update(marked, ["status", "unit", "cell", "updated_at"], batch_size=500)
        Placement.objects.bulk_update(to_close, ["valid_until", "unit", "cell", "status", "source"], batch_size=500)
        Placement.objects.bulk_create(to_open)
        _end_enrolments(marked, mark_missing, user)

        result = ImportResult(created=len(new_detainees), updated=len(to_update), moved=moved,
                              marked=len(marked), mark_missing=mark_missing)
        audit.record(user, AuditAction.IMPORT, object_type="prisons.detainee", detail=(
            f"detainee list import, site {site.code}: {result.created} new, {result.updated} updated, "
            f"{result.moved} moved, {result.marked} marked {mark_missing or 'none'} of {len(report.missing)} missing"
        ))
    return result


def _end_enrolments(detainees, status, user) -> None:
    """Departed people leave their cycles (the enrolment app's service), when that app provides it."""
    if not detainees:
        return
    try:
        from enrolment.services import end_enrolments_for_departure
    except ImportError:
        return
    for d in detainees:
        end_enrolments_for_departure(d, status, by=user)
