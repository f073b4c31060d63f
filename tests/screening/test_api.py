import datetime as dt

import pytest

from core.models import AuditEntry, Role
from screening import services
from tests.factories import DetaineeFactory, UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/screening-interviews"
WHEN = dt.datetime(2026, 12, 3, 9, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def interview(unit, screener):
    interview = services.schedule_interview(detainee=DetaineeFactory(unit=unit), scheduled_at=WHEN, screener=screener)
    return services.record_outcome(interview, status="held", outcome="suitable", notes="SECRET-NOTES-42", by=screener)


def post(client, url, data):
    return client.post(url, data, content_type="application/json")


def test_interview_responses_never_carry_notes(client, coordinator, interview):
    client.force_login(coordinator)
    listed = client.get(f"{API}/").json()["results"]
    detail = client.get(f"{API}/{interview.pk}/").json()
    assert "notes" not in listed[0] and "notes" not in detail
    assert "SECRET-NOTES-42" not in str(listed) + str(detail)
    assert not AuditEntry.objects.filter(action="read_confidential").exists()


def test_notes_endpoint_for_the_site_screener_is_audited(client, screener, interview):
    client.force_login(screener)
    assert client.get(f"{API}/{interview.pk}/notes/").json() == {"id": interview.pk, "notes": "SECRET-NOTES-42"}
    assert AuditEntry.objects.filter(action="read_confidential", user=screener, object_id=str(interview.pk)).count() == 1


def test_administrator_sees_the_interview_but_not_the_notes(client, administrator, interview):
    client.force_login(administrator)
    assert client.get(f"{API}/{interview.pk}/").status_code == 200
    response = client.get(f"{API}/{interview.pk}/notes/")
    assert response.status_code == 403 and "SECRET" not in response.content.decode()
    post(client, f"{API}/{interview.pk}/outcome/", {"status": "held", "outcome": "suitable", "notes": ""})
    interview.refresh_from_db()
    assert interview.notes == "SECRET-NOTES-42"


def test_every_interview_endpoint_refuses_users_who_may_not_see_it(client, interview, staff_user, facilitator_user, other_site, screener):
    outsider = UserFactory(username="far", role=Role.SCREENER, sites=[other_site])
    for user in (staff_user, facilitator_user, outsider):
        client.force_login(user)
        assert client.get(f"{API}/").json()["results"] == []
        for suffix in ("", "notes/"):
            response = client.get(f"{API}/{interview.pk}/{suffix}")
            assert response.status_code == 404 and "SECRET" not in response.content.decode()
        assert post(client, f"{API}/{interview.pk}/outcome/", {"status": "missed"}).status_code == 404
        created = post(client, f"{API}/", {"detainee": interview.detainee_id, "scheduled_at": WHEN.isoformat(),
                                           "screener": screener.pk})
        assert created.status_code in (403, 404)
    interview.refresh_from_db()
    assert interview.status == "held"
    assert not AuditEntry.objects.filter(action="read_confidential").exists()


def test_screener_schedules_and_records_through_the_api(client, screener, unit):
    detainee = DetaineeFactory(unit=unit)
    client.force_login(screener)
    created = post(client, f"{API}/", {"detainee": detainee.pk, "scheduled_at": WHEN.isoformat(), "screener": screener.pk})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    refused = post(client, f"{API}/{pk}/outcome/", {"status": "held", "outcome": "not_suitable"})
    assert refused.status_code == 400 and "outcome_reason" in refused.json()
    done = post(client, f"{API}/{pk}/outcome/", {"status": "held", "outcome": "not_suitable", "reason": "Prefers one-to-one"})
    assert done.json()["outcome_reason"] == "Prefers one-to-one"
