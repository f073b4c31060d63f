"""Rooms kept by the site's coordinators: added, changed (what the planner reads follows), taken out of
use only once no coming session is left in them; refusals name the field with what was typed kept."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import Room
from scheduling.problem_builder import build_problem
from tests.factories import (
    BuildingFactory,
    CycleFactory,
    RoomFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def place(site):
    building = BuildingFactory(site=site, code="H1", name="Building H1")
    return {"building": building, "a1": UnitFactory(building=building, code="A1"),
            "a2": UnitFactory(building=building, code="A2"), "term": TermFactory(site=site)}


def _form(place, **changes):
    return {"code": "CL3", "name": "Classroom 3", "kind": "classroom", "capacity": "8",
            "building": place["building"].pk, "reachable_units": [place["a1"].pk], "accessibility_notes": "",
            "active": "on", **changes}


def test_a_coordinator_adds_a_room_and_the_planner_reads_it(client, coordinator, site, place):
    client.force_login(coordinator)
    listing = client.get(reverse("prisons:room-list")).content.decode()
    new_url = reverse("prisons:room-new") + f"?site={site.pk}"
    assert new_url in listing
    assert client.post(new_url, _form(place)).status_code == 302
    room = Room.objects.get(code="CL3")
    assert (room.site, room.capacity, room.building, list(room.reachable_units.all())) == (
        site, 8, place["building"], [place["a1"]])
    assert {"id": "CL3", "label": "Classroom 3", "kind": "classroom", "capacity": 8, "wings": ["A1"]} in build_problem(
        place["term"]).problem["rooms"]

    edit_url = reverse("prisons:room-edit", args=[room.pk])
    assert edit_url in client.get(reverse("prisons:room-list")).content.decode()
    changed = client.post(edit_url, _form(place, capacity="6", reachable_from_all_units="on", reachable_units=[]))
    assert changed.status_code == 302
    room.refresh_from_db()
    assert room.capacity == 6 and room.reachable_from_all_units and not room.reachable_units.exists()
    assert AuditEntry.objects.filter(object_type="prisons.room", object_id=str(room.pk)).count() == 2


@pytest.mark.parametrize("changes, field, message", [
    ({"code": "R1"}, "code", "Another room of this site already has the code R1."),
    ({"name": " "}, "name", "This field is required."),
    ({"capacity": "0"}, "capacity", "Ensure this value is greater than or equal to 1."),
    ({"reachable_units": []}, "reachable_units",
     "Tick the units that can reach the room, or “reachable from every unit”."),
])
def test_a_room_that_cannot_be_saved_names_the_field(client, coordinator, site, place, changes, field, message):
    RoomFactory(site=site, code="r1")
    client.force_login(coordinator)
    response = client.post(reverse("prisons:room-new") + f"?site={site.pk}", _form(place, **changes))
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert response.context["form"]["name"].value() == changes.get("name", "Classroom 3")
    assert Room.objects.count() == 1


def test_a_room_leaves_use_only_once_its_coming_sessions_are_moved(client, coordinator, site, place):
    room = RoomFactory(site=site, code="WS", name="Workshop", kind="workshop", reachable_from_all_units=True)
    session = SessionFactory(cycle=CycleFactory(term=place["term"]), room=room,
                             starts_at=dt.datetime(2027, 3, 10, 9, tzinfo=dt.UTC),
                             ends_at=dt.datetime(2027, 3, 10, 10, 30, tzinfo=dt.UTC))
    client.force_login(coordinator)
    url = reverse("prisons:room-edit", args=[room.pk])
    data = _form(place, code="WS", name="Workshop", kind="workshop", reachable_from_all_units="on", active="")
    response = client.post(url, data)
    assert response.status_code == 400
    assert response.context["form"].errors["active"] == [
        "1 coming session takes place in this room: move it first, or close the room on its date."]
    session.status = "cancelled"
    session.save()
    assert client.post(url, data).status_code == 302
    room.refresh_from_db()
    assert not room.active
    assert "WS" not in {r["id"] for r in build_problem(place["term"]).problem["rooms"]}


def test_who_may_change_rooms_and_the_api(client, coordinator, screener, site, other_site, place):
    elsewhere = UserFactory(username="coord-sg", role=Role.COORDINATOR, sites=[other_site])
    room = RoomFactory(site=site, code="R1")
    for user, status in ((screener, 403), (elsewhere, 404)):
        client.force_login(user)
        assert client.get(reverse("prisons:room-edit", args=[room.pk])).status_code == status
    api = APIClient()
    api.force_authenticate(coordinator)
    created = api.post("/api/v1/rooms/", {"site": site.pk, "code": "GYM", "name": "Gym", "kind": "gym",
                                          "capacity": 12, "reachable_units": [place["a1"].pk, place["a2"].pk]},
                       format="json")
    assert created.status_code == 201 and sorted(created.data["reachable_units"]) == sorted(
        [place["a1"].pk, place["a2"].pk])
    refused = api.patch(f"/api/v1/rooms/{created.data['id']}/", {"code": "R1", "name": "Gym", "kind": "gym",
                                                                   "capacity": 12, "reachable_from_all_units": True},
                        format="json")
    assert refused.status_code == 400 and refused.data == {"code": ["Another room of this site already has the code R1."]}
    api.force_authenticate(screener)
    assert api.post("/api/v1/rooms/", {"site": site.pk, "code": "X", "name": "X", "kind": "gym", "capacity": 5,
                                       "reachable_from_all_units": True}, format="json").status_code == 403
