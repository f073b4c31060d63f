"""Someone else leads one dated session: offered only those free then, named from the session
page or the API, read by the gate list and the facilitator's hours."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import AvailabilityException, SessionStatus
from activities.volunteer_hours import hours_of
from scheduling import replacements
from scheduling.lists import gate_rows
from tests.factories import CycleFactory, FacilitatorFactory, SessionFactory, TermFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 3, 10)


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 1, 8, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def world(site, other_site):
    usual = FacilitatorFactory(sites=[site], first_name="Usual", last_name="One")
    free = FacilitatorFactory(sites=[site], first_name="Free", last_name="Two")
    away = FacilitatorFactory(sites=[site], first_name="Away", last_name="Three")
    busy = FacilitatorFactory(sites=[site], first_name="Busy", last_name="Four")
    elsewhere = FacilitatorFactory(sites=[other_site], first_name="Far", last_name="Five")
    term = TermFactory(site=site)
    start = dt.datetime.combine(DAY, dt.time(14), tzinfo=BRUSSELS)
    session = SessionFactory(cycle=CycleFactory(term=term, facilitators=[usual]), starts_at=start,
                             ends_at=start + dt.timedelta(minutes=90))
    SessionFactory(cycle=CycleFactory(term=term, facilitators=[busy]), starts_at=start + dt.timedelta(minutes=30),
                   ends_at=start + dt.timedelta(minutes=120))
    AvailabilityException.objects.create(facilitator=away, date=DAY, available=False)
    AvailabilityException.objects.create(facilitator=usual, date=DAY, available=False, note="Exam")
    return {"session": session, "usual": usual, "free": free, "away": away, "busy": busy, "elsewhere": elsewhere}


def test_only_those_free_then_are_offered_and_the_replacement_counts_everywhere(client, coordinator, world):
    session = world["session"]
    assert replacements.candidates(session) == [world["free"]]
    client.force_login(coordinator)
    url = reverse("planning:session", args=[session.pk])
    page = client.get(url)
    assert [f.pk for f in page.context["replacement_choices"]] == [world["free"].pk]

    response = client.post(url, {"replace": "1", "facilitators": [world["free"].pk]})
    assert response.status_code == 302
    assert list(session.facilitators.all()) == [world["free"]]
    assert "(replacement for this date)" in client.get(url).content.decode()
    gate = {row.facilitator for row in gate_rows(coordinator, session.cycle.term.site, DAY)}
    assert world["free"] in gate and world["usual"] not in gate
    with time_machine.travel(dt.datetime(2027, 3, 11, 8, tzinfo=dt.UTC), tick=False):
        assert len(hours_of(world["free"], 2027).sessions) == 1 and not hours_of(world["usual"], 2027).sessions

    from scheduling.calendars import sessions_of_target  # their calendars and feeds follow

    assert sessions_of_target(coordinator, "facilitator", world["free"]).filter(pk=session.pk).exists()
    assert not sessions_of_target(coordinator, "facilitator", world["usual"]).filter(pk=session.pk).exists()

    client.post(url, {"replace": "1"})  # none ticked: the cycle's facilitator again
    assert not session.facilitators.exists()
    assert sessions_of_target(coordinator, "facilitator", world["usual"]).filter(pk=session.pk).exists()


def test_someone_away_busy_or_elsewhere_is_refused_by_name_and_the_api(coordinator, screener, world):
    session = world["session"]
    with pytest.raises(Exception) as refused:
        replacements.replace(session, [world["away"], world["busy"], world["elsewhere"]], by=coordinator)
    assert refused.value.message_dict == {"facilitators": [
        "Not free then, away, not available by their weekly availability, or not at this site: Away Three, Busy Four, "
        "Far Five."]}
    assert not session.facilitators.exists()

    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/sessions/{session.pk}/replacement/"
    done = api.post(url, {"facilitators": [world["free"].pk]}, format="json")
    assert done.status_code == 200 and done.data["facilitators"] == [world["free"].pk]
    assert api.post(url, {"facilitators": [999999]}, format="json").status_code == 400
    api.force_authenticate(screener)
    assert api.post(url, {"facilitators": []}, format="json").status_code == 403
    session.status = SessionStatus.CANCELLED
    session.save()
    with pytest.raises(Exception) as cancelled:
        replacements.replace(session, [world["free"]], by=coordinator)
    assert cancelled.value.message_dict == {"facilitators": ["Only a coming scheduled session can get a replacement."]}


def test_the_weekly_availability_and_the_organisation_decide_who_is_offered_first(world, site):
    from activities.models import Availability

    session = world["session"]  # Wednesday 10 March 2027, 14:00-15:30
    world["usual"].partner.save()
    colleague = FacilitatorFactory(sites=[site], first_name="Colleague", last_name="Zed",
                                   partner=world["usual"].partner)
    mornings = FacilitatorFactory(sites=[site], first_name="Mornings", last_name="Only")
    Availability.objects.create(facilitator=mornings, weekday=2, start=dt.time(8), end=dt.time(12))
    keen = FacilitatorFactory(sites=[site], first_name="Keen", last_name="Six")
    Availability.objects.create(facilitator=keen, weekday=2, start=dt.time(13), end=dt.time(17), preferred=True)
    offered = replacements.candidates(session)
    assert offered == [colleague, keen, world["free"]]  # the same organisation, then a time they prefer
    assert mornings not in offered  # free by their weekly availability only in the morning
    AvailabilityException.objects.create(facilitator=mornings, date=DAY, available=True)
    assert mornings in replacements.candidates(session)  # exceptionally available that day
