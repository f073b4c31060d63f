import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from core.models import AuditEntry, Role
from screening import services
from screening.models import Interview
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
WHEN = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def interview(site, unit, screener, coordinator):
    application = EnrolmentFactory(cycle=CycleFactory(term=TermFactory(site=site)), detainee=DetaineeFactory(unit=unit),
                                   status="pending")
    interview = services.schedule_interview(detainee=application.detainee, enrolment=application, scheduled_at=WHEN,
                                            screener=screener, room=RoomFactory(site=site), by=coordinator)
    return services.record_outcome(interview, status="held", outcome="not_suitable", reason="Not ready for a group",
                                   notes="Disclosed a family matter: CONFIDENTIAL-XYZ", by=screener)


def test_outcome_other_than_suitable_needs_a_reason_and_missed_has_no_outcome(interview, screener):
    with pytest.raises(ValidationError):
        services.record_outcome(interview, status="held", outcome="suitable_later", reason="", by=screener)
    missed = services.record_outcome(interview, status="missed", outcome="suitable", by=screener)
    assert (missed.status, missed.outcome) == ("missed", "")


def test_screener_must_work_at_the_detainees_site(site, unit, other_site):
    outsider = UserFactory(role=Role.SCREENER, sites=[other_site])
    with pytest.raises(ValidationError):
        services.schedule_interview(detainee=DetaineeFactory(unit=unit), scheduled_at=WHEN, screener=outsider)


def test_notes_only_for_the_sites_screeners_and_coordinators_and_every_read_is_audited(
        interview, screener, coordinator, administrator, staff_user, facilitator_user, other_site):
    assert services.read_notes(interview, screener).endswith("CONFIDENTIAL-XYZ")
    assert services.read_notes(interview, coordinator).endswith("CONFIDENTIAL-XYZ")
    reads = AuditEntry.objects.filter(action="read_confidential", object_id=str(interview.pk))
    assert sorted(reads.values_list("user__username", flat=True)) == ["coord", "screen"]
    assert set(reads.values_list("detainee_id", flat=True)) == {interview.detainee_id}
    assert "CONFIDENTIAL" not in " ".join(reads.values_list("detail", flat=True))
    other_coordinator = UserFactory(role=Role.COORDINATOR, sites=[other_site])
    for user in (administrator, staff_user, facilitator_user, other_coordinator):
        with pytest.raises(PermissionDenied):
            services.read_notes(interview, user)
    assert reads.count() == 2


def test_interview_page_shows_notes_only_on_request_and_logs_the_read(client, interview, screener, administrator):
    url = reverse("screening:interview", args=[interview.pk])
    client.force_login(screener)
    page = client.get(url).content.decode()
    assert "Not ready for a group" in page and "CONFIDENTIAL-XYZ" not in page
    assert not AuditEntry.objects.filter(action="read_confidential").exists()
    page = client.get(url + "?notes=1").content.decode()
    assert "CONFIDENTIAL-XYZ" in page
    assert AuditEntry.objects.filter(action="read_confidential", user=screener).count() == 1
    client.force_login(administrator)
    page = client.get(url + "?notes=1").content.decode()
    assert "CONFIDENTIAL-XYZ" not in page and "Not ready for a group" in page


def test_staff_facilitators_and_other_sites_cannot_open_interviews(client, interview, staff_user, facilitator_user, other_site):
    for user in (staff_user, facilitator_user, UserFactory(role=Role.SCREENER, sites=[other_site])):
        client.force_login(user)
        for name in ("screening:interview", "screening:interview-outcome"):
            assert client.get(reverse(name, args=[interview.pk]) + "?notes=1").status_code in (403, 404)
    assert not AuditEntry.objects.filter(action="read_confidential").exists()


def test_screener_schedules_and_records_an_interview_through_the_pages(client, site, unit, screener):
    detainee = DetaineeFactory(unit=unit)
    client.force_login(screener)
    response = client.post(reverse("screening:interview-new") + f"?detainee={detainee.pk}", {
        "scheduled_at": "2026-12-04T10:00", "screener": screener.pk, "room": ""})
    interview = Interview.objects.get(detainee=detainee)
    assert response.status_code == 302
    assert interview.scheduled_at == dt.datetime(2026, 12, 4, 9, 0, tzinfo=dt.UTC)  # 10:00 in Brussels, stored in UTC
    client.post(reverse("screening:interview-outcome", args=[interview.pk]), {
        "status": "held", "outcome": "suitable", "reason": "", "notes": "Keen on theatre"})
    interview.refresh_from_db()
    assert (interview.status, interview.outcome, interview.notes) == ("held", "suitable", "Keen on theatre")


def test_cycles_can_skip_screening(site, unit, coordinator):
    from enrolment import services as enrolment_services

    cycle = CycleFactory(term=TermFactory(site=site), screening_required=False)
    application = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status="pending")
    assert enrolment_services.approve(application, by=coordinator).status == "approved"


def test_interview_list_query_count_does_not_grow(client, site, unit, screener):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(screener)
    counts = []
    for n in (1, 3):
        Interview.objects.all().delete()
        for _ in range(n):
            services.schedule_interview(detainee=DetaineeFactory(unit=unit), scheduled_at=WHEN, screener=screener,
                                        room=RoomFactory(site=site))
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("screening:interview-list"))
        assert page.status_code == 200 and len(page.context["interviews"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
