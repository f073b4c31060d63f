"""Rooms closed on coming dates: recorded by the site's coordinators, refusals named, the sessions
they hit shown at once, taken back until the day."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons.models import RoomClosure
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    RoomFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def room(site):
    room = RoomFactory(site=site, code="R1", name="Classroom 1")
    cycle = CycleFactory(term=TermFactory(site=site), activity=ActivityFactory(title_en="Theatre"), code="theatre")
    for hour in (9, 14):
        start = dt.datetime(2027, 3, 10, hour, tzinfo=BRUSSELS)
        SessionFactory(cycle=cycle, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90))
    return room


def test_a_coordinator_closes_a_room_and_sees_the_sessions_it_hits(client, coordinator, site, room):
    client.force_login(coordinator)
    url = reverse("prisons:room-closures")
    assert url in client.get(reverse("prisons:room-list")).content.decode()
    response = client.post(url, {"site": site.pk, "room": room.pk, "date": "2027-03-10", "start": "13:00",
                                 "end": "17:00", "reason": "Painting works"})
    assert response.status_code == 302
    closure = RoomClosure.objects.get()
    assert (closure.date, closure.start, closure.end, closure.reason) == (
        dt.date(2027, 3, 10), dt.time(13), dt.time(17), "Painting works")
    page = client.get(url)
    ((shown, hit),) = page.context["closures"]
    assert shown == closure and [s.starts_at.astimezone(BRUSSELS).hour for s in hit] == [14]
    assert AuditEntry.objects.filter(object_type="prisons.roomclosure", action="create").exists()

    assert client.post(reverse("prisons:room-reopen", args=[closure.pk])).status_code == 302
    assert not RoomClosure.objects.exists()


@pytest.mark.parametrize("changes, field, message", [
    ({"date": "2027-02-27"}, "date", "A closure can only be recorded from today on."),
    ({"start": "13:00", "end": ""}, "end", "Give both hours for part of a day, or neither for the whole day."),
    ({"start": "13:00", "end": "12:00"}, "end", "The end must be after the start."),
    ({"reason": ""}, "reason", "This field is required."),
    ({"date": "2027-03-12"}, "date", "The room is already closed then."),
])
def test_a_closure_that_cannot_be_recorded_names_the_field(client, coordinator, site, room, changes, field, message):
    RoomClosure.objects.create(room=room, date=dt.date(2027, 3, 12), reason="Inspection")
    client.force_login(coordinator)
    data = {"site": site.pk, "room": room.pk, "date": "2027-03-10", "start": "", "end": "", "reason": "Works",
            **changes}
    response = client.post(reverse("prisons:room-closures"), data)
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert RoomClosure.objects.count() == 1


def test_the_api_and_who_may(coordinator, screener, site, other_site, room, client):
    api = APIClient()
    api.force_authenticate(coordinator)
    created = api.post("/api/v1/room-closures/", {"room": room.pk, "date": "2027-03-10", "reason": "Works"},
                       format="json")
    assert created.status_code == 201 and len(created.data["sessions_hit"]) == 2
    listed = api.get("/api/v1/room-closures/").data
    assert [item["reason"] for item in listed["results"]] == ["Works"]
    api.force_authenticate(screener)
    refused = api.post("/api/v1/room-closures/", {"room": room.pk, "date": "2027-03-11", "reason": "X"},
                       format="json")
    assert refused.status_code == 403
    assert api.delete(f"/api/v1/room-closures/{created.data['id']}/").status_code == 403
    client.force_login(screener)
    assert client.get(reverse("prisons:room-closures")).status_code == 403
    elsewhere = UserFactory(username="coord-b", role=Role.COORDINATOR, sites=[other_site])
    api.force_authenticate(elsewhere)
    assert api.post("/api/v1/room-closures/", {"room": room.pk, "date": "2027-03-11", "reason": "X"},
                    format="json").status_code == 400
    assert api.delete(f"/api/v1/room-closures/{created.data['id']}/").status_code == 404
