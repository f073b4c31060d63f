import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from rest_framework.test import APIClient

from prisons.models import RegimePeriod
from scheduling.models import DraftSession
from tests.factories import UserFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
UTC = dt.UTC


@pytest.fixture
def prison(site):
    return build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 9))


@pytest.fixture
def api(coordinator):
    client = APIClient()
    client.force_authenticate(coordinator)
    return client


@override_settings(TASKS=IMMEDIATE)
@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_plan_read_draft_publish_and_change_log_through_the_api(api, prison):
    run = api.post("/api/v1/planning/runs/", {"term": prison.term.pk, "time_limit": 10}, format="json")
    assert run.status_code == 202 and run.json()["status"] == "done" and run.json()["solver_status"] == "OPTIMAL"
    assert api.get(f"/api/v1/planning/runs/{run.json()['id']}/").json()["percent"] == 100
    draft = api.get("/api/v1/planning/draft/", {"term": prison.term.pk}).json()
    assert draft["count"] == 3
    assert [f for f in api.get("/api/v1/planning/draft/findings/", {"term": prison.term.pk}).json()
            if f["severity"] == "error"] == []
    published = api.post("/api/v1/planning/publications/",
                         {"term": prison.term.pk, "effective_date": "2027-03-15"}, format="json")
    assert published.status_code == 201
    body = published.json()
    assert body["number"] == 1 and len(body["slots"]) == 3 and {c["kind"] for c in body["changes"]} == {"new"}
    again = api.post("/api/v1/planning/publications/", {"term": prison.term.pk, "effective_date": "2027-03-15"},
                     format="json")
    assert again.status_code == 200 and again.json()["number"] == 1


def test_move_with_clash_answers_409_with_findings_until_confirmed(api, prison):
    periods = {(p.weekday, p.index): p for p in RegimePeriod.objects.filter(site=prison.site)}
    first = DraftSession.objects.create(term=prison.term, cycle=prison.french, period=periods[0, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=periods[1, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=periods[1, 1], room=prison.hall)
    url = f"/api/v1/planning/draft/{first.pk}/move/"
    refused = api.post(url, {"period": periods[1, 1].pk, "room": prison.classroom.pk}, format="json")
    assert refused.status_code == 409
    clash = next(f for f in refused.json() if f["code"] == "cohort_clash")
    assert set(clash) == {"code", "severity", "message", "rows"} and first.pk in clash["rows"]
    assert clash["severity"] == "error" and isinstance(clash["message"], str) and clash["message"]
    moved = api.post(url, {"period": periods[1, 1].pk, "room": prison.classroom.pk, "confirmed": True}, format="json")
    assert moved.status_code == 200 and moved.json()["period"] == periods[1, 1].pk
    pinned = api.post(f"/api/v1/planning/draft/{first.pk}/pin/", {"pinned": True}, format="json")
    assert pinned.json()["pinned"] is True


def test_other_sites_and_other_roles_see_nothing(prison, other_site, facilitator_user):
    DraftSession.objects.create(term=prison.term, cycle=prison.sport,
                                period=RegimePeriod.objects.filter(site=prison.site).first(), room=prison.hall)
    for user in (UserFactory(sites=[other_site]), facilitator_user):
        client = APIClient()
        client.force_authenticate(user)
        assert client.get("/api/v1/planning/draft/").json()["count"] == 0
        refused = client.post("/api/v1/planning/runs/", {"term": prison.term.pk}, format="json")
        assert refused.status_code == 400 and "term" in refused.json()


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publishing_through_the_api_with_warnings_needs_accept_warnings(api, prison):
    from prisons.models import Population

    prison.a2.population = Population.WOMEN  # sport now mixes men and women: a warning, not an error
    prison.a2.save()
    periods = {(p.weekday, p.index): p for p in RegimePeriod.objects.filter(site=prison.site)}
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=periods[0, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=periods[1, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=periods[1, 1], room=prison.hall)
    body = {"term": prison.term.pk, "effective_date": "2027-03-15"}
    refused = api.post("/api/v1/planning/publications/", body, format="json")
    assert refused.status_code == 400 and not prison.term.publications.exists()
    assert any("Sport" in m or "sport" in m for m in refused.json()["accept_warnings"])
    accepted = api.post("/api/v1/planning/publications/", {**body, "accept_warnings": True}, format="json")
    assert accepted.status_code == 201 and prison.term.publications.count() == 1


@override_settings(TASKS=IMMEDIATE)
def test_an_infeasible_run_explains_itself_in_the_requests_language(api, prison):
    prison.french.capacity = 15  # the only classroom holds 10
    prison.french.save()
    run = api.post("/api/v1/planning/runs/", {"term": prison.term.pk, "time_limit": 10}, format="json",
                   HTTP_ACCEPT_LANGUAGE="nl").json()
    assert run["solver_status"] == "INFEASIBLE"
    [line] = run["explanation"]
    assert line["code"] == "no_suitable_room" and {"type": "activity", "id": "french"} in line["refs"]
    assert line["message"].startswith("Geen enkel lokaal past voor French (french): het grootste geschikte lokaal")
    in_english = api.get(f"/api/v1/planning/runs/{run['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()["explanation"]
    assert in_english[0]["message"].startswith("No room suits French (french): the largest suitable room")
