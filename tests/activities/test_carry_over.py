"""Preparing a term from an earlier term's cycles: those decided to run again are ticked, copied as
drafts with their units and active facilitators, all or nothing, each refusal naming the cycle."""
import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from activities import carry_over
from activities.models import Cycle, CycleStatus
from core.models import AuditEntry, Role
from enrolment.models import CycleReview
from tests.factories import (
    CycleFactory,
    FacilitatorFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def terms(site):
    spring = TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    autumn = TermFactory(site=site, name="Autumn", first_date=dt.date(2027, 9, 6), last_date=dt.date(2027, 12, 17))
    return spring, autumn


@pytest.fixture
def spring_cycles(site, terms, coordinator):
    spring, _autumn = terms
    unit = UnitFactory(building__site=site)
    stays, leaves = FacilitatorFactory(sites=[site]), FacilitatorFactory(sites=[site], active=False)

    def cycle(code, decision=None, **fields):
        made = CycleFactory(term=spring, code=code, status=CycleStatus.FINISHED, capacity=8, sessions_per_week=2,
                            language="nl", screening_required=False, eligible_units=[unit],
                            facilitators=[stays, leaves], **fields)
        if decision:
            CycleReview.objects.create(cycle=made, decision=decision, changes=["room"] if decision == "adjust" else [],
                                       note="Smaller room." if decision == "adjust" else "", reviewed_by=coordinator)
        return made

    return {"theatre": cycle("theatre", "continue"), "choir": cycle("choir", "adjust"),
            "yoga": cycle("yoga", "stop"), "chess": cycle("chess"), "unit": unit, "stays": stays}


def test_cycles_decided_to_run_again_are_ticked_and_copied_as_drafts(client, coordinator, terms, spring_cycles):
    spring, autumn = terms
    client.force_login(coordinator)
    url = reverse("activities:term-carry-over", args=[autumn.pk])
    page = client.get(url)
    ticked = {row.cycle.code for row, checked in page.context["rows"] if checked}
    assert ticked == {"theatre", "choir"}
    assert "Smaller room." in page.content.decode()
    assert url in client.get(reverse("activities:term-detail", args=[autumn.pk])).content.decode()

    response = client.post(url, {"source": spring.pk, "cycles": [spring_cycles["theatre"].pk,
                                                                  spring_cycles["choir"].pk,
                                                                  spring_cycles["chess"].pk]})
    assert response.status_code == 302
    copies = Cycle.objects.filter(term=autumn).order_by("code")
    assert [(c.code, c.status, c.capacity, c.sessions_per_week, c.language, c.screening_required) for c in copies] == [
        ("chess", "draft", 8, 2, "nl", False), ("choir", "draft", 8, 2, "nl", False),
        ("theatre", "draft", 8, 2, "nl", False)]
    assert all(list(c.eligible_units.all()) == [spring_cycles["unit"]] for c in copies)
    assert all(list(c.facilitators.all()) == [spring_cycles["stays"]] for c in copies)  # not the one who left
    assert AuditEntry.objects.filter(object_type="activities.cycle", action="create").count() == 3
    # Shown again, they are in the term already and no longer ticked.
    rows = client.get(url).context["rows"]
    assert not any(checked for _row, checked in rows)
    assert {row.cycle.code for row, _checked in rows if row.code_taken} == {"theatre", "choir", "chess"}


def test_a_refused_cycle_is_named_and_nothing_is_created(client, coordinator, terms, spring_cycles):
    spring, autumn = terms
    CycleFactory(term=autumn, code="choir")
    retired = spring_cycles["yoga"].activity
    retired.active = False
    retired.save()
    client.force_login(coordinator)
    response = client.post(reverse("activities:term-carry-over", args=[autumn.pk]), {
        "source": spring.pk, "cycles": [spring_cycles["theatre"].pk, spring_cycles["choir"].pk,
                                        spring_cycles["yoga"].pk]})
    assert response.status_code == 400
    assert response.context["errors"] == [
        "choir: Autumn already has a cycle with this code.",
        f"yoga: the activity {retired.title()} is no longer in the catalogue."]
    assert Cycle.objects.filter(term=autumn).count() == 1
    # What was ticked stays ticked.
    assert {row.cycle.code for row, checked in response.context["rows"] if checked} == {"theatre", "choir", "yoga"}


def test_only_from_an_earlier_term_of_the_same_site(coordinator, terms, spring_cycles, other_site):
    spring, autumn = terms
    with pytest.raises(Exception) as backwards:
        carry_over.carry_over(autumn, spring, [spring_cycles["theatre"].pk], by=coordinator)
    assert list(backwards.value.message_dict) == ["source"]
    elsewhere = TermFactory(site=other_site, first_date=dt.date(2026, 9, 7))
    with pytest.raises(Exception) as other:
        carry_over.carry_over(elsewhere, autumn, [spring_cycles["theatre"].pk], by=coordinator)
    assert list(other.value.message_dict) == ["source"]
    with pytest.raises(Exception) as none:
        carry_over.carry_over(spring, autumn, [], by=coordinator)
    assert none.value.message_dict == {"cycles": ["Tick at least one cycle to prepare again."]}


def test_the_api_and_who_may(client, coordinator, screener, terms, spring_cycles, other_site):
    spring, autumn = terms
    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/terms/{autumn.pk}/carry-over/"
    created = api.post(url, {"source": spring.pk, "cycles": [spring_cycles["theatre"].pk]}, format="json")
    assert created.status_code == 201 and [c["code"] for c in created.data] == ["theatre"]
    again = api.post(url, {"source": spring.pk, "cycles": [spring_cycles["theatre"].pk]}, format="json")
    assert again.status_code == 400 and again.data == {"cycles": ["theatre: Autumn already has a cycle with this code."]}

    api.force_authenticate(screener)
    assert api.post(url, {"source": spring.pk, "cycles": [spring_cycles["choir"].pk]}, format="json").status_code == 403
    client.force_login(screener)
    assert client.get(reverse("activities:term-carry-over", args=[autumn.pk])).status_code == 403
    client.force_login(UserFactory(username="coord-b", role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("activities:term-carry-over", args=[autumn.pk])).status_code == 404
