"""Importing the activity catalogue a coordinator kept in a spreadsheet: French, Dutch or English columns,
matching activities already in Relais by code or title, every error by row and column with nothing saved,
the template read back in each language, the command and the API. The catalogue is every site's."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from activities.catalogue_import import prepare_catalogue_import
from activities.models import Activity
from core.models import AuditEntry, Role
from tests.factories import ActivityFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db

FRENCH_LIST = (
    "Code;Catégorie;Titre;Titel;Public cible;Langues;Organisation partenaire;Locaux;Places;Durée;Semaines\n"
    "theatre-atelier;socioculturel;Atelier théâtre;Theateratelier;hommes, condamnés;fr, nl;Théâtre du Pont;"
    "scène;12;2;10\n"
    ";formation;Classe d'accueil;;;fr;;classe;8;;26\n"
    "peinture;;;;;;;;15;;\n"
)


def _csv(text: str, name="catalogue.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_french_list_creates_and_updates_activities_after_a_preview(client, coordinator):
    PartnerFactory(name="Théâtre du Pont")
    painting = ActivityFactory(code="peinture", title_fr="Atelier peinture", group_min=4, group_max=10)
    client.force_login(coordinator)
    assert "/activities/catalogue/import/" in client.get("/activities/catalogue/").content.decode()
    assert 'name="site"' not in client.get("/activities/catalogue/import/").content.decode()

    preview = client.post("/activities/catalogue/import/", {"file": _csv(FRENCH_LIST)})
    html = preview.content.decode()
    assert f'href="/activities/catalogue/{painting.pk}/">updated</a>' in html
    assert "Atelier théâtre" in html and "<code>classe-daccueil</code>" in html and "Training" in html
    assert not Activity.objects.filter(code="theatre-atelier").exists()  # nothing before the confirmation

    done = client.post("/activities/catalogue/import/",
                       {"token": preview.context["confirm_form"]["token"].value()}, follow=True)
    assert "Activities imported: 2 new, 1 updated." in done.content.decode()
    theatre = Activity.objects.get(code="theatre-atelier")
    assert (theatre.kind, theatre.title_fr, theatre.title_nl, theatre.title_en) == (
        "sociocultural", "Atelier théâtre", "Theateratelier", "")
    assert theatre.title("en") == "Atelier théâtre"  # the French title until someone writes the English one
    assert (theatre.target_groups, theatre.languages, theatre.partner.name, theatre.room_kinds) == (
        ["men", "sentenced"], ["fr", "nl"], "Théâtre du Pont", ["stage"])
    assert (theatre.group_max, theatre.session_periods, theatre.weeks) == (12, 2, 10)
    welcome = Activity.objects.get(code="classe-daccueil")
    assert (welcome.kind, welcome.group_max, welcome.weeks, welcome.room_kinds) == ("training", 8, 26, ["classroom"])
    painting.refresh_from_db()
    assert (painting.group_min, painting.group_max, painting.title_fr) == (4, 15, "Atelier peinture")  # kept
    assert AuditEntry.objects.filter(object_type="activities", detail="site=all new=2 updated=1").exists()


def test_a_row_without_code_matches_an_activity_by_any_of_its_titles():
    ActivityFactory(code="drawing", title_fr="Dessin", title_nl="Tekenen", title_en="Drawing")
    report = prepare_catalogue_import(b"Titel;Weeks\n  TEKENEN ;12\n", "list.csv")
    assert report.ok, report.errors
    (row,) = report.updated
    assert row.existing.code == "drawing" and row.values["weeks"] == 12


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved():
    ActivityFactory(code="drawing", group_min=6, group_max=10)
    text = (
        "Code,Kind,Title (English),Target groups,Partner organisation,Maximum group size,Sessions per week,Languages\n"
        "new-one,,New one,,,,,\n"
        "Bad Code!,sport,Yoga,everyone,Nobody Inc,abc,9,french\n"
        "drawing,,,,,3,,\n"
        "yoga,sport,Yoga,,,,,\n"
        ",,,,,,,\n"
        ",sport,,,,,,\n"
    )
    report = prepare_catalogue_import(text.encode(), "list.csv")
    assert not report.ok
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[2, "Kind"] == "Required for a new activity: training, psychosocial, sociocultural or sport."
    assert found[3, "Code"].startswith("“Bad Code!” is not a code")
    assert found[3, "Target groups"] == ("“everyone” is not a target group: men, women, remand, sentenced or "
                                         "interned.")
    assert found[3, "Partner organisation"].startswith("No partner organisation is called “Nobody Inc”")
    assert found[3, "Maximum group size"] == "“abc” is not a whole number."
    assert found[3, "Sessions per week"] == "Between 1 and 7."
    assert found[3, "Languages"].startswith("Not a language code: french.")
    assert found[4, "Maximum group size"] == "The maximum group size must be at least the minimum (6)."
    assert found[7, "Title (English)"] == "A new activity needs a title."
    assert Activity.objects.count() == 1
    repeated = prepare_catalogue_import(b"Code,Kind,Title\nyoga,sport,Yoga\nyoga-2,sport,yoga\n", "list.csv")
    assert [(e.row, e.column, e.message) for e in repeated.errors] == [
        (3, "Title", "The same activity as on row 2.")]
    nameless = prepare_catalogue_import(b"Kind,Weeks\nsport,10\n", "list.csv")
    assert [e.message for e in nameless.errors] == [
        "The file has neither a code nor a title column: add one, so each row names its activity."]


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, coordinator, language, extension):
    PartnerFactory(name="Demo – Théâtre en liberté (synthetic)")
    client.force_login(coordinator)
    content = client.get(f"/activities/catalogue/import/template.{extension}",
                         HTTP_ACCEPT_LANGUAGE=language).content
    if extension == "xlsx":  # a real workbook, read by openpyxl
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0][2] == {"fr": "Titre (français)", "nl": "Titel (Frans)", "en": "Title (French)"}[language]
    report = prepare_catalogue_import(content, f"template.{extension}")
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.values["code"], row.values["kind"], row.values["target_groups"], row.values["room_kinds"],
            row.values["session_periods"]) == ("theatre-workshop", "sociocultural", ["men", "sentenced"], ["stage"], 2)


def test_the_command_and_the_api_and_who_may_import(tmp_path, coordinator, site, screener):
    PartnerFactory(name="Théâtre du Pont")
    ActivityFactory(code="peinture")
    path = tmp_path / "catalogue.csv"
    path.write_text(FRENCH_LIST, encoding="utf-8")
    out = io.StringIO()
    call_command("import_catalogue", str(path), "--dry-run", stdout=out)
    assert "catalogue.csv: 3 rows, 2 new, 1 updated, 0 errors" in out.getvalue()
    assert Activity.objects.count() == 1
    path.write_text("Code;Catégorie;Titre\nyoga;sport;Yoga\n", encoding="utf-8")
    call_command("import_catalogue", str(path), stdout=io.StringIO())
    assert Activity.objects.filter(code="yoga", kind="sport", title_fr="Yoga").exists()
    path.write_text("Code;Catégorie;Titre\nchess;chess;Échecs\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_catalogue", str(path), stdout=io.StringIO(), stderr=io.StringIO())

    api = APIClient()
    api.force_authenticate(coordinator)
    wrong = api.post("/api/v1/activities/import/", {"file": _csv("Code;Kind;Title\nx;mars;X\n"), "confirm": True},
                     format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"][0]["column"] == "Kind"
    applied = api.post("/api/v1/activities/import/", {"file": _csv("Code;Kind;Title\nnova;sport;Nova\n"),
                                                      "confirm": True}, format="multipart")
    assert applied.status_code == 200 and applied.data["applied"] and Activity.objects.filter(code="nova").exists()
    for user in (screener, UserFactory(role=Role.FACILITATOR, sites=[site])):
        api.force_authenticate(user)
        assert api.post("/api/v1/activities/import/", {"file": _csv("Code;Kind;Title\ny;sport;Y\n")},
                        format="multipart").status_code == 403
    assert not Activity.objects.filter(code="y").exists()
