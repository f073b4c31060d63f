import datetime as dt

import pytest

from core.models import Role
from enrolment.models import Enrolment
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def cycle(site, unit):
    return CycleFactory(term=TermFactory(site=site), capacity=2, screening_required=False, eligible_units=[unit])


@pytest.fixture
def pending(cycle, unit):
    return EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, prison_number="H000100"), status="pending")


@pytest.fixture
def outsider(other_site):
    return UserFactory(username="elsewhere", role=Role.COORDINATOR, sites=[other_site])


def post(client, url, data=None):
    return client.post(url, data or {}, content_type="application/json")


def test_coordinator_records_approves_and_enrols_through_the_api(client, coordinator, cycle, unit):
    DetaineeFactory(unit=unit, prison_number="H000200")
    client.force_login(coordinator)
    created = post(client, f"{API}/applications/", {"cycle": cycle.pk, "prison_number": "H000200", "channel": "kiosk"})
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    findings = client.get(f"{API}/applications/{pk}/findings/").json()
    assert {f["severity"] for f in findings} == {"info"}  # no room known yet, languages not recorded
    assert all(set(f) == {"code", "severity", "message", "needs_confirmation"} for f in findings)
    assert post(client, f"{API}/applications/{pk}/approve/").json()["status"] == "approved"
    enrolled = post(client, f"{API}/applications/{pk}/enrol/").json()
    assert (enrolled["status"], enrolled["placed"], enrolled["seat"]) == ("enrolled", True, 1)
    detail = client.get(f"{API}/applications/{pk}/").json()
    assert [e["to_status"] for e in detail["events"]] == ["pending", "approved", "approved", "enrolled"]
    removed = post(client, f"{API}/applications/{pk}/remove/", {"leaving_reason": "security", "note": "Sanction"}).json()
    assert (removed["status"], removed["leaving_reason"]) == ("removed", "security")


def test_api_refusal_returns_the_findings(client, coordinator, cycle, unit, pending):
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, gender="F"), seat=1)
    client.force_login(coordinator)
    response = post(client, f"{API}/applications/{pending.pk}/enrol/")
    assert response.status_code == 400
    mixing = next(f for f in response.json()["findings"] if f["code"] == "population_mixing_gender")
    assert mixing["severity"] == "warning" and set(mixing) == {"code", "severity", "message", "needs_confirmation"}
    ok = post(client, f"{API}/applications/{pending.pk}/enrol/",
              {"confirm": ["population_mixing_gender"], "confirmation_reason": "Mixed theatre group agreed"})
    assert ok.json()["status"] == "enrolled"


def test_duplicate_application_is_a_clear_400(client, coordinator, cycle, pending):
    client.force_login(coordinator)
    response = post(client, f"{API}/applications/", {"cycle": cycle.pk, "prison_number": "H000100"})
    assert response.status_code == 400
    assert response.json() == {"detainee": ["H000100 already has an open application for this cycle."]}


def test_waiting_list_in_priority_order_with_capacity(client, coordinator, cycle, unit):
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status="approved", requested_on=dt.date(2026, 11, 1))
    first = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status="approved", needs_based=True)
    client.force_login(coordinator)
    body = client.get(f"{API}/waiting-lists/{cycle.pk}/").json()
    assert body["capacity"] == 2 and body["waiting"][0]["id"] == first.pk and body["waiting"][0]["position"] == 1


def test_every_endpoint_refuses_a_coordinator_of_another_site(client, outsider, cycle, pending):
    client.force_login(outsider)
    assert client.get(f"{API}/applications/").json()["results"] == []
    assert client.get(f"{API}/applications/{pending.pk}/").status_code == 404
    assert client.get(f"{API}/applications/{pending.pk}/findings/").status_code == 404
    for action in ("approve", "enrol", "decline", "withdraw", "remove"):
        assert post(client, f"{API}/applications/{pending.pk}/{action}/", {"reason": "x"}).status_code == 404
    assert post(client, f"{API}/applications/", {"cycle": cycle.pk, "prison_number": "H000100"}).status_code == 404
    assert client.get(f"{API}/waiting-lists/{cycle.pk}/").status_code == 404
    pending.refresh_from_db()
    assert pending.status == "pending"


def test_staff_see_their_units_applications_but_cannot_act_and_facilitators_see_none(
        client, staff_user, facilitator_user, cycle, pending, site):
    client.force_login(staff_user)
    assert [a["id"] for a in client.get(f"{API}/applications/").json()["results"]] == [pending.pk]
    for action in ("approve", "enrol", "decline", "withdraw", "remove"):
        assert post(client, f"{API}/applications/{pending.pk}/{action}/", {"reason": "x"}).status_code == 403
    assert post(client, f"{API}/applications/", {"cycle": cycle.pk, "prison_number": "H000100"}).status_code == 403
    assert client.get(f"{API}/waiting-lists/{cycle.pk}/").status_code == 403
    other_unit = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=UnitFactory(building__site=site)))
    assert client.get(f"{API}/applications/{other_unit.pk}/").status_code == 404

    cycle.facilitators.add(facilitator_user.facilitator)
    client.force_login(facilitator_user)
    assert client.get(f"{API}/applications/").json()["results"] == []
    assert client.get(f"{API}/applications/{other_unit.pk}/").status_code == 404
    assert client.get(f"{API}/waiting-lists/{cycle.pk}/").status_code == 403
    assert Enrolment.objects.get(pk=pending.pk).status == "pending"


def test_leaving_reasons_are_listed_for_signed_in_users_only(client, coordinator):
    assert client.get(f"{API}/leaving-reasons/").status_code in (401, 403)
    client.force_login(coordinator)
    codes = [r["code"] for r in client.get(f"{API}/leaving-reasons/").json()]
    assert codes[:3] == ["completed", "released", "transferred"]


def test_application_list_query_count_does_not_grow(client, coordinator, cycle, unit, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(coordinator)
    counts = []
    for n in (1, 3):
        Enrolment.objects.all().delete()
        for _ in range(n):
            EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status="pending")
        with CaptureQueriesContext(connection) as ctx:
            assert len(client.get(f"{API}/applications/").json()["results"]) == n
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
