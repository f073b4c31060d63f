"""Needs surveys: the options as text, anonymous answers, results per target group against the
offer, pages, access and query counts."""
import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import Activity, ActivityKind
from core.models import AuditEntry, Role
from prisons.models import LegalRegime, LegalStatus, Placement, Population
from surveys import imports, services
from surveys.models import Survey, SurveyResponse, SurveyStatus
from surveys.selectors import survey_results
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 3, 3)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 3, 11, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def units(site):
    return {
        "men": UnitFactory(building__site=site, code="M1", population=Population.MEN, legal_regime=LegalRegime.REMAND),
        "women": UnitFactory(building__site=site, code="W1", population=Population.WOMEN,
                             legal_regime=LegalRegime.MIXED),
    }


@pytest.fixture
def theatre():
    return ActivityFactory(code="theatre", title_en="Theatre", kind=ActivityKind.SOCIOCULTURAL)


@pytest.fixture
def survey(site, units, coordinator, theatre):
    survey = Survey(site=site, title="Spring needs", question="Which activities?", opens_on=dt.date(2027, 2, 15),
                    closes_on=dt.date(2027, 3, 15), status=SurveyStatus.OPEN)
    options = services.parse_options("Theatre | theatre\nCooking | training\nYoga", Activity.objects.all())
    return services.save_survey(survey, list(units.values()), options, coordinator)


def option(survey, label):
    return survey.options.get(label=label)


def answer(survey, unit, labels, by, **fields):
    return services.record_response(survey, unit=unit, chosen=[option(survey, label).pk for label in labels],
                                    by=by, **fields)


def test_options_are_read_one_a_line_with_a_kind_or_a_catalogue_activity(theatre):
    options = services.parse_options("  Theatre | theatre \n\nCooking | training\nYoga", Activity.objects.all())
    assert [(o["label"], o["kind"], o["activity"]) for o in options] == [
        ("Theatre", "sociocultural", theatre), ("Cooking", "training", None), ("Yoga", "", None)]


@pytest.mark.parametrize("text, message", [
    ("Theatre\nTHEATRE", "Line 2: “THEATRE” is already on the list."),
    ("Theatre | painting\nYoga", "Line 1: “painting” is neither a kind of activity nor an activity code of the "
                                 "catalogue."),
    ("Theatre\n | sport", "Line 2: the label is empty."),
    ("Theatre", "Give between 2 and 60 options, one a line."),
])
def test_a_wrong_option_line_is_named(theatre, text, message):
    with pytest.raises(ValidationError) as error:
        services.parse_options(text, Activity.objects.all())
    assert message in error.value.message_dict["options"]


def test_answers_are_anonymous_and_checked_before_anything_is_saved(survey, units, coordinator, other_site):
    response = answer(survey, units["men"], ["Theatre", "Yoga"], coordinator, languages=["AR", "fr", "ar"],
                      preferred_time="afternoon")
    assert response.languages == ["ar", "fr"]
    assert {f.name for f in SurveyResponse._meta.get_fields()}.isdisjoint({"detainee", "prison_number", "name"})
    foreign_unit = UnitFactory(building__site=other_site)
    for fields, key in (({"unit": foreign_unit}, "unit"), ({"languages": ["arabic"]}, "languages"),
                        ({"preferred_time": "night"}, "preferred_time"), ({"chosen": []}, "chosen")):
        values = {"unit": units["men"], "chosen": [option(survey, "Yoga").pk], **fields}
        with pytest.raises(ValidationError) as error:
            services.record_response(survey, by=coordinator, **values)
        assert key in error.value.message_dict
    survey.status = SurveyStatus.CLOSED
    survey.save()
    with pytest.raises(ValidationError, match="not collecting answers"):
        answer(survey, units["men"], ["Yoga"], coordinator)
    assert SurveyResponse.objects.count() == 1


