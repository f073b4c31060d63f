"""Deciding what becomes of a cycle (step 11): the page, the rules, where the decision is read again."""
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.urls import reverse

from activities.models import CycleStatus
from core.models import Role
from enrolment.models import CycleReview
from tests.factories import ActivityFactory, CycleFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 7, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def term(site):
    return TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))


@pytest.fixture
def theatre(term):
    return CycleFactory(term=term, code="theatre", status=CycleStatus.FINISHED,
                        activity=ActivityFactory(title_en="Theatre workshop"))


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_coordinator_decides_to_run_a_cycle_again_with_changes(coordinator_client, coordinator, term, theatre):
    url = reverse("evaluation:cycle-review", args=[theatre.pk])
    evaluation = coordinator_client.get(reverse("evaluation:term", args=[term.pk])).content.decode()
    assert url in evaluation
    home = coordinator_client.get(reverse("home")).content.decode()
    assert "<strong>1</strong> finished cycle without a decision" in home

    response = coordinator_client.post(url, {"decision": "adjust", "changes": ["time_slot", "room"],
                                             "note": "Afternoons: mornings clash with the workshops."})
    assert response.status_code == 302 and response.url == reverse("evaluation:term", args=[term.pk])
    review = CycleReview.objects.get(cycle=theatre)
    assert (review.decision, review.changes, review.reviewed_by) == ("adjust", ["time_slot", "room"], coordinator)
    page = coordinator_client.get(response.url).content.decode()
    assert "Run it again with changes: Time slot, Room" in page
    assert "<strong>0</strong> finished cycles without a decision" in coordinator_client.get(reverse("home")).content.decode()
    # Whoever designs the next term's cycle of this activity reads the decision on its page.
    activity_page = coordinator_client.get(reverse("activities:activity-detail", args=[theatre.activity.pk]))
    assert "Afternoons: mornings clash with the workshops." in activity_page.content.decode()
    book = openpyxl.load_workbook(io.BytesIO(
        coordinator_client.get(reverse("evaluation:term-export", args=[term.pk])).content))
    rows = list(book["Cycles"].iter_rows(values_only=True))
    theatre_row = dict(zip(rows[0], rows[1], strict=True))
    assert (theatre_row["Decision"], theatre_row["What to change"]) == ("Run it again with changes", "Time slot, Room")

    # A second decision replaces the first.
    coordinator_client.post(url, {"decision": "continue", "changes": [], "note": ""})
    assert CycleReview.objects.get().decision == "continue"


@pytest.mark.parametrize("post, field, message", [
    ({"decision": "adjust"}, "changes", "Tick what to change in the next cycle."),
    ({"decision": "continue", "changes": ["room"]}, "changes",
     "Changes go with the decision to run it again with changes."),
    ({"decision": "stop", "note": "  "}, "note", "Say briefly why the activity should not run again."),
])
def test_an_incomplete_decision_is_named_and_not_saved(coordinator_client, theatre, post, field, message):
    response = coordinator_client.post(reverse("evaluation:cycle-review", args=[theatre.pk]), post)
    assert response.status_code == 200
    assert response.context["form"].errors[field] == [message]
    assert not CycleReview.objects.exists()


def test_a_draft_cycle_has_nothing_to_review(coordinator_client, term):
    draft = CycleFactory(term=term, status=CycleStatus.DRAFT)
    response = coordinator_client.post(reverse("evaluation:cycle-review", args=[draft.pk]), {"decision": "continue"})
    assert "A cycle still in preparation has nothing to review yet." in response.content.decode()
    assert not CycleReview.objects.exists()


def test_only_the_sites_coordinators_decide(client, screener, other_site, theatre):
    url = reverse("evaluation:cycle-review", args=[theatre.pk])
    client.force_login(screener)
    assert client.get(url).status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(url).status_code == 404
    assert client.post("/api/v1/cycle-reviews/", {"cycle": theatre.pk, "decision": "continue"},
                       content_type="application/json").status_code == 400


def test_the_api_records_a_decision_and_lists_it_with_the_indicators(coordinator_client, term, theatre):
    wrong = coordinator_client.post("/api/v1/cycle-reviews/", {"cycle": theatre.pk, "decision": "adjust"},
                                    content_type="application/json")
    assert wrong.status_code == 400 and wrong.json() == {"changes": ["Tick what to change in the next cycle."]}
    saved = coordinator_client.post("/api/v1/cycle-reviews/", {
        "cycle": theatre.pk, "decision": "stop", "note": "Nobody came after week 3."}, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["decision"] == "stop"
    data = coordinator_client.get(f"/api/v1/indicators/{term.pk}/").json()
    assert data["cycles"][0]["review"] == {"decision": "stop", "changes": [], "note": "Nobody came after week 3."}
