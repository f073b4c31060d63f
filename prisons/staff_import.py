"""Importing the prison staff a coordinator works with from the direction's list (xlsx or CSV): officers,
detention support workers, services and the gate, with their units and e-mail, so that the units' change
e-mails and the officers' views work from the first day.

One row a staff member; column names in French, Dutch or English. A row matches a staff member of the
site by e-mail, else by first and last name, and updates what its cells give (an empty cell changes
nothing; units given replace theirs); any other row is a new staff member. Units are the site's codes,
separated by commas. Nothing is written unless every row is valid; each error names its row and column.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from .imports import (
    PERSON_COLUMNS,
    ListImportResult,
    ListReport,
    RowCheck,
    RowError,
    column_aliases,
    flag_repeats,
    normalise,
    read_list,
    record_list_import,
    word_lookup,
)
from .models import Site, StaffFunction, StaffMember, Unit

COLUMNS = {
    **PERSON_COLUMNS,
    "function": ("function", "role", "job", "fonction", "rôle", "poste", "functie", "rol"),
    "units": ("units", "unit", "unit codes", "wings", "unités", "unités de vie", "unité", "ailes", "sections",
              "leefeenheden", "eenheden", "vleugels", "afdelingen"),
    "email_changes": ("e-mail changes", "email changes", "send changes", "e-mails", "e-mailer les changements",
                      "changements par e-mail", "wijzigingen mailen", "wijzigingen per e-mail"),
}
REQUIRED = ("last_name", "first_name", "function")
COLUMN_LABELS = {"last_name": _("Last name"), "first_name": _("First name"), "function": _("Function")}

FUNCTIONS = {
    StaffFunction.OFFICER: ("officer", "security officer", "prison officer", "agent", "agent pénitentiaire",
                            "agente pénitentiaire", "agent de sécurité", "surveillant", "penitentiair beambte",
                            "beambte", "cipier", "bewaarder"),
    StaffFunction.SUPPORT_WORKER: ("detention support worker", "support worker", "accompagnateur de détention",
                                   "accompagnatrice de détention", "accompagnateur", "detentiebegeleider",
                                   "begeleider"),
    StaffFunction.PSYCHOSOCIAL: ("psychosocial", "psychosocial service", "service psychosocial", "sps", "psd",
                                 "psychosociale dienst"),
    StaffFunction.MANAGEMENT: ("management", "direction", "directeur", "directrice", "directie", "manager"),
    StaffFunction.GATE: ("gate", "porte", "portier", "poort", "accueil", "onthaal"),
    StaffFunction.OTHER: ("other", "autre", "ander", "andere"),
}
_YES = {normalise(v) for v in ("yes", "y", "oui", "o", "ja", "j", "1", "true", "x")}
_NO = {normalise(v) for v in ("no", "n", "non", "nee", "0", "false")}


@dataclass
class StaffRow:
    row: int
    first_name: str
    last_name: str
    function: str
    units: list[Unit] | None  # None: the cell is empty (their units stay)
    email: str
    email_changes: bool | None
    existing: StaffMember | None = None

    @property
    def function_label(self) -> str:
        return str(StaffFunction(self.function).label)


def prepare_staff_import(content: bytes, filename: str, site: Site) -> ListReport:
    """Read and validate the whole file; nothing is written."""
    report = ListReport(site=site, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    units = {normalise(unit.code): unit for unit in Unit.objects.filter(site=site)}
    functions = word_lookup(FUNCTIONS, StaffFunction.choices)
    seen = {}
    for number, cells in rows:
        row = _validate_row(number, cells, column, units, functions, report)
        if row is None:
            continue
        flag_repeats(report, number, [(row.email.lower(), column.get("email")),
                                      (normalise(f"{row.first_name} {row.last_name}"), column["last_name"])], seen)
        report.rows.append(row)
    if not report.rows_read:
        report.errors.append(RowError(None, "", str(_("The file has column names but no staff member."))))
    members = list(StaffMember.objects.filter(site=site))
    by_email = {m.email.lower(): m for m in members if m.email}
    by_name = {normalise(str(m)): m for m in members}
    for row in report.rows:
        row.existing = by_email.get(row.email.lower()) or by_name.get(normalise(f"{row.first_name} {row.last_name}"))
    return report


def _validate_row(number, cells, column, units, functions, report) -> StaffRow | None:
    check = RowCheck(report, number, cells, column, REQUIRED)
    text, error = check.text, check.error
    for key in ("first_name", "last_name"):
        check.within(key, 100)
    function = functions.get(normalise(text["function"])) if text["function"] else None
    if text["function"] and function is None:
        error("function", _("“%(value)s” is not a function: officer, detention support worker, psychosocial "
                            "service, management, gate or other.") % {"value": text["function"]})
    chosen = None
    if text.get("units"):
        codes = [code.strip() for code in text["units"].replace(";", ",").split(",") if code.strip()]
        unknown = [code for code in codes if normalise(code) not in units]
        if unknown:
            error("units", _("Not units of %(site)s: %(units)s.") % {"site": report.site.name,
                                                                     "units": ", ".join(unknown)})
        chosen = list({units[normalise(code)].pk: units[normalise(code)] for code in codes
                       if normalise(code) in units}.values())
    email = text.get("email", "")
    if email:
        try:
            validate_email(email)
        except ValidationError:
            error("email", _("“%(value)s” is not an e-mail address.") % {"value": email})
    email_changes = None
    if text.get("email_changes"):
        answer = normalise(text["email_changes"])
        if answer not in _YES | _NO:
            error("email_changes", _("“%(value)s”: answer yes or no.") % {"value": text["email_changes"]})
        email_changes = answer in _YES
    if check.failed:
        return None
    return StaffRow(number, text["first_name"], text["last_name"], function, chosen, email, email_changes)


def apply_staff_import(report: ListReport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction."""
    if not report.ok:
        raise ValueError("An import with errors cannot be applied.")
    with transaction.atomic():
        for row in report.rows:
            member = row.existing or StaffMember(site=report.site)
            member.first_name, member.last_name, member.function = row.first_name, row.last_name, row.function
            if row.email:
                member.email = row.email
            if row.email_changes is not None:
                member.email_cancellations = row.email_changes
            member.save()
            if row.units is not None:
                member.units.set(row.units)
        return record_list_import(report, user, "staff")


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("last_name", _("Last name"), "Demo-Janssens"),
    ("first_name", _("First name"), "Els"),
    ("function", _("Function"), StaffFunction.OFFICER.label),
    ("units", _("Units"), "A1, A2"),
    ("email", _("E-mail"), "els.demo@example.org"),
    ("email_changes", _("E-mail changes"), _("yes")),
]
