"""Creating and editing a term's cycles, and moving them through their life, from the pages and the
API: each refusal names its field, nothing half-saved; finishing ends the applications."""
import datetime as dt

import pytest
from django.urls import reverse

from activities import cycles
from activities.models import Cycle, CycleStatus
from core.models import AuditEntry, Role
from enrolment.models import Enrolment, EnrolmentStatus
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(site, other_site):
    term = TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    volunteer = FacilitatorFactory(sites=[site], first_name="Ana", last_name="Vol")
    activity = ActivityFactory(code="theatre", title_en="Theatre", group_max=9, sessions_per_week=2,
                               session_periods=2, languages=["nl"])
    activity.default_facilitators.set([volunteer])
    return {"term": term, "unit": UnitFactory(building__site=site, code="A1"), "volunteer": volunteer,
            "activity": activity, "far_unit": UnitFactory(building__site=other_site, code="Z9"),
            "far_volunteer": FacilitatorFactory(sites=[other_site], first_name="Far", last_name="Away")}


def post_data(world, **changes):
    data = {"activity": world["activity"].pk, "code": "theatre-a", "capacity": 9, "sessions_per_week": 2,
            "session_periods": 2, "language": "nl", "eligible_units": [world["unit"].pk],
            "facilitators": [world["volunteer"].pk], "status": "draft", "term": world["term"].pk}
    data.update(changes)
    return data


def test_a_coordinator_creates_a_cycle_from_its_catalogue_entry(client, coordinator, world):
    client.force_login(coordinator)
    url = reverse("activities:cycle-create")
    term_page = client.get(reverse("activities:term-detail", args=[world["term"].pk])).content.decode()
    assert f"{url}?term={world['term'].pk}" in term_page
    form = client.get(url, {"term": world["term"].pk, "activity": world["activity"].pk}).context["form"]
    assert (form.initial["capacity"], form.initial["sessions_per_week"], form.initial["language"],
            form.initial["facilitators"]) == (9, 2, "nl", [world["volunteer"]])
    assert [value for value, _label in form.fields["status"].choices] == ["draft", "open"]

    response = client.post(url, post_data(world))
    cycle = Cycle.objects.get()
    assert response.status_code == 302 and response.url == reverse("activities:cycle-detail", args=[cycle.pk])
    assert (cycle.term, cycle.code, cycle.capacity, cycle.language, cycle.status) == (
        world["term"], "theatre-a", 9, "nl", "draft")
    assert list(cycle.facilitators.all()) == [world["volunteer"]]
    assert AuditEntry.objects.filter(object_type="activities.cycle", action="create").exists()
    assert reverse("activities:cycle-edit", args=[cycle.pk]) in client.get(response.url).content.decode()


@pytest.mark.parametrize("changes, field, message", [
    ({"eligible_units": "far"}, "eligible_units", "Select a valid choice."),  # the form offers the site's only
    ({"facilitators": "far"}, "facilitators", "Select a valid choice."),
    ({"code": "taken"}, "code", "Spring already has a cycle with this code."),
    ({"status": "running"}, "status", "Select a valid choice."),
])
def test_a_cycle_that_cannot_be_saved_names_the_field(client, coordinator, world, changes, field, message):
    CycleFactory(term=world["term"], code="taken")
    values = dict(changes)
    if values.get("eligible_units") == "far":
        values["eligible_units"] = [world["far_unit"].pk]
    if values.get("facilitators") == "far":
        values["facilitators"] = [world["far_volunteer"].pk]
    client.force_login(coordinator)
    response = client.post(reverse("activities:cycle-create"), post_data(world, **values))
    assert response.status_code == 400
    assert any(message in error for error in response.context["form"].errors[field])
    assert Cycle.objects.count() == 1


def test_units_and_facilitators_of_another_site_are_refused_by_name(coordinator, world):
    with pytest.raises(Exception) as refused:
        cycles.save_cycle(None, by=coordinator, term=world["term"], activity=world["activity"], code="t",
                          capacity=3, sessions_per_week=1, session_periods=1, language="fr",
                          screening_required=False, eligible_units=[world["far_unit"]],
                          facilitators=[world["far_volunteer"]], status=CycleStatus.DRAFT)
    site = world["term"].site.name
    assert refused.value.message_dict == {"eligible_units": [f"Not units of {site}: Z9."],
                                          "facilitators": [f"Not facilitators at {site}: Far Away."]}
    assert not Cycle.objects.exists()