def test_results_count_each_target_group_and_set_the_answers_against_the_offer(survey, units, coordinator, theatre,
                                                                              site):
    for _ in range(4):
        DetaineeFactory(unit=units["men"], legal_status=LegalStatus.REMAND)
    for person in list(units["men"].detainees.all()):
        Placement.objects.create(detainee=person, unit=units["men"], status="present", valid_from=dt.date(2026, 1, 1))
    women = [DetaineeFactory(unit=units["women"], legal_status=LegalStatus.SENTENCED) for _ in range(2)]
    for person in women:
        Placement.objects.create(detainee=person, unit=units["women"], status="present", valid_from=dt.date(2026, 1, 1))
    answer(survey, units["men"], ["Theatre", "Cooking"], coordinator)
    answer(survey, units["men"], ["Cooking"], coordinator)
    answer(survey, units["men"], ["Cooking", "Yoga"], coordinator, preferred_time="morning")
    answer(survey, units["women"], ["Cooking", "Yoga"], coordinator, legal_status=LegalStatus.SENTENCED)
    answer(survey, units["women"], ["Yoga"], coordinator, comment="Something for mothers, please.")
    CycleFactory(term=TermFactory(site=site, first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25)),
                 activity=theatre, capacity=8)

    results = survey_results(survey)
    assert results.responses == 5
    rows = {label: (answers, held, rate) for label, answers, held, rate in results.group_rows()}
    # Men by their unit; remand by the unit's regime; the woman who gave no status counts in neither
    # legal group (her unit is mixed).
    assert rows["Everyone"] == (5, 6, 5 / 6)
    assert rows["Men"] == (3, 4, 3 / 4) and rows["Women"] == (2, 2, 1.0)
    assert rows["Remand"][0] == 3 and rows["Sentenced"][0] == 1
    ranked = [(r.option.label, r.total, r.cycles, r.places) for r in results.options]
    assert ranked == [("Cooking", 4, 0, 0), ("Yoga", 3, None, None), ("Theatre", 1, 1, 8)]
    cooking = results.options[0]
    assert cooking.counts() == [4, 3, 1, 3, 1, 0]  # everyone, men, women, remand, sentenced, interned
    assert results.preferred_time == [("Morning", 1), ("Either", 4)]
    assert results.comments == ["Something for mothers, please."]
    assert [message for _result, message in results.signals] == [
        "4 answers ask for “Cooking”, and no cycle of it is planned at this site: consider planning one.",
        "3 answers ask for “Yoga”, which is not in the catalogue: consider designing it with a partner.",
    ]


def test_options_cannot_change_once_answers_are_in(survey, units, coordinator):
    answer(survey, units["men"], ["Yoga"], coordinator)
    with pytest.raises(ValidationError, match="cannot change once answers"):
        services.save_survey(survey, list(units.values()),
                             services.parse_options("Yoga\nChess", Activity.objects.all()), coordinator)
    survey.title = "Spring needs 2027"
    services.save_survey(survey, list(units.values()),
                         services.parse_options(services.options_text(survey), Activity.objects.all()), coordinator)
    assert Survey.objects.get().title == "Spring needs 2027"


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_a_coordinator_creates_a_survey_and_enters_paper_answers(coordinator_client, site, units, theatre):
    response = coordinator_client.post(reverse("surveys:new"), {
        "site": site.pk, "title": "Autumn needs", "question": "What would you join?",
        "units": [units["men"].pk], "opens_on": "2027-03-01", "closes_on": "2027-03-20",
        "options": "Theatre | theatre\nChess | sociocultural\nDutch lessons", "note": "",
    })
    survey = Survey.objects.get(title="Autumn needs")
    assert response.status_code == 302 and response.url == reverse("surveys:detail", args=[survey.pk])
    assert survey.status == SurveyStatus.DRAFT and list(survey.units.all()) == [units["men"]]
    coordinator_client.post(reverse("surveys:status", args=[survey.pk]), {"status": "open"})
    page = coordinator_client.get(reverse("surveys:detail", args=[survey.pk])).content.decode()
    assert 'id="enter"' in page
    saved = coordinator_client.post(reverse("surveys:answer", args=[survey.pk]), {
        "unit": units["men"].pk, "chosen": [option(survey, "Chess").pk], "preferred_time": "either",
        "languages": ["ar"], "legal_status": "", "comment": "",
    })
    assert saved.status_code == 302 and saved.url.endswith("#enter")
    refused = coordinator_client.post(reverse("surveys:answer", args=[survey.pk]), {
        "unit": units["women"].pk, "chosen": [], "preferred_time": "either", "comment": "Kept text"})
    assert refused.status_code == 200
    assert "Select a valid choice" in refused.content.decode() and "Kept text" in refused.content.decode()
    assert SurveyResponse.objects.filter(survey=survey).count() == 1
    printed = coordinator_client.get(reverse("surveys:questionnaire", args=[survey.pk])).content.decode()
    assert "What would you join?" in printed and "Dutch lessons" in printed and "anonymous" in printed


