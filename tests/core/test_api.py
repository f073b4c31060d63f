"""The API answers with the pages' permissions: same scopes, 404 outside them, counts that don't grow."""
import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from core.models import AuditAction, AuditEntry
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    FacilitatorFactory,
    PartnerFactory,
    RoomFactory,
    SessionFactory,
    StaffMemberFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def ids(response):
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_api_requires_authentication(api):
    assert api.get("/api/v1/sites/").status_code in (401, 403)


def test_facilitator_cannot_fetch_another_facilitators_cycle_or_session(api, facilitator_user, site):
    own = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    other = CycleFactory(term=TermFactory(site=site), facilitators=[FacilitatorFactory(sites=[site])])
    other_session = SessionFactory(cycle=other)
    own_session = SessionFactory(cycle=own)
    api.force_authenticate(facilitator_user)
    assert ids(api.get("/api/v1/cycles/")) == {own.pk}
    assert api.get(f"/api/v1/cycles/{own.pk}/").status_code == 200
    assert api.get(f"/api/v1/cycles/{other.pk}/").status_code == 404
    assert ids(api.get("/api/v1/sessions/")) == {own_session.pk}
    assert api.get(f"/api/v1/sessions/{other_session.pk}/").status_code == 404


def test_facilitator_sees_no_detainees_units_or_other_facilitators(api, facilitator_user, site, unit):
    DetaineeFactory(unit=unit)
    FacilitatorFactory(sites=[site])
    api.force_authenticate(facilitator_user)
    assert api.get("/api/v1/detainees/").status_code == 403
    assert ids(api.get("/api/v1/units/")) == set()
    assert ids(api.get("/api/v1/facilitators/")) == {facilitator_user.facilitator.pk}


def test_staff_see_only_detainees_of_their_units_with_fewer_fields(api, staff_user, site, unit):
    mine = DetaineeFactory(unit=unit)
    other = DetaineeFactory(unit=UnitFactory(building__site=site))
    api.force_authenticate(staff_user)
    response = api.get("/api/v1/detainees/")
    assert ids(response) == {mine.pk}
    assert set(response.json()["results"][0]) == {
        "id", "prison_number", "last_name", "first_name", "site", "unit", "cell", "status"}
    assert api.get(f"/api/v1/detainees/{other.pk}/").status_code == 404
    assert "birth_date" not in api.get(f"/api/v1/detainees/{mine.pk}/").json()


def test_screeners_of_the_site_get_the_full_detainee_record(api, screener, unit):
    detainee = DetaineeFactory(unit=unit, birth_date=dt.date(1991, 7, 23))
    api.force_authenticate(screener)
    assert api.get("/api/v1/detainees/").json()["results"][0]["birth_date"] == "1991-07-23"
    assert api.get(f"/api/v1/detainees/{detainee.pk}/").json()["birth_date"] == "1991-07-23"


def test_coordinator_of_another_site_gets_404(api, coordinator, other_site):
    detainee = DetaineeFactory(unit=UnitFactory(building__site=other_site))
    cycle = CycleFactory(term=TermFactory(site=other_site))
    facilitator = FacilitatorFactory(sites=[other_site])
    room = RoomFactory(site=other_site)
    api.force_authenticate(coordinator)
    for url in [f"/api/v1/detainees/{detainee.pk}/", f"/api/v1/cycles/{cycle.pk}/",
                f"/api/v1/facilitators/{facilitator.pk}/", f"/api/v1/rooms/{room.pk}/",
                f"/api/v1/units/{detainee.unit_id}/", f"/api/v1/terms/{cycle.term_id}/"]:
        assert api.get(url).status_code == 404, url


def test_detainee_retrieve_writes_an_audit_entry_with_ids_only(api, coordinator, unit):
    detainee = DetaineeFactory(unit=unit, last_name="Auditname")
    detainee.languages.create(language="ar", proficiency="native")
    api.force_authenticate(coordinator)
    body = api.get(f"/api/v1/detainees/{detainee.pk}/").json()
    assert body["languages"] == [{"language": "ar", "proficiency": "native"}]
    entry = AuditEntry.objects.get(detainee_id=detainee.pk)
    assert entry.action == AuditAction.VIEW and entry.user == coordinator and "Auditname" not in entry.detail


def test_filters_narrow_the_lists(api, coordinator, site):
    red, blue = PartnerFactory(name="Red"), PartnerFactory(name="Blue")
    sport = ActivityFactory(kind="sport", languages=["nl"], partner=red)
    ActivityFactory(kind="training", languages=["fr"], partner=blue)
    api.force_authenticate(coordinator)
    assert ids(api.get("/api/v1/activities/", {"kind": "sport"})) == {sport.pk}
    assert ids(api.get("/api/v1/activities/", {"language": "nl"})) == {sport.pk}
    assert ids(api.get("/api/v1/partners/", {"q": "red"})) == {red.pk}
    assert ids(api.get("/api/v1/activities/", {"partner": red.pk})) == {sport.pk}


def test_facilitator_api_returns_authorisation_findings(api, coordinator, site):
    import time_machine

    with time_machine.travel(dt.datetime(2027, 3, 1, 9, tzinfo=dt.UTC), tick=False):
        facilitator = FacilitatorFactory(sites=[site], authorisation_valid_until=dt.date(2027, 3, 10))
        api.force_authenticate(coordinator)
        body = api.get(f"/api/v1/facilitators/{facilitator.pk}/").json()
    assert [f["code"] for f in body["findings"]] == ["authorisation_expiring"]
    assert body["findings"][0]["severity"] == "warning"


def test_personal_token_authenticates_api_calls(client, coordinator, site):
    client.force_login(coordinator)
    token = client.post("/api/v1/auth/token/").json()["token"]
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert ids(fresh.get("/api/v1/sites/")) == {site.pk}
    renewed = client.post("/api/v1/auth/token/").json()["token"]
    assert renewed != token
    assert fresh.get("/api/v1/sites/").status_code in (401, 403)


def _more(site, unit, count):
    partner = PartnerFactory()
    term = TermFactory(site=site)
    for _ in range(count):
        facilitator = FacilitatorFactory(sites=[site], partner=partner)
        activity = ActivityFactory(partner=partner)
        activity.default_facilitators.add(facilitator)
        cycle = CycleFactory(term=term, activity=activity, facilitators=[facilitator], eligible_units=[unit])
        session = SessionFactory(cycle=cycle)
        session.facilitators.add(facilitator)
        DetaineeFactory(unit=unit).languages.create(language="fr")
        room = RoomFactory(site=site)
        room.reachable_units.add(unit)
        StaffMemberFactory(site=site, units=[unit])
        term.excluded_dates.create(date=dt.date(2027, 1, 11) + dt.timedelta(days=len(term.excluded_dates.all())))
        UnitFactory(building__site=site).blocked_periods.create(weekday=0, start=dt.time(9), end=dt.time(10),
                                                                reason="walk")


ENDPOINTS = ["sites", "buildings", "units", "rooms", "regime-periods", "blocked-periods", "staff-members",
             "detainees", "partners", "facilitators", "activities", "terms", "cycles", "sessions"]


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_api_lists_make_as_many_queries_for_three_rows_as_for_one(
    api, coordinator, site, unit, endpoint, django_assert_num_queries
):
    api.force_authenticate(coordinator)
    _more(site, unit, 1)
    api.get(f"/api/v1/{endpoint}/")  # warm the user's cached site ids
    with CaptureQueriesContext(connection) as one:
        assert api.get(f"/api/v1/{endpoint}/").status_code == 200
    _more(site, unit, 2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert api.get(f"/api/v1/{endpoint}/").status_code == 200