def test_status_moves_and_what_they_do_to_applications(coordinator, world):
    cycle = cycles.save_cycle(None, by=coordinator, term=world["term"], activity=world["activity"], code="t",
                              capacity=3, sessions_per_week=1, session_periods=1, language="fr",
                              screening_required=False, eligible_units=[world["unit"]], facilitators=[],
                              status=CycleStatus.OPEN)
    fields = dict(term=world["term"], activity=world["activity"], code="t", capacity=3, sessions_per_week=1,
                  session_periods=1, language="fr", screening_required=False, eligible_units=[world["unit"]],
                  facilitators=[])
    enrolled = [EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=world["unit"]), seat=n + 1,
                                 enrolled_on=dt.date(2027, 1, 5)) for n in range(2)]
    waiting = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=world["unit"]),
                               status=EnrolmentStatus.APPROVED)
    for status in (CycleStatus.DRAFT, CycleStatus.CANCELLED):
        with pytest.raises(Exception) as refused:
            cycles.save_cycle(cycle, by=coordinator, status=status, **fields)
        assert refused.value.message_dict == {"status": [
            "3 people applied, are waiting or are enrolled: end their applications first."]}
    with pytest.raises(Exception) as too_small:
        cycles.save_cycle(cycle, by=coordinator, status=CycleStatus.OPEN, **{**fields, "capacity": 1})
    assert too_small.value.message_dict == {"capacity": [
        "2 people are enrolled: the cycle needs at least as many places."]}
    with pytest.raises(Exception) as skipped:
        cycles.save_cycle(cycle, by=coordinator, status=CycleStatus.FINISHED, **fields)
    assert list(skipped.value.message_dict) == ["status"]

    cycles.save_cycle(cycle, by=coordinator, status=CycleStatus.RUNNING, **fields)
    cycles.save_cycle(cycle, by=coordinator, status=CycleStatus.FINISHED, **fields)
    cycle.refresh_from_db()
    assert cycle.status == CycleStatus.FINISHED
    for enrolment in enrolled:
        enrolment.refresh_from_db()
        assert (enrolment.status, enrolment.leaving_reason.code) == (EnrolmentStatus.REMOVED, "completed")
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.DECLINED
    assert cycles.allowed_statuses(cycle) == ["finished"]
    assert not Enrolment.objects.filter(cycle=cycle, status__in=["pending", "approved", "enrolled"]).exists()


def test_only_the_sites_coordinators_prepare_cycles(client, screener, world, other_site):
    cycle = CycleFactory(term=world["term"])
    client.force_login(screener)
    assert client.get(reverse("activities:cycle-create"), {"term": world["term"].pk}).status_code == 403
    assert client.get(reverse("activities:cycle-edit", args=[cycle.pk])).status_code == 403
    client.force_login(UserFactory(username="coord-b", role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("activities:cycle-create"), {"term": world["term"].pk}).status_code == 404
    assert client.get(reverse("activities:cycle-edit", args=[cycle.pk])).status_code == 404


def test_the_api_creates_and_moves_cycles(coordinator, screener, world):
    from rest_framework.test import APIClient

    api = APIClient()
    api.force_authenticate(coordinator)
    created = api.post("/api/v1/cycles/", {
        "term": world["term"].pk, "activity": world["activity"].pk, "code": "theatre-b", "capacity": 8,
        "eligible_units": [world["unit"].pk], "facilitators": [world["volunteer"].pk], "status": "open"},
        format="json")
    assert created.status_code == 201, created.content
    url = f"/api/v1/cycles/{created.data['id']}/"
    assert api.patch(url, {"status": "running"}, format="json").data["status"] == "running"
    refused = api.patch(url, {"status": "draft"}, format="json")
    assert refused.status_code == 400 and "status" in refused.data
    unknown = api.patch(url, {"eligible_units": [999999]}, format="json")
    assert unknown.status_code == 400 and unknown.data == {"eligible_units": ["Unknown: 999999."]}
    assert Cycle.objects.get().status == "running"
    api.force_authenticate(screener)
    assert api.patch(url, {"capacity": 12}, format="json").status_code == 403
