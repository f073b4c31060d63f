"""Importing a site's rooms from the direction's list: French, Dutch or English columns, rooms matched by code,
units by their codes or "all", every error by row and column with nothing saved, the template read back in
each language, the command and the API."""
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import Room
from prisons.room_import import prepare_room_import
from tests.factories import BuildingFactory, RoomFactory, SiteFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db

FRENCH_LIST = (
    "Code;Nom;Type de local;Capacité;Bâtiment;Unités de vie;Accessibilité\n"
    "CL1;Classe 1;classe;12;Bâtiment B;A1, A2;Rez-de-chaussée\n"
    "GYM;Salle de sport;salle de sport;30;;toutes;\n"
    "ws1;;;8;;A2;\n"
)


@pytest.fixture
def units(site):
    building = BuildingFactory(site=site, code="B", name="Bâtiment B")
    return [UnitFactory(building=building, code="A1"), UnitFactory(building=building, code="A2")]


def _csv(text: str, name="rooms.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def test_a_french_list_creates_and_updates_rooms_after_a_preview(client, site, coordinator, units):
    workshop = RoomFactory(site=site, code="WS1", name="Atelier bois", kind="workshop", capacity=10,
                           reachable_from_all_units=True)
    client.force_login(coordinator)
    assert "/prisons/rooms/import/" in client.get("/prisons/rooms/").content.decode()
    preview = client.post("/prisons/rooms/import/", {"site": site.pk, "file": _csv(FRENCH_LIST)})
    html = preview.content.decode()
    assert f'href="/prisons/rooms/{workshop.pk}/edit/">updated</a>' in html
    assert "Classe 1" in html and "every unit" in html
    assert not Room.objects.filter(code="CL1").exists()  # nothing before the confirmation

    done = client.post("/prisons/rooms/import/", {"token": preview.context["confirm_form"]["token"].value()},
                       follow=True)
    assert "Rooms imported for Haren: 2 new, 1 updated." in done.content.decode()
    classroom = Room.objects.get(site=site, code="CL1")
    assert (classroom.name, classroom.kind, classroom.capacity, classroom.building.code,
            classroom.accessibility_notes, classroom.reachable_from_all_units) == (
        "Classe 1", "classroom", 12, "B", "Rez-de-chaussée", False)
    assert sorted(unit.code for unit in classroom.reachable_units.all()) == ["A1", "A2"]
    gym = Room.objects.get(site=site, code="GYM")
    assert (gym.kind, gym.reachable_from_all_units) == ("sports_hall", True)
    workshop.refresh_from_db()
    assert (workshop.name, workshop.kind, workshop.capacity, workshop.reachable_from_all_units) == (
        "Atelier bois", "workshop", 8, False)  # empty cells kept, units given replace theirs
    assert [unit.code for unit in workshop.reachable_units.all()] == ["A2"]
    assert AuditEntry.objects.filter(object_type="rooms", detail=f"site={site.pk} new=2 updated=1").exists()


def test_every_error_is_named_by_row_and_column_and_nothing_is_saved(site, units):
    RoomFactory(site=site, code="CL1", reachable_from_all_units=True)
    text = (
        "Code;Name;Kind;Capacity;Building;Units\n"
        "NEW;;;;;\n"
        "BAD;Bad;kitchen;0;Building Z;A1, Z9\n"
        "cl1;;;;;\n"
        "CL1;;;;;\n"
        ";Nameless;classroom;10;;all\n"
    )
    report = prepare_room_import(text.encode(), "rooms.csv", site)
    assert not report.ok
    found = {(error.row, error.column): error.message for error in report.errors}
    assert found[2, "Name"] == "A new room needs its name."
    assert found[2, "Kind"] == "A new room needs its kind."
    assert found[2, "Capacity"] == "A new room needs its capacity."
    assert found[2, "Units"] == "A new room needs the units that can reach it (their codes, or “all”)."
    assert found[3, "Kind"] == "“kitchen” is not a kind of room."
    assert found[3, "Capacity"] == "How many participants the room holds: a whole number, at least 1."
    assert found[3, "Building"] == "No building of this site is called “Building Z”."
    assert found[3, "Units"] == "Not units of this site: Z9."
    assert found[5, "Code"] == "The same room as on row 4."
    assert found[6, "Code"] == "Required."
    assert Room.objects.count() == 1


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_template_reads_back_in_each_language(client, site, coordinator, units, language, extension):
    client.force_login(coordinator)
    content = client.get(f"/prisons/rooms/import/template.{extension}", HTTP_ACCEPT_LANGUAGE=language).content
    if extension == "xlsx":
        header = next(openpyxl.load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        assert header[1] == {"fr": "Nom", "nl": "Naam", "en": "Name"}[language]
    report = prepare_room_import(content, f"template.{extension}", site)
    assert report.ok and not report.warnings, (report.errors, report.warnings)
    (row,) = report.new
    assert (row.values["kind"], row.values["capacity"], row.every_unit) == ("classroom", 12, True)


def test_the_command_and_the_api(tmp_path, site, coordinator, units):
    path = tmp_path / "rooms.csv"
    path.write_text(FRENCH_LIST.replace("ws1;;;8;;A2;\n", ""), encoding="utf-8")
    call_command("import_rooms", str(path), "--site", site.code, "--dry-run", stdout=io.StringIO())
    assert not Room.objects.exists()
    call_command("import_rooms", str(path), "--site", site.code, stdout=io.StringIO())
    assert Room.objects.filter(site=site).count() == 2
    path.write_text("Code;Nom\nX;Seul\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_rooms", str(path), "--site", site.code, stdout=io.StringIO(), stderr=io.StringIO())

    api = APIClient()
    api.force_authenticate(coordinator)
    wrong = api.post("/api/v1/rooms/import/", {"site": site.pk, "file": _csv("Code;Nom;Type;Capacité;Unités\n"
                                                                              "R1;Un;classe;abc;A1\n"),
                                               "confirm": True}, format="multipart")
    assert wrong.status_code == 400 and wrong.data["errors"][0]["column"] == "Capacité"
    applied = api.post("/api/v1/rooms/import/", {"site": site.pk, "file": _csv("Code;Nom;Type;Capacité;Unités\n"
                                                                                "R1;Un;atelier;6;A1\n"),
                                                 "confirm": True}, format="multipart")
    assert applied.status_code == 200 and applied.data["applied"]
    assert Room.objects.get(site=site, code="R1").kind == "workshop"
    api.force_authenticate(UserFactory(role=Role.COORDINATOR, sites=[SiteFactory(code="st-gilles")]))
    assert api.post("/api/v1/rooms/import/", {"site": site.pk, "file": _csv("Code;Nom\nR2;Deux\n")},
                    format="multipart").status_code == 400
    api.force_authenticate(UserFactory(role=Role.STAFF, sites=[site]))
    assert api.post("/api/v1/rooms/import/", {"site": site.pk, "file": _csv("Code;Nom\nR2;Deux\n")},
                    format="multipart").status_code == 403


def test_the_preview_names_the_rooms_in_use_that_the_file_leaves_out(client, site, coordinator, units):
    RoomFactory(site=site, code="WS1", name="Atelier bois", reachable_from_all_units=True)
    RoomFactory(site=site, code="CHAP", name="Chapelle", reachable_from_all_units=True)
    RoomFactory(site=site, code="OLD", name="Ancienne classe", active=False)
    RoomFactory(site=SiteFactory(code="other"), code="ELSE", name="Ailleurs")
    report = prepare_room_import(FRENCH_LIST.encode(), "rooms.csv", site)
    assert [(w.row, w.message) for w in report.warnings] == [
        (None, "CHAP – Chapelle is not in the file: it stays in use. If the prison no longer lends it, take it out "
               "of use on its page.")]
    client.force_login(coordinator)
    preview = client.post("/prisons/rooms/import/", {"site": site.pk, "file": _csv(FRENCH_LIST)})
    assert "CHAP – Chapelle is not in the file" in preview.content.decode()
    client.post("/prisons/rooms/import/", {"token": preview.context["confirm_form"]["token"].value()})
    assert Room.objects.get(site=site, code="CHAP").active  # a note, not a change
    # A file with errors imports nothing: its errors come alone.
    broken = prepare_room_import((FRENCH_LIST + "X9;;;;;;\n").encode(), "rooms.csv", site)
    assert broken.errors and not broken.warnings
