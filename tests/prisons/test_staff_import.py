"""Importing the direction's staff list: Dutch, French or English columns, units by code, matching those
already on the site's list, every error by row and column with nothing saved, the template read back in
each language, the command and the API."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import StaffFunction, StaffMember
from prisons.staff_import import prepare_staff_import
from tests.factories import SiteFactory, StaffMemberFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

DUTCH_LIST = (
    "Achternaam;Voornaam;Functie;Leefeenheden;E-mailadres;Wijzigingen mailen\n"
    "Janssens;Els;penitentiair beambte;A2;;\n"
    "Peeters;Jan;poort;;jan.peeters@prison.example;ja\n"
    "Maes;Lies;detentiebegeleider;\"a1, A2\";lies@prison.example;nee\n"
)


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("personeel.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def units(site):
    return {code: UnitFactory(building__site=site, code=code) for code in ("A1", "A2")}


def test_a_dutch_list_creates_and_updates_the_staff_after_a_preview(client, site, coordinator, units):
    els = StaffMemberFactory(site=site, first_name="Els", last_name="Janssens", units=[units["A1"]],
                             email="els@prison.example")
    client.force_login(coordinator)
    assert "Import the staff list" in client.get(f"/prisons/staff/?site={site.pk}").content.decode()
    preview = client.post("/prisons/staff/import/", {"site": site.pk, "file": _csv(DUTCH_LIST)})
    html = preview.content.decode()
    assert f'href="/prisons/staff/{els.pk}/edit/">updated</a>' in html
    assert "MAES Lies" in html and "Detention support worker" in html and "A1, A2" in html
    assert StaffMember.objects.count() == 1  # nothing before the confirmation

    done = client.post("/prisons/staff/import/", {"token": preview.context["confirm_form"]["token"].value()},
                       follow=True)
    assert "Staff imported for Haren: 2 new, 1 updated." in done.content.decode()
    els.refresh_from_db()
    assert [u.code for u in els.units.all()] == ["A2"] and els.email == "els@prison.example"  # empty cell: kept
    jan = StaffMember.objects.get(last_name="Peeters")
    assert (jan.function, jan.email, jan.email_cancellations, list(jan.units.all())) == (
        StaffFunction.GATE, "jan.peeters@prison.example", True, [])
    lies = StaffMember.objects.get(last_name="Maes")
    assert (lies.function, lies.email_cancellations) == (StaffFunction.SUPPORT_WORKER, False)
    assert sorted(u.code for u in lies.units.all()) == ["A1", "A2"]
    assert AuditEntry.objects.filter(object_type="staff", detail=f"site={site.pk} new=2 updated=1").exists()


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved(site, units):
    text = (
        "Last name,First name,Function,Units,E-mail,E-mail changes\n"
        "Good,Gert,officer,A1,gert@prison.example,yes\n"
        "Bad,,pilot,\"A1, Z9\",not-an-address,maybe\n"
        "Again,Gert,gate,,GERT@prison.example,\n"
        "Nofunction,Nina,,,,\n"
    )
    report = prepare_staff_import(text.encode(), "staff.csv", site)
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[3, "First name"] == "Required."
    assert found[3, "Function"].startswith("“pilot” is not a function")
    assert found[3, "Units"] == "Not units of Haren: Z9."
    assert found[3, "E-mail"] == "“not-an-address” is not an e-mail address."
    assert found[3, "E-mail changes"] == "“maybe”: answer yes or no."
    assert found[4, "E-mail"] == "The same person as on row 2."
    assert found[5, "Function"] == "Required."
    assert not StaffMember.objects.exists()


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, site, coordinator, language, extension):
    UnitFactory(building__site=site, code="A1")
    UnitFactory(building__site=site, code="A2")
    client.force_login(coordinator)
    content = client.get(f"/prisons/staff/import/template.{extension}", HTTP_ACCEPT_LANGUAGE=language).content
    if extension == "xlsx":
        header = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert header[0] == {"fr": "Nom", "nl": "Achternaam", "en": "Last name"}[language]
    report = prepare_staff_import(content, f"template.{extension}", site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.function, [u.code for u in row.units], row.email_changes) == ("officer", ["A1", "A2"], True)


def test_the_command_and_the_api(tmp_path, site, coordinator, units):
    path = tmp_path / "staff.csv"
    path.write_text(DUTCH_LIST, encoding="utf-8")
    call_command("import_staff", str(path), "--site", site.code, "--dry-run", stdout=io.StringIO())
    assert not StaffMember.objects.exists()
    call_command("import_staff", str(path), "--site", site.code, stdout=io.StringIO())
    assert StaffMember.objects.count() == 3
    path.write_text("Nom;Prénom;Fonction\nSeul;Sam;pilote\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_staff", str(path), "--site", site.code, stdout=io.StringIO(), stderr=io.StringIO())

    api = APIClient()
    api.force_authenticate(coordinator)
    wrong = api.post("/api/v1/staff-members/import/", {"site": site.pk, "file": _csv("Nom;Prénom;Fonction\nA;B;\n"),
                                                       "confirm": True}, format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"] == [
        {"row": 2, "column": "Fonction", "message": "Required."}]
    applied = api.post("/api/v1/staff-members/import/", {
        "site": site.pk, "file": _csv("Nom;Prénom;Fonction;Unités\nNew;Nora;porte;A1\n"), "confirm": True},
        format="multipart")
    assert applied.status_code == 200 and applied.data["applied"]
    assert StaffMember.objects.get(first_name="Nora").function == StaffFunction.GATE
    api.force_authenticate(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(code="st-gilles")]))
    assert api.post("/api/v1/staff-members/import/", {"site": site.pk, "file": _csv("Nom;Prénom;Fonction\nA;B;gate\n")},
                    format="multipart").status_code == 400
    api.force_authenticate(UserFactory(role=Role.STAFF, sites=[site]))
    assert api.post("/api/v1/staff-members/import/", {"site": site.pk, "file": _csv("Nom;Prénom;Fonction\nA;B;gate\n")},
                    format="multipart").status_code == 403
