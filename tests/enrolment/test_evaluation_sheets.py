"""Participants' anonymous evaluation sheets (step 11): printed in each participant's language, typed
in by the coordinators, counted in the evaluation, the decision page and the partner report."""
import datetime as dt
import html
import io
import re

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import CycleStatus
from core.models import AuditEntry, Role
from enrolment import evaluation_sheets, indicators
from enrolment.models import EnrolmentStatus, EvaluationSheet
from prisons.models import DetaineeLanguage
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    PartnerFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 5, 5, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def term(site):
    return TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))


@pytest.fixture
def theatre(term, facilitator_user):
    cycle = CycleFactory(term=term, code="theatre", status=CycleStatus.RUNNING, facilitators=[facilitator_user.facilitator],
                         activity=ActivityFactory(title_en="Theatre workshop", title_nl="Theaterworkshop",
                                                  partner=PartnerFactory(name="Compagnie des Murs")))
    SessionFactory(cycle=cycle, starts_at=dt.datetime(2027, 5, 3, 9, 0, tzinfo=dt.UTC))
    return cycle


def enrol(cycle, n, language=None, unit=None):
    people = []
    for _ in range(n):
        detainee = DetaineeFactory(**({"unit": unit} if unit else {}))
        if language:
            DetaineeLanguage.objects.create(detainee=detainee, language=language)
        people.append(EnrolmentFactory(cycle=cycle, detainee=detainee, enrolled_on=dt.date(2027, 1, 20)))
    return people


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def sheet(cycle, by, **answers):
    return evaluation_sheets.record_sheet(cycle, by=by, **answers)


def test_a_coordinator_types_in_the_sheets_and_reads_what_the_group_said(coordinator_client, coordinator, term,
                                                                          theatre):
    enrol(theatre, 5)
    url = reverse("evaluation:cycle-sheets", args=[theatre.pk])
    response = coordinator_client.post(url, {
        "liked": "3", "useful": "2", "at_ease": "3", "level": "right", "would_return": "yes",
        "liked_most": "Playing in front of the others", "to_change": "Longer sessions",
    })
    assert response.status_code == 302 and response.url == url
    coordinator_client.post(url, {"liked": "1", "level": "too_hard"})
    first, second = EvaluationSheet.objects.order_by("pk")
    assert (first.liked, first.useful, first.level, first.entered_by) == (3, 2, "right", coordinator)
    assert (second.liked, second.useful, second.would_return, second.to_change) == (1, None, "", "")

    page = coordinator_client.get(url).content.decode()
    assert "2 sheets returned for 5 participants." in page
    liked = re.search(r'data-question="liked"><td>[^<]+</td><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td><td>([^<]+)<',
                      page)
    assert liked.groups() == ("1", "0", "1", "50%")
    assert "Playing in front of the others" in page and "Longer sessions" in page

    evaluation = coordinator_client.get(reverse("evaluation:term", args=[term.pk])).content.decode()
    assert "2 sheets, 50% liked it" in evaluation
    review = coordinator_client.get(reverse("evaluation:cycle-review", args=[theatre.pk])).content.decode()
    assert "Longer sessions" in review
    report = coordinator_client.get(reverse("evaluation:partner-report", args=[term.pk, theatre.activity.partner.pk]))
    assert "“Playing in front of the others”" in report.content.decode()

    book = openpyxl.load_workbook(io.BytesIO(
        coordinator_client.get(reverse("evaluation:term-export", args=[term.pk])).content))
    header, row = list(book["Participants' sheets"].iter_rows(values_only=True))
    counts = dict(zip(header, row, strict=True))
    assert (counts["Sheets"], counts["Enrolled at some point"]) == (2, 5)
    assert counts["Did you like the activity? Good"] == 1 and counts["Did you like the activity? Not good"] == 1
    assert counts["Did you like the activity? Happy face"] == 0.5
    assert (counts["The level was Just right"], counts["The level was Too hard"]) == (1, 1)
    words = list(book["In their words"].iter_rows(values_only=True))[1:]
    assert ("theatre", "Theatre workshop", "What should change?", "Longer sessions") in words


