import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from core.models import AuditEntry
from enrolment.models import Channel, Enrolment, EnrolmentStatus
from tests.factories import CycleFactory, DetaineeFactory, EnrolmentFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def cycle(site):
    return CycleFactory(term=TermFactory(site=site), capacity=8, screening_required=False)


def _xlsx(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_coordinator_records_a_request_slip_with_who_forwarded_it(client, coordinator, cycle, unit):
    detainee = DetaineeFactory(unit=unit, prison_number="H000777")
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:application-new", args=[cycle.pk]), {
        "prison_number": "H000777", "requested_on": "2026-11-28", "channel": Channel.SUPPORT_WORKER,
        "forwarded_by": "Mme Janssens (support worker)", "needs_based": "on",
    })
    enrolment = Enrolment.objects.get(detainee=detainee, cycle=cycle)
    assert response.status_code == 302 and response.url == reverse("enrolment:application", args=[enrolment.pk])
    assert (enrolment.status, enrolment.requested_on, enrolment.channel, enrolment.forwarded_by, enrolment.needs_based,
            enrolment.recorded_by) == ("pending", dt.date(2026, 11, 28), "support_worker", "Mme Janssens (support worker)", True, coordinator)
    event = enrolment.events.get()
    assert (event.from_status, event.to_status, event.by) == ("", "pending", coordinator)
    page = client.get(response.url)
    assert "Mme Janssens (support worker)" in page.content.decode()


def test_second_open_application_is_refused_with_a_message_on_the_form(client, coordinator, cycle, unit):
    detainee = DetaineeFactory(unit=unit, prison_number="H000778")
    EnrolmentFactory(detainee=detainee, cycle=cycle, status=EnrolmentStatus.PENDING)
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:application-new", args=[cycle.pk]), {
        "prison_number": "H000778", "requested_on": "2026-11-28", "channel": Channel.REQUEST_SLIP,
    })
    assert response.status_code == 200
    assert "H000778 already has an open application for this cycle." in response.content.decode()
    assert Enrolment.objects.filter(detainee=detainee).count() == 1


def test_a_declined_person_may_apply_again(coordinator, cycle, unit):
    from enrolment import services

    detainee = DetaineeFactory(unit=unit)
    EnrolmentFactory(detainee=detainee, cycle=cycle, status=EnrolmentStatus.DECLINED)
    services.record_application(detainee=detainee, cycle=cycle, by=coordinator)
    assert Enrolment.objects.filter(detainee=detainee, cycle=cycle).count() == 2


def test_import_of_an_xlsx_list_creates_every_application(client, coordinator, cycle, unit):
    for number in ("H000001", "H000002", "H000003"):
        DetaineeFactory(unit=unit, prison_number=number)
    content = _xlsx([["prison_number", "requested_on", "needs_based"], ["H000001", dt.date(2026, 11, 20), "yes"],
                     ["H000002", "21/11/2026", ""], ["H000003", None, None]])
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:application-import", args=[cycle.pk]),
                           {"file": SimpleUploadedFile("list.xlsx", content)})
    assert response.status_code == 302
    rows = list(Enrolment.objects.filter(cycle=cycle).order_by("detainee__prison_number")
                .values_list("detainee__prison_number", "requested_on", "needs_based", "channel"))
    assert rows == [("H000001", dt.date(2026, 11, 20), True, "import"), ("H000002", dt.date(2026, 11, 21), False, "import"),
                    ("H000003", dt.date(2026, 12, 1), False, "import")]
    assert AuditEntry.objects.filter(action="import", object_type="activities.cycle").count() == 1


def test_import_with_any_bad_row_saves_nothing_and_names_row_and_column(client, coordinator, cycle, unit, other_site):
    DetaineeFactory(unit=unit, prison_number="H000001")
    DetaineeFactory(unit=unit, prison_number="H000002")
    DetaineeFactory(unit=unit, prison_number="H000003")
    from tests.factories import UnitFactory

    DetaineeFactory(unit=UnitFactory(building__site=other_site), prison_number="S000009")
    csv_text = ("prison_number;requested_on;channel\n"
                "H000001;2026-11-20;request_slip\n"
                "H999999;2026-11-20;\n"
                "H000002;31/02/2026;\n"
                "H000001;;\n"
                "S000009;;\n"
                "H000003;;telepathy\n")
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:application-import", args=[cycle.pk]),
                           {"file": SimpleUploadedFile("list.csv", csv_text.encode())})
    assert response.status_code == 200
    assert Enrolment.objects.filter(cycle=cycle).count() == 0
    report = response.context["report"]
    assert [(row, column) for row, column, _ in report.errors] == [
        (3, "prison_number"), (4, "requested_on"), (5, "prison_number"), (6, "prison_number"), (7, "channel")]
    text = response.content.decode()
    assert "No detainee has the number H999999." in text
    assert "H000001 is already on row 2." in text
    assert "Nothing was saved." in text


def test_import_refuses_other_file_kinds(client, coordinator, cycle):
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:application-import", args=[cycle.pk]),
                           {"file": SimpleUploadedFile("list.txt", b"prison_number\nH1\n")})
    assert "Upload an .xlsx or .csv file." in response.content.decode()


def test_staff_and_facilitators_cannot_record_applications(client, staff_user, facilitator_user, cycle):
    for user in (staff_user, facilitator_user):
        client.force_login(user)
        response = client.get(reverse("enrolment:application-new", args=[cycle.pk]))
        assert response.status_code in (403, 404)
