"""Facilitators declare the dates they will be away; they see the sessions it hits, the coordinators
see it on their home page and on the dated sessions' checks."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from activities import absences
from activities.models import AvailabilityException
from core.models import Role
from scheduling.checks import sessions_hit_by_exceptions
from tests.factories import (
    CycleFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = dt.date(2026, 12, 7)
AWAY = dt.date(2026, 12, 16)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def session(site, facilitator_user):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator],
                         activity__title_en="Drawing workshop")
    start = dt.datetime.combine(AWAY, dt.time(13, 30), tzinfo=BRUSSELS)
    return SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=90))


def test_a_facilitator_declares_an_absence_and_sees_the_session_it_hits(client, site, facilitator_user, coordinator,
                                                                         session):
    client.force_login(facilitator_user)
    response = client.post(reverse("calendars:my-absences"), {"date": AWAY.isoformat(), "note": "Exam"}, follow=True)
    page = response.content.decode()
    assert "It hits 1 of your sessions" in page
    assert "Wednesday 16 December 2026" in page and "13:30 Drawing workshop" in page
    absence = AvailabilityException.objects.get()
    assert (absence.available, absence.recorded_by, absence.note) == (False, facilitator_user, "Exam")

    findings = sessions_hit_by_exceptions(site, TODAY)
    assert [f.code for f in findings] == ["facilitator_away"] and findings[0].rows == [session.pk]
    client.force_login(coordinator)
    assert "<strong>1</strong> absence declared by a facilitator in the last 7 days" in client.get(
        reverse("home")).content.decode()


def test_hours_limit_what_an_absence_hits(facilitator_user, session):
    morning = absences.declare_absence(facilitator_user.facilitator, date=AWAY, start=dt.time(8), end=dt.time(12),
                                       by=facilitator_user)
    afternoon = absences.declare_absence(facilitator_user.facilitator, date=AWAY, start=dt.time(14), end=dt.time(16),
                                         by=facilitator_user)
    hits = absences.sessions_hit(facilitator_user.facilitator, [morning, afternoon])
    assert hits == {morning.pk: [], afternoon.pk: [session]}


def test_bad_dates_and_hours_are_refused_naming_the_field_and_keeping_the_note(client, facilitator_user):
    client.force_login(facilitator_user)
    url = reverse("calendars:my-absences")
    past = client.post(url, {"date": "2026-12-01", "note": "Holiday in Ghent"})
    assert past.status_code == 400
    assert "An absence can only be declared from today on." in past.content.decode()
    assert 'value="Holiday in Ghent"' in past.content.decode()
    one_hour = client.post(url, {"date": AWAY.isoformat(), "start": "09:00"})
    assert "Give both hours for part of a day, or neither for the whole day." in one_hour.content.decode()
    client.post(url, {"date": AWAY.isoformat()})
    twice = client.post(url, {"date": AWAY.isoformat(), "start": "10:00", "end": "11:00"})
    assert "An absence is already recorded then." in twice.content.decode()
    assert AvailabilityException.objects.count() == 1


def test_a_facilitator_takes_back_only_their_own_absence(client, site, facilitator_user):
    own = absences.declare_absence(facilitator_user.facilitator, date=AWAY, by=facilitator_user)
    other = FacilitatorFactory(sites=[site])
    theirs = AvailabilityException.objects.create(facilitator=other, date=AWAY)
    client.force_login(facilitator_user)
    assert client.post(reverse("calendars:my-absences"), {"withdraw": theirs.pk}).status_code == 404
    client.post(reverse("calendars:my-absences"), {"withdraw": own.pk})
    assert list(AvailabilityException.objects.all()) == [theirs]


def test_api_declares_lists_and_takes_back(client, site, facilitator_user, coordinator, session):
    client.force_login(facilitator_user)
    created = client.post("/api/v1/absences/", {"date": AWAY.isoformat()}, content_type="application/json")
    assert created.status_code == 201 and created.json()["sessions_hit"] == [str(session.uuid)]
    other = FacilitatorFactory(sites=[site])
    refused = client.post("/api/v1/absences/", {"facilitator": other.pk, "date": AWAY.isoformat()},
                          content_type="application/json")
    assert refused.status_code == 400 and "facilitator" in refused.json()

    client.force_login(coordinator)
    rows = client.get("/api/v1/absences/").json()["results"]
    assert [(row["facilitator"], row["sessions_hit"]) for row in rows] == [
        (facilitator_user.facilitator.pk, [str(session.uuid)])]
    for_other = client.post("/api/v1/absences/", {"facilitator": other.pk, "date": AWAY.isoformat()},
                            content_type="application/json")
    assert for_other.status_code == 201

    client.force_login(facilitator_user)
    assert client.delete(f"/api/v1/absences/{created.json()['id']}/").status_code == 204
    assert client.delete(f"/api/v1/absences/{for_other.json()['id']}/").status_code == 404
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    assert client.get("/api/v1/absences/").status_code == 403


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_the_sites_coordinators_are_e_mailed_when_a_facilitator_declares_an_absence_that_hits_sessions(
        client, site, other_site, facilitator_user, coordinator, session, settings, django_capture_on_commit_callbacks):
    from django.core import mail

    settings.TASKS = IMMEDIATE
    coordinator.email, coordinator.first_name, coordinator.language = "coord@prison.example", "Camille", "en"
    coordinator.save()
    UserFactory(role=Role.COORDINATOR, sites=[other_site], email="elsewhere@prison.example")
    client.force_login(facilitator_user)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("calendars:my-absences"), {"date": AWAY.isoformat(), "note": "Exam"})
    assert [message.to for message in mail.outbox] == [["coord@prison.example"]]
    body = mail.outbox[0].body
    assert "Hello Camille," in body and "will be away on Wednesday 16 December 2026, all day. (Exam)" in body
    assert "13:30–15:00 · Drawing workshop" in body
    assert f"/planning/terms/{session.cycle.term_id}/sessions/" in body

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):  # a day without sessions: nothing to tell
        client.post(reverse("calendars:my-absences"), {"date": (AWAY + dt.timedelta(days=1)).isoformat()})
    client.force_login(coordinator)  # recorded by a coordinator: they know already
    with django_capture_on_commit_callbacks(execute=True):
        absences.declare_absence(facilitator_user.facilitator, date=AWAY + dt.timedelta(days=7), by=coordinator)
    assert mail.outbox == []


def test_my_calendar_marks_the_days_i_said_i_would_be_away(client, facilitator_user, session):
    absences.declare_absence(facilitator_user.facilitator, date=AWAY, start=dt.time(13), end=dt.time(17),
                             by=facilitator_user)
    client.force_login(facilitator_user)
    page = client.get(reverse("calendars:my-calendar"), {"date": AWAY.isoformat()}).content.decode()
    assert "away 13:00–17:00" in page
    other_week = client.get(reverse("calendars:my-calendar"), {"date": "2026-12-28"}).content.decode()
    assert "away 13:00" not in other_week
