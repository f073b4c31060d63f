"""A room's weekly times used by others (the prison school, worship): kept by the site's coordinators,
read by the planner, the draft's checks and the free slots, and the coming sessions already planned then
listed to move or cancel."""
import datetime as dt

import pytest
import time_machine
from rest_framework.test import APIClient

from core.models import Role
from prisons.models import RoomUse
from scheduling import services
from scheduling.problem_builder import build_problem
from tests.factories import UserFactory

from .small_prison import session_on

pytestmark = pytest.mark.django_db
FRIDAY = dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC)
TUESDAY = dt.date(2027, 3, 23)


def _rows(*rows):
    data = {"uses-TOTAL_FORMS": str(len(rows)), "uses-INITIAL_FORMS": "0"}
    for number, (weekday, start, end, label) in enumerate(rows):
        data |= {f"uses-{number}-weekday": weekday, f"uses-{number}-start": start, f"uses-{number}-end": end,
                 f"uses-{number}-label": label}
    return data


def test_the_prison_school_on_tuesday_mornings_keeps_the_planner_out(client, published_prison, coordinator):
    prison = published_prison
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(coordinator)
        response = client.post(f"/prisons/rooms/{prison.classroom.pk}/uses/",
                               _rows(("1", "08:00", "12:00", "Prison school")), follow=True)
        html = response.content.decode()
        # the French sessions of the coming Tuesdays are in the classroom then: listed to move or cancel
        assert "coming sessions no longer fit the regime" in html
        assert "Classroom is used by others 08:00–12:00 (Prison school)" in html
        rooms = client.get(f"/prisons/rooms/?site={prison.site.pk}").content.decode()
        assert "Tuesday 08:00–12:00 (Prison school)" in rooms

        built = build_problem(prison.term)
        classroom = next(room for room in built.problem["rooms"] if room["id"] == "class")
        assert classroom["unavailable"] == ["tue-0", "tue-1"]  # 08:30–10:00 and 10:15–11:45, not 13:30
        findings = services.check_draft(prison.term, built)
        assert any(f.code == "room_closed" and "Classroom" in str(f.message) for f in findings)

        slots = services.free_slots(session_on(prison.french, TUESDAY))
        assert {(slot.period.index, slot.room.code) for slot in slots} == {(3, "class")}  # the afternoon only


def test_refusals_name_the_row_and_keep_what_was_there(client, published_prison, coordinator):
    prison = published_prison
    RoomUse.objects.create(room=prison.classroom, weekday=4, start=dt.time(9), end=dt.time(11), label="Worship")
    client.force_login(coordinator)
    response = client.post(f"/prisons/rooms/{prison.classroom.pk}/uses/", _rows(
        ("0", "08:00", "12:00", "Prison school"), ("0", "11:00", "13:00", "Gym staff"),
        ("2", "14:00", "13:00", "Visits")))
    html = response.content.decode()
    assert response.status_code == 400
    assert "row 2 overlaps row 1 on the same day: make them one." in html
    assert "row 3: the time ends before it starts." in html
    blank = client.post(f"/prisons/rooms/{prison.classroom.pk}/uses/", _rows(("3", "09:00", "10:00", " ")))
    assert blank.status_code == 400 and "Row 1, Used by:" in blank.content.decode()
    assert list(RoomUse.objects.values_list("label", flat=True)) == ["Worship"]


def test_the_api_sets_and_shows_them(published_prison, coordinator, screener):
    prison = published_prison
    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/rooms/{prison.classroom.pk}/weekly-uses/"
    wrong = api.put(url, {"weekly_uses": [{"weekday": 1, "start": "08:00", "end": "12:00", "label": "School"},
                                          {"weekday": 1, "start": "11:00", "end": "12:30", "label": "Gym"}]},
                    format="json")
    assert wrong.status_code == 400 and "weekly_uses[1] overlaps weekly_uses[0]" in str(wrong.data)
    done = api.put(url, {"weekly_uses": [{"weekday": 4, "start": "13:30", "end": "15:00", "label": "Worship"}]},
                   format="json")
    assert done.status_code == 200
    room = api.get(f"/api/v1/rooms/{prison.classroom.pk}/").data
    assert room["weekly_uses"] == [{"weekday": 4, "start": "13:30:00", "end": "15:00:00", "label": "Worship"}]
    api.force_authenticate(screener)
    assert api.put(url, {"weekly_uses": []}, format="json").status_code == 403
    api.force_authenticate(UserFactory(role=Role.FACILITATOR, sites=[prison.site]))
    assert api.put(url, {"weekly_uses": []}, format="json").status_code in (403, 404)
    assert RoomUse.objects.count() == 1
