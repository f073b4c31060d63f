"""E-mails to facilitators about changes to their coming sessions (Django's locmem outbox holds what
was sent; the refused connection is a real SMTP connection to a closed port)."""
import datetime as dt
import zoneinfo

import pytest
import time_machine
from django.core import mail
from django.test import override_settings

from activities.models import Session
from core.models import Role
from scheduling import notices, services
from scheduling.models import ChangeNotice
from tests.factories import DetaineeFactory, EnrolmentFactory, FacilitatorFactory, UserFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

BRUSSELS = zoneinfo.ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC)  # a Friday; the coming two weeks run to 2 April
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def prison(published_prison):
    return published_prison


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False):
        yield


def _on(cycle, day):
    return next(s for s in Session.objects.filter(cycle=cycle) if s.starts_at.astimezone(BRUSSELS).date() == day)


def test_a_strike_day_is_told_once_to_each_facilitator_in_their_language(prison, coordinator):
    ana_login = UserFactory(username="ana-login", role=Role.FACILITATOR, language="fr")
    prison.ana.user = ana_login
    prison.ana.save()
    EnrolmentFactory(detainee=DetaineeFactory(unit=prison.a1, first_name="Youssef", last_name="Amrani"),
                     cycle=prison.french)
    monday, tuesday = dt.date(2027, 3, 22), dt.date(2027, 3, 23)
    services.cancel_sessions(site=prison.site, first_date=monday, last_date=tuesday, reason="strike", by=coordinator)

    assert notices.send_change_notices() == 2
    to = {message.to[0]: message for message in mail.outbox}
    french = to["ana@partner.example"]
    assert french.subject == "Relais : 2 modifications de vos séances"
    assert "lundi 22 mars 2027" in french.body and "mardi 23 mars 2027" in french.body
    assert "ANNULÉE : Grève" in french.body  # her language, whoever cancelled
    english_one = to["bert@partner.example"]
    assert english_one.subject == "Relais: 1 change to your sessions"
    assert "Tuesday 23 March 2027" in english_one.body and "Sport" in english_one.body
    assert "http://127.0.0.1:8000/calendar/" in english_one.body
    for message in mail.outbox:
        assert "Youssef" not in message.body and "Amrani" not in message.body
    assert ChangeNotice.objects.count() == 3  # a revision of a session, per facilitator

    assert notices.send_change_notices() == 0  # told once
    assert len(mail.outbox) == 2


def test_a_later_change_to_the_same_session_is_told_again(prison, coordinator):
    tuesday = dt.date(2027, 3, 23)
    services.cancel_sessions(site=prison.site, unit=prison.a1, first_date=tuesday, last_date=tuesday,
                             reason="staff_shortage", by=coordinator)
    assert notices.send_change_notices() == 2  # French (A1 only) is cancelled, sport goes on without A1
    to_bert = [m.body for m in mail.outbox if m.to == ["bert@partner.example"]]
    assert len(to_bert) == 1 and "not coming: A1" in to_bert[0] and "Takes place in" in to_bert[0]

    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=tuesday, last_date=tuesday,
                             reason="strike", by=coordinator)
    assert notices.send_change_notices() == 1
    assert mail.outbox[-1].to == ["bert@partner.example"] and "CANCELLED: Strike" in mail.outbox[-1].body


def test_no_e_mail_without_an_address_when_declined_or_beyond_two_weeks(prison, coordinator):
    prison.ana.email_changes = False
    prison.ana.save()
    prison.bert.email = ""
    prison.bert.save()
    services.cancel_sessions(site=prison.site, first_date=dt.date(2027, 3, 22), last_date=dt.date(2027, 3, 23),
                             reason="strike", by=coordinator)
    assert notices.send_change_notices() == 0

    prison.ana.email_changes = True
    prison.ana.save()
    services.cancel_sessions(site=prison.site, first_date=dt.date(2027, 4, 12), last_date=dt.date(2027, 4, 12),
                             reason="strike", by=coordinator)
    assert notices.send_change_notices() == 1
    assert "22 March" in mail.outbox[0].body and "12 April" not in mail.outbox[0].body


@override_settings(TASKS=IMMEDIATE)
def test_cancelling_one_session_sends_the_e_mail_once_committed(prison, coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
    assert [message.to for message in mail.outbox] == [["ana@partner.example"]]
    assert "Technical failure" in mail.outbox[0].body


@override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=9)
def test_a_refused_connection_keeps_the_notice_pending(prison, coordinator):
    services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
    assert notices.send_change_notices() == 0
    assert not ChangeNotice.objects.exists()
    assert len(notices.pending_notices()) == 1


def test_api_shows_facilitators_their_own_notices_and_coordinators_their_sites(client, prison, coordinator, other_site):
    services.cancel_sessions(site=prison.site, first_date=dt.date(2027, 3, 22), last_date=dt.date(2027, 3, 23),
                             reason="strike", by=coordinator)
    notices.send_change_notices()
    bert_login = UserFactory(role=Role.FACILITATOR)
    prison.bert.user = bert_login
    prison.bert.save()

    client.force_login(bert_login)
    own = client.get("/api/v1/change-notices/").json()["results"]
    assert [row["facilitator"] for row in own] == [prison.bert.pk]
    client.force_login(coordinator)
    assert len(client.get("/api/v1/change-notices/").json()["results"]) == 3
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get("/api/v1/change-notices/").json()["results"] == []
    client.force_login(UserFactory(role=Role.STAFF, sites=[prison.site]))
    assert client.get("/api/v1/change-notices/").status_code == 403


@override_settings(TASKS=IMMEDIATE)
def test_a_replacement_is_told_to_who_replaces_and_who_is_replaced(prison, coordinator,
                                                                   django_capture_on_commit_callbacks):
    from scheduling import replacements

    cleo = FacilitatorFactory(first_name="Cleo", last_name="Maes", sites=[prison.site], email="cleo@partner.example")
    session = _on(prison.french, dt.date(2027, 3, 29))
    with django_capture_on_commit_callbacks(execute=True):
        replacements.replace(session, [cleo], by=coordinator)
    to = {message.to[0]: message.body for message in mail.outbox}
    assert set(to) == {"ana@partner.example", "cleo@partner.example"}
    assert "Monday 29 March 2027" in to["cleo@partner.example"]
    assert "You lead it that day in place of Ana" in to["cleo@partner.example"]
    assert "Cleo Maes leads it that day in your place: you need not come." in to["ana@partner.example"]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        replacements.replace(session, [cleo], by=coordinator)  # nothing changed: nobody is told again
    assert mail.outbox == []

    with django_capture_on_commit_callbacks(execute=True):
        replacements.replace(session, [], by=coordinator)  # taken back: the cycle's facilitator again
    to = {message.to[0]: message.body for message in mail.outbox}
    assert "You no longer lead it that day: you need not come." in to["cleo@partner.example"]
    assert "need not come" not in to["ana@partner.example"] and "Takes place in" in to["ana@partner.example"]
