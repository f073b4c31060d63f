import datetime as dt

import pytest
import time_machine
from django.test import override_settings
from django.urls import reverse

from activities.models import Session
from prisons.models import RegimePeriod
from scheduling import services
from scheduling.models import DraftSession, SolverRun

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
UTC = dt.UTC


@pytest.fixture
def prison(site):
    return build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 9))


def _period(prison, weekday, index):
    return RegimePeriod.objects.get(site=prison.site, weekday=weekday, index=index)


@pytest.fixture
def draft(prison):
    return [
        DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 0, 0), room=prison.classroom),
        DraftSession.objects.create(term=prison.term, cycle=prison.french, period=_period(prison, 1, 0), room=prison.classroom),
        DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=_period(prison, 1, 1), room=prison.hall),
    ]


@override_settings(TASKS=IMMEDIATE)
def test_plan_button_runs_the_solver_and_shows_the_draft_grids(client, prison, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("planning:plan", args=[prison.term.pk]), {"time_limit": 10})
    assert response.status_code == 302
    page = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert "OPTIMAL" in page and "All checks pass." in page
    assert 'data-grid="room"' in page and 'data-grid="unit"' in page
    assert page.count('class="cell-session') >= 3
    run = SolverRun.objects.get()
    status = client.get(reverse("planning:run-status", args=[prison.term.pk, run.pk])).json()
    assert status["status"] == "done" and status["percent"] == 100 and status["active"] is False


def test_running_run_page_polls_its_progress(client, prison, coordinator):
    run = SolverRun.objects.create(term=prison.term, status="running", time_limit=60, elapsed=15, best_objective=7)
    client.force_login(coordinator)
    page = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert reverse("planning:run-status", args=[prison.term.pk, run.pk]) in page
    assert "js/planning.js" in page and "<script>" not in page
    status = client.get(reverse("planning:run-status", args=[prison.term.pk, run.pk])).json()
    assert (status["percent"], status["best_objective"], status["active"]) == (25, 7, True)


def test_infeasible_run_shows_the_explanation_with_links(client, prison, coordinator):
    prison.french.capacity = 15
    prison.french.save()
    run = SolverRun.objects.create(term=prison.term, time_limit=10, problem=services.plan_problem(prison.term))
    services.execute_run(run.pk, workers=1)
    client.force_login(coordinator)
    page = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert "No timetable can satisfy all these requirements together" in page
    assert reverse("activities:cycle-detail", args=[prison.french.pk]) in page
    assert "No room suits French (french): the largest suitable room" in page


