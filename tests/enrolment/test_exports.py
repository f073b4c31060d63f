"""Attendance exports: opened by openpyxl and by LibreOffice, formula injection, pseudonyms, DST, access."""
import csv
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from core.models import AuditEntry, Role
from enrolment.exports import pseudonym
from enrolment.models import Attendance
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)
from tests.spreadsheets import libreoffice_csv_sheets

BRUSSELS = ZoneInfo("Europe/Brussels")
WINTER = dt.datetime(2027, 3, 22, 14, 0, tzinfo=BRUSSELS)  # UTC+1
SUMMER = dt.datetime(2027, 3, 29, 14, 0, tzinfo=BRUSSELS)  # UTC+2, the day after the clocks change


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(site):
    return CycleFactory(term=TermFactory(site=site), code="theatre")


def make_session(cycle, start):
    return SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=90))


@pytest.fixture
def register(cycle):
    """Two sessions either side of the DST change; three people, one with spreadsheet-formula names."""
    winter, summer = make_session(cycle, WINTER), make_session(cycle, SUMMER)
    sly = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(
        prison_number="A0001", first_name="=HYPERLINK(\"http://x\")", last_name="+32 Danger"))
    dash = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(prison_number="B0002", first_name="-Minus", last_name="@At"))
    plain = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(prison_number="C0003", first_name="Élise", last_name="Zed"))
    rows = [
        (winter, sly, "present", "", True, False), (winter, dash, "absent", "sick", False, False),
        (winter, plain, "present", "", False, True),
        (summer, sly, "present", "", False, False), (summer, dash, "present", "", False, False),
        (summer, plain, "absent", "clash_court", False, False),
    ]
    Attendance.objects.bulk_create(
        Attendance(session=s, enrolment=e, status=st, absence_reason=r, late=late, left_early=left)
        for s, e, st, r, late, left in rows
    )
    return winter, summer


def download(client, user=None, **params):
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("attendance:export"), params)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Disposition"].startswith("attachment")
    return response.content


def xlsx_values(content):
    book = openpyxl.load_workbook(io.BytesIO(content))
    return book, {ws.title: [[c.value for c in row] for row in ws.iter_rows()] for ws in book.worksheets}


def test_cycle_export_grid_and_long_sheets(client, coordinator, cycle, register):
    content = download(client, coordinator, cycle=cycle.pk, format="xlsx", language="en")
    book, sheets = xlsx_values(content)
    assert book.sheetnames == ["Grid", "Sessions", "Codes"]

    grid = sheets["Grid"]
    assert grid[0][:5] == ["Prison number", "First name", "Last name", "2027-03-22 14:00 theatre", "2027-03-29 14:00 theatre"]
    assert grid[0][5:] == ["Present", "Absent", "Attendance rate"]
    by_number = {row[0]: row for row in grid[1:4]}
    assert by_number["A0001"][3:] == ["P", "P", 2, 0, 1.0]
    assert by_number["B0002"][3:] == ["A-SICK", "P", 1, 1, 0.5]
    assert by_number["C0003"][3:] == ["P", "A-COURT", 1, 1, 0.5]
    assert grid[4][0] == "Present" and grid[4][3:5] == [2, 2]
    assert grid[5][0] == "Attendance rate" and grid[5][3:5] == [pytest.approx(2 / 3, abs=1e-4)] * 2
    assert book["Grid"].freeze_panes == "D2"
    assert book["Grid"]["D1"].font.bold
    assert book["Grid"].column_dimensions["B"].width == 16

    long = sheets["Sessions"]
    assert long[0] == ["Prison number", "First name", "Last name", "Cycle", "Activity", "Date", "Start", "End",
                       "Attendance", "Absence reason", "Late", "Left early"]
    assert len(long) == 7
    assert book["Sessions"].freeze_panes == "A2"
    first = next(row for row in long if row[0] == "A0001")
    assert first[3] == "theatre" and first[5].date() == dt.date(2027, 3, 22)
    assert first[6:] == ["14:00", "15:30", "Present", None, "yes", None]


def test_session_times_are_local_either_side_of_dst(client, coordinator, cycle, register):
    _, sheets = xlsx_values(download(client, coordinator, cycle=cycle.pk, format="xlsx"))
    starts = {(row[5].date(), row[6]) for row in sheets["Sessions"][1:]}
    assert starts == {(dt.date(2027, 3, 22), "14:00"), (dt.date(2027, 3, 29), "14:00")}
    csv_rows = list(csv.reader(io.StringIO(download(client, coordinator, cycle=cycle.pk, format="csv").decode("utf-8-sig"))))
    assert {(row[5], row[6]) for row in csv_rows[1:]} == {("2027-03-22", "14:00"), ("2027-03-29", "14:00")}


def test_formula_like_names_stay_text(client, coordinator, cycle, register):
    book, sheets = xlsx_values(download(client, coordinator, cycle=cycle.pk, format="xlsx"))
    cells = {cell.value: cell for row in book["Sessions"].iter_rows() for cell in row if isinstance(cell.value, str)}
    assert cells['=HYPERLINK("http://x")'].data_type == "s"
    assert cells["+32 Danger"].data_type == "s" and cells["-Minus"].data_type == "s" and cells["@At"].data_type == "s"

    text = download(client, coordinator, cycle=cycle.pk, format="csv").decode("utf-8-sig")
    names = {(row[1], row[2]) for row in csv.reader(io.StringIO(text))}
    assert ("'=HYPERLINK(\"http://x\")", "'+32 Danger") in names
    assert ("'-Minus", "'@At") in names
    assert ("Élise", "Zed") in names


