"""Feedback interviews with dropouts: who is still to be heard, recording, errors, access, counts."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import CycleStatus
from core.models import AuditEntry, Role
from enrolment.feedback import dropouts_to_interview
from enrolment.indicators import term_indicators
from enrolment.models import EnrolmentStatus, FeedbackInterview, LeavingReason
from tests.factories import CycleFactory, EnrolmentFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 3)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 3, 11, 0, tzinfo=dt.UTC), tick=False):
        yield


def left(cycle, code, ended_on, **fields):
    return EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 1, 18), ended_on=ended_on,
                            status=fields.pop("status", EnrolmentStatus.WITHDRAWN),
                            leaving_reason=LeavingReason.objects.get(code=code), **fields)


@pytest.fixture
def cycle(site):
    return CycleFactory(term=TermFactory(site=site), code="theatre", status=CycleStatus.RUNNING)


@pytest.fixture
def people(cycle):
    return {
        "withdrew": left(cycle, "withdrew", dt.date(2027, 2, 20)),
        "moved": left(cycle, "health", dt.date(2027, 2, 1), status=EnrolmentStatus.REMOVED),
        "gone": left(cycle, "transferred", dt.date(2027, 2, 15), status=EnrolmentStatus.REMOVED),
        "finished": left(cycle, "completed", dt.date(2027, 2, 25), status=EnrolmentStatus.REMOVED),
        "long_ago": left(cycle, "withdrew", dt.date(2026, 11, 20)),
        "never_enrolled": EnrolmentFactory(cycle=cycle, status=EnrolmentStatus.DECLINED),
        "still_there": EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 1, 18)),
    }


def test_dropouts_to_interview_are_recent_early_leavers_not_yet_heard(cycle, people):
    """Not those who finished, left long ago, never took part, or left the prison ("gone")."""
    from enrolment.models import Enrolment

    listed = list(dropouts_to_interview(Enrolment.objects.all(), TODAY))
    assert listed == [people["withdrew"], people["moved"]]
    FeedbackInterview.objects.create(enrolment=people["withdrew"], held_on=TODAY, topics=["time_slot"],
                                     would_return="yes")
    assert list(dropouts_to_interview(Enrolment.objects.all(), TODAY)) == [people["moved"]]


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_coordinator_records_an_interview_from_the_follow_up_page(coordinator_client, coordinator, people):
    page = coordinator_client.get(reverse("attendance:follow-up")).content.decode()
    form_url = reverse("attendance:feedback-interview", args=[people["withdrew"].pk])
    assert form_url in page and people["moved"].detainee.prison_number in page
    assert people["finished"].detainee.prison_number not in page

    response = coordinator_client.post(form_url, {
        "held_on": "2027-03-02", "topics": ["time_slot", "movements"], "would_return": "yes",
        "what_would_help": "An afternoon slot; he works in the kitchen in the morning.",
    })
    assert response.status_code == 302 and response.url == reverse("attendance:follow-up")
    interview = FeedbackInterview.objects.get()
    assert (interview.enrolment, interview.held_on, interview.held_by) == (people["withdrew"], dt.date(2027, 3, 2),
                                                                          coordinator)
    assert interview.topics == ["time_slot", "movements"]
    assert AuditEntry.objects.filter(user=coordinator, action="create", object_type="enrolment.feedbackinterview",
                                     detainee_id=people["withdrew"].detainee_id).exists()
    page = coordinator_client.get(reverse("attendance:follow-up")).content.decode()
    assert form_url not in page
    # The form shows what was said before, and reading it is audited like the detainee's record.
    assert "An afternoon slot" in coordinator_client.get(form_url).content.decode()
    assert AuditEntry.objects.filter(user=coordinator, action="view", detainee_id=people["withdrew"].detainee_id,
                                     detail="feedback interviews").count() == 1


@pytest.mark.parametrize("fields, field, message", [
    ({"topics": []}, "topics", "This field is required."),
    ({"held_on": "2027-03-04"}, "held_on", "The interview date cannot be in the future."),
    ({"held_on": "2027-01-10"}, "held_on", "The interview date is before the enrolment (2027-01-18)."),
    ({"would_return": "perhaps"}, "would_return", "Select a valid choice."),
])
def test_a_wrong_answer_is_named_and_nothing_is_saved(coordinator_client, people, fields, field, message):
    post = {"held_on": "2027-03-02", "topics": ["health"], "would_return": "no", "what_would_help": "Kept text",
            **fields}
    response = coordinator_client.post(reverse("attendance:feedback-interview", args=[people["moved"].pk]), post)
    assert response.status_code == 200
    assert message in str(response.context["form"].errors[field])
    assert "Kept text" in response.content.decode()  # nothing the user typed is lost
    assert not FeedbackInterview.objects.exists()


def test_someone_who_never_took_part_has_no_feedback_interview(coordinator_client, people):
    response = coordinator_client.post(reverse("attendance:feedback-interview", args=[people["never_enrolled"].pk]),
                                       {"held_on": "2027-03-02", "topics": ["health"], "would_return": "no"})
    assert "A feedback interview is for someone who was enrolled in the cycle." in response.content.decode()
    assert not FeedbackInterview.objects.exists()


def test_only_the_sites_coordinators_record_interviews(client, facilitator_user, other_site, cycle, people):
    url = reverse("attendance:feedback-interview", args=[people["still_there"].pk])
    cycle.facilitators.set([facilitator_user.facilitator])
    client.force_login(facilitator_user)
    assert client.get(url).status_code == 403  # their participant, but not their interview to record
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(url).status_code == 404


def test_the_evaluation_counts_what_dropouts_said(coordinator, cycle, people):
    for enrolment, topics, answer in ((people["withdrew"], ["time_slot", "movements"], "yes"),
                                      (people["moved"], ["movements"], "unsure"),
                                      (people["still_there"], ["health"], "yes")):
        FeedbackInterview.objects.create(enrolment=enrolment, held_on=TODAY, topics=topics, would_return=answer)
    data = term_indicators(cycle.term)
    row = next(row for row in data.cycles if row.cycle == cycle)
    # Three dropouts (the one from November too); two of them heard. The absent participant's
    # interview counts in what was said, not among dropouts interviewed.
    assert (row.dropouts, row.left_prison, row.interviewed) == (3, 1, 2)
    assert data.feedback_topics == [("Not fetched or escorted in time", 2), ("Health", 1), ("Time slot", 1)]
    assert data.would_return == [("Yes", 2), ("Not sure", 1)]
    assert data.interviews == 3


def test_the_api_records_and_lists_interviews_for_coordinators_only(client, coordinator, screener, people):
    client.force_login(coordinator)
    created = client.post("/api/v1/feedback-interviews/", {
        "enrolment": people["moved"].pk, "held_on": "2027-03-01", "topics": ["clash"], "would_return": "no",
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    assert created.json()["topics"] == ["clash"] and created.json()["held_by"] == coordinator.username
    wrong = client.post("/api/v1/feedback-interviews/", {
        "enrolment": people["withdrew"].pk, "held_on": "2027-03-01", "topics": ["boredom"], "would_return": "no",
    }, content_type="application/json")
    assert wrong.status_code == 400 and "topics" in wrong.json()
    assert [row["id"] for row in client.get("/api/v1/feedback-interviews/").json()["results"]] == [created.json()["id"]]

    client.force_login(screener)
    assert client.get("/api/v1/feedback-interviews/").json()["results"] == []
    refused = client.post("/api/v1/feedback-interviews/", {
        "enrolment": people["withdrew"].pk, "held_on": "2027-03-01", "topics": ["clash"], "would_return": "no",
    }, content_type="application/json")
    assert refused.status_code == 403
    assert FeedbackInterview.objects.count() == 1
