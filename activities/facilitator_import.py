"""Importing the facilitators a coordinator kept in a spreadsheet (xlsx or CSV), so the first day in
Relais does not begin with typing seventy volunteers: parse → validate everything → preview → apply.

One row a facilitator; column names in French, Dutch or English (`COLUMNS`). A row matches an existing
facilitator by e-mail, else by first and last name at the site, and then updates what its cells give
(an empty cell changes nothing); any other row is a new facilitator. Their partner organisation must be
in Relais already (matched by name, accents and case aside). Weekly availability is typed as
"Mon 08:30-12:00; Tue 13:30-16:30*" (a star: the times they prefer; weekdays in any of the three
languages) and replaces what was recorded. Nothing is written unless every row is valid; each error
names its row and column. The page and `manage.py import_facilitators` share these two calls.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from prisons.imports import (
    PERSON_COLUMNS,
    ListImportResult,
    ListReport,
    RowCheck,
    RowError,
    column_aliases,
    flag_repeats,
    normalise,
    parse_date,
    read_list,
    record_list_import,
    word_lookup,
)
from prisons.models import Site, Weekday

from .language_codes import language_codes
from .models import Availability, Facilitator, FacilitatorKind, Partner

COLUMNS = {
    **PERSON_COLUMNS,
    "kind": ("kind", "type", "role", "rôle", "statut", "soort", "functie"),
    "partner": ("partner", "organisation", "organization", "partner organisation", "organisation partenaire",
                "partenaire", "association", "organisatie", "partnerorganisatie", "vereniging"),
    "phone": ("phone", "telephone", "mobile", "téléphone", "gsm", "portable", "telefoon", "telefoonnummer",
              "telefoon / gsm"),
    "languages": ("languages", "langues", "talen", "language codes"),
    "skills": ("skills", "themes", "skills and themes", "compétences", "thèmes", "vaardigheden", "thema's"),
    "authorisation_number": ("badge", "badge number", "access authorisation number", "authorisation number",
                             "numéro de badge", "n° de badge", "numéro d'autorisation", "badgenummer",
                             "toegangsnummer"),
    "authorisation_valid_from": ("valid from", "badge valid from", "authorisation valid from", "valable du",
                                 "valable à partir du", "badge valable du", "geldig vanaf", "badge geldig vanaf"),
    "authorisation_valid_until": ("valid until", "badge valid until", "authorisation valid until",
                                  "valable jusqu'au", "badge valable jusqu'au", "expiration", "geldig tot",
                                  "badge geldig tot", "vervaldatum"),
    "availability": ("availability", "weekly availability", "disponibilités", "disponibilite", "beschikbaarheid"),
}
REQUIRED = ("last_name", "first_name")
COLUMN_LABELS = {"last_name": _("Last name"), "first_name": _("First name")}

KINDS = {
    FacilitatorKind.VOLUNTEER: ("volunteer", "bénévole", "benevole", "volontaire", "vrijwilliger"),
    FacilitatorKind.PARTNER_EMPLOYEE: ("partner employee", "partner's employee", "employee", "employé",
                                       "employée", "salarié", "salariée", "werknemer", "medewerker",
                                       "personeelslid partner"),
    FacilitatorKind.TEACHER: ("teacher", "adult-education teacher", "enseignant", "enseignante", "formateur",
                              "formatrice", "leerkracht", "docent", "lesgever"),
    FacilitatorKind.STAFF: ("staff", "prison staff", "prison staff member", "personnel", "agent",
                            "personeel", "penitentiair beambte"),
    FacilitatorKind.INTERPRETER: ("interpreter", "interprète", "interprete", "tolk"),
}

WEEKDAYS = (
    ("mon", "monday", "lun", "lundi", "ma", "maa", "maandag"),
    ("tue", "tuesday", "mar", "mardi", "di", "din", "dinsdag"),
    ("wed", "wednesday", "mer", "mercredi", "wo", "woe", "woensdag"),
    ("thu", "thursday", "jeu", "jeudi", "do", "don", "donderdag"),
    ("fri", "friday", "ven", "vendredi", "vr", "vri", "vrijdag"),
    ("sat", "saturday", "sam", "samedi", "za", "zat", "zaterdag"),
    ("sun", "sunday", "dim", "dimanche", "zo", "zon", "zondag"),
)
_WEEKDAY_VALUES = {normalise(name): day for day, names in enumerate(WEEKDAYS) for name in names}
_WINDOW = re.compile(r"^\s*([^\d\s]+)\.?\s+(\d{1,2})[:h.](\d{2})\s*[-–]\s*(\d{1,2})[:h.](\d{2})\s*(\*?)\s*$")
UPDATED_FIELDS = ("kind", "partner", "email", "phone", "languages", "skills", "authorisation_number",
                  "authorisation_valid_from", "authorisation_valid_until")


@dataclass
class Window:
    weekday: int
    start: dt.time
    end: dt.time
    preferred: bool

    @property
    def day_label(self) -> str:
        return str(Weekday(self.weekday).label)


@dataclass
class FacilitatorRow:
    row: int
    first_name: str
    last_name: str
    values: dict  # the fields its cells give (see UPDATED_FIELDS)
    availability: list[Window] | None = None  # None: the column is absent or the cell empty
    existing: Facilitator | None = None

    @property
    def name(self) -> str:
        return f"{self.first_name} {self.last_name}"


FacilitatorImport = ListReport  # rows: FacilitatorRow


def parse_availability(text: str) -> list[Window]:
    """"Mon 08:30-12:00; mardi 13h30-16h30*" → windows; a star marks the preferred ones."""
    windows = []
    for part in re.split(r"[;,\n]", text):
        if not part.strip():
            continue
        match = _WINDOW.match(part)
        if match is None:
            raise ValueError(_("“%(part)s” is not a weekday and hours, e.g. “Mon 08:30-12:00”.") % {"part": part.strip()})
        day = _WEEKDAY_VALUES.get(normalise(match.group(1)))
        if day is None:
            raise ValueError(_("“%(day)s” is not a weekday.") % {"day": match.group(1)})
        try:
            start = dt.time(int(match.group(2)), int(match.group(3)))
            end = dt.time(int(match.group(4)), int(match.group(5)))
        except ValueError:
            raise ValueError(_("“%(part)s” has an hour that does not exist.") % {"part": part.strip()}) from None
        if end <= start:
            raise ValueError(_("“%(part)s” ends before it starts.") % {"part": part.strip()})
        if any(w.weekday == day and w.start < end and start < w.end for w in windows):
            raise ValueError(_("“%(part)s” overlaps another time of the same day.") % {"part": part.strip()})
        windows.append(Window(day, start, end, bool(match.group(6))))
    return windows


def prepare_facilitator_import(content: bytes, filename: str, site: Site) -> FacilitatorImport:
    """Read and validate the whole file; nothing is written."""
    report = FacilitatorImport(site=site, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    partners = {normalise(p.name): p for p in Partner.objects.all()}
    kinds = word_lookup(KINDS, FacilitatorKind.choices)
    seen = {}
    for number, cells in rows:
        row = _validate_row(number, cells, column, partners, kinds, report)
        if row is None:
            continue
        flag_repeats(report, number, [(row.values.get("email", "").lower(), column.get("email")),
                                      (normalise(row.name), column["last_name"])], seen)
        report.rows.append(row)
    if not report.rows_read:
        report.errors.append(RowError(None, "", str(_("The file has column names but no facilitator."))))
    _match_existing(report)
    return report


def _validate_row(number, cells, column, partners, kinds, report) -> FacilitatorRow | None:
    check = RowCheck(report, number, cells, column, REQUIRED)
    text, error = check.text, check.error
    values = {}
    if text.get("kind"):
        kind = kinds.get(normalise(text["kind"]))
        if kind is None:
            error("kind", _("“%(value)s” is not a kind: volunteer, partner employee, teacher, staff or interpreter.")
                  % {"value": text["kind"]})
        values["kind"] = kind
    if text.get("partner"):
        partner = partners.get(normalise(text["partner"]))
        if partner is None:
            error("partner", _("No partner organisation “%(name)s” in Relais: add it first, or check the spelling.")
                  % {"name": text["partner"]})
        values["partner"] = partner
    if text.get("email"):
        try:
            validate_email(text["email"])
        except ValidationError:
            error("email", _("“%(value)s” is not an e-mail address.") % {"value": text["email"]})
        values["email"] = text["email"]
    for key, limit in (("phone", 40), ("skills", 255), ("authorisation_number", 40), ("first_name", 100),
                       ("last_name", 100)):
        check.within(key, limit)
    for key in ("phone", "skills", "authorisation_number"):
        if text.get(key):
            values[key] = text[key]
    if text.get("languages"):
        try:
            values["languages"] = language_codes(text["languages"])
        except ValueError as exc:
            error("languages", exc.args[0])
    for key in ("authorisation_valid_from", "authorisation_valid_until"):
        if text.get(key):
            try:
                values[key] = parse_date(cells[key])
            except ValueError:
                error(key, _("“%(value)s” is not a date (use 2027-03-31 or 31/03/2027).") % {"value": text[key]})
    start, end = values.get("authorisation_valid_from"), values.get("authorisation_valid_until")
    if start and end and end < start:
        error("authorisation_valid_until", _("Ends before it starts."))
    availability = None
    if text.get("availability"):
        try:
            availability = parse_availability(text["availability"])
        except ValueError as exc:
            error("availability", exc.args[0])
    if check.failed:
        return None
    return FacilitatorRow(number, text["first_name"], text["last_name"], values, availability)


def _match_existing(report: FacilitatorImport) -> None:
    """By e-mail anywhere, else by name among the site's facilitators (two queries)."""
    emails = {row.values["email"].lower() for row in report.rows if row.values.get("email")}
    by_email = {person.email_lower: person for person in
                Facilitator.objects.annotate(email_lower=Lower("email")).filter(email_lower__in=emails)}
    by_name = {normalise(str(person)): person for person in Facilitator.objects.filter(sites=report.site)}
    for row in report.rows:
        row.existing = by_email.get(row.values.get("email", "").lower()) or by_name.get(normalise(row.name))