@pytest.mark.parametrize("post, field, message", [
    ({}, "__all__", "This sheet is blank: nothing to enter."),
    ({"liked": "7"}, "liked", "Select a valid choice. 7 is not one of the available choices."),
    ({"level": "hard", "liked_most": "The songs"}, "level",
     "Select a valid choice. hard is not one of the available choices."),
    ({"liked": "3", "to_change": "x" * 501}, "to_change",
     "Ensure this value has at most 500 characters (it has 501)."),
])
def test_a_sheet_that_cannot_be_entered_is_named_and_what_was_typed_is_kept(coordinator_client, theatre, post,
                                                                            field, message):
    enrol(theatre, 3)
    response = coordinator_client.post(reverse("evaluation:cycle-sheets", args=[theatre.pk]), post)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert not EvaluationSheet.objects.exists()
    for text in (post.get("liked_most"), post.get("to_change")):
        if text:
            assert text in response.content.decode()


def test_the_home_page_counts_finished_cycles_without_sheets(coordinator_client, coordinator, term, theatre):
    enrol(theatre, 2)
    theatre.status = CycleStatus.FINISHED
    theatre.save()
    home = html.unescape(coordinator_client.get(reverse("home")).content.decode())
    assert "<strong>1</strong> cycle finished in the last 90 days without participants' sheets" in home
    sheet(theatre, coordinator, liked=3)
    home = html.unescape(coordinator_client.get(reverse("home")).content.decode())
    assert "<strong>0</strong> cycles finished in the last 90 days without participants' sheets" in home


def test_no_more_sheets_than_people_who_took_part(coordinator, theatre):
    enrol(theatre, 2)
    EnrolmentFactory(cycle=theatre, status=EnrolmentStatus.PENDING)  # applied, never took part
    sheet(theatre, coordinator, liked=3)
    sheet(theatre, coordinator, liked=2)
    with pytest.raises(Exception) as refused:
        sheet(theatre, coordinator, liked=1)
    assert refused.value.message_dict == {"__all__": [
        "This cycle already has 2 sheets for 2 participants: was this one entered already?"]}
    assert EvaluationSheet.objects.count() == 2


@pytest.mark.parametrize("status", [CycleStatus.DRAFT, CycleStatus.OPEN, CycleStatus.CANCELLED])
def test_sheets_wait_for_the_cycle_to_run(coordinator, theatre, status):
    enrol(theatre, 2)
    theatre.status = status
    theatre.save()
    with pytest.raises(Exception) as refused:
        sheet(theatre, coordinator, liked=3)
    assert list(refused.value.message_dict) == ["__all__"]
    assert "once the cycle is running" in refused.value.message_dict["__all__"][0]


def test_the_cycles_facilitator_prints_and_reads_but_does_not_type_in(client, coordinator, facilitator_user, theatre,
                                                                       site):
    enrol(theatre, 4)
    sheet(theatre, coordinator, liked=3, liked_most="The stage")
    client.force_login(facilitator_user)
    url = reverse("evaluation:cycle-sheets", args=[theatre.pk])
    page = client.get(url)
    assert page.status_code == 200 and "The stage" in page.content.decode()
    assert page.context["form"] is None and "Type in a sheet" not in page.content.decode()
    assert client.post(url, {"liked": "1"}).status_code == 403
    assert client.post(reverse("evaluation:delete-sheet", args=[EvaluationSheet.objects.get().pk])).status_code == 403
    assert client.get(reverse("evaluation:print-sheets", args=[theatre.pk])).status_code == 200
    registers = client.get(reverse("attendance:my-sessions")).content.decode()
    assert reverse("evaluation:print-sheets", args=[theatre.pk]) in registers and "1 returned" in registers
    cycle_page = client.get(reverse("activities:cycle-detail", args=[theatre.pk])).content.decode()
    assert reverse("evaluation:print-sheets", args=[theatre.pk]) in cycle_page

    # Someone else's group, another site's coordinator, a prison officer: not theirs to read.
    other = UserFactory(username="vol2", role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=other, sites=[site])
    client.force_login(other)
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="coord2", role=Role.COORDINATOR, sites=[TermFactory().site]))
    assert client.get(url).status_code == 404
    client.force_login(UserFactory(username="officer2", role=Role.STAFF, sites=[site]))
    assert client.get(url).status_code == 404


