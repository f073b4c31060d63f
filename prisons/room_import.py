"""Importing a site's rooms from the direction's list (xlsx or CSV), so the planner knows them from the first
day: classrooms, workshops, the gym, the multipurpose hall, with their capacity and the units that can reach
them.

One row a room; column names in French, Dutch or English. A row matches a room of the site by its code
(case aside) and updates what its cells give (an empty cell changes nothing; units given replace theirs);
any other row is a new room, which needs its name, kind, capacity and units. Units are the site's codes
separated by commas, or "all" for a room every unit reaches. Nothing is written unless every row is valid;
each error names its row and column. Taking a room out of use stays on its page, which checks its coming
sessions first; the preview names each room in use that the file leaves out.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from core import audit
from core.models import AuditAction

from .imports import (
    ListImportResult,
    ListReport,
    RowCheck,
    RowError,
    collect_rows,
    column_aliases,
    normalise,
    read_list,
    word_lookup,
    write_rows,
)
from .models import Building, Room, RoomKind, Site, Unit

COLUMNS = {
    "code": ("code", "room code", "code du local", "local", "lokaalcode", "lokaal"),
    "name": ("name", "room", "nom", "nom du local", "salle", "naam", "naam lokaal"),
    "kind": ("kind", "type", "kind of room", "type de local", "genre", "soort", "soort lokaal"),
    "capacity": ("capacity", "places", "seats", "capacité", "capaciteit", "plaatsen"),
    "building": ("building", "bâtiment", "batiment", "gebouw"),
    "units": ("units", "reachable from", "units that reach it", "unités", "unités de vie", "accessible depuis",
              "leefeenheden", "bereikbaar vanuit"),
    "accessibility_notes": ("accessibility", "accessibility notes", "notes", "accessibilité", "remarques",
                            "toegankelijkheid", "opmerkingen"),
}
REQUIRED = ("code",)
COLUMN_LABELS = {"code": _("Code")}
KINDS = {
    RoomKind.CLASSROOM: ("classroom", "class", "classe", "salle de classe", "klaslokaal", "klas"),
    RoomKind.COMPUTER: ("computer", "computer room", "salle informatique", "informatique", "computerlokaal"),
    RoomKind.WORKSHOP: ("workshop", "atelier", "werkplaats"),
    RoomKind.GYM: ("gym", "fitness", "salle de fitness", "fitnessruimte"),
    RoomKind.SPORTS_HALL: ("sports hall", "salle de sport", "salle de sports", "sporthal"),
    RoomKind.STAGE: ("stage", "hall", "scène", "podium", "theaterzaal"),
    RoomKind.MULTIPURPOSE: ("multipurpose", "multi-purpose", "polyvalent", "polyvalente", "salle polyvalente",
                            "polyvalente ruimte"),
    RoomKind.INTERVIEW: ("interview", "interview room", "entretien", "local d'entretien", "gesprekslokaal"),
}
EVERY_UNIT = {normalise(word) for word in ("all", "every unit", "all units", "toutes", "tous", "toutes les unités",
                                           "alle", "alle leefeenheden", "*")}


@dataclass
class RoomRow:
    row: int
    code: str
    values: dict  # the fields its cells give
    units: list[Unit] | None  # None: the cell is empty (their units stay); [] with every_unit
    every_unit: bool = False
    existing: Room | None = None

    @property
    def label(self) -> str:
        return self.values.get("name") or (self.existing.name if self.existing else self.code)

    @property
    def kind_label(self) -> str:
        return str(RoomKind(self.values["kind"]).label) if self.values.get("kind") else ""


def prepare_room_import(content: bytes, filename: str, site: Site) -> ListReport:
    """Read and validate the whole file; nothing is written."""
    report = ListReport(site=site, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    lookups = {
        "rooms": {room.code.lower(): room for room in Room.objects.filter(site=site)},
        "units": {unit.code.lower(): unit for unit in Unit.objects.filter(site=site)},
        "buildings": {key: building for building in Building.objects.filter(site=site)
                      for key in (building.code.lower(), normalise(building.name))},
        "kinds": word_lookup(KINDS, RoomKind.choices),
    }
    collect_rows(report, rows, lambda number, cells: _validate_row(number, cells, column, lookups, report),
                 lambda row: [(row.code.lower(), column["code"])], _("The same room as on row %(row)d."),
                 _("The file has column names but no room."))
    if report.ok:
        _warn_of_rooms_left_out(report, lookups["rooms"])
    return report


def _warn_of_rooms_left_out(report: ListReport, rooms: dict) -> None:
    """A note for each room in use that the file leaves out: the direction's list may have dropped a room the
    prison took back, which only its page takes out of use (it checks the coming sessions first)."""
    listed = {row.code.lower() for row in report.rows}
    for code, room in sorted(rooms.items()):
        if room.active and code not in listed:
            report.warnings.append(RowError(None, "", str(_(
                "%(room)s is not in the file: it stays in use. If the prison no longer lends it, take it out of "
                "use on its page.") % {"room": f"{room.code} – {room.name}"})))


def _validate_row(number, cells, column, lookups, report) -> RoomRow | None:
    check = RowCheck(report, number, cells, column, REQUIRED)
    text, error = check.text, check.error
    check.within("code", 30)
    check.within("name", 100)
    match = lookups["rooms"].get(text.get("code", "").lower())
    values = {}
    if match is None:
        for key, message in (("name", _("A new room needs its name.")),
                             ("kind", _("A new room needs its kind.")),
                             ("capacity", _("A new room needs its capacity."))):
            if not text.get(key):
                error(key if key in column else "code", message)
    if text.get("name"):
        values["name"] = text["name"]
    if text.get("kind"):
        kind = lookups["kinds"].get(normalise(text["kind"]))
        if kind is None:
            error("kind", _("“%(value)s” is not a kind of room.") % {"value": text["kind"]})
        values["kind"] = kind
    if text.get("capacity"):
        if not text["capacity"].isdigit() or int(text["capacity"]) < 1:
            error("capacity", _("How many participants the room holds: a whole number, at least 1."))
        else:
            values["capacity"] = int(text["capacity"])
    if text.get("building"):
        building = lookups["buildings"].get(text["building"].lower()) or lookups["buildings"].get(
            normalise(text["building"]))
        if building is None:
            error("building", _("No building of this site is called “%(value)s”.") % {"value": text["building"]})
        values["building"] = building
    if text.get("accessibility_notes"):
        values["accessibility_notes"] = text["accessibility_notes"]
    units, every_unit = None, False
    if text.get("units"):
        if normalise(text["units"]) in EVERY_UNIT:
            units, every_unit = [], True
        else:
            codes = [part.strip() for part in re.split(r"[,;]", text["units"]) if part.strip()]
            unknown = [code for code in codes if code.lower() not in lookups["units"]]
            if unknown:
                error("units", _("Not units of this site: %(codes)s.") % {"codes": ", ".join(unknown)})
            units = list(dict.fromkeys(lookups["units"][code.lower()] for code in codes
                                       if code.lower() in lookups["units"]))
    elif match is None:
        error("units" if "units" in column else "code",
              _("A new room needs the units that can reach it (their codes, or “all”)."))
    if check.failed:
        return None
    return RoomRow(number, text["code"], values, units, every_unit, match)


def apply_room_import(report: ListReport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction: new rooms and updates, each audited."""

    def reach(row, room):
        if row.units is not None:
            room.reachable_from_all_units = row.every_unit

    def reached_and_audited(row, room):
        if row.units is not None:
            room.reachable_units.set(row.units)
        audit.record(user, AuditAction.CHANGE if row.existing else AuditAction.CREATE, room,
                     detail=f"imported, capacity {room.capacity}")

    return write_rows(report, user, "rooms", lambda row: Room(site=report.site, code=row.code),
                      before_save=reach, after_save=reached_and_audited)


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("code", _("Code"), "B-CL1"),
    ("name", _("Name"), "Classroom 1"),
    ("kind", _("Kind"), RoomKind.CLASSROOM.label),
    ("capacity", _("Capacity"), "12"),
    ("building", _("Building"), ""),
    ("units", _("Units that reach it"), "all"),
    ("accessibility_notes", _("Accessibility"), "Ground floor"),
]
