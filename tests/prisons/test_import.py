import datetime as dt
import io
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from core.models import AuditEntry, Role
from enrolment.models import Enrolment
from prisons.imports import apply_import, parse_languages, prepare_import
from prisons.models import Detainee, Placement
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

TODAY = dt.date(2026, 11, 20)
HEADER = "prison number;last name;first name;gender;legal status;unit code"


def csv_bytes(*lines, header=HEADER, bom=False) -> bytes:
    text = "\r\n".join([header, *lines]) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def frozen_today_in_english(client):
    # Messages are asserted in English (the source language), whatever catalogues exist.
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    with time_machine.travel(dt.datetime(2026, 11, 20, 10, 0, tzinfo=dt.UTC), tick=False), translation.override("en"):
        yield


@pytest.fixture
def units(site):
    return {
        "A1": UnitFactory(building__site=site, code="A1"),
        "A2": UnitFactory(building__site=site, code="A2"),
        "D1": UnitFactory(building__site=site, code="D1", population="women"),
    }


def test_a_file_with_one_bad_row_is_refused_whole_with_row_and_column(site, units):
    content = csv_bytes(
        "H001;Demo-Ok;Ali;M;remand;A1",
        "H002;Demo-Bad;Bob;M;remand;Z9",
        "H003;Demo-Ok;Carl;M;sentenced;A2",
    )

    report = prepare_import(content, "list.csv", site)

    assert not report.ok
    assert [(e.row, e.column) for e in report.errors] == [(3, "unit code")]
    assert "Z9" in report.errors[0].message
    with pytest.raises(ValueError):
        apply_import(report)
    assert not Detainee.objects.exists()


def test_the_command_reports_the_row_and_saves_nothing(site, units, tmp_path):
    path = tmp_path / "list.csv"
    path.write_bytes(csv_bytes("H001;Demo-Ok;Ali;M;remand;A1", "H002;Demo-Bad;Bob;M;remand;A1;", "H003;Demo;Eve;W;remand;A1"))
    err = StringIO()

    with pytest.raises(CommandError):
        call_command("import_detainees", str(path), "--site", site.code, stderr=err, stdout=StringIO())

    assert "row 4, column 'gender'" in err.getvalue()
    assert not Detainee.objects.exists()


@pytest.mark.parametrize(
    ("line", "column", "fragment"),
    [
        ("H001;;Ali;M;remand;A1", "last name", "required"),
        ("H001;Demo;Ali;M;convicted;A1", "legal status", "convicted"),
        ("H001;Demo;Ali;M;remand;A1;31/02/2020", "birth date", "not a date"),
        ("H001;Demo;Ali;M;remand;A1;;ar=native", "languages", "ar=native"),
        ("anon-17;Demo;Ali;M;remand;A1", "prison number", "kept for anonymised records"),
    ],
)
def test_each_bad_value_names_its_column(site, units, line, column, fragment):
    header = HEADER + ";birth date;languages"
    report = prepare_import(csv_bytes(line, header=header), "list.csv", site)

    assert [(e.row, e.column) for e in report.errors] == [(2, column)]
    assert fragment in report.errors[0].message


def test_duplicate_prison_numbers_and_missing_columns_are_errors(site, units):
    duplicate = prepare_import(csv_bytes("H001;A;B;M;remand;A1", "H001;C;D;M;remand;A1"), "x.csv", site)
    assert [(e.row, e.column) for e in duplicate.errors] == [(3, "prison number")]
    assert "row 2" in duplicate.errors[0].message

    no_unit = prepare_import(csv_bytes("H001;A;B;M;remand", header="prison number;last name;first name;gender;legal status"),
                             "x.csv", site)
    assert [(e.row, e.column) for e in no_unit.errors] == [(1, "unit code")]