def test_infeasible_run_explained_in_french(client, prison, coordinator):
    prison.french.capacity = 15
    prison.french.save()
    prison.french.activity.title_fr = "Français langue étrangère"
    prison.french.activity.save()
    run = SolverRun.objects.create(term=prison.term, time_limit=10, problem=services.plan_problem(prison.term))
    services.execute_run(run.pk, workers=1)
    client.force_login(coordinator)
    page = client.get(reverse("planning:term", args=[prison.term.pk]), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Aucun local ne convient à Français langue étrangère (french) : le plus grand local adapté" in page
    assert "No room suits" not in page


def test_move_page_asks_confirmation_for_clashes(client, prison, coordinator, draft):
    client.force_login(coordinator)
    url = reverse("planning:draft-move", args=[prison.term.pk, draft[0].pk])
    response = client.post(url, {"period": _period(prison, 1, 1).pk, "room": prison.classroom.pk})
    assert response.status_code == 200
    assert "This move would create these problems" in response.content.decode()
    draft[0].refresh_from_db()
    assert draft[0].period == _period(prison, 0, 0)
    response = client.post(url, {"period": _period(prison, 1, 1).pk, "room": prison.classroom.pk, "confirmed": "True"})
    assert response.status_code == 302
    draft[0].refresh_from_db()
    assert draft[0].period == _period(prison, 1, 1)
    page = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert "Fix the errors above before publishing." in page


def test_pin_and_unpin(client, prison, coordinator, draft):
    client.force_login(coordinator)
    client.post(reverse("planning:draft-pin", args=[prison.term.pk, draft[2].pk]), {"pinned": "1"})
    draft[2].refresh_from_db()
    assert draft[2].pinned
    client.post(reverse("planning:draft-pin", args=[prison.term.pk, draft[2].pk]), {"pinned": "0"})
    draft[2].refresh_from_db()
    assert not draft[2].pinned


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publish_page_then_change_log(client, prison, coordinator, draft):
    client.force_login(coordinator)
    response = client.post(reverse("planning:publish", args=[prison.term.pk]), {"effective_date": "2027-03-15"})
    assert response.status_code == 302 and Session.objects.count() == 8 + 4
    page = client.get(reverse("planning:publications", args=[prison.term.pk])).content.decode()
    assert "Version 1" in page and page.count('data-change="new"') == 3
    assert "Ana Lopez" in page


def test_other_sites_coordinator_cannot_plan(client, prison, other_site):
    from tests.factories import UserFactory

    stranger = UserFactory(sites=[other_site])
    client.force_login(stranger)
    assert client.get(reverse("planning:term", args=[prison.term.pk])).status_code == 404
    assert client.post(reverse("planning:plan", args=[prison.term.pk]), {"time_limit": 10}).status_code == 404


def test_facilitator_cannot_open_planning(client, prison, facilitator_user):
    client.force_login(facilitator_user)
    assert client.get(reverse("planning:index")).status_code == 403


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_cancel_page_cancels_a_unit_for_a_range(client, prison, coordinator, draft):
    services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    client.force_login(coordinator)
    response = client.post(reverse("planning:cancel"), {
        "site": prison.site.pk, "unit": prison.a1.pk, "first_date": "2027-03-15", "last_date": "2027-03-16",
        "reason": "lockdown"})
    assert response.status_code == 302
    assert Session.objects.filter(status="cancelled").count() == 2  # French on Monday and Tuesday
    sport = Session.objects.get(cycle=prison.sport, starts_at__date=dt.date(2027, 3, 16))
    assert sport.status == "scheduled" and list(sport.cancelled_units.all()) == [prison.a1]


def test_cancel_page_names_the_bad_field(client, prison, coordinator):
    client.force_login(coordinator)
    response = client.post(reverse("planning:cancel"), {
        "site": prison.site.pk, "first_date": "2027-03-16", "last_date": "2027-03-15", "reason": "other"})
    errors = response.context["form"].errors
    assert "last_date" in errors and "reason_text" in errors


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_session_page_suggests_free_slots_and_moves(client, prison, coordinator, draft):
    services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    session = Session.objects.filter(cycle=prison.french).order_by("starts_at")[1]  # Tuesday 16 March
    client.force_login(coordinator)
    response = client.get(reverse("planning:session", args=[session.pk]))
    slots = response.context["slots"]
    target = next(s for s in slots if s.period.index == 3)
    response = client.post(reverse("planning:session", args=[session.pk]), {
        "move-day": "2027-03-16", "move-slot": f"{target.period.pk}-{target.room.pk}"})
    assert response.status_code == 302
    session.refresh_from_db()
    assert session.sequence == 1 and session.starts_at == dt.datetime(2027, 3, 16, 12, 30, tzinfo=UTC)


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_dated_sessions_week_links_to_cancel_or_move(client, prison, coordinator, draft):
    services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("planning:term-sessions", args=[prison.term.pk]), {"date": "2027-03-17"}).content.decode()
    week = Session.objects.filter(starts_at__date__range=(dt.date(2027, 3, 15), dt.date(2027, 3, 21)))
    assert week.count() == 3
    for session in week:
        assert reverse("planning:session", args=[session.pk]) in page
    assert "08:30–10:00" in page and "Cancel or move" in page


@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_publishing_with_warnings_needs_a_confirmation(client, prison, coordinator, draft):
    from prisons.models import Population

    prison.a2.population = Population.WOMEN  # sport now mixes men and women: a deliberate choice, shown
    prison.a2.save()
    client.force_login(coordinator)
    page = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
    assert 'data-code="mixed_groups"' in page and "accept_warnings" in page
    refused = client.post(reverse("planning:publish", args=[prison.term.pk]), {"effective_date": "2027-03-15"},
                          follow=True)
    assert "Confirm that you have read the warnings." in refused.content.decode()
    assert not prison.term.publications.exists()
    client.post(reverse("planning:publish", args=[prison.term.pk]),
                {"effective_date": "2027-03-15", "accept_warnings": "on"})
    assert prison.term.publications.count() == 1
