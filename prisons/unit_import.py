"""Importing a site's living units (wings at Saint-Gilles) from the direction's list (xlsx or CSV), so a new
site does not wait for an administrator: which population and legal regime each unit holds decides who may
be mixed in a group, its regime and escort limit what the planner may ask of its staff.

One row a unit; column names in French, Dutch or English. A row matches a unit of the site by its code (case
aside) and updates what its cells give (an empty cell changes nothing); any other row is a new unit, which
needs its name, building, population and legal regime. A building is named by its code or name; one not yet
in Relais is added with what the cell says. Nothing is written unless every row is valid; each error names
its row and column.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditAction

from .imports import (
    ListImportResult,
    ListReport,
    RowCheck,
    collect_rows,
    column_aliases,
    normalise,
    read_list,
    word_lookup,
    write_rows,
)
from .models import Building, LegalRegime, Population, Regime, Site, Unit

COLUMNS = {
    "code": ("code", "unit code", "code de l'unité", "unité", "aile", "section", "code leefeenheid", "vleugel"),
    "name": ("name", "unit", "nom", "nom de l'unité", "naam", "leefeenheid", "naam leefeenheid"),
    "building": ("building", "bâtiment", "batiment", "gebouw"),
    "population": ("population", "men or women", "hommes ou femmes", "populatie", "mannen of vrouwen"),
    "legal_regime": ("legal regime", "legal status", "statut", "statut juridique", "régime juridique",
                     "juridisch statuut", "statuut"),
    "regime": ("regime", "régime", "régime de l'unité", "regime leefeenheid"),
    "capacity": ("capacity", "places", "capacité", "capaciteit", "plaatsen"),
    "max_parallel_sessions": ("escort limit", "escorts", "limite d'escorte", "escortes", "begeleidingslimiet"),
}
REQUIRED = ("code",)
COLUMN_LABELS = {"code": _("Code")}
POPULATIONS = {
    Population.MEN: ("men", "man", "male", "m", "hommes", "homme", "h", "mannen"),
    Population.WOMEN: ("women", "woman", "female", "f", "w", "femmes", "femme", "vrouwen", "vrouw", "v"),
}
LEGAL_REGIMES = {
    LegalRegime.REMAND: ("remand", "pre-trial", "prévenus", "prévenu", "beklaagden", "beklaagde"),
    LegalRegime.SENTENCED: ("sentenced", "condamnés", "condamné", "veroordeelden", "veroordeelde"),
    LegalRegime.INTERNED: ("interned", "internés", "interné", "geïnterneerden", "geïnterneerde"),
    LegalRegime.MIXED: ("mixed", "mixte", "mixtes", "gemengd"),
}
REGIMES = {
    Regime.CLOSED: ("closed", "fermé", "ferme", "gesloten"),
    Regime.SEMI_OPEN: ("semi-open", "semi open", "semi-ouvert", "semi ouvert", "halfopen", "half-open"),
    Regime.OPEN: ("open", "ouvert"),
}


@dataclass
class UnitRow:
    row: int
    code: str
    values: dict  # the fields its cells give
    new_building: str = ""  # a building to add, as the cell names it
    existing: Unit | None = None

    @property
    def label(self) -> str:
        return self.values.get("name") or (self.existing.name if self.existing else self.code)

    @property
    def population_label(self) -> str:
        return str(Population(self.values["population"]).label) if self.values.get("population") else ""

    @property
    def legal_regime_label(self) -> str:
        return str(LegalRegime(self.values["legal_regime"]).label) if self.values.get("legal_regime") else ""

    @property
    def building_label(self) -> str:
        building = self.values.get("building")
        return building.name if building else self.new_building


def prepare_unit_import(content: bytes, filename: str, site: Site) -> ListReport:
    """Read and validate the whole file; nothing is written."""
    report = ListReport(site=site, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    lookups = {
        "units": {unit.code.lower(): unit for unit in Unit.objects.filter(site=site)},
        "buildings": {key: building for building in Building.objects.filter(site=site)
                      for key in (building.code.lower(), normalise(building.name))},
        "population": word_lookup(POPULATIONS, Population.choices),
        "legal_regime": word_lookup(LEGAL_REGIMES, LegalRegime.choices),
        "regime": word_lookup(REGIMES, Regime.choices),
    }
    collect_rows(report, rows, lambda number, cells: _validate_row(number, cells, column, lookups, report),
                 lambda row: [(row.code.lower(), column["code"])], _("The same unit as on row %(row)d."),
                 _("The file has column names but no unit."))
    return report


def _validate_row(number, cells, column, lookups, report) -> UnitRow | None:
    check = RowCheck(report, number, cells, column, REQUIRED)
    text, error = check.text, check.error
    check.within("code", 20)
    check.within("name", 100)
    check.within("building", 100)
    match = lookups["units"].get(text.get("code", "").lower())
    values, new_building = {}, ""
    if match is None:
        for key, message in (("name", _("A new unit needs its name.")),
                             ("building", _("A new unit needs its building.")),
                             ("population", _("A new unit needs its population: men or women.")),
                             ("legal_regime", _("A new unit needs its legal regime: remand, sentenced, interned "
                                                "or mixed."))):
            if not text.get(key):
                error(key if key in column else "code", message)
    if text.get("name"):
        values["name"] = text["name"]
    if text.get("building"):
        building = lookups["buildings"].get(text["building"].lower()) or lookups["buildings"].get(
            normalise(text["building"]))
        if building is None:
            new_building = text["building"]
        else:
            values["building"] = building
    for key, message in (
            ("population", _("“%(value)s” is not a population: men or women.")),
            ("legal_regime", _("“%(value)s” is not a legal regime: remand, sentenced, interned or mixed.")),
            ("regime", _("“%(value)s” is not a regime: closed, semi-open or open."))):
        if text.get(key):
            value = lookups[key].get(normalise(text[key]))
            if value is None:
                error(key, message % {"value": text[key]})
            values[key] = value
    for key, smallest in (("capacity", 0), ("max_parallel_sessions", 1)):
        if text.get(key):
            if not text[key].isdigit() or int(text[key]) < smallest:
                error(key, _("A whole number, at least %(smallest)d.") % {"smallest": smallest})
            else:
                values[key] = int(text[key])
    if check.failed:
        return None
    return UnitRow(number, text["code"], values, new_building, match)


def apply_unit_import(report: ListReport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction: the buildings it names that are new, then units, each audited."""
    site, added = report.site, {}

    def in_its_building(row, unit):
        if row.new_building:
            key = normalise(row.new_building)
            if key not in added:
                added[key] = Building.objects.create(site=site, code=_free_building_code(site, row.new_building, added),
                                                     name=row.new_building)
            unit.building = added[key]

    def audited(row, unit):
        audit.record(user, AuditAction.CHANGE if row.existing else AuditAction.CREATE, unit, detail="imported")

    return write_rows(report, user, "units", lambda row: Unit(site=site, code=row.code),
                      before_save=in_its_building, after_save=audited)


def _free_building_code(site, name: str, added: dict) -> str:
    base = (slugify(name).upper() or "B")[:17]
    taken = set(Building.objects.filter(site=site).values_list("code", flat=True)) | {
        building.code for building in added.values()}
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    return code


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("code", _("Code"), "A1"),
    ("name", _("Name"), "Block A, gallery 1"),
    ("building", _("Building"), "Block A"),
    ("population", _("Population"), Population.MEN.label),
    ("legal_regime", _("Legal regime"), LegalRegime.SENTENCED.label),
    ("regime", _("Regime"), Regime.CLOSED.label),
    ("capacity", _("Capacity"), "30"),
    ("max_parallel_sessions", _("Escort limit"), "2"),
]
