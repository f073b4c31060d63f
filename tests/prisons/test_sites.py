"""Sites kept in Relais: administrators open them, their coordinators keep the address, the gate's daily
quota and the buildings; refusals name the field and keep what was typed."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import Building, Site
from tests.factories import BuildingFactory, RoomFactory, UnitFactory, UserFactory

pytestmark = pytest.mark.django_db


def _site_form(**changes):
    return {"code": "lantin", "name": "Lantin", "kind": "prison", "address": "Rue de l'Abbaye 50, 4450 Juprelle",
            "daily_outside_quota": "12", **changes}


def test_an_administrator_opens_a_site_and_its_setup_checklist_starts(client, administrator):
    client.force_login(administrator)
    assert reverse("prisons:site-new") in client.get(reverse("prisons:site-list")).content.decode()
    response = client.post(reverse("prisons:site-new"), _site_form())
    site = Site.objects.get(code="lantin")
    assert response.status_code == 302 and response.url == reverse("prisons:site-edit", args=[site.pk])
    assert (site.name, site.address, site.daily_outside_quota) == ("Lantin", "Rue de l'Abbaye 50, 4450 Juprelle", 12)
    assert AuditEntry.objects.filter(object_type="prisons.site", object_id=str(site.pk)).count() == 1
    # The new site appears on the home page's checklist with nothing filled in yet.
    home = client.get(reverse("home")).content.decode()
    assert "Lantin" in home and f"{reverse('prisons:unit-import')}?site={site.pk}" in home


def test_a_coordinator_keeps_the_quota_and_address_but_not_the_code_of_their_site(client, coordinator, site):
    client.force_login(coordinator)
    listing = client.get(reverse("prisons:site-list")).content.decode()
    assert reverse("prisons:site-edit", args=[site.pk]) in listing
    assert reverse("prisons:site-new") not in listing
    page = client.get(reverse("prisons:site-edit", args=[site.pk]))
    assert page.context["form"].fields["code"].disabled
    response = client.post(reverse("prisons:site-edit", args=[site.pk]),
                           _site_form(code="elsewhere", kind="probation", name="Haren prison", daily_outside_quota="8"))
    assert response.status_code == 302
    site.refresh_from_db()
    assert (site.code, site.kind, site.name, site.daily_outside_quota) == ("haren", "prison", "Haren prison", 8)
    # Emptied, the quota means no quota.
    client.post(reverse("prisons:site-edit", args=[site.pk]), _site_form(name="Haren", daily_outside_quota=""))
    site.refresh_from_db()
    assert site.daily_outside_quota is None
    assert client.get(reverse("prisons:site-new")).status_code == 403


@pytest.mark.parametrize("changes, field, message", [
    ({"code": "haren"}, "code", "Another site already has the code haren."),
    ({"code": "Lantin prison"}, "code",
     "A code of at most 20 lower-case letters, digits and hyphens, such as “haren”."),
    ({"name": " "}, "name", "This field is required."),
    ({"daily_outside_quota": "0"}, "daily_outside_quota", "Ensure this value is greater than or equal to 1."),
])
def test_a_site_that_cannot_be_saved_names_the_field(client, administrator, site, changes, field, message):
    client.force_login(administrator)
    response = client.post(reverse("prisons:site-new"), _site_form(**changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["address"].value() == "Rue de l'Abbaye 50, 4450 Juprelle"
    assert Site.objects.count() == 1


def test_a_coordinator_adds_and_renames_buildings_of_their_site_only(client, coordinator, site, other_site):
    client.force_login(coordinator)
    add_url = reverse("prisons:building-new", args=[site.pk])
    assert add_url in client.get(reverse("prisons:site-edit", args=[site.pk])).content.decode()
    assert client.post(add_url, {"building-code": "H2", "building-name": "Building H2"}).status_code == 302
    building = Building.objects.get(site=site, code="H2")
    refused = client.post(add_url, {"building-code": "h2", "building-name": "Another"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["code"] == ["Another building of this site already has the code h2."]
    assert refused.context["form"]["name"].value() == "Another"
    rename_url = reverse("prisons:building-edit", args=[site.pk, building.pk])
    assert client.post(rename_url, {"building-code": "H2", "building-name": "Women's building"}).status_code == 302
    building.refresh_from_db()
    assert building.name == "Women's building"
    # Another site's buildings are not theirs: the site is not even visible to them.
    assert client.post(reverse("prisons:building-new", args=[other_site.pk]),
                       {"building-code": "X", "building-name": "X"}).status_code == 404
    assert not Building.objects.filter(site=other_site).exists()


def test_who_sees_the_sites_page(client, coordinator, screener, site, other_site):
    client.force_login(screener)
    assert client.get(reverse("prisons:site-list")).status_code == 403
    assert client.get(reverse("prisons:site-edit", args=[site.pk])).status_code == 403
    client.force_login(coordinator)
    page = client.get(reverse("prisons:site-list")).content.decode()
    assert "Haren" in page and "Saint-Gilles" not in page
    assert client.get(reverse("prisons:site-edit", args=[other_site.pk])).status_code == 404


def test_the_sites_page_counts_units_and_rooms_in_use_without_a_query_per_site(
        client, administrator, site, other_site, django_assert_max_num_queries):
    for index, place in enumerate((site, other_site)):
        building = BuildingFactory(site=place, code=f"B{index}")
        UnitFactory(building=building, code=f"U{index}a")
        UnitFactory(building=building, code=f"U{index}b")
        RoomFactory(site=place, code=f"R{index}")
        RoomFactory(site=place, code=f"X{index}", active=False)
    client.force_login(administrator)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("prisons:site-list"))
    haren = next(s for s in response.context["sites"] if s.code == "haren")
    assert (haren.unit_count, haren.room_count, [b.code for b in haren.buildings.all()]) == (2, 1, ["B0"])


def test_the_api_opens_and_changes_sites_and_buildings_with_the_same_rules(coordinator, administrator, site):
    api = APIClient()
    api.force_authenticate(administrator)
    created = api.post("/api/v1/sites/", {"code": "lantin", "name": "Lantin", "daily_outside_quota": 10},
                       format="json")
    assert created.status_code == 201 and created.data["kind"] == "prison"
    assert api.post("/api/v1/sites/", {"name": "No code"}, format="json").data == {
        "code": ["Give the site a short code (imports and exports name the site by it)."]}
    api.force_authenticate(coordinator)
    assert api.post("/api/v1/sites/", {"code": "x", "name": "X"}, format="json").status_code == 403
    changed = api.patch(f"/api/v1/sites/{site.pk}/", {"code": "other", "name": "Haren", "daily_outside_quota": 6},
                        format="json")
    assert changed.status_code == 200 and (changed.data["code"], changed.data["daily_outside_quota"]) == ("haren", 6)
    assert api.patch(f"/api/v1/sites/{created.data['id']}/", {"name": "Mine"}, format="json").status_code == 404
    building = api.post("/api/v1/buildings/", {"site": site.pk, "code": "H1", "name": "Building H1"}, format="json")
    assert building.status_code == 201 and building.data["site"] == site.pk
    assert api.post("/api/v1/buildings/", {"site": created.data["id"], "code": "L1", "name": "L1"},
                    format="json").data == {"site": ["No such site among yours."]}
    renamed = api.patch(f"/api/v1/buildings/{building.data['id']}/", {"code": "H1", "name": "Men"}, format="json")
    assert renamed.status_code == 200 and renamed.data["name"] == "Men"
    staff_user = UserFactory(username="officer", role=Role.STAFF, sites=[site])
    api.force_authenticate(staff_user)
    assert api.patch(f"/api/v1/sites/{site.pk}/", {"name": "Mine"}, format="json").status_code == 403
