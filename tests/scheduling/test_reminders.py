"""The day-before reminder to facilitators who asked for it (Django's locmem outbox holds what was sent):
tomorrow's sessions with the room, units and approved material, a warning when the badge lapses, once."""
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command

from activities.models import CycleMaterial, MaterialStatus, Session
from scheduling import services
from scheduling.calendars import BRUSSELS
from scheduling.models import SessionReminder

from .small_prison import english  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2027, 3, 23)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(dt.datetime(2027, 3, 22, 15, 0, tzinfo=dt.UTC), tick=False):  # Monday afternoon
        yield


@pytest.fixture
def prison(published_prison):
    prison = published_prison
    prison.ana.email_reminders = True
    prison.ana.authorisation_valid_until = dt.date(2027, 6, 30)
    prison.ana.save()
    CycleMaterial.objects.create(cycle=prison.french, item="Dictionaries", quantity=8, status=MaterialStatus.APPROVED)
    CycleMaterial.objects.create(cycle=prison.french, item="Scissors", status=MaterialStatus.REQUESTED)
    return prison


def test_a_facilitator_who_asked_is_reminded_of_tomorrow_once(prison, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        call_command("send_reminders", stdout=io.StringIO())
    (message,) = mail.outbox  # Bert (sport) did not ask for reminders
    assert message.to == ["ana@partner.example"] and message.subject == "Relais: your session tomorrow"
    assert "tomorrow, Tuesday 23 March 2027" in message.body
    assert "08:30–10:00 · French · Classroom, Building 1 · A1" in message.body
    assert "Material the direction approved: 8 × Dictionaries" in message.body and "Scissors" not in message.body
    assert "WARNING" not in message.body  # her badge runs to June
    assert "untick them in Relais (http://127.0.0.1:8000/calendar/emails/)" in message.body
    assert "print tomorrow's registers: http://127.0.0.1:8000/attendance/sheets/?date=2027-03-23" in message.body
    assert SessionReminder.objects.filter(facilitator=prison.ana).count() == 1
    mail.outbox.clear()
    call_command("send_reminders", stdout=io.StringIO())
    assert not mail.outbox  # once


def test_a_lapsed_badge_is_flagged_and_a_cancelled_session_is_left_out(prison, coordinator):
    prison.ana.authorisation_valid_until = dt.date(2027, 3, 22)  # ends today
    prison.ana.save()
    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=TUESDAY, last_date=TUESDAY,
                             reason="strike", by=coordinator)  # sport goes on with A1 only
    prison.bert.email_reminders = True
    prison.bert.save()
    call_command("send_reminders", stdout=io.StringIO())
    to = {message.to[0]: message for message in mail.outbox}
    assert "WARNING: your access authorisation does not cover this day" in to["ana@partner.example"].body
    assert "10:15–11:45 · Sport · Sports hall · A1\n" in to["bert@partner.example"].body  # A2 no longer goes

    french = next(s for s in Session.objects.filter(cycle=prison.french)
                  if s.starts_at.astimezone(BRUSSELS).date() == TUESDAY + dt.timedelta(days=7))
    with time_machine.travel(dt.datetime(2027, 3, 29, 15, 0, tzinfo=dt.UTC), tick=False):
        services.cancel_session(french, reason="technical", reason_text="Heating", by=coordinator)
        mail.outbox.clear()
        call_command("send_reminders", stdout=io.StringIO())
        assert [m.to[0] for m in mail.outbox] == ["bert@partner.example"]  # Ana's only session is cancelled


def test_a_facilitator_chooses_their_own_e_mails(client, prison, coordinator):
    from core.models import AuditEntry, Role
    from tests.factories import UserFactory

    ana = prison.ana
    ana.user = UserFactory(username="ana", role=Role.FACILITATOR, sites=[prison.site])
    ana.save()
    client.force_login(ana.user)
    assert "/calendar/emails/" in client.get("/calendar/").content.decode()
    page = client.get("/calendar/emails/").content.decode()
    assert "ana@partner.example" in page and 'name="reminders" value="1" checked' in page
    client.post("/calendar/emails/", {"changes": "1"})  # keeps the changes, stops the reminders
    ana.refresh_from_db()
    assert ana.email_changes and not ana.email_reminders
    assert AuditEntry.objects.filter(user=ana.user, object_type="activities.facilitator").exists()
    call_command("send_reminders", stdout=io.StringIO())
    assert not mail.outbox  # she unticked them
    client.force_login(coordinator)
    assert client.get("/calendar/emails/").status_code == 404  # a coordinator has no facilitator calendar
