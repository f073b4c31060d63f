"""Partners' cooperation agreements and volunteers' insurance: their state, the partners to chase,
the partner page, the home count and the API."""
import datetime as dt

import pytest
from django.urls import reverse

from activities import partner_documents
from activities.models import PartnerDocument
from tests.factories import FacilitatorFactory, PartnerFactory

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)


def document(partner, kind, valid_until, valid_from=dt.date(2026, 1, 1), **fields):
    return PartnerDocument.objects.create(partner=partner, kind=kind, reference=f"{kind}-ref", valid_from=valid_from,
                                          valid_until=valid_until, **fields)


def test_each_kind_shows_the_document_in_force_that_lasts_longest():
    partner = PartnerFactory()
    document(partner, "agreement", dt.date(2026, 12, 31))
    document(partner, "agreement", dt.date(2028, 12, 31))
    document(partner, "insurance", dt.date(2026, 11, 30))
    status = {s.kind: (s.state, s.document.valid_until if s.document else None)
              for s in partner_documents.status_by_kind(list(partner.documents.all()), TODAY)}
    assert status == {"agreement": ("valid", dt.date(2028, 12, 31)), "insurance": ("expired", dt.date(2026, 11, 30))}
    assert partner_documents.state_of(document(partner, "insurance", None, valid_from=dt.date(2027, 1, 1)),
                                      TODAY) == "future"
    assert partner_documents.state_of(document(partner, "insurance", dt.date(2027, 1, 20)), TODAY) == "expiring"


def test_partners_whose_people_come_in_without_both_documents_lasting_are_to_chase(site):
    covered, missing, ending, nobody, inactive_only = (PartnerFactory(name=n) for n in (
        "Covered", "Missing", "Ending", "Nobody", "Inactive only"))
    for partner in (covered, missing, ending):
        FacilitatorFactory(partner=partner, sites=[site])
    FacilitatorFactory(partner=inactive_only, sites=[site], active=False)
    FacilitatorFactory(partner=nobody, sites=[site], kind="staff")
    for partner in (covered, ending):
        document(partner, "agreement", None)
    document(covered, "insurance", dt.date(2027, 12, 31))
    document(ending, "insurance", TODAY + dt.timedelta(days=30))
    assert [p.name for p in partner_documents.partners_to_chase(TODAY)] == ["Ending", "Missing"]


def test_coordinator_records_and_removes_a_document_from_the_partner_page(client, site, coordinator):
    partner = PartnerFactory(name="Théâtre du Fil")
    FacilitatorFactory(partner=partner, sites=[site])
    client.force_login(coordinator)
    url = reverse("activities:partner-detail", args=[partner.pk])
    assert "none recorded" in client.get(url).content.decode()
    refused = client.post(url, {"kind": "insurance", "reference": "Ethias 45.123", "valid_from": "2026-12-01",
                                "valid_until": "2026-11-01"})
    assert refused.status_code == 400
    assert "The end must be after the start." in refused.content.decode()
    assert 'value="Ethias 45.123"' in refused.content.decode()
    client.post(url, {"kind": "insurance", "reference": "Ethias 45.123", "valid_from": "2026-12-01",
                      "valid_until": "2027-11-30", "site": site.pk})
    saved = PartnerDocument.objects.get()
    assert (saved.site, saved.recorded_by, saved.reference) == (site, coordinator, "Ethias 45.123")
    page = client.get(url).content.decode()
    assert 'badge ok">valid</span> · Ethias 45.123' in page
    client.post(reverse("activities:partner-document-remove", args=[saved.pk]))
    assert not PartnerDocument.objects.exists()


def test_only_planners_see_and_record_documents(client, site, screener, staff_user):
    partner = PartnerFactory()
    client.force_login(screener)
    url = reverse("activities:partner-detail", args=[partner.pk])
    assert "Agreement and insurance" not in client.get(url).content.decode()
    client.force_login(staff_user)
    assert client.post(url, {"kind": "agreement", "reference": "X", "valid_from": "2026-01-01"}).status_code == 403
    assert not PartnerDocument.objects.exists()


def test_home_counts_partners_to_chase_and_the_list_filters_them(client, site, coordinator):
    to_chase = PartnerFactory(name="Needs papers")
    FacilitatorFactory(partner=to_chase, sites=[site])
    PartnerFactory(name="No one comes in")
    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert '?to_chase=true"><strong>1</strong> partner whose agreement or insurance is to chase</a>' in home
    listed = client.get(reverse("activities:partner-list"), {"to_chase": "true"}).content.decode()
    assert "Needs papers" in listed and "No one comes in" not in listed


def test_api_records_lists_and_names_partners_to_chase(client, site, other_site, coordinator):
    partner = PartnerFactory(name="Taalhuis")
    FacilitatorFactory(partner=partner, sites=[site])
    client.force_login(coordinator)
    assert [row["name"] for row in client.get("/api/v1/partner-documents/to-chase/").json()] == ["Taalhuis"]
    elsewhere = client.post("/api/v1/partner-documents/", {
        "partner": partner.pk, "kind": "agreement", "reference": "CONV-1", "valid_from": "2026-01-01",
        "site": other_site.pk}, content_type="application/json")
    assert elsewhere.status_code == 400 and "site" in elsewhere.json()
    for kind in ("agreement", "insurance"):
        created = client.post("/api/v1/partner-documents/", {
            "partner": partner.pk, "kind": kind, "reference": f"{kind}-1", "valid_from": "2026-01-01"},
            content_type="application/json")
        assert created.status_code == 201 and created.json()["state"] == "valid"
    assert client.get("/api/v1/partner-documents/to-chase/").json() == []
    assert len(client.get("/api/v1/partner-documents/", {"partner": partner.pk}).json()["results"]) == 2