def apply_facilitator_import(report: FacilitatorImport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction: new facilitators (volunteers unless the row says
    otherwise) and updates; every row's facilitator works at the site afterwards."""
    if not report.ok:
        raise ValueError("An import with errors cannot be applied.")
    with transaction.atomic():
        for row in report.rows:
            person = row.existing or Facilitator(kind=FacilitatorKind.VOLUNTEER)
            person.first_name, person.last_name = row.first_name, row.last_name
            for key, value in row.values.items():
                setattr(person, key, value)
            person.save()
            person.sites.add(report.site)
            if row.availability is not None:
                Availability.objects.filter(facilitator=person).delete()
                Availability.objects.bulk_create([
                    Availability(facilitator=person, weekday=w.weekday, start=w.start, end=w.end,
                                 preferred=w.preferred) for w in row.availability])
        return record_list_import(report, user, "facilitators")


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("last_name", _("Last name"), "Demo-Peeters"),
    ("first_name", _("First name"), "An"),
    ("kind", _("Kind"), FacilitatorKind.VOLUNTEER.label),
    ("partner", _("Partner"), ""),
    ("email", _("E-mail"), "an.demo@example.org"),
    ("phone", _("Phone"), "+32 470 00 00 00"),
    ("languages", _("Languages"), "nl, fr, en"),
    ("skills", _("Skills"), "theatre, drawing"),
    ("authorisation_number", _("Badge number"), "B-0000"),
    ("authorisation_valid_from", _("Valid from"), "2027-01-01"),
    ("authorisation_valid_until", _("Valid until"), "2027-12-31"),
    ("availability", _("Availability"), "Mon 08:30-12:00; Tue 13:30-16:30*"),
]
