"""The term's programme as a workbook, read back with openpyxl: the weekly timetable as published and
every dated session with what happened to it, Brussels time across the change to summer time."""
import datetime as dt
import io

import pytest
import time_machine
from openpyxl import load_workbook

from activities.models import Session
from core.models import AuditEntry
from prisons.models import RegimePeriod
from scheduling import replacements, services
from tests.factories import EnrolmentFactory, FacilitatorFactory

from .small_prison import english, session_on  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = dt.date(2027, 3, 22), dt.date(2027, 3, 23)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def _download(client, term):
    response = client.get(f"/planning/terms/{term.pk}/programme.xlsx")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    workbook = load_workbook(io.BytesIO(response.content))
    return {name: [list(row) for row in workbook[name].iter_rows(values_only=True)] for name in workbook.sheetnames}


def test_weekly_timetable_and_dated_sessions_with_what_happened(client, published_prison, coordinator,
                                                                django_assert_max_num_queries):
    prison = published_prison
    services.cancel_session(session_on(prison.french, MONDAY), reason="technical", reason_text="Heating", by=coordinator)
    services.move_session(session_on(prison.french, TUESDAY), day=TUESDAY,
                          period=RegimePeriod.objects.get(site=prison.site, weekday=1, index=3),
                          room=prison.classroom, by=coordinator)
    replacements.replace(session_on(prison.sport, TUESDAY), [FacilitatorFactory(first_name="Cleo", last_name="Maes",
                                                                         sites=[prison.site])], by=coordinator)
    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=TUESDAY, last_date=TUESDAY,
                             reason="strike", by=coordinator)
    client.force_login(coordinator)
    with django_assert_max_num_queries(20):
        sheets = _download(client, prison.term)
    weekly, dated = sheets["Weekly timetable"], sheets["Dated sessions"]
    assert weekly[0][:4] == ["Weekday", "Start", "End", "Activity"]
    assert [(row[0], row[1], row[4], row[6], row[8], row[9]) for row in weekly[1:]] == [
        ("Monday", dt.time(8, 30), "french", "A1", 8, 1),
        ("Tuesday", dt.time(8, 30), "french", "A1", 8, 1),
        ("Tuesday", dt.time(10, 15), "sport", "A1, A2", 12, 1),
    ]
    rows = {(row[0].date(), row[5], row[2]): row for row in dated[1:]}
    header = dated[0]
    col = {name: header.index(name) for name in header}
    monday = rows[(MONDAY, "french", dt.time(8, 30))]
    assert monday[col["Status"]] == "Cancelled" and "Heating" in monday[col["Cancellation reason"]]
    moved = rows[(TUESDAY, "french", dt.time(13, 30))]
    assert moved[col["First planned"]].startswith("2027-03-23 08:30 Classroom")
    sport = rows[(TUESDAY, "sport", dt.time(10, 15))]
    assert sport[col["Led by"]] == "Cleo Maes" and sport[col["Stand-in"]] == "yes"
    assert sport[col["Units going"]] == "A1" and sport[col["Units not coming"]] == "A2"
    # Brussels time on both sides of the change to summer time (28 March 2027): still 08:30 on Mondays.
    assert rows[(dt.date(2027, 3, 29), "french", dt.time(8, 30))][col["Status"]] == "Scheduled"
    assert "Published timetable: version 1" in sheets["About"][1][0]
    assert AuditEntry.objects.filter(object_type="term_programme", user=coordinator).exists()

    EnrolmentFactory(cycle=prison.sport)
    for hour in range(3):  # more dated sessions, same queries
        services.cancel_sessions(site=prison.site, first_date=dt.date(2027, 4, 5 + hour),
                                 last_date=dt.date(2027, 4, 5 + hour), reason="strike", by=coordinator)
    with django_assert_max_num_queries(20):
        _download(client, prison.term)


def test_only_those_who_plan_the_term(client, published_prison, facilitator_user):
    client.force_login(facilitator_user)
    assert client.get(f"/planning/terms/{published_prison.term.pk}/programme.xlsx").status_code in (403, 404)


def test_the_sessions_api_reads_a_term_or_some_days(published_prison, coordinator):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(coordinator)
    term = published_prison.term
    all_of_term = api.get("/api/v1/sessions/", {"term": term.pk, "page_size": 500}).data
    assert all_of_term["count"] == Session.objects.filter(cycle__term=term).count() > 0
    # Brussels days, both included: Monday 22 (French) and Tuesday 23 (French, sport) March 2027
    days = api.get("/api/v1/sessions/", {"term": term.pk, "starts_from": "2027-03-22", "starts_until": "2027-03-23"})
    assert days.data["count"] == 3
    refused = api.get("/api/v1/sessions/", {"starts_from": "next week"})
    assert refused.status_code == 400 and "starts_from" in refused.data


def test_libreoffice_shows_brussels_dates_and_times(client, published_prison, coordinator, tmp_path):
    from tests.spreadsheets import libreoffice_csv_sheets

    client.force_login(coordinator)
    content = client.get(f"/planning/terms/{published_prison.term.pk}/programme.xlsx").content
    sheets = libreoffice_csv_sheets(content, tmp_path)
    assert set(sheets) >= {"Weekly timetable", "Dated sessions", "About"}
    dated = sheets["Dated sessions"]
    assert dated[0][:4] == ["Date", "Weekday", "Start", "End"]
    # Real date and time values (this conversion writes values, not the cells' display formats): Mondays
    # at 08:30 on both sides of the change to summer time, as the prison's clock says
    mondays = [row[:4] for row in dated if row[1] == "Monday" and row[0] in ("2027-03-22", "2027-03-29")]
    assert mondays == [["2027-03-22", "Monday", "08:30:00 AM", "10:00:00 AM"],
                       ["2027-03-29", "Monday", "08:30:00 AM", "10:00:00 AM"]]
