"""Practical problems at sessions: reported by the session's facilitators, followed up by the
coordinators, seen by the site's officers, counted in the evaluation."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import SessionProblem
from core.models import Role
from enrolment.indicators import term_indicators
from tests.factories import CycleFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 3, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def session(site, unit, facilitator_user):
    cycle = CycleFactory(term=TermFactory(site=site), code="theatre", facilitators=[facilitator_user.facilitator],
                         eligible_units=[unit])
    return SessionFactory(cycle=cycle, starts_at=NOW - dt.timedelta(hours=2), ends_at=NOW - dt.timedelta(minutes=30))


def test_a_facilitator_reports_a_problem_and_the_coordinator_resolves_it(client, session, facilitator_user,
                                                                         coordinator, staff_user):
    client.force_login(facilitator_user)
    register = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    report_url = reverse("activities:problem-report", args=[session.pk])
    assert report_url in register
    response = client.post(report_url, {"kind": "escort", "description": "Nobody from A1 was brought down."})
    assert response.status_code == 302
    problem = SessionProblem.objects.get()
    assert (problem.kind, problem.reported_by, problem.resolved) == ("escort", facilitator_user, False)

    client.force_login(staff_user)  # the officers of the unit see it, but do not close it
    page = client.get(reverse("activities:problem-list")).content.decode()
    assert "Nobody from A1 was brought down." in page and "Mark as resolved" not in page

    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "<strong>1</strong> practical problem to follow up" in home
    refused = client.post(reverse("activities:problem-resolve", args=[problem.pk]), {"resolution": " "}, follow=True)
    assert "Say what was done about it." in refused.content.decode()
    client.post(reverse("activities:problem-resolve", args=[problem.pk]),
                {"resolution": "Agreed with the A1 chief: escort at 13:15."})
    problem.refresh_from_db()
    assert problem.resolved and problem.resolved_by == coordinator
    assert "Nobody from A1" not in client.get(reverse("activities:problem-list")).content.decode()
    assert "Nobody from A1" in client.get(reverse("activities:problem-list"), {"all": "1"}).content.decode()


def test_a_report_without_a_kind_or_words_is_refused_and_nothing_saved(client, session, facilitator_user):
    client.force_login(facilitator_user)
    response = client.post(reverse("activities:problem-report", args=[session.pk]),
                           {"kind": "", "description": "Kept words"})
    assert response.status_code == 200 and "kind" in response.context["form"].errors
    assert "Kept words" in response.content.decode()
    assert not SessionProblem.objects.exists()


def test_only_the_sessions_people_report_and_only_coordinators_resolve(client, session, facilitator_user,
                                                                      staff_user, other_site):
    other = UserFactory(role=Role.FACILITATOR, sites=[session.cycle.term.site])
    client.force_login(other)
    assert client.get(reverse("activities:problem-report", args=[session.pk])).status_code == 404
    problem = SessionProblem.objects.create(session=session, kind="room", description="Room locked")
    client.force_login(staff_user)
    client.post(reverse("activities:problem-resolve", args=[problem.pk]), {"resolution": "Opened"})
    problem.refresh_from_db()
    assert not problem.resolved
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.post(reverse("activities:problem-resolve", args=[problem.pk]),
                       {"resolution": "Opened"}).status_code == 404


def test_the_evaluation_counts_problems_per_cycle_and_kind(session):
    for kind in ("escort", "escort", "material"):
        SessionProblem.objects.create(session=session, kind=kind, description="…")
    data = term_indicators(session.cycle.term)
    assert data.cycles[0].problems == 3
    assert data.problem_kinds == [("Participants not fetched or escorted", 2),
                                  ("Material missing or refused at the gate", 1)]


def test_the_api_reports_lists_and_resolves(client, session, facilitator_user, coordinator):
    client.force_login(facilitator_user)
    made = client.post("/api/v1/session-problems/", {"session": session.pk, "kind": "gate",
                                                     "description": "Held 40 minutes at the gate."},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    bad = client.post("/api/v1/session-problems/", {"session": session.pk, "kind": "weather", "description": "x"},
                      content_type="application/json")
    assert bad.status_code == 400 and "kind" in bad.json()
    assert client.post(f"/api/v1/session-problems/{made.json()['id']}/resolve/", {"resolution": "Done"},
                       content_type="application/json").status_code == 403
    client.force_login(coordinator)
    assert [row["id"] for row in client.get("/api/v1/session-problems/").json()["results"]] == [made.json()["id"]]
    resolved = client.post(f"/api/v1/session-problems/{made.json()['id']}/resolve/",
                           {"resolution": "Gate list sent the day before."}, content_type="application/json")
    assert resolved.status_code == 200 and resolved.json()["resolved_by"] == coordinator.username
