"""Recruiting volunteers: a candidate goes from the first contact to a facilitator record, step by
dated step; the board shows who waits too long; bad input names its field and keeps what was typed."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import recruitment
from activities.models import Facilitator, RecruitmentStage, VolunteerCandidate
from core.models import Role
from tests.factories import PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)


def candidate(site, by, **fields):
    data = {"site": site, "first_name": "Amina", "last_name": "Diallo", "email": "amina@example.org", "phone": "",
            "partner": None, "languages": ["fr", "wo"], "skills": "Theatre", "source": "event",
            "contacted_on": TODAY - dt.timedelta(days=60), "note": ""}
    data.update(fields)
    return recruitment.record_candidate(data, by=by)


def test_a_candidate_becomes_a_facilitator_step_by_step(site, coordinator):
    partner = PartnerFactory(name="Théâtre du Fil")
    amina = candidate(site, coordinator, partner=partner)
    assert recruitment.next_step(amina) == RecruitmentStage.MET
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=50))
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=45))
    assert amina.stage == RecruitmentStage.CLEARANCE
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=10), authorisation_number="B-2026-77",
                                valid_until=TODAY + dt.timedelta(days=365))
    assert amina.stage == RecruitmentStage.INDUCTION and not Facilitator.objects.exists()
    amina = recruitment.advance(amina, by=coordinator, on=TODAY)

    assert amina.stage == RecruitmentStage.READY
    facilitator = amina.facilitator
    assert (facilitator.first_name, facilitator.last_name, facilitator.kind) == ("Amina", "Diallo", "volunteer")
    assert (facilitator.partner, facilitator.languages, facilitator.email) == (partner, ["fr", "wo"], "amina@example.org")
    assert facilitator.authorisation_number == "B-2026-77"
    assert facilitator.authorisation_valid_from == TODAY - dt.timedelta(days=10)
    assert facilitator.authorisation_valid_until == TODAY + dt.timedelta(days=365)
    assert list(facilitator.sites.all()) == [site]
    with pytest.raises(ValidationError, match="This recruitment is over"):
        recruitment.advance(amina, by=coordinator, on=TODAY)


def test_the_facilitator_page_says_when_they_were_recruited(client, site, coordinator):
    amina = candidate(site, coordinator)
    for days, extra in ((50, {}), (45, {}), (10, {"authorisation_number": "B-1", "valid_until": TODAY + dt.timedelta(days=300)}),
                        (0, {})):
        amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=days), **extra)
    client.force_login(coordinator)
    page = client.get(reverse("activities:facilitator-detail", args=[amina.facilitator.pk])).content.decode()
    assert "Recruited" in page and "first contact on 08/10/2026, induction on 07/12/2026" in page


def test_steps_are_dated_in_order_and_the_badge_needs_its_number_and_validity(site, coordinator):
    amina = candidate(site, coordinator)
    with pytest.raises(ValidationError) as future:
        recruitment.advance(amina, by=coordinator, on=TODAY + dt.timedelta(days=1))
    assert "on" in future.value.message_dict
    with pytest.raises(ValidationError) as before:
        recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=61))
    assert "previous one" in before.value.message_dict["on"][0]
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=40))
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=35))
    with pytest.raises(ValidationError) as badge:
        recruitment.advance(amina, by=coordinator, on=TODAY, valid_until=TODAY)
    assert set(badge.value.message_dict) == {"authorisation_number", "valid_until"}
    amina.refresh_from_db()
    assert amina.stage == RecruitmentStage.CLEARANCE


def test_a_candidate_needs_a_way_to_be_reached(site, coordinator):
    with pytest.raises(ValidationError) as error:
        candidate(site, coordinator, email="", phone="")
    assert "email" in error.value.message_dict
    assert not VolunteerCandidate.objects.exists()


def test_withdrawing_needs_a_reason_and_ends_the_recruitment(site, coordinator):
    amina = candidate(site, coordinator)
    with pytest.raises(ValidationError) as error:
        recruitment.withdraw(amina, by=coordinator, reason="  ")
    assert "reason" in error.value.message_dict
    amina = recruitment.withdraw(amina, by=coordinator, reason="Moved to Liège")
    assert (amina.stage, amina.withdrawn_on) == (RecruitmentStage.WITHDRAWN, TODAY)
    assert recruitment.next_step(amina) is None


def test_board_puts_the_longest_waiting_first_and_marks_who_waits_too_long(client, site, coordinator):
    waiting = candidate(site, coordinator, first_name="Waiting")
    waiting = recruitment.advance(waiting, by=coordinator, on=TODAY - dt.timedelta(days=55))
    waiting = recruitment.advance(waiting, by=coordinator, on=TODAY - dt.timedelta(days=45))  # access asked 45 days ago
    recent = candidate(site, coordinator, first_name="Recent", contacted_on=TODAY - dt.timedelta(days=20))
    recent = recruitment.advance(recent, by=coordinator, on=TODAY - dt.timedelta(days=10))
    recruitment.advance(recent, by=coordinator, on=TODAY - dt.timedelta(days=5))
    steps, _closed = recruitment.board(VolunteerCandidate.objects.all(), TODAY)
    clearance = dict((stage, rows) for stage, _label, rows in steps)[RecruitmentStage.CLEARANCE]
    assert [(row.candidate.first_name, row.days, row.waiting_too_long) for row in clearance] == [
        ("Waiting", 45, True), ("Recent", 5, False)]

    client.force_login(coordinator)
    page = client.get(reverse("activities:recruitment")).content.decode()
    assert "waiting 45 days" in page and "DIALLO Waiting" in page
    home = client.get(reverse("home")).content.decode()
    assert '<a href="/activities/recruitment/"><strong>2</strong> volunteers being recruited</a>' in home
    assert "<strong>1</strong> recruitment waiting too long at a step" in home


def test_a_refused_step_on_the_board_names_the_field_and_keeps_what_was_typed(client, site, coordinator):
    amina = candidate(site, coordinator)
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=50))
    amina = recruitment.advance(amina, by=coordinator, on=TODAY - dt.timedelta(days=45))
    client.force_login(coordinator)
    response = client.post(reverse("activities:candidate-advance", args=[amina.pk]),
                           {"on": TODAY.isoformat(), "authorisation_number": "B-77", "valid_until": ""})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Valid until: Give the date until which the authorisation is valid." in page
    assert 'value="B-77"' in page
    amina.refresh_from_db()
    assert amina.stage == RecruitmentStage.CLEARANCE


def test_candidate_form_creates_and_corrects_the_record(client, site, coordinator):
    client.force_login(coordinator)
    url = reverse("activities:candidate-create")
    refused = client.post(url, {"site": site.pk, "first_name": "Jan", "last_name": "Peeters", "languages": "nl",
                                "source": "website", "contacted_on": TODAY.isoformat()})
    assert refused.status_code == 400
    assert "Give an e-mail address or a phone number to reach them." in refused.content.decode()
    assert 'value="Peeters"' in refused.content.decode()
    client.post(url, {"site": site.pk, "first_name": "Jan", "last_name": "Peeters", "languages": "nl",
                      "phone": "0470 12 34 56", "source": "website", "contacted_on": TODAY.isoformat()})
    jan = VolunteerCandidate.objects.get()
    assert (jan.phone, jan.languages, jan.created_by) == ("0470 12 34 56", ["nl"], coordinator)
    client.post(reverse("activities:candidate-edit", args=[jan.pk]), {
        "site": site.pk, "first_name": "Jan", "last_name": "Peeters", "languages": "nl, fr", "phone": "0470 12 34 56",
        "source": "website", "contacted_on": TODAY.isoformat()})
    jan.refresh_from_db()
    assert jan.languages == ["nl", "fr"]


def test_only_the_sites_coordinators_recruit(client, site, other_site, coordinator, screener, facilitator_user):
    amina = candidate(site, coordinator)
    for user in (screener, facilitator_user):
        client.force_login(user)
        assert client.get(reverse("activities:recruitment")).status_code == 403
    stranger = UserFactory(role=Role.COORDINATOR, sites=[other_site])
    client.force_login(stranger)
    assert "DIALLO" not in client.get(reverse("activities:recruitment")).content.decode()
    assert client.post(reverse("activities:candidate-advance", args=[amina.pk]), {"on": TODAY.isoformat()}).status_code == 404


def test_api_records_and_advances_a_candidate(client, site, coordinator):
    client.force_login(coordinator)
    created = client.post("/api/v1/volunteer-candidates/", {
        "site": site.pk, "first_name": "Sara", "last_name": "Janssens", "email": "sara@example.org",
        "languages": ["nl"], "contacted_on": (TODAY - dt.timedelta(days=3)).isoformat()}, content_type="application/json")
    assert created.status_code == 201 and created.json()["next_step"] == "met"
    pk = created.json()["id"]
    refused = client.post(f"/api/v1/volunteer-candidates/{pk}/advance/", {"on": "2030-01-01"},
                          content_type="application/json")
    assert refused.status_code == 400 and "on" in refused.json()
    met = client.post(f"/api/v1/volunteer-candidates/{pk}/advance/", {"on": TODAY.isoformat()},
                      content_type="application/json")
    assert met.json()["stage"] == "met"
    assert [row["id"] for row in client.get("/api/v1/volunteer-candidates/", {"stage": "met"}).json()["results"]] == [pk]


def test_the_board_takes_the_same_queries_for_one_candidate_or_ten(client, site, coordinator,
                                                                    django_assert_max_num_queries):
    partner = PartnerFactory()
    client.force_login(coordinator)
    candidate(site, coordinator, partner=partner)
    client.get(reverse("activities:recruitment"))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("activities:recruitment"))
    for n in range(9):
        someone = candidate(site, coordinator, first_name=f"C{n}", partner=partner)
        if n % 2:
            recruitment.advance(someone, by=coordinator, on=TODAY)
    with django_assert_max_num_queries(len(captured)):
        assert "DIALLO C8" in client.get(reverse("activities:recruitment")).content.decode()
