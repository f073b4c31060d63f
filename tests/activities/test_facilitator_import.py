"""Importing the facilitators a coordinator kept in a spreadsheet: French, Dutch or English columns,
matching those already in Relais, every error by row and column with nothing saved, the template read
back in each language, the command and the API."""
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from activities.facilitator_import import prepare_facilitator_import
from activities.models import Availability, Facilitator, FacilitatorKind
from core.models import AuditEntry, Role
from tests.factories import FacilitatorFactory, PartnerFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db

FRENCH_LIST = (
    "Nom;Prénom;Type;Partenaire;Courriel;Téléphone;Langues;Badge valable jusqu'au;Disponibilités;Remarque\n"
    "Lopez;Ana;;;ana@partner.example;;;31/12/2027;lundi 08:30-12:00;\n"
    "Peeters;Bram;interprète;Théâtre du Pont;bram@partner.example;+32 470 11 22 33;ar, nl;2027-06-30;"
    '"mar 13h30-16h30*; jeudi 09:00-11:00";parle aussi le berbère\n'  # quoted, as a spreadsheet saves it
)


def _csv(text: str, name="benevoles.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_french_list_creates_and_updates_facilitators_after_a_preview(client, site, coordinator):
    theatre = PartnerFactory(name="Théâtre du Pont")
    ana = FacilitatorFactory(first_name="Ana", last_name="Lopez", email="ANA@partner.example", sites=[site],
                             kind=FacilitatorKind.PARTNER_EMPLOYEE)
    Availability.objects.create(facilitator=ana, weekday=4, start=dt.time(9), end=dt.time(12))
    client.force_login(coordinator)
    assert "Import from a spreadsheet" in client.get("/activities/facilitators/").content.decode()

    preview = client.post("/activities/facilitators/import/", {"site": site.pk, "file": _csv(FRENCH_LIST)})
    html = preview.content.decode()
    assert "Remarque" in html and "Unknown column, ignored." in html  # a warning, not an error
    assert f'href="/activities/facilitators/{ana.pk}/">updated</a>' in html
    assert "PEETERS Bram" in html and "13:30–16:30 (Tuesday) *" in html
    assert not Facilitator.objects.filter(last_name="Peeters").exists()  # nothing before the confirmation

    done = client.post("/activities/facilitators/import/", {"token": preview.context["confirm_form"]["token"].value()},
                       follow=True)
    assert "Facilitators imported for Haren: 1 new, 1 updated." in done.content.decode()
    bram = Facilitator.objects.get(last_name="Peeters")
    assert (bram.kind, bram.partner, bram.languages, bram.phone, bram.authorisation_valid_until) == (
        FacilitatorKind.INTERPRETER, theatre, ["ar", "nl"], "+32 470 11 22 33", dt.date(2027, 6, 30))
    assert list(bram.sites.all()) == [site]
    assert [(a.weekday, a.start, a.end, a.preferred) for a in bram.availabilities.order_by("weekday")] == [
        (1, dt.time(13, 30), dt.time(16, 30), True), (3, dt.time(9), dt.time(11), False)]
    ana.refresh_from_db()
    assert ana.kind == FacilitatorKind.PARTNER_EMPLOYEE  # an empty cell changes nothing
    assert ana.email == "ana@partner.example" and ana.authorisation_valid_until == dt.date(2027, 12, 31)
    assert [(a.weekday, a.start) for a in ana.availabilities.all()] == [(0, dt.time(8, 30))]  # replaced
    assert Facilitator.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="facilitators", detail=f"site={site.pk} new=1 updated=1").exists()


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved(site):
    PartnerFactory(name="Théâtre du Pont")
    text = (
        "Last name,First name,Partner,E-mail,Valid from,Valid until,Availability,Kind,Languages\n"
        "Good,Gina,Théâtre du Pont,gina@example.org,,,Mon 08:30-12:00,volunteer,fr\n"
        "Nobody,,Teatro,not-an-address,,31/02/2027,Funday 08:00-09:00,pilot,french\n"
        "Late,Luc,,luc@example.org,2027-06-01,2027-01-01,Tue 12:00-10:00,,\n"
        "Twice,Tom,,GINA@example.org,,,,,\n"
        "Busy,Bea,,,,,Wed 08:00-10:00; Wed 09:00-11:00,,\n"
    )
    report = prepare_facilitator_import(text.encode(), "list.csv", site)
    assert not report.ok
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[3, "First name"] == "Required."
    assert found[3, "Partner"].startswith("No partner organisation “Teatro” in Relais")
    assert found[3, "E-mail"] == "“not-an-address” is not an e-mail address."
    assert found[3, "Valid until"].startswith("“31/02/2027” is not a date")
    assert found[3, "Availability"] == "“Funday” is not a weekday."
    assert found[3, "Kind"].startswith("“pilot” is not a kind")
    assert found[3, "Languages"].startswith("Not a language code: french.")
    assert found[4, "Valid until"] == "Ends before it starts."
    assert found[4, "Availability"] == "“Tue 12:00-10:00” ends before it starts."
    assert found[5, "E-mail"] == "The same person as on row 2."
    assert found[6, "Availability"] == "“Wed 09:00-11:00” overlaps another time of the same day."
    assert not Facilitator.objects.exists()


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, site, coordinator, language, extension):
    client.force_login(coordinator)
    response = client.get(f"/activities/facilitators/import/template.{extension}", HTTP_ACCEPT_LANGUAGE=language)
    content = response.content
    if extension == "xlsx":  # a real workbook, read by openpyxl
        rows = list(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert rows[0][0] == {"fr": "Nom", "nl": "Achternaam", "en": "Last name"}[language]
    report = prepare_facilitator_import(content, f"template.{extension}", site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.first_name, row.values["kind"], row.values["languages"]) == ("An", "volunteer", ["nl", "fr", "en"])
    assert [(w.weekday, w.preferred) for w in row.availability] == [(0, False), (1, True)]


def test_the_command_and_the_api(tmp_path, site, coordinator):
    path = tmp_path / "list.csv"
    path.write_text(FRENCH_LIST.replace("Théâtre du Pont", ""), encoding="utf-8")
    out = io.StringIO()
    call_command("import_facilitators", str(path), "--site", site.code, "--dry-run", stdout=out)
    assert "2 rows, 2 new, 0 updated, 0 errors" in out.getvalue() and not Facilitator.objects.exists()
    call_command("import_facilitators", str(path), "--site", site.code, stdout=io.StringIO())
    assert Facilitator.objects.count() == 2
    path.write_text("Nom;Prénom\nSeul;\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_facilitators", str(path), "--site", site.code, stdout=io.StringIO(),
                     stderr=io.StringIO())

    api = APIClient()
    api.force_authenticate(coordinator)
    wrong = api.post("/api/v1/facilitators/import/", {"site": site.pk, "file": _csv("Nom;Prénom\nSeul;\n"),
                                                      "confirm": True}, format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"] == [{"row": 2, "column": "Prénom", "message": "Required."}]
    checked = api.post("/api/v1/facilitators/import/", {"site": site.pk, "file": _csv("Nom;Prénom\nNew;Nina\n")},
                       format="multipart")
    assert checked.status_code == 200 and (checked.data["new"], checked.data["applied"]) == (1, False)
    applied = api.post("/api/v1/facilitators/import/", {"site": site.pk, "file": _csv("Nom;Prénom\nNew;Nina\n"),
                                                        "confirm": True}, format="multipart")
    assert applied.data["applied"] and Facilitator.objects.filter(first_name="Nina").exists()

    elsewhere = SiteFactory(code="st-gilles")
    api.force_authenticate(UserFactory(role=Role.COORDINATOR, sites=[elsewhere]))
    assert api.post("/api/v1/facilitators/import/", {"site": site.pk, "file": _csv("Nom;Prénom\nA;B\n")},
                    format="multipart").status_code == 400  # not their site
    api.force_authenticate(UserFactory(role=Role.FACILITATOR, sites=[site]))
    assert api.post("/api/v1/facilitators/import/", {"site": site.pk, "file": _csv("Nom;Prénom\nA;B\n")},
                    format="multipart").status_code == 403


def test_only_the_sites_coordinators_import(client, site, screener):
    client.force_login(screener)
    assert client.get("/activities/facilitators/import/").status_code == 403