def test_the_survey_form_names_the_line_at_fault_and_keeps_the_text(coordinator_client, site):
    response = coordinator_client.post(reverse("surveys:new"), {
        "site": site.pk, "title": "Needs", "question": "Q?", "opens_on": "2027-03-01", "closes_on": "2027-02-01",
        "options": "Theatre\nYoga | pilates",
    })
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Line 2: “pilates” is neither" in errors["options"][0]
    assert errors["closes_on"] == ["The survey closes before it opens."]
    assert "Yoga | pilates" in response.content.decode()
    assert not Survey.objects.exists()


def test_who_may_see_and_run_surveys(client, survey, screener, facilitator_user, staff_user, other_site, units):
    detail = reverse("surveys:detail", args=[survey.pk])
    client.force_login(screener)  # social-aid service: reads results and enters answers, does not edit
    assert client.get(detail).status_code == 200
    assert client.get(reverse("surveys:edit", args=[survey.pk])).status_code == 403
    assert client.post(reverse("surveys:answer", args=[survey.pk]), {
        "unit": units["men"].pk, "chosen": [option(survey, "Yoga").pk], "preferred_time": "either"}).status_code == 302
    for user in (facilitator_user, staff_user):
        client.force_login(user)
        assert client.get(reverse("surveys:list")).status_code == 403
        assert client.get(detail).status_code == 404
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(detail).status_code == 404


def test_the_list_and_results_cost_the_same_queries_for_few_or_many_answers(coordinator_client, survey, units,
                                                                            coordinator, site):
    urls = [reverse("surveys:list"), reverse("surveys:detail", args=[survey.pk])]
    answer(survey, units["men"], ["Yoga"], coordinator)
    with CaptureQueriesContext(connection) as few:
        for url in urls:
            coordinator_client.get(url)
    for n in range(12):
        answer(survey, units["women" if n % 2 else "men"], ["Yoga", "Cooking"], coordinator, languages=["ar"],
               comment=f"Comment {n}")
    Survey.objects.create(site=site, title="Another", question="Q", opens_on=TODAY, closes_on=TODAY)
    with CaptureQueriesContext(connection) as many:
        for url in urls:
            coordinator_client.get(url)
    assert len(many) <= len(few)