def test_xlsx_and_csv_with_french_or_dutch_headers_read_the_same(site, units):
    xlsx = xlsx_bytes([
        ["Numéro d'écrou", "Nom", "Prénom", "Sexe", "Statut juridique", "Unité", "Date de naissance", "Langues"],
        ["H001", "Demo-Peeters", "Jan", "H", "Prévenu", "a1", dt.datetime(1990, 5, 1), "nl:native, fr:basic"],
        [12345, "Demo-Benali", "Nadia", "F", "condamnée", "D1", None, "ar"],
    ])
    csv_nl = csv_bytes(
        "H001,Demo-Peeters,Jan,M,beklaagde,A1,01/05/1990,\"nl:moedertaal, fr:basis\"",
        "12345,Demo-Benali,Nadia,V,veroordeelde,D1,,ar",
        header="Rolnummer,Achternaam,Voornaam,Geslacht,Juridisch statuut,Leefeenheid,Geboortedatum,Talen",
        bom=True,
    )

    from_xlsx = prepare_import(xlsx, "lijst.xlsx", site)
    from_csv = prepare_import(csv_nl, "lijst.csv", site)

    assert from_xlsx.ok and from_csv.ok, (from_xlsx.errors, from_csv.errors)
    def summary(report):
        return [(r.prison_number, r.last_name, r.gender, r.legal_status, r.unit.code, r.birth_date, r.languages)
                for r in report.rows]
    assert summary(from_xlsx) == summary(from_csv) == [
        ("H001", "Demo-Peeters", "M", "remand", "A1", dt.date(1990, 5, 1), [("nl", "native"), ("fr", "basic")]),
        ("12345", "Demo-Benali", "F", "sentenced", "D1", None, [("ar", "fluent")]),
    ]


def test_new_detainees_are_created_with_an_open_placement(site, units):
    report = prepare_import(csv_bytes("H001;Demo-New;Ali;M;remand;A1"), "list.csv", site)

    result = apply_import(report)

    detainee = Detainee.objects.get(prison_number="H001")
    assert (result.created, detainee.unit.code, detainee.site, detainee.status) == (1, "A1", site, "present")
    assert list(detainee.placements.values_list("unit__code", "valid_from", "valid_until")) == [("A1", TODAY, None)]


def test_a_unit_change_closes_the_open_placement_and_opens_a_new_one(site, units):
    detainee = DetaineeFactory(prison_number="H001", unit=units["A1"], cell="A1-001")
    Placement.objects.create(detainee=detainee, unit=units["A1"], cell="A1-001", status="present",
                             valid_from=dt.date(2026, 1, 5))
    header = HEADER + ";cell"

    report = prepare_import(csv_bytes(f"H001;{detainee.last_name};{detainee.first_name};M;sentenced;A2;A2-014",
                                      header=header), "list.csv", site)
    assert [r.prison_number for r in report.moved] == ["H001"]
    result = apply_import(report)

    detainee.refresh_from_db()
    assert (result.moved, detainee.unit.code, detainee.cell) == (1, "A2", "A2-014")
    history = list(detainee.placements.order_by("valid_from").values_list("unit__code", "cell", "valid_from", "valid_until"))
    assert history == [("A1", "A1-001", dt.date(2026, 1, 5), TODAY), ("A2", "A2-014", TODAY, None)]


def test_missing_detainees_are_marked_only_when_the_user_says_so(site, units):
    staying = DetaineeFactory(prison_number="H001", unit=units["A1"])
    gone = DetaineeFactory(prison_number="H002", unit=units["A1"])
    Placement.objects.create(detainee=gone, unit=units["A1"], status="present", valid_from=dt.date(2026, 2, 1))
    cycle = CycleFactory(term=TermFactory(site=site), eligible_units=[units["A1"]])
    EnrolmentFactory(detainee=gone, cycle=cycle, status="enrolled", seat=1)
    line = f"H001;{staying.last_name};{staying.first_name};M;sentenced;A1"

    report = prepare_import(csv_bytes(line), "list.csv", site)
    assert [d.prison_number for d in report.missing] == ["H002"]
    apply_import(report)
    gone.refresh_from_db()
    assert gone.status == "present" and gone.unit == units["A1"]

    apply_import(prepare_import(csv_bytes(line), "list.csv", site), mark_missing="transferred")
    gone.refresh_from_db()
    assert (gone.status, gone.unit) == ("transferred", None)
    assert list(gone.placements.order_by("valid_from").values_list("status", "valid_until")) == [
        ("present", TODAY), ("transferred", None)]
    assert not Enrolment.objects.filter(detainee=gone, status__in=["pending", "approved", "enrolled"]).exists()


def test_languages_accept_levels_in_three_languages():
    assert parse_languages("ar:native, fr:basique") == [("ar", "native"), ("fr", "basic")]
    assert parse_languages("ti:moedertaal; en:vloeiend / fr") == [("ti", "native"), ("en", "fluent"), ("fr", "fluent")]


# --- the page ----------------------------------------------------------------------------------


def _upload(client, site, content, name="list.csv"):
    upload = io.BytesIO(content)
    upload.name = name
    return client.post(reverse("prisons:detainee-import"), {"site": site.pk, "file": upload})


