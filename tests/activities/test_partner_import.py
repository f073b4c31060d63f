"""Importing the partner organisations a coordinator kept in a spreadsheet (the social map): French, Dutch
or English columns, matching those already in Relais by name, every error by row and column with nothing
saved, the template read back in each language, the command and the API. Partners are every site's."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from activities.models import Partner
from activities.partner_import import prepare_partner_import
from core.models import AuditEntry, Role
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

DUTCH_LIST = (
    "Naam;Gemeenschap;Thema's;Talen;Contactpersoon;E-mailadres;Website;Openingsuren\n"
    "De Rode Antraciet;Vlaamse Gemeenschap;cultuur, theater;nl, fr;Demo-Jans;info@antraciet.example;"
    "antraciet.example;ma-vr 9-17\n"
    "  théâtre   du pont ;;;;Demo-Martin;;;\n"
)


def _csv(text: str, name="partners.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_dutch_list_creates_and_updates_partners_after_a_preview(client, coordinator):
    pont = PartnerFactory(name="Théâtre du Pont", community="fr", themes="théâtre")
    client.force_login(coordinator)
    assert "/activities/partners/import/" in client.get("/activities/partners/").content.decode()
    page = client.get("/activities/partners/import/").content.decode()
    assert 'name="site"' not in page  # partners are every site's

    preview = client.post("/activities/partners/import/", {"file": _csv(DUTCH_LIST)})
    html = preview.content.decode()
    assert f'href="/activities/partners/{pont.pk}/">updated</a>' in html
    assert "De Rode Antraciet" in html and "new" in html
    assert not Partner.objects.filter(name="De Rode Antraciet").exists()  # nothing before the confirmation

    done = client.post("/activities/partners/import/", {"token": preview.context["confirm_form"]["token"].value()},
                       follow=True)
    assert "Partner organisations imported: 1 new, 1 updated." in done.content.decode()
    antraciet = Partner.objects.get(name="De Rode Antraciet")
    assert (antraciet.community, antraciet.languages, antraciet.website, antraciet.office_hours) == (
        "nl", ["nl", "fr"], "https://antraciet.example", "ma-vr 9-17")
    pont.refresh_from_db()
    assert (pont.contact_name, pont.community, pont.themes) == ("Demo-Martin", "fr", "théâtre")  # empty cells: kept
    assert AuditEntry.objects.filter(object_type="partners", detail="site=all new=1 updated=1").exists()


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved():
    text = (
        "Name,Community,E-mail,Website,Languages\n"
        "Good,French,good@example.org,good.example,fr\n"
        "New without community,,,,\n"
        "Odd,Walloon,not-an-address,http://,french\n"
        "good,bi,,,\n"
        ",fr,,,\n"
    )
    report = prepare_partner_import(text.encode(), "list.csv")
    assert not report.ok
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[3, "Community"] == "Required for a new organisation: French, Flemish or bicommunity."
    assert found[4, "Community"] == "“Walloon” is not a community: French, Flemish or bicommunity."
    assert found[4, "E-mail"] == "“not-an-address” is not an e-mail address."
    assert found[4, "Website"] == "“http://” is not a web address."
    assert found[4, "Languages"].startswith("Not a language code: french.")
    assert found[5, "Name"] == "The same organisation as on row 2."
    assert found[6, "Name"] == "Required."
    assert not Partner.objects.exists()
    without_column = prepare_partner_import(b"Name\nSolo\n", "list.csv")
    assert [(e.row, e.message) for e in without_column.errors] == [
        (2, "A new organisation needs its community: add a Community column.")]


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, coordinator, language, extension):
    client.force_login(coordinator)
    content = client.get(f"/activities/partners/import/template.{extension}", HTTP_ACCEPT_LANGUAGE=language).content
    if extension == "xlsx":  # a real workbook, read by openpyxl
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0][0] == {"fr": "Nom", "nl": "Naam", "en": "Name"}[language]
    report = prepare_partner_import(content, f"template.{extension}")
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.values["community"], row.values["languages"], row.values["website"]) == (
        "bi", ["fr", "nl"], "https://example.org")


def test_the_command_and_the_api_and_who_may_import(tmp_path, coordinator, site, screener):
    PartnerFactory(name="Théâtre du Pont", community="fr")
    path = tmp_path / "partners.csv"
    path.write_text(DUTCH_LIST, encoding="utf-8")
    out = io.StringIO()
    call_command("import_partners", str(path), "--dry-run", stdout=out)
    assert "partners.csv: 2 rows, 1 new, 1 updated, 0 errors" in out.getvalue()
    assert not Partner.objects.filter(name="De Rode Antraciet").exists()
    path.write_text("Naam;Gemeenschap\nSolo;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_partners", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    path.write_text("Naam;Gemeenschap\nSolo;bi\n", encoding="utf-8")
    call_command("import_partners", str(path), stdout=io.StringIO())
    assert Partner.objects.filter(name="Solo", community="bi").exists()

    api = APIClient()
    api.force_authenticate(coordinator)
    wrong = api.post("/api/v1/partners/import/", {"file": _csv("Name;Community\nX;Mars\n"), "confirm": True},
                     format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"][0]["column"] == "Community"
    applied = api.post("/api/v1/partners/import/", {"file": _csv("Name;Community\nNova;fr\n"), "confirm": True},
                       format="multipart")
    assert applied.status_code == 200 and applied.data["applied"] and Partner.objects.filter(name="Nova").exists()
    for user in (screener, UserFactory(role=Role.FACILITATOR, sites=[site])):
        api.force_authenticate(user)
        assert api.post("/api/v1/partners/import/", {"file": _csv("Name;Community\nY;fr\n")},
                        format="multipart").status_code == 403
    assert not Partner.objects.filter(name="Y").exists()