def test_the_api_lists_surveys_gives_results_and_takes_answers(coordinator_client, survey, units, other_site):
    listed = coordinator_client.get("/api/v1/surveys/").json()["results"]
    assert [(row["title"], row["answers"], len(row["options"])) for row in listed] == [("Spring needs", 0, 3)]
    created = coordinator_client.post(f"/api/v1/surveys/{survey.pk}/answers/", {
        "unit": units["women"].pk, "chosen": [option(survey, "Yoga").pk], "languages": ["ro"],
        "legal_status": "interned",
    }, content_type="application/json")
    assert created.status_code == 201, created.content
    elsewhere = coordinator_client.post(f"/api/v1/surveys/{survey.pk}/answers/", {
        "unit": UnitFactory(building__site=other_site).pk, "chosen": [option(survey, "Yoga").pk],
    }, content_type="application/json")
    assert elsewhere.status_code == 400 and elsewhere.json() == {"unit": ["Choose one of the units surveyed."]}
    results = coordinator_client.get(f"/api/v1/surveys/{survey.pk}/results/", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert results["responses"] == 1
    assert {row["group"]: row["answers"] for row in results["groups"]}["Vrouwen"] == 1
    yoga = next(row for row in results["options"] if row["label"] == "Yoga")
    assert (yoga["total"], yoga["by_group"]["interned"], yoga["cycles"]) == (1, 1, None)


def test_the_api_keeps_surveys_to_their_sites_people(client, survey, staff_user, other_site):
    client.force_login(staff_user)
    assert client.get("/api/v1/surveys/").status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get("/api/v1/surveys/").json()["results"] == []
    assert client.get(f"/api/v1/surveys/{survey.pk}/results/").status_code == 404


def test_the_results_workbook_holds_the_page_tables(coordinator_client, coordinator, survey, units):
    answer(survey, units["men"], ["Cooking", "Yoga"], coordinator, comment="=cmd|' /C calc'!A0")
    answer(survey, units["women"], ["Yoga"], coordinator)
    response = coordinator_client.get(reverse("surveys:results-export", args=[survey.pk]))
    assert response["Content-Disposition"] == f'attachment; filename="relais-survey-{survey.pk}.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Activities", "Target groups", "Preferred time", "Languages", "Comments"]
    rows = list(book["Activities"].iter_rows(values_only=True))
    assert rows[0][:3] == ("Activity", "Activity in the catalogue", "Everyone")
    assert rows[1][:5] == ("Yoga", None, 2, 1, 1) and rows[1][8] == 1.0
    comment = book["Comments"]["A2"]
    assert comment.data_type == "s" and comment.value.startswith("=cmd")  # kept as text, never a formula
    assert AuditEntry.objects.filter(user=coordinator, object_type="surveys.results").exists()


def upload(client, survey, name, content):
    return client.post(reverse("surveys:answers-import", args=[survey.pk]),
                       {"file": SimpleUploadedFile(name, content)})


def test_answers_typed_into_the_template_are_imported_at_once(coordinator_client, survey, units):
    template = coordinator_client.get(reverse("surveys:answers-template", args=[survey.pk]))
    book = openpyxl.load_workbook(io.BytesIO(template.content))
    sheet = book.active
    assert [cell.value for cell in sheet[1]] == ["unit", "time", "languages", "legal status", "comment",
                                                 "Theatre", "Cooking", "Yoga"]
    sheet.append(["M1", "morning", "fr, ar", "", "", "x", "", "1"])
    sheet.append(["w1", "", "", "sentenced", "Sewing, please", "", "", ""])
    sheet.append([None] * 8)  # blank rows are skipped
    filled = io.BytesIO()
    book.save(filled)
    response = upload(coordinator_client, survey, "answers.xlsx", filled.getvalue())
    assert response.status_code == 302
    answers = list(SurveyResponse.objects.order_by("pk"))
    assert [(a.unit, a.preferred_time, a.languages, a.legal_status) for a in answers] == [
        (units["men"], "morning", ["fr", "ar"], ""), (units["women"], "either", [], "sentenced")]
    assert sorted(answers[0].chosen.values_list("label", flat=True)) == ["Theatre", "Yoga"]


def test_a_spreadsheet_with_wrong_rows_saves_nothing_and_names_each_row_and_column(coordinator_client, survey):
    content = ("unité;moment;langues;Théâtre;Yoga;Pétanque\n"
               "M1;matin;fr;x;;\n"
               "Z9;soir;arabic;;x;\n"
               "M1;;;;;\n").encode()
    response = upload(coordinator_client, survey, "answers.csv", content)
    assert response.status_code == 200
    errors = response.context["import_errors"]
    # Accents and case do not matter ("Théâtre" is the option "Theatre"); an unknown column does.
    assert (1, "Pétanque", "“Pétanque” is neither a column Relais knows nor an option of this questionnaire.") in errors
    assert (3, "unité", "“Z9” is not one of the units surveyed.") in errors
    assert (3, "moment", "Write morning, afternoon or either.") in errors
    assert (3, "langues", "Use language codes such as fr, nl, ar.") in errors
    assert (4, "options", "Tick at least one activity, or write the comment.") in errors
    assert not SurveyResponse.objects.exists()


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_template_in_french_or_dutch_is_read_back(coordinator, survey, units, language):
    with translation.override(language):
        book = openpyxl.load_workbook(io.BytesIO(imports.template(survey)))
    sheet = book.active
    sheet.append(["M1", "", "nl", "", "", "", "x", ""])
    filled = io.BytesIO()
    book.save(filled)
    report = imports.import_answers(survey, filled.getvalue(), "answers.xlsx", by=coordinator)
    assert (report.errors, report.saved) == ([], 1)
    assert list(SurveyResponse.objects.get().chosen.values_list("label", flat=True)) == ["Cooking"]
