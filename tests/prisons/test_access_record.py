"""The answer to a detainee's access request: everything held about them, printable in their
language, audited, without another person's identity or the screening notes' text."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from core.models import AuditAction, AuditEntry
from enrolment.models import Attendance, FeedbackInterview
from prisons.models import (
    ActivityRestriction,
    Commitment,
    DetaineeLanguage,
    NonAssociation,
    Placement,
)
from screening.models import Interview
from tests.factories import DetaineeFactory, EnrolmentFactory, SessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def person(unit, screener):
    person = DetaineeFactory(unit=unit, last_name="Amrani", first_name="Youssef", prison_number="H001234",
                             birth_date=dt.date(1990, 5, 1))
    DetaineeLanguage.objects.create(detainee=person, language="ar", proficiency="native")
    Placement.objects.create(detainee=person, unit=unit, cell="A-12", status="present", valid_from=dt.date(2026, 1, 5))
    Commitment.objects.create(detainee=person, kind="court", source="Registry",
                              starts_at=timezone.make_aware(dt.datetime(2026, 12, 14, 9)),
                              ends_at=timezone.make_aware(dt.datetime(2026, 12, 14, 12)))
    ActivityRestriction.objects.create(detainee=person, starts_on=dt.date(2026, 11, 2), ends_on=dt.date(2026, 11, 9),
                                       reason="Disciplinary sanction")
    other = DetaineeFactory(unit=unit, last_name="Coaccused", first_name="Marek")
    first, second = sorted([person, other], key=lambda d: d.pk)
    NonAssociation.objects.create(first=first, second=second, scope="site", reason="Case of Marek Coaccused")
    enrolment = EnrolmentFactory(detainee=person, forwarded_by="Support worker Leclercq",
                                 cycle__activity__title_en="Theatre workshop")
    Attendance.objects.create(session=SessionFactory(cycle=enrolment.cycle), enrolment=enrolment, status="absent",
                              absence_reason="sick")
    FeedbackInterview.objects.create(enrolment=enrolment, held_on=dt.date(2026, 11, 20), topics=["time_slot"],
                                     would_return="yes", what_would_help="Mornings are better")
    Interview.objects.create(detainee=person, screener=screener, status="held", outcome="suitable",
                             scheduled_at=timezone.make_aware(dt.datetime(2026, 10, 1, 10)),
                             notes="Secret: spoke about the family")
    return person


def test_the_record_lists_everything_held_but_not_others_or_the_notes(client, coordinator, person):
    client.force_login(coordinator)
    url = reverse("prisons:detainee-access-record", args=[person.pk])
    page = client.get(url, {"lang": "en"}).content.decode()
    for expected in ("What Relais holds about you", "AMRANI Youssef", "H001234", "1 May 1990", "Arabic", "A-12",
                     "Court hearing", "Disciplinary sanction", "From another person, scope:", "Theatre workshop",
                     "passed on by Support worker Leclercq", "Sick", "Mornings are better",
                     "The social worker kept notes of 1 interview."):
        assert expected in page, expected
    assert "Coaccused" not in page and "Marek" not in page
    assert "Secret" not in page
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT, detainee_id=person.pk)
    assert entry.detail == "access record en" and "Amrani" not in entry.detail


def test_the_record_prints_in_the_language_asked_for(client, coordinator, person):
    client.force_login(coordinator)
    page = client.get(reverse("prisons:detainee-access-record", args=[person.pk]), {"lang": "fr"}).content.decode()
    assert "Ce que Relais contient à votre sujet" in page and "1 mai 1990" in page


def test_only_the_sites_coordinators_produce_it(client, screener, staff_user, facilitator_user, person):
    url = reverse("prisons:detainee-access-record", args=[person.pk])
    for user in (screener, staff_user, facilitator_user):
        client.force_login(user)
        assert client.get(url).status_code in (403, 404)
    assert not AuditEntry.objects.filter(action=AuditAction.EXPORT).exists()


def test_the_record_takes_the_same_number_of_queries_whatever_the_history(client, coordinator, person):
    client.force_login(coordinator)
    url = reverse("prisons:detainee-access-record", args=[person.pk])

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url, {"lang": "en"}).status_code == 200
        return len(queries)

    before = count()
    for _ in range(3):
        enrolment = EnrolmentFactory(detainee=person)
        for _ in range(2):
            Attendance.objects.create(session=SessionFactory(cycle=enrolment.cycle), enrolment=enrolment,
                                      status="present")
    assert count() == before


def test_api_gives_the_same_record_to_the_sites_coordinators(client, coordinator, staff_user, person):
    client.force_login(coordinator)
    record = client.get(f"/api/v1/detainees/{person.pk}/record/").json()
    assert record["person"]["prison_number"] == "H001234"
    assert record["kept_apart"] == [{"scope": "site", "active": True}]
    assert record["screening_interviews"][0]["has_notes"] is True and "notes" not in record["screening_interviews"][0]
    assert record["enrolments"][0]["attendance"][0]["absence_reason"] == "sick"
    client.force_login(staff_user)
    assert client.get(f"/api/v1/detainees/{person.pk}/record/").status_code == 404


def test_detainee_page_links_to_the_record_for_coordinators_only(client, coordinator, screener, person):
    client.force_login(coordinator)
    link = reverse("prisons:detainee-access-record", args=[person.pk])
    assert link in client.get(reverse("prisons:detainee-detail", args=[person.pk])).content.decode()
    client.force_login(screener)
    assert link not in client.get(reverse("prisons:detainee-detail", args=[person.pk])).content.decode()
