"""Each role sees exactly what it may on the activity pages; outside one's scope is a 404, never data."""
import pytest
from django.urls import reverse

from tests.factories import (
    CycleFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_facilitator_cannot_open_another_facilitators_cycle(client, facilitator_user, site):
    own = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator], code="own-cycle")
    other = CycleFactory(term=TermFactory(site=site), facilitators=[FacilitatorFactory(sites=[site])],
                         code="other-cycle")
    SessionFactory(cycle=other)
    client.force_login(facilitator_user)
    assert client.get(reverse("activities:cycle-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("activities:cycle-detail", args=[other.pk])).status_code == 404
    listing = client.get(reverse("activities:cycle-list")).content.decode()
    assert "own-cycle" in listing and "other-cycle" not in listing


def test_facilitator_sees_own_page_but_not_colleagues_nor_the_list(client, facilitator_user, site):
    colleague = FacilitatorFactory(sites=[site])
    client.force_login(facilitator_user)
    own = facilitator_user.facilitator
    assert client.get(reverse("activities:facilitator-detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("activities:facilitator-detail", args=[colleague.pk])).status_code == 404
    assert client.get(reverse("activities:facilitator-list")).status_code == 403
    assert client.get(reverse("activities:facilitator-edit", args=[own.pk])).status_code == 403
    assert client.get(reverse("activities:partner-list")).status_code == 403


def test_coordinator_of_another_site_gets_404_for_cycles_facilitators_and_terms(client, coordinator, other_site):
    cycle = CycleFactory(term=TermFactory(site=other_site))
    facilitator = FacilitatorFactory(sites=[other_site])
    client.force_login(coordinator)
    assert client.get(reverse("activities:cycle-detail", args=[cycle.pk])).status_code == 404
    assert client.get(reverse("activities:term-detail", args=[cycle.term_id])).status_code == 404
    assert client.get(reverse("activities:facilitator-detail", args=[facilitator.pk])).status_code == 404
    assert client.get(reverse("activities:facilitator-edit", args=[facilitator.pk])).status_code == 404


def test_staff_see_cycles_open_to_their_units_only(client, staff_user, site, unit):
    mine = CycleFactory(term=TermFactory(site=site), eligible_units=[unit], code="for-my-unit")
    other = CycleFactory(term=TermFactory(site=site), eligible_units=[UnitFactory(building__site=site)],
                         code="for-another-unit")
    client.force_login(staff_user)
    listing = client.get(reverse("activities:cycle-list")).content.decode()
    assert "for-my-unit" in listing and "for-another-unit" not in listing
    assert client.get(reverse("activities:cycle-detail", args=[mine.pk])).status_code == 200
    assert client.get(reverse("activities:cycle-detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("activities:facilitator-list")).status_code == 403


def test_screener_reads_partners_and_cycles_but_not_facilitator_records(client, screener, site):
    cycle = CycleFactory(term=TermFactory(site=site))
    facilitator = FacilitatorFactory(sites=[site])
    client.force_login(screener)
    assert client.get(reverse("activities:partner-list")).status_code == 200
    assert client.get(reverse("activities:cycle-detail", args=[cycle.pk])).status_code == 200
    assert client.get(reverse("activities:facilitator-list")).status_code == 403
    assert client.get(reverse("activities:facilitator-detail", args=[facilitator.pk])).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    for name in ["activities:activity-list", "activities:cycle-list", "prisons:detainee-list"]:
        response = client.get(reverse(name))
        assert response.status_code == 302 and response.url.startswith(reverse("login"))
