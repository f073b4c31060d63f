"""Importing the partner organisations a coordinator kept in a spreadsheet (the social map social workers
refer people with), so the first day in Relais does not begin with typing them: parse → validate
everything → preview → apply. Partners are shared by every site, so the list is for no site in particular.

One row an organisation; column names in French, Dutch or English (`COLUMNS`). A row matches an existing
partner by name (accents, case and spacing aside) and updates what its cells give (an empty cell changes
nothing); any other row is a new partner, which needs its community. Nothing is written unless every row
is valid; each error names its row and column. The page, the API and `manage.py import_partners` share
these two calls.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.utils.translation import gettext_lazy as _

from prisons.imports import (
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

from .language_codes import language_codes
from .models import Community, Partner

COLUMNS = {
    "name": ("name", "organisation", "organization", "partner", "nom", "nom de l'organisation", "organisme",
             "association", "naam", "organisatie", "naam organisatie"),
    "community": ("community", "communauté", "communaute", "gemeenschap"),
    "themes": ("themes", "thèmes", "thema's", "themas", "domaines", "domains"),
    "description": ("description", "what they do", "présentation", "beschrijving", "omschrijving"),
    "office_hours": ("office hours", "opening hours", "heures d'ouverture", "permanences", "openingsuren",
                     "openingstijden"),
    "languages": ("languages", "languages offered", "langues", "talen"),
    "territory": ("territory", "territory served", "territoire", "zone", "werkgebied", "regio"),
    "contact_name": ("contact", "contact person", "personne de contact", "contactpersoon"),
    "email": ("email", "e-mail", "mail", "courriel", "adresse e-mail", "e-mailadres"),
    "phone": ("phone", "telephone", "téléphone", "telefoon", "tel", "tél"),
    "website": ("website", "web", "site web", "site internet", "url"),
    "address": ("address", "adresse", "adres"),
    "public_transport": ("public transport", "transports en commun", "accès", "openbaar vervoer"),
}
REQUIRED = ("name",)
COLUMN_LABELS = {"name": _("Name")}
COMMUNITIES = {
    Community.FRENCH: ("fr", "french", "french community", "communauté française", "fédération wallonie-bruxelles",
                       "fwb", "cocof", "francophone", "franstalig"),
    Community.FLEMISH: ("nl", "flemish", "flemish community", "dutch", "communauté flamande", "néerlandophone",
                        "vlaamse gemeenschap", "vlaams", "vgc", "nederlandstalig"),
    Community.BICOMMUNITY: ("bi", "bicommunity", "brussels bicommunity", "bicommunautaire", "bicommunautair",
                            "cocom", "ggc", "both"),
}
TEXT_FIELDS = {"description": 5000, "themes": 255, "office_hours": 255, "territory": 255, "contact_name": 150,
               "phone": 40, "address": 255, "public_transport": 255}


@dataclass
class PartnerRow:
    row: int
    name: str
    values: dict  # the fields its cells give
    existing: Partner | None = None

    @property
    def label(self) -> str:
        return self.name


def prepare_partner_import(content: bytes, filename: str, site=None) -> ListReport:
    """Read and validate the whole file; nothing is written. `site` is ignored: partners are every site's."""
    report = ListReport(site=None, filename=filename)
    found = read_list(content, filename, report, aliases=column_aliases(COLUMNS, TEMPLATE_COLUMNS),
                      required=REQUIRED, labels=COLUMN_LABELS)
    if found is None:
        return report
    column, rows = found
    existing = {normalise(partner.name): partner for partner in Partner.objects.all()}
    communities = word_lookup(COMMUNITIES, Community.choices)
    collect_rows(report, rows,
                 lambda number, cells: _validate_row(number, cells, column, communities, existing, report),
                 lambda row: [(normalise(row.name), column["name"])], _("The same organisation as on row %(row)d."),
                 _("The file has column names but no organisation."))
    return report


def _validate_row(number, cells, column, communities, existing, report) -> PartnerRow | None:
    check = RowCheck(report, number, cells, column, REQUIRED)
    text, error = check.text, check.error
    check.within("name", 150)
    values = {}
    match = existing.get(normalise(text["name"])) if text.get("name") else None
    if text.get("community"):
        community = communities.get(normalise(text["community"]))
        if community is None:
            error("community", _("“%(value)s” is not a community: French, Flemish or bicommunity.")
                  % {"value": text["community"]})
        values["community"] = community
    elif match is None and "community" in column:
        error("community", _("Required for a new organisation: French, Flemish or bicommunity."))
    elif match is None:
        error("name", _("A new organisation needs its community: add a Community column."))
    for key, limit in TEXT_FIELDS.items():
        check.within(key, limit)
        if text.get(key):
            values[key] = text[key]
    if text.get("email"):
        try:
            validate_email(text["email"])
        except ValidationError:
            error("email", _("“%(value)s” is not an e-mail address.") % {"value": text["email"]})
        values["email"] = text["email"]
    if text.get("website"):
        website = text["website"] if "://" in text["website"] else f"https://{text['website']}"
        try:
            URLValidator()(website)
        except ValidationError:
            error("website", _("“%(value)s” is not a web address.") % {"value": text["website"]})
        values["website"] = website
    if text.get("languages"):
        try:
            values["languages"] = language_codes(text["languages"])
        except ValueError as exc:
            error("languages", exc.args[0])
    if check.failed:
        return None
    return PartnerRow(number, text["name"], values, match)


def apply_partner_import(report: ListReport, *, user=None) -> ListImportResult:
    """Write a valid report in one transaction: new partners and updates."""
    return write_rows(report, user, "partners", lambda row: Partner(name=row.name))


# The template's columns: key, name (in the reader's language) and a synthetic example.
TEMPLATE_COLUMNS = [
    ("name", _("Name"), "Demo – Théâtre en liberté (synthetic)"),
    ("community", _("Community"), Community.BICOMMUNITY.label),
    ("themes", _("Themes"), "theatre, expression"),
    ("description", _("Description"), "Theatre workshops in prison and after release."),
    ("office_hours", _("Office hours"), "Mon–Fri 9:00–17:00"),
    ("languages", _("Languages"), "fr, nl"),
    ("territory", _("Territory served"), "Brussels"),
    ("contact_name", _("Contact person"), "Demo-Dupont"),
    ("email", _("E-mail"), "contact@example.org"),
    ("phone", _("Phone"), "+32 2 000 00 00"),
    ("website", _("Website"), "example.org"),
    ("address", _("Address"), "Rue de l'Exemple 1, 1000 Bruxelles"),
    ("public_transport", _("Public transport"), "Tram 3, 4"),
]