def test_sheets_are_printed_one_per_participant_in_their_language_without_names(coordinator_client, theatre,
                                                                                django_assert_max_num_queries):
    unit = UnitFactory(building__site=theatre.term.site)
    dutch = enrol(theatre, 2, "nl", unit)
    enrol(theatre, 1, "fr", unit)
    left = enrol(theatre, 1, "nl", unit)[0]
    left.status = EnrolmentStatus.WITHDRAWN  # a dropout gets no sheet at the end
    left.save()
    url = reverse("evaluation:print-sheets", args=[theatre.pk])
    with django_assert_max_num_queries(12):
        page = coordinator_client.get(url).content.decode()
    assert page.count('class="notice evaluation-sheet" lang="nl"') == 2
    assert page.count('class="notice evaluation-sheet" lang="fr"') == 1
    assert page.count("Wat vond u van „Theaterworkshop”?") == 2  # the sheet itself, in Dutch
    assert "Qu'avez-vous pensé de" in page
    for enrolment in dutch:
        assert enrolment.detainee.last_name not in page and enrolment.detainee.prison_number not in page

    enrol(theatre, 10, "fr", unit)
    with django_assert_max_num_queries(12):
        assert coordinator_client.get(url).content.decode().count('lang="fr"') >= 11

    chosen = coordinator_client.get(url, {"lang": "en", "copies": "3"}).content.decode()
    assert chosen.count('class="notice evaluation-sheet" lang="en"') == 3
    assert "What did you think of “Theatre workshop”?" in chosen
    too_many = coordinator_client.get(url, {"lang": "en", "copies": "5000"}).content.decode()
    assert too_many.count('class="notice evaluation-sheet"') == evaluation_sheets.MAX_COPIES


def test_few_happy_faces_signal_the_cycle(coordinator, term, theatre):
    enrol(theatre, 6)
    for liked in (3, 1, 1, 2):
        sheet(theatre, coordinator, liked=liked)
    row = next(row for row in indicators.term_indicators(term).cycles if row.cycle == theatre)
    assert [signal.code for signal in row.signals] == ["few_liked"]
    assert "Only 1 of the 4 participants who answered on their sheet liked the activity" in row.signals[0].message
    sheet(theatre, coordinator, liked=3)
    sheet(theatre, coordinator, liked=3)
    row = next(row for row in indicators.term_indicators(term).cycles if row.cycle == theatre)
    assert row.signals == []


def test_a_sheet_entered_twice_is_deleted_and_audited(coordinator_client, coordinator, theatre):
    enrol(theatre, 2)
    twice = sheet(theatre, coordinator, liked=3)
    response = coordinator_client.post(reverse("evaluation:delete-sheet", args=[twice.pk]))
    assert response.status_code == 302 and not EvaluationSheet.objects.exists()
    assert AuditEntry.objects.filter(object_type="enrolment.evaluationsheet", action="delete").count() == 1


def test_the_api_takes_sheets_from_coordinators_and_shows_them_to_the_cycles_facilitators(
        coordinator, facilitator_user, theatre):
    enrol(theatre, 3)
    api = APIClient()
    api.force_authenticate(coordinator)
    created = api.post("/api/v1/evaluation-sheets/", {"cycle": theatre.pk, "liked": 2, "level": "too_easy",
                                                      "to_change": "More practice"}, format="json")
    assert created.status_code == 201, created.content
    assert (created.data["liked"], created.data["level"], created.data["useful"]) == (2, "too_easy", None)
    refused = api.post("/api/v1/evaluation-sheets/", {"cycle": theatre.pk, "liked": 9}, format="json")
    assert refused.status_code == 400 and "liked" in refused.data
    blank = api.post("/api/v1/evaluation-sheets/", {"cycle": theatre.pk}, format="json")
    assert blank.status_code == 400 and blank.data == {"__all__": ["This sheet is blank: nothing to enter."]}
    indicators_data = api.get(f"/api/v1/indicators/{theatre.term_id}/").data
    assert indicators_data["cycles"][0]["sheets"] == {"returned": 1, "liked": 0.0, "useful": None, "at_ease": None}

    api.force_authenticate(facilitator_user)
    listed = api.get("/api/v1/evaluation-sheets/", {"cycle": theatre.pk})
    assert [item["to_change"] for item in listed.data["results"]] == ["More practice"]
    assert api.post("/api/v1/evaluation-sheets/", {"cycle": theatre.pk, "liked": 3}, format="json").status_code == 403
    assert api.delete(f"/api/v1/evaluation-sheets/{created.data['id']}/").status_code == 403
    api.force_authenticate(coordinator)
    assert api.delete(f"/api/v1/evaluation-sheets/{created.data['id']}/").status_code == 204
    assert not EvaluationSheet.objects.exists()
