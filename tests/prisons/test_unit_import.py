"""Importing a site's living units from the direction's list: French, Dutch or English columns, units matched by
code, buildings by code or name (a new one added), every error by row and column with nothing saved, the
template read back in each language, the command and the API."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import Building, Unit
from prisons.unit_import import prepare_unit_import
from tests.factories import BuildingFactory, SiteFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

DUTCH_LIST = (
    "Code;Naam;Gebouw;Populatie;Juridisch statuut;Regime;Capaciteit;Begeleidingslimiet\n"
    "A1;Blok A, galerij 1;Blok A;mannen;veroordeelden;gesloten;30;2\n"
    "F1;Vrouwen 1;Gebouw F;vrouwen;gemengd;halfopen;20;\n"
    "a2;;;;;open;;3\n"
)


@pytest.fixture
def block_a(site):
    return BuildingFactory(site=site, code="A", name="Blok A")


def _csv(text: str, name="units.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_dutch_list_creates_and_updates_units_after_a_preview(client, site, coordinator, block_a):
    gallery = UnitFactory(building=block_a, code="A2", name="Blok A, galerij 2", population="men",
                          legal_regime="remand", regime="closed", max_parallel_sessions=1)
    client.force_login(coordinator)
    assert "/prisons/units/import/" in client.get("/prisons/units/").content.decode()
    preview = client.post("/prisons/units/import/", {"site": site.pk, "file": _csv(DUTCH_LIST)})
    html = preview.content.decode()
    assert f'href="/prisons/units/{gallery.pk}/regime/">updated</a>' in html
    assert "Vrouwen 1" in html and "Gebouw F" in html and "new building" in html
    assert not Unit.objects.filter(code="A1").exists()  # nothing before the confirmation

    done = client.post("/prisons/units/import/", {"token": preview.context["confirm_form"]["token"].value()},
                       follow=True)
    assert "Units imported for Haren: 2 new, 1 updated." in done.content.decode()
    first = Unit.objects.get(site=site, code="A1")
    assert (first.building, first.population, first.legal_regime, first.regime, first.capacity,
            first.max_parallel_sessions) == (block_a, "men", "sentenced", "closed", 30, 2)
    women = Unit.objects.get(site=site, code="F1")
    assert (women.building.name, women.building.code, women.population, women.legal_regime, women.regime) == (
        "Gebouw F", "GEBOUW-F", "women", "mixed", "semi_open")
    gallery.refresh_from_db()
    assert (gallery.name, gallery.legal_regime, gallery.regime, gallery.max_parallel_sessions) == (
        "Blok A, galerij 2", "remand", "open", 3)  # empty cells kept
    assert Building.objects.filter(site=site).count() == 2
    assert AuditEntry.objects.filter(object_type="units", detail=f"site={site.pk} new=2 updated=1").exists()


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved(site, block_a):
    UnitFactory(building=block_a, code="A1")
    text = (
        "Code;Name;Building;Population;Legal regime;Regime;Capacity;Escort limit\n"
        "NEW;;;;;;;\n"
        "BAD;Bad;Blok A;children;fugitive;locked;-3;0\n"
        "a1;;;;;;;\n"
        "A1;;;;;;;\n"
        ";Nameless;Blok A;men;remand;;;\n"
    )
    report = prepare_unit_import(text.encode(), "units.csv", site)
    assert not report.ok
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[2, "Name"] == "A new unit needs its name."
    assert found[2, "Building"] == "A new unit needs its building."
    assert found[2, "Population"] == "A new unit needs its population: men or women."
    assert found[2, "Legal regime"] == "A new unit needs its legal regime: remand, sentenced, interned or mixed."
    assert found[3, "Population"] == "“children” is not a population: men or women."
    assert found[3, "Legal regime"] == "“fugitive” is not a legal regime: remand, sentenced, interned or mixed."
    assert found[3, "Regime"] == "“locked” is not a regime: closed, semi-open or open."
    assert found[3, "Capacity"] == "A whole number, at least 0."
    assert found[3, "Escort limit"] == "A whole number, at least 1."
    assert found[5, "Code"] == "The same unit as on row 4."
    assert found[6, "Code"] == "Required."
    assert Unit.objects.count() == 1 and Building.objects.count() == 1


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, site, coordinator, language, extension):
    client.force_login(coordinator)
    content = client.get(f"/prisons/units/import/template.{extension}", HTTP_ACCEPT_LANGUAGE=language).content
    if extension == "xlsx":
        header = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert header[2] == {"fr": "Bâtiment", "nl": "Gebouw", "en": "Building"}[language]
    report = prepare_unit_import(content, f"template.{extension}", site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.values["population"], row.values["legal_regime"], row.values["regime"], row.new_building) == (
        "men", "sentenced", "closed", "Block A")


def test_the_command_and_the_api(tmp_path, site, coordinator, block_a):
    path = tmp_path / "units.csv"
    path.write_text(DUTCH_LIST.replace("a2;;;;;open;;3\n", ""), encoding="utf-8")
    call_command("import_units", str(path), "--site", site.code, "--dry-run", stdout=io.StringIO())
    assert not Unit.objects.exists()
    call_command("import_units", str(path), "--site", site.code, stdout=io.StringIO())
    assert Unit.objects.filter(site=site).count() == 2
    path.write_text("Code;Naam\nX;Alleen\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_units", str(path), "--site", site.code, stdout=io.StringIO(), stderr=io.StringIO())

    api = APIClient()
    api.force_authenticate(coordinator)
    line = "Code;Name;Building;Population;Legal regime\n"
    wrong = api.post("/api/v1/units/import/", {"site": site.pk, "file": _csv(line + "B1;Un;Blok A;men;pirates\n"),
                                               "confirm": True}, format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"][0]["column"] == "Legal regime"
    applied = api.post("/api/v1/units/import/", {"site": site.pk, "file": _csv(line + "B1;Un;A;women;remand\n"),
                                                 "confirm": True}, format="multipart")
    assert applied.status_code == 200 and applied.data["applied"]
    assert Unit.objects.get(site=site, code="B1").building == block_a  # named by its code
    api.force_authenticate(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(code="st-gilles")]))
    assert api.post("/api/v1/units/import/", {"site": site.pk, "file": _csv(line + "B2;Deux;A;men;remand\n")},
                    format="multipart").status_code == 400
    api.force_authenticate(UserFactory(role=Role.STAFF, sites=[site]))
    assert api.post("/api/v1/units/import/", {"site": site.pk, "file": _csv(line + "B2;Deux;A;men;remand\n")},
                    format="multipart").status_code == 403
