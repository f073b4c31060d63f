"""The sessions a facilitator led and the hours they gave in a year: replacements count for the
session they led, cancelled and coming sessions do not, the year is Brussels time."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import SessionStatus
from activities.volunteer_hours import hours_of
from core.models import Role
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 4, 20, 12, tzinfo=dt.UTC), tick=False):
        yield


def local(month, day, hour, minute=0, year=2027):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


@pytest.fixture
def led(site, facilitator_user):
    me = facilitator_user.facilitator
    stand_in = FacilitatorFactory(sites=[site], first_name="Stand", last_name="In")
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[me],
                         activity=ActivityFactory(title_en="Drawing", title_fr="Dessin"))

    def session(start, minutes=120, status=SessionStatus.HELD, by=()):
        made = SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=minutes),
                              status=status)
        made.facilitators.set(by)
        return made

    session(local(12, 31, 23, 30, year=2026), 60)  # 1 January 00:30 is 2027, but this one is 2026 in Brussels
    session(local(1, 1, 0, 30), 60)  # New Year's night: 2027
    session(local(3, 2, 14))
    session(local(3, 30, 14))  # summer time: still two hours
    session(local(3, 16, 14), status=SessionStatus.CANCELLED)
    session(local(3, 23, 14), by=[stand_in])  # replaced: the stand-in's, not mine
    session(local(4, 6, 14), by=[me, stand_in])  # led together: counts for both
    session(local(4, 27, 14), status=SessionStatus.SCHEDULED)  # still to come
    return me, stand_in


def test_the_sessions_and_hours_of_a_year_by_month(led):
    me, stand_in = led
    record = hours_of(me, 2027)
    assert [(s.day, s.starts, s.hours) for s in record.sessions] == [
        (dt.date(2027, 1, 1), dt.time(0, 30), 1.0), (dt.date(2027, 3, 2), dt.time(14), 2.0),
        (dt.date(2027, 3, 30), dt.time(14), 2.0), (dt.date(2027, 4, 6), dt.time(14), 2.0)]
    assert record.months() == [(dt.date(2027, 1, 1), 1, 1.0), (dt.date(2027, 3, 1), 2, 4.0),
                               (dt.date(2027, 4, 1), 1, 2.0)]
    assert (record.hours, record.first, record.last) == (7.0, dt.date(2027, 1, 1), dt.date(2027, 4, 6))
    assert [s.day for s in hours_of(stand_in, 2027).sessions] == [dt.date(2027, 3, 23), dt.date(2027, 4, 6)]
    assert [s.day for s in hours_of(me, 2026).sessions] == [dt.date(2026, 12, 31)]


def test_a_volunteer_reads_and_prints_their_own_hours(client, facilitator_user, led, django_assert_max_num_queries):
    me, stand_in = led
    client.force_login(facilitator_user)
    url = reverse("calendars:facilitator-hours", args=[me.pk])
    assert url in client.get(reverse("calendars:my-calendar")).content.decode()
    client.get(url)
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "led 4 sessions of collective activities for detainees between 1 January 2027 and 6 April 2027, " \
           "7.0 hours in all." in page
    cycle = me.cycles.get()
    for day in range(5):  # more sessions, no more queries
        SessionFactory(cycle=cycle, starts_at=local(2, 1 + day, 9), ends_at=local(2, 1 + day, 10), status="held")
    with django_assert_max_num_queries(10):
        assert client.get(url).context["record"].hours == 12.0
    assert client.get(url, {"year": "2026"}).context["record"].hours == 1.0
    assert client.get(reverse("calendars:facilitator-hours", args=[stand_in.pk])).status_code == 404


def test_coordinators_read_any_of_their_sites_facilitators_and_the_api(client, coordinator, led, other_site):
    me, _stand_in = led
    client.force_login(coordinator)
    url = reverse("calendars:facilitator-hours", args=[me.pk])
    assert url in client.get(reverse("activities:facilitator-detail", args=[me.pk])).content.decode()
    assert client.get(url).context["record"].hours == 7.0
    client.force_login(UserFactory(username="coord-b", role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(url).status_code == 404

    api = APIClient()
    api.force_authenticate(coordinator)
    data = api.get(f"/api/v1/facilitators/{me.pk}/hours/", {"year": 2027}).data
    assert (data["sessions"], data["hours"], data["months"][1]) == (
        4, 7.0, {"month": "2027-03-01", "sessions": 2, "hours": 4.0})
    assert api.get(f"/api/v1/facilitators/{me.pk}/hours/", {"year": "soon"}).status_code == 400