def test_csv_grid_has_codes_totals_and_rates(client, coordinator, cycle, register):
    text = download(client, coordinator, cycle=cycle.pk, format="csv-grid").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == "A0001" and rows[1][3:] == ["P", "P", "2", "0", "100.0%"]
    assert rows[-1][0] == "Attendance rate" and rows[-1][3:5] == ["66.7%", "66.7%"]


def test_pseudonymised_export_drops_names_and_keeps_stable_codes(client, coordinator, cycle, register):
    content = download(client, coordinator, cycle=cycle.pk, format="csv", pseudonymise="on")
    text = content.decode("utf-8-sig")
    for secret in ("A0001", "B0002", "C0003", "Élise", "Zed", "Danger"):
        assert secret not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][0] == "Pseudonym" and rows[0][1] == "Cycle"
    codes = {row[0] for row in rows[1:]}
    assert len(codes) == 3 and all(code.startswith("P-") for code in codes)
    assert pseudonym("A0001") in codes
    assert download(client, coordinator, cycle=cycle.pk, format="csv", pseudonymise="on") == content
    with override_settings(EXPORT_PSEUDONYM_KEY="another key"):
        other = download(client, coordinator, cycle=cycle.pk, format="csv", pseudonymise="on").decode("utf-8-sig")
    assert pseudonym("A0001") not in other and pseudonym("A0001", "another key") in other


def test_date_range_export_covers_the_site_sessions_in_range(client, coordinator, site, cycle, register):
    other_cycle = CycleFactory(term=cycle.term, code="yoga")
    late = make_session(other_cycle, dt.datetime(2027, 4, 20, 10, 0, tzinfo=BRUSSELS))
    Attendance.objects.create(session=late, enrolment=EnrolmentFactory(cycle=other_cycle), status="present")
    _, sheets = xlsx_values(download(
        client, coordinator, site=site.pk, first_date="2027-03-23", last_date="2027-04-30", format="xlsx",
    ))
    assert [row[3] for row in sheets["Sessions"][1:]] == ["theatre"] * 3 + ["yoga"]
    assert sheets["Grid"][0][3:5] == ["2027-03-29 14:00 theatre", "2027-04-20 10:00 yoga"]


def test_export_is_written_to_the_audit_log_without_names(client, coordinator, cycle, register):
    download(client, coordinator, cycle=cycle.pk, format="xlsx")
    entry = AuditEntry.objects.get(action="export")
    assert entry.user == coordinator and entry.object_type == "enrolment.attendance"
    assert f"cycle={cycle.pk}" in entry.detail and "rows=6" in entry.detail
    assert "A0001" not in entry.detail and "Zed" not in entry.detail


def test_only_coordinators_of_the_site_may_export(client, cycle, register, facilitator_user, other_site, site):
    client.force_login(facilitator_user)
    assert client.get(reverse("attendance:export"), {"cycle": cycle.pk, "format": "xlsx"}).status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    refused = client.get(reverse("attendance:export"), {"cycle": cycle.pk, "format": "xlsx"})
    assert refused.status_code == 200 and "attachment" not in refused.get("Content-Disposition", "")
    refused = client.get(reverse("attendance:export"), {"site": site.pk, "first_date": "2027-01-01", "last_date": "2027-06-01", "format": "xlsx"})
    assert "attachment" not in refused.get("Content-Disposition", "")
    assert not AuditEntry.objects.filter(action="export").exists()


def test_bad_range_names_the_field(client, coordinator, site):
    client.force_login(coordinator)
    page = client.get(reverse("attendance:export"), {"site": site.pk, "first_date": "2027-05-01", "last_date": "2027-04-01", "format": "csv"})
    assert "The end date is before the start date." in page.content.decode()


@pytest.mark.parametrize("sessions", [1, 3])
def test_export_queries_do_not_grow_with_sessions(client, coordinator, cycle, sessions, django_assert_max_num_queries):
    for day in range(sessions):
        session = make_session(cycle, WINTER + dt.timedelta(days=7 * day))
        for _ in range(2):
            Attendance.objects.create(session=session, enrolment=EnrolmentFactory(cycle=cycle), status="present")
    client.force_login(coordinator)
    with django_assert_max_num_queries(12):
        download(client, cycle=cycle.pk, format="xlsx")


# --- LibreOffice reads what we write ---------------------------------------------------------------


def as_shown(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, int | float) and cell.number_format.endswith("%"):
        # LibreOffice writes the stored value as a percentage (not the cell's display precision).
        return f"{round(value * 100, 10):g}%"
    return str(value)


@pytest.mark.parametrize("pseudonymise", ["", "on"])
def test_libreoffice_reads_every_sheet_cell_by_cell(client, coordinator, cycle, register, tmp_path, pseudonymise):
    content = download(client, coordinator, cycle=cycle.pk, format="xlsx", pseudonymise=pseudonymise)
    book = openpyxl.load_workbook(io.BytesIO(content))
    converted = libreoffice_csv_sheets(content, tmp_path)
    assert set(converted) == set(book.sheetnames)
    for ws in book.worksheets:
        expected = [[as_shown(cell) for cell in row] for row in ws.iter_rows()]
        got = converted[ws.title]
        assert len(got) == len(expected), ws.title
        for expected_row, got_row in zip(expected, got, strict=True):
            assert got_row[: len(expected_row)] == expected_row, ws.title
            assert not any(got_row[len(expected_row):])
    assert any('=HYPERLINK("http://x")' in row for row in converted["Sessions"]) != bool(pseudonymise)
