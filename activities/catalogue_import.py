"""Importing the activity catalogue a coordinator kept in a spreadsheet, so the first day in Relais does not
begin with typing every activity in three languages: parse → validate everything → preview → apply. The
catalogue is every site's, so the list is for no site in particular.

One row an activity; column names in French, Dutch or English (`COLUMNS`). A row matches an existing activity
by its code, or without a code by one of its titles (accents, case and spacing aside), and updates what its
cells give (an empty cell changes nothing); any other row is a new activity, which needs its kind and a title
(a new one without a code gets one from its title). Titles missing in a language stay empty: Relais shows
the French one, else the English one, until someone writes it. Nothing is written unless every row is
valid; each error names its row and column. The page, the API and `manage.py import_catalogue` share these
two calls.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from prisons.imports import (
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
from prisons.models import RoomKind

from .language_codes import language_codes
from .models import Activity, ActivityKind, Partner, TargetGroup

COLUMNS = {
    "code": ("code", "activity code", "code de l'activité", "code activité", "activiteitscode"),
    "kind": ("kind", "type", "category", "genre", "catégorie", "categorie", "soort", "categorie activiteit"),
    "title_fr": ("title (french)", "title fr", "french title", "titre", "titre (français)", "titre fr",
                 "intitulé", "titel (frans)", "titel fr"),
    "title_nl": ("title (dutch)", "title nl", "dutch title", "titre (néerlandais)", "titre nl", "titel",
                 "titel (nederlands)", "titel nl"),
    "title_en": ("title (english)", "title en", "english title", "title", "titre (anglais)", "titre en",
                 "titel (engels)", "titel en"),
    "description_fr": ("description (french)", "description", "description fr", "description (français)",
                       "beschrijving (frans)"),
    "description_nl": ("description (dutch)", "description nl", "description (néerlandais)", "beschrijving",
                       "beschrijving (nederlands)", "omschrijving"),
    "description_en": ("description (english)", "description en", "description (anglais)",
                       "beschrijving (engels)"),
    "objectives": ("objectives", "aims", "objectifs", "doelstellingen", "doelen"),
    "target_groups": ("target groups", "for whom", "public", "publics", "public cible", "groupes cibles",
                      "doelgroepen", "doelgroep"),
    "languages": ("languages", "languages of delivery", "language", "langues", "langue", "talen", "taal"),
    "partner": ("partner", "partner organisation", "organisation", "organisme", "organisation partenaire",
                "partenaire", "partnerorganisatie", "organisatie"),
    "room_kinds": ("room kinds", "rooms", "room", "locaux", "type de local", "salle", "lokalen", "lokaal"),
    "group_min": ("minimum group size", "min participants", "minimum", "participants minimum", "groupe minimum",
                  "minimum deelnemers", "min"),
    "group_max": ("maximum group size", "places", "max participants", "maximum", "participants maximum",
                  "groupe maximum", "maximum deelnemers", "plaatsen", "max"),
    "session_periods": ("session length (regime periods)", "session length", "periods", "durée (périodes)",
                        "durée", "périodes", "duur (periodes)", "duur", "periodes"),
    "sessions_per_week": ("sessions per week", "per week", "séances par semaine", "sessies per week"),
    "weeks": ("number of weeks", "weeks", "semaines", "nombre de semaines", "weken", "aantal weken"),
}
COLUMN_LABELS = {"kind": _("Kind"), "title_fr": _("Title (French)")}
KINDS = {
    ActivityKind.TRAINING: ("training", "formation", "vorming", "opleiding", "education", "enseignement"),
    ActivityKind.PSYCHOSOCIAL: ("psychosocial", "psychosociaal", "psycho-social"),
    ActivityKind.SOCIOCULTURAL: ("sociocultural", "socioculturel", "socio-culturel", "socio-cultureel",
                                 "socio-cultural", "culture", "cultuur"),
    ActivityKind.SPORT: ("sport", "sports"),
}
TARGET_GROUPS = {
    TargetGroup.MEN: ("men", "man", "hommes", "homme", "mannen"),
    TargetGroup.WOMEN: ("women", "woman", "femmes", "femme", "vrouwen", "vrouw"),
    TargetGroup.REMAND: ("remand", "prévenus", "prévenu", "beklaagden", "beklaagde"),
    TargetGroup.SENTENCED: ("sentenced", "condamnés", "condamné", "veroordeelden", "veroordeelde"),
    TargetGroup.INTERNED: ("interned", "internés", "interné", "geïnterneerden", "geïnterneerde"),
}
ROOM_KINDS = {
    RoomKind.CLASSROOM: ("classroom", "classe", "salle de classe", "klaslokaal", "klas"),
    RoomKind.COMPUTER: ("computer", "computer room", "salle informatique", "informatique", "computerlokaal"),
    RoomKind.WORKSHOP: ("workshop", "atelier", "werkplaats"),
    RoomKind.GYM: ("gym", "fitness", "salle de fitness", "fitnessruimte"),
    RoomKind.SPORTS_HALL: ("sports hall", "salle de sport", "sporthal"),
    RoomKind.STAGE: ("stage", "scène", "salle polyvalente", "podium", "theaterzaal"),
    RoomKind.MULTIPURPOSE: ("multipurpose", "multi-purpose", "polyvalent", "polyvalente", "polyvalente ruimte"),
    RoomKind.INTERVIEW: ("interview", "entretien", "local d'entretien", "gesprekslokaal"),
}
TITLES = ("title_fr", "title_nl", "title_en")
TEXT_FIELDS = {"description_fr": 5000, "description_nl": 5000, "description_en": 5000, "objectives": 5000}
# Each number column: (its field, the smallest and largest value a row may give).
NUMBERS = {"group_min": (1, 200), "group_max": (1, 200), "session_periods": (1, 6), "sessions_per_week": (1, 7),
           "weeks": (1, 52)}
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


@dataclass
class ActivityRow:
    row: int
    label: str
    values: dict  # the fields its cells give
    existing: Activity | None = None

    @property
    def kind_label(self) -> str:
        return ActivityKind(self.values["kind"]).label if self.values.get("kind") else ""


def prepare_catalogue_import(content: bytes, filename: str, site=None) -> ListReport:
    """Read and validate the whole file; nothing is written. `site` is ignored: the catalogue is every site's."""
    report = ListReport(site=None, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=(), labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    if "code" not in column and not any(key in column for key in TITLES):
        report.errors.append(RowError(None, "", str(_(
            "The file has neither a code nor a title column: add one, so each row names its activity."))))
        return report
    activities = list(Activity.objects.all())
    lookups = {
        "by_code": {activity.code: activity for activity in activities},
        "by_title": {normalise(getattr(activity, key)): activity for activity in activities for key in TITLES
                     if getattr(activity, key)},
        "partners": {normalise(partner.name): partner for partner in Partner.objects.all()},
        "kinds": word_lookup(KINDS, ActivityKind.choices),
        "groups": word_lookup(TARGET_GROUPS, TargetGroup.choices),
        "rooms": word_lookup(ROOM_KINDS, RoomKind.choices),
    }
    codes = set(lookups["by_code"])

    def identity(row):
        code = row.existing.code if row.existing else row.values["code"]
        return [(("code", code), column.get("code", ""))] + [
            (("title", normalise(row.values[key])), column[key]) for key in TITLES if row.values.get(key)]

    collect_rows(report, rows, lambda number, cells: _validate_row(number, cells, column, lookups, codes, report),
                 identity, _("The same activity as on row %(row)d."), _("The file has column names but no activity."))
    return report


def _validate_row(number, cells, column, lookups, codes: set, report) -> ActivityRow | None:
    check = RowCheck(report, number, cells, column)
    text, error = check.text, check.error
    values = {}
    titles = {key: text[key] for key in TITLES if text.get(key)}
    for key in TITLES:
        check.within(key, 150)
    code = text.get("code", "").strip().lower()
    if code and not CODE_PATTERN.match(code):
        error("code", _("“%(value)s” is not a code: up to 40 small letters, digits, dashes or underscores.")
              % {"value": text["code"]})
    match = lookups["by_code"].get(code) if code else next(
        (lookups["by_title"][normalise(title)] for title in titles.values()
         if normalise(title) in lookups["by_title"]), None)
    if match is None:
        if not titles:
            error(next((k for k in TITLES if k in column), "code"), _("A new activity needs a title."))
        if not text.get("kind"):
            if "kind" in column:
                error("kind", _("Required for a new activity: training, psychosocial, sociocultural or sport."))
            else:
                error(next((k for k in TITLES if k in column), "code"),
                      _("A new activity needs its kind: add a Kind column."))
        if code:
            values["code"] = code
        elif titles:
            values["code"] = _free_code(next(iter(titles.values())), codes)
        codes.add(values.get("code", ""))
    values.update(titles)
    if text.get("kind"):
        kind = lookups["kinds"].get(normalise(text["kind"]))
        if kind is None:
            error("kind", _("“%(value)s” is not a kind: training, psychosocial, sociocultural or sport.")
                  % {"value": text["kind"]})
        values["kind"] = kind
    for key, limit in TEXT_FIELDS.items():
        check.within(key, limit)
        if text.get(key):
            values[key] = text[key]
    for key, lookup, refusal in (
            ("target_groups", "groups", _("“%(value)s” is not a target group: men, women, remand, sentenced or "
                                          "interned.")),
            ("room_kinds", "rooms", _("“%(value)s” is not a kind of room."))):
        if text.get(key):
            chosen = []
            # Not on "/": some labels have one ("Fitness room / gym").
            for word in filter(None, (part.strip() for part in re.split(r"[,;]", text[key]))):
                value = lookups[lookup].get(normalise(word))
                if value is None:
                    error(key, refusal % {"value": word})
                elif value not in chosen:
                    chosen.append(value)
            values[key] = chosen
    if text.get("languages"):
        try:
            values["languages"] = language_codes(text["languages"])
        except ValueError as exc:
            error("languages", exc.args[0])
    if text.get("partner"):
        partner = lookups["partners"].get(normalise(text["partner"]))
        if partner is None:
            error("partner", _("No partner organisation is called “%(value)s”: import or add it first, or leave "
                               "the cell empty.") % {"value": text["partner"]})
        values["partner"] = partner
    for key, (smallest, largest) in NUMBERS.items():
        if text.get(key):
            if not text[key].isdigit():  # an xlsx number arrives as "6" (cell_text)
                error(key, _("“%(value)s” is not a whole number.") % {"value": text[key]})
                continue
            number_given = int(text[key])
            if not smallest <= number_given <= largest:
                error(key, _("Between %(smallest)d and %(largest)d.") % {"smallest": smallest, "largest": largest})
                continue
            values[key] = number_given
    group_min = values.get("group_min", match.group_min if match else 1)
    group_max = values.get("group_max", match.group_max if match else 12)
    if group_max < group_min and ("group_max" in values or "group_min" in values):
        error("group_max" if "group_max" in values else "group_min",
              _("The maximum group size must be at least the minimum (%(min)s).") % {"min": group_min})
    if check.failed:
        return None
    label = titles.get("title_fr") or next(iter(titles.values()), "") or (match.title() if match else code)
    return ActivityRow(number, label, values, match)


def _free_code(title: str, taken: set) -> str:
    base = slugify(title)[:36] or "activity"
    code, number = base, 2
    while code in taken:
        code, number = f"{base}-{number}", number + 1
    return code


def apply_catalogue_import(report: ListReport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction: new activities and updates."""
    return write_rows(report, user, "activities", lambda row: Activity())


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("code", _("Code"), "theatre-workshop"),
    ("kind", _("Kind"), ActivityKind.SOCIOCULTURAL.label),
    ("title_fr", _("Title (French)"), "Atelier théâtre"),
    ("title_nl", _("Title (Dutch)"), "Theateratelier"),
    ("title_en", _("Title (English)"), "Theatre workshop"),
    ("description_fr", _("Description (French)"), "Improvisation et jeu de scène, en groupe."),
    ("description_nl", _("Description (Dutch)"), "Improvisatie en toneelspel, in groep."),
    ("description_en", _("Description (English)"), "Improvisation and acting, as a group."),
    ("objectives", _("Objectives"), "Expression, confidence, working as a group"),
    ("target_groups", _("Target groups"), "men, sentenced"),
    ("languages", _("Languages"), "fr, nl"),
    ("partner", _("Partner organisation"), "Demo – Théâtre en liberté (synthetic)"),
    ("room_kinds", _("Room kinds"), RoomKind.STAGE.label),
    ("group_min", _("Minimum group size"), "6"),
    ("group_max", _("Maximum group size"), "12"),
    ("session_periods", _("Session length (regime periods)"), "2"),
    ("sessions_per_week", _("Sessions per week"), "1"),
    ("weeks", _("Number of weeks"), "10"),
]
