"""Certificates of participation: for those who completed a cycle or are still in it, with the sessions
attended of those held, in each holder's language, audited, in constant queries."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditAction, AuditEntry
from enrolment.models import Attendance, EnrolmentStatus, LeavingReason
from prisons.models import DetaineeLanguage
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def frozen_now(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def cycle(site, unit):
    cycle = CycleFactory(term=TermFactory(site=site), eligible_units=[unit], activity__title_en="Theatre workshop",
                         activity__title_fr="Atelier théâtre")
    for day in (dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)):
        start = dt.datetime.combine(day, dt.time(13, 30), tzinfo=BRUSSELS)
        SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    cancelled = dt.datetime.combine(dt.date(2026, 11, 23), dt.time(13, 30), tzinfo=BRUSSELS)
    SessionFactory(cycle=cycle, starts_at=cancelled, ends_at=cancelled + dt.timedelta(hours=2), status="cancelled")
    return cycle


def participant(cycle, unit, name, *, attended, status=EnrolmentStatus.ENROLLED, leaving=None, language=None):
    detainee = DetaineeFactory(unit=unit, first_name=name, last_name=f"{name}son")
    if language:
        DetaineeLanguage.objects.create(detainee=detainee, language=language, proficiency="native")
    enrolment = EnrolmentFactory(detainee=detainee, cycle=cycle, status=status, enrolled_on=dt.date(2026, 10, 20),
                                 leaving_reason=LeavingReason.objects.get(code=leaving) if leaving else None)
    for n, session in enumerate(cycle.sessions.exclude(status="cancelled").order_by("starts_at")):
        Attendance.objects.create(session=session, enrolment=enrolment, status="present" if n < attended else "absent",
                                  absence_reason="" if n < attended else "sick")
    return enrolment


def test_certificates_go_to_those_who_completed_or_are_still_in_with_their_attendance(client, coordinator, cycle, unit):
    participant(cycle, unit, "Still", attended=3)
    participant(cycle, unit, "Done", attended=2, status=EnrolmentStatus.WITHDRAWN, leaving="completed")
    participant(cycle, unit, "Dropped", attended=1, status=EnrolmentStatus.WITHDRAWN, leaving="withdrew")
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:certificates", args=[cycle.pk]), {"lang": "en"}).content.decode()
    assert page.count('class="notice certificate"') == 2
    assert "Still STILLSON" in page and "Done DONESON" in page and "DROPPEDSON" not in page
    assert "Attended 3 of the 3 sessions held (6.0 hours)." in page
    assert "Attended 2 of the 3 sessions held (4.0 hours)." in page
    assert "from 2 November 2026 to 16 November 2026" in page
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, object_type="activities.cycle")
    assert entry.detail == "certificates 2"


def test_each_certificate_is_in_its_holders_language_unless_one_is_chosen(client, coordinator, cycle, unit):
    participant(cycle, unit, "Amine", attended=3, language="fr")
    participant(cycle, unit, "Bram", attended=3, language="nl")
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:certificates", args=[cycle.pk])).content.decode()
    assert "Attestation de participation" in page and "Atelier théâtre" in page
    assert "Deelnameattest" in page
    all_english = client.get(reverse("enrolment:certificates", args=[cycle.pk]), {"lang": "en"}).content.decode()
    assert all_english.count("Certificate of participation</h1>") == 2


def test_certificates_take_the_same_queries_for_one_holder_or_ten(client, coordinator, cycle, unit,
                                                                 django_assert_max_num_queries):
    client.force_login(coordinator)
    participant(cycle, unit, "First", attended=3, language="fr")
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("enrolment:certificates", args=[cycle.pk]))
    for n in range(9):
        participant(cycle, unit, f"P{n}", attended=n % 4, language=("fr", "nl", "ar")[n % 3])
    with django_assert_max_num_queries(len(captured)):
        assert client.get(reverse("enrolment:certificates", args=[cycle.pk])).content.decode().count(
            'class="notice certificate"') == 10


def test_only_the_sites_coordinators_print_certificates(client, screener, staff_user, facilitator_user, cycle):
    for user in (screener, staff_user, facilitator_user):
        client.force_login(user)
        assert client.get(reverse("enrolment:certificates", args=[cycle.pk])).status_code in (403, 404)
