"""The prison staff list kept by the coordinators: an officer moved to another wing sees that wing's
people from the moment the change is saved; refusals name the field; officers read the list."""
import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import StaffMember
from tests.factories import (
    DetaineeFactory,
    StaffMemberFactory,
    UnitFactory,
    UserFactory,
    units_with_officer,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def prison(site):
    return units_with_officer(site)


def test_a_coordinator_moves_an_officer_to_another_unit_and_adds_a_colleague(client, coordinator, site, prison):
    officer_login, a1, a2 = prison["officer"], prison["a1"], prison["a2"]
    b1 = UnitFactory(building=prison["building"], code="B1")
    member = officer_login.staff_member
    in_b1 = reverse("prisons:detainee-detail", args=[DetaineeFactory(unit=b1).pk])
    in_a1 = reverse("prisons:detainee-detail", args=[DetaineeFactory(unit=a1).pk])
    client.force_login(officer_login)
    assert (client.get(in_b1).status_code, client.get(in_a1).status_code) == (404, 200)

    client.force_login(coordinator)
    url = reverse("prisons:staff-list") + f"?site={site.pk}"
    assert url in client.get(reverse("prisons:unit-list")).content.decode()
    page = client.get(url)
    assert list(page.context["members"]) == [member]
    response = client.post(reverse("prisons:staff-edit", args=[member.pk]), {
        "first_name": member.first_name, "last_name": member.last_name, "function": "officer",
        "units": [b1.pk], "email": "officer@prison.example"})
    assert response.status_code == 302
    assert list(member.units.all()) == [b1]
    member.refresh_from_db()  # the box left unticked: no e-mail about cancellations, said on the list
    assert not member.email_cancellations and "(no change e-mails)" in client.get(url).content.decode()

    client.force_login(officer_login)  # the change holds at once for whom the officer sees
    assert (client.get(in_b1).status_code, client.get(in_a1).status_code) == (200, 404)

    client.force_login(coordinator)
    added = client.post(reverse("prisons:staff-new") + f"?site={site.pk}", {
        "first_name": "Nadia", "last_name": "Benali", "function": "support_worker", "units": [a1.pk, a2.pk],
        "email": ""})
    assert added.status_code == 302
    nadia = StaffMember.objects.get(last_name="Benali")
    assert (nadia.site, set(nadia.units.all()), nadia.user) == (site, {a1, a2}, None)
    units_page = client.get(reverse("prisons:unit-list")).content.decode()
    assert "Nadia Benali" in units_page and "Detention support worker" in units_page
    assert AuditEntry.objects.filter(object_type="prisons.staffmember", action="create").count() == 1

    assert client.post(reverse("prisons:staff-remove", args=[member.pk])).status_code == 302
    assert not StaffMember.objects.filter(pk=member.pk).exists()
    officer_login.refresh_from_db()
    assert not officer_login.is_active  # their login is closed with them
    client.force_login(officer_login)
    assert client.get(in_b1).status_code == 302  # to the sign-in page


@pytest.mark.parametrize("changes, field, message", [
    ({"first_name": "  "}, "first_name", "Give the first name."),
    ({"function": "warden"}, "function", "Select a valid choice. warden is not one of the available choices."),
    ({"email": "not-an-address"}, "email", "Enter a valid email address."),
])
def test_a_staff_member_who_cannot_be_saved_names_the_field(client, coordinator, site, prison, changes, field,
                                                           message):
    client.force_login(coordinator)
    data = {"first_name": "Nadia", "last_name": "Benali", "function": "support_worker", "units": [], "email": "",
            **changes}
    response = client.post(reverse("prisons:staff-new") + f"?site={site.pk}", data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["last_name"].value() == "Benali"
    assert not StaffMember.objects.filter(last_name="Benali").exists()


def test_who_may_read_and_change_the_list_and_the_api(client, coordinator, screener, site, other_site, prison):
    officer = prison["officer"]
    elsewhere_unit = UnitFactory(site=other_site, code="SG1")
    StaffMemberFactory(site=other_site, last_name="Farther", units=[elsewhere_unit])
    client.force_login(officer)
    page = client.get(reverse("prisons:staff-list"))
    assert page.status_code == 200 and not page.context["may_change"]
    assert [m.last_name for m in page.context["members"]] == [officer.staff_member.last_name]
    assert client.get(reverse("prisons:staff-new") + f"?site={site.pk}").status_code == 403
    assert client.post(reverse("prisons:staff-remove", args=[officer.staff_member.pk])).status_code == 403
    client.force_login(UserFactory(username="vol", role=Role.FACILITATOR, sites=[site]))
    assert client.get(reverse("prisons:staff-list")).status_code == 403

    api = APIClient()
    api.force_authenticate(coordinator)
    created = api.post("/api/v1/staff-members/", {"site": site.pk, "first_name": "Jan", "last_name": "Peeters",
                                                  "function": "officer", "units": [prison["a2"].pk]}, format="json")
    assert created.status_code == 201 and created.data["units"] == [prison["a2"].pk]
    foreign = api.patch(f"/api/v1/staff-members/{created.data['id']}/", {
        "first_name": "Jan", "last_name": "Peeters", "function": "officer", "units": [elsewhere_unit.pk]},
        format="json")
    assert foreign.status_code == 400 and foreign.data == {"units": [f"No such unit: {elsewhere_unit.pk}."]}
    assert api.delete(f"/api/v1/staff-members/{created.data['id']}/").status_code == 204
    api.force_authenticate(screener)
    assert api.post("/api/v1/staff-members/", {"site": site.pk, "first_name": "X", "last_name": "Y",
                                               "function": "officer"}, format="json").status_code == 403
    api.force_authenticate(UserFactory(username="coord-sg", role=Role.COORDINATOR, sites=[other_site]))
    assert api.post("/api/v1/staff-members/", {"site": site.pk, "first_name": "X", "last_name": "Y",
                                               "function": "officer"}, format="json").status_code == 400


def test_the_list_says_who_gets_no_change_e_mails(client, coordinator, site, prison):
    a1 = prison["a1"]
    StaffMemberFactory(site=site, units=[a1], first_name="Nomail")  # no address
    StaffMemberFactory(site=site, units=[a1], first_name="Unticked", email="u@prison.example",
                       email_cancellations=False)
    StaffMemberFactory(site=site, units=[a1], first_name="Told", email="t@prison.example")
    StaffMemberFactory(site=site, first_name="Director", function="management")  # no unit: nothing to tell
    client.force_login(coordinator)
    page = client.get(reverse("prisons:staff-list") + f"?site={site.pk}")
    assert {m.first_name for m in page.context["not_told"]} >= {"Nomail", "Unticked"}
    assert not {"Told", "Director"} & {m.first_name for m in page.context["not_told"]}
    count = len(page.context["not_told"])
    assert f"{count} staff members of units or the gate get no change e-mails" in page.content.decode()
