"""Session logs: what a session covered, written by its facilitator while the register is open,
read by whoever leads the next session and on the cycle page; never by officers."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from activities.models import SessionLog, SessionStatus
from core.models import Role
from tests.factories import CycleFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 3, 10, 17, 0, tzinfo=dt.UTC)  # a Wednesday evening


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cycle(site, unit, facilitator_user):
    return CycleFactory(term=TermFactory(site=site), code="theatre-1", facilitators=[facilitator_user.facilitator],
                        eligible_units=[unit])


def session_on(cycle, day, status=SessionStatus.SCHEDULED):
    start = dt.datetime.combine(day, dt.time(14), tzinfo=BRUSSELS)
    return SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2), status=status)


def write(client, session, **values):
    return client.post(reverse("activities:session-log", args=[session.pk]), {"done": "", "next_time": "", **values})


def test_the_facilitator_logs_a_session_and_the_next_register_shows_it(client, cycle, facilitator_user, coordinator):
    last_week = session_on(cycle, dt.date(2027, 3, 3))
    today = session_on(cycle, dt.date(2027, 3, 10))
    client.force_login(facilitator_user)
    register = client.get(reverse("attendance:register", args=[last_week.pk])).content.decode()
    assert reverse("activities:session-log", args=[last_week.pk]) in register
    response = write(client, last_week, done="Warm-up, then scene 2 read through.", next_time="Bring the hats.")
    assert response.status_code == 302
    log = SessionLog.objects.get()
    assert (log.session, log.written_by, log.next_time) == (last_week, facilitator_user, "Bring the hats.")

    following = client.get(reverse("attendance:register", args=[today.pk])).content.decode()
    assert "Warm-up, then scene 2 read through." in following and "Bring the hats." in following
    write(client, last_week, done="Warm-up, then scenes 2 and 3.")  # a second save replaces the first
    assert SessionLog.objects.get().done == "Warm-up, then scenes 2 and 3."

    client.force_login(coordinator)
    page = client.get(reverse("activities:cycle-detail", args=[cycle.pk])).content.decode()
    assert "Warm-up, then scenes 2 and 3." in page
    home = client.get(reverse("home")).content.decode()
    assert "<strong>0</strong> past sessions without a session log (last 30 days)" not in home  # today's has none
    assert "<strong>1</strong> past session without a session log (last 30 days)" in home


def test_empty_future_cancelled_and_locked_sessions_are_refused_with_the_text_kept(client, cycle, facilitator_user,
                                                                                  coordinator):
    client.force_login(facilitator_user)
    held = session_on(cycle, dt.date(2027, 3, 3))
    empty = write(client, held, done="  ", next_time="Chairs in a circle")
    assert "done" in empty.context["form"].errors and "Chairs in a circle" in empty.content.decode()
    tomorrow = session_on(cycle, dt.date(2027, 3, 11))
    cancelled = session_on(cycle, dt.date(2027, 3, 9), status=SessionStatus.CANCELLED)
    long_ago = session_on(cycle, dt.date(2027, 2, 1))  # the register is locked for facilitators
    for closed in (tomorrow, cancelled, long_ago):  # outside the register's window, as for attendance
        assert write(client, closed, done="Remembered late").status_code == 403
    client.force_login(coordinator)  # the coordinators complete logs at any time, but not of what did not happen
    assert write(client, tomorrow, done="Planned scene 4").context["form"].errors["done"] == [
        "This session has not started yet."]
    assert "This session was cancelled" in write(client, cancelled, done="x").context["form"].errors["done"][0]
    assert not SessionLog.objects.exists()
    assert write(client, long_ago, done="Filled in from the partner's report").status_code == 302


def test_officers_screeners_and_other_facilitators_do_not_read_or_write_logs(client, site, cycle, staff_user,
                                                                            screener, facilitator_user):
    held = session_on(cycle, dt.date(2027, 3, 3))
    SessionLog.objects.create(session=held, done="Private to the group's leaders", written_by=facilitator_user)
    for user in (staff_user, screener):
        client.force_login(user)
        assert "Private to the group" not in client.get(reverse("activities:cycle-detail", args=[cycle.pk])).content.decode()
        assert client.get("/api/v1/session-logs/").json()["results"] == []
    client.force_login(UserFactory(role=Role.FACILITATOR, sites=[site]))
    assert write(client, held, done="Not mine").status_code == 404


def test_the_api_reads_and_writes_logs(client, cycle, facilitator_user):
    held = session_on(cycle, dt.date(2027, 3, 3))
    client.force_login(facilitator_user)
    made = client.post("/api/v1/session-logs/", {"session": held.pk, "done": "Improvisation games"},
                       content_type="application/json")
    assert made.status_code == 200 and made.json()["written_by"] == facilitator_user.username
    bad = client.post("/api/v1/session-logs/", {"session": held.pk, "done": " "}, content_type="application/json")
    assert bad.status_code == 400 and "done" in bad.json()
    listed = client.get("/api/v1/session-logs/", {"cycle": cycle.pk}).json()["results"]
    assert [(row["session"], row["done"]) for row in listed] == [(held.pk, "Improvisation games")]