def test_page_flow_upload_preview_confirm(client, coordinator, site, units):
    DetaineeFactory(prison_number="H009", unit=units["A2"])
    client.force_login(coordinator)

    assert client.get(reverse("prisons:detainee-import")).status_code == 200
    preview = _upload(client, site, csv_bytes("H001;Demo-New;Ali;M;remand;A1", "H002;Demo-New;Bea;F;remand;D1"))

    assert preview.status_code == 200
    assert preview.context["counts"] == {"rows": 2, "new": 2, "updated": 0, "moved": 0, "missing": 1, "errors": 0}
    assert not Detainee.objects.filter(prison_number="H001").exists()
    token = preview.context["confirm_form"].initial["token"]

    done = client.post(reverse("prisons:detainee-import"), {"token": token, "mark_missing": "released"})

    assert done.status_code == 302 and done.url == reverse("prisons:detainee-list")
    shown = client.get(done.url).content.decode()
    assert "2 new" in shown and "1 missing from the list marked as: Released" in shown
    assert set(Detainee.objects.filter(status="present").values_list("prison_number", flat=True)) == {"H001", "H002"}
    assert Detainee.objects.get(prison_number="H009").status == "released"
    entry = AuditEntry.objects.get(action="import")
    assert entry.user == coordinator
    assert "2 new" in entry.detail and "1 marked released" in entry.detail and "Demo-New" not in entry.detail
    again = client.post(reverse("prisons:detainee-import"), {"token": token, "mark_missing": ""})
    assert again.status_code == 302 and Detainee.objects.count() == 3


def test_page_shows_errors_with_row_and_column_and_offers_no_confirmation(client, coordinator, site, units):
    client.force_login(coordinator)

    response = _upload(client, site, csv_bytes("H001;Demo;Ali;M;remand;A1", "H002;Demo;Bob;M;remand;NOPE"))

    assert response.context["confirm_form"] is None
    html = response.content.decode()
    assert "NOPE" in html and "<td>3</td><td>unit code</td>" in html
    assert not Detainee.objects.exists()


def test_page_is_for_coordinators_of_the_site_only(client, site, other_site, units, screener, facilitator_user):
    for user in (screener, facilitator_user):
        client.force_login(user)
        assert client.get(reverse("prisons:detainee-import")).status_code == 403
    elsewhere = UserFactory(role=Role.COORDINATOR, sites=[other_site])
    client.force_login(elsewhere)
    response = _upload(client, site, csv_bytes("H001;Demo;Ali;M;remand;A1"))
    assert response.status_code == 200 and "site" in response.context["form"].errors
    assert not Detainee.objects.exists()


@pytest.mark.parametrize("rows", [1, 3])
def test_preview_query_count_does_not_grow_with_rows(client, coordinator, site, units, rows,
                                                     django_assert_num_queries):
    for n in range(rows):
        DetaineeFactory(prison_number=f"H{n:03d}", unit=units["A1"])
        DetaineeFactory(prison_number=f"M{n:03d}", unit=units["A2"])
    lines = [f"H{n:03d};Demo;Moved{n};M;remand;A2" for n in range(rows)] + [
        f"N{n:03d};Demo;New{n};M;remand;A1" for n in range(rows)]
    client.force_login(coordinator)

    # Same count for 1 and 3 rows of each kind (new, moved, missing).
    with django_assert_num_queries(15):
        response = _upload(client, site, csv_bytes(*lines))

    assert response.context["counts"]["moved"] == rows and response.context["counts"]["missing"] == rows


@pytest.mark.parametrize("name", ["detainee-import-template.csv", "detainee-import-template.xlsx"])
def test_the_shipped_templates_import_cleanly(site, name):
    from django.conf import settings

    UnitFactory(building__site=site, code="A01")
    UnitFactory(building__site=site, code="D01", population="women")
    path = settings.BASE_DIR / "prisons" / "static" / "prisons" / name

    report = prepare_import(path.read_bytes(), name, site)

    assert report.ok, report.errors
    assert [r.prison_number for r in report.new] == ["DEMO900001", "DEMO900002"]
    assert report.rows[1].expected_release_date == dt.date(2027, 9, 1)


def test_an_expected_transfer_date_is_read_in_french_and_stored(site, units):
    header = HEADER + ";date de transfert prévue"
    report = prepare_import(csv_bytes("H001;Demo-New;Ali;M;remand;A1;15/02/2027", header=header), "list.csv", site)
    assert report.ok, report.errors
    apply_import(report)
    assert Detainee.objects.get(prison_number="H001").expected_transfer_date == dt.date(2027, 2, 15)
