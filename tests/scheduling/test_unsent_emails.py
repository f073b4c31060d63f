"""E-mails the mail server refused: kept, listed for the coordinators with whom to phone, tried again
until they go out or there is nothing left to tell. The refusals are real SMTP connections to a closed
port; "the server is back" is Django's locmem outbox."""
import datetime as dt
import logging

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from activities import absences
from activities.models import Session
from core.models import Role
from scheduling import notices, outbox, reminders, services
from scheduling.calendars import BRUSSELS
from scheduling.models import ChangeNotice, UnsentEmail, UnsentEmailKind
from tests.factories import UserFactory

from .small_prison import english  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
SERVER_DOWN = override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                                EMAIL_PORT=9)
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
FRIDAY = dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def prison(published_prison):
    published_prison.ana.phone = "+32 470 12 34 56"
    published_prison.ana.save()
    return published_prison


def _on(cycle, day):
    return next(s for s in Session.objects.filter(cycle=cycle) if s.starts_at.astimezone(BRUSSELS).date() == day)


@override_settings(TASKS=IMMEDIATE)
def test_a_refused_change_notice_is_listed_with_whom_to_phone_and_goes_once_the_server_is_back(
        client, prison, coordinator, other_site, caplog):
    with time_machine.travel(FRIDAY, tick=False):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
        with SERVER_DOWN, caplog.at_level(logging.WARNING):
            assert notices.send_change_notices() == 0
    with time_machine.travel(FRIDAY + dt.timedelta(minutes=10), tick=False), SERVER_DOWN:
        assert notices.send_change_notices() == 0  # the cron's next run: refused again
    row = UnsentEmail.objects.get()
    assert (row.kind, row.facilitator, row.address, row.attempts) == (
        UnsentEmailKind.FACILITATOR_CHANGES, prison.ana, "ana@partner.example", 2)
    assert row.first_failed_at == FRIDAY and row.last_failed_at == FRIDAY + dt.timedelta(minutes=10)
    assert "ConnectionRefusedError" in row.error
    assert not ChangeNotice.objects.exists()  # still to tell
    # the log names the facilitator by id only
    assert f"facilitator {prison.ana.pk} not sent" in caplog.text
    assert "Lopez" not in caplog.text and "ana@partner.example" not in caplog.text

    client.force_login(coordinator)
    home = client.get("/").content.decode()
    assert '<a href="/calendar/unsent-emails/"><strong>1</strong> e-mail the mail server refused: whom to phone</a>' \
        in home
    page = client.get("/calendar/unsent-emails/").content.decode()
    assert "Ana Lopez" in page and 'href="tel:+32 470 12 34 56"' in page
    assert "Changes to their sessions" in page and "ConnectionRefusedError" in page
    assert "Fri 19 Mar, 10:00" in page  # Brussels time
    assert "2 <span" in page and "last at 10:10" in page
    # the cancelled session's page says so beside who was told
    cancelled = _on(prison.french, dt.date(2027, 3, 29))
    session_page = client.get(reverse("planning:session", args=[cancelled.pk])).content.decode()
    assert "Ana Lopez · changes to their sessions · refused since Fri 19 Mar, 10:00 (2 tries)" in session_page
    sport = _on(prison.sport, dt.date(2027, 3, 30))
    other = client.get(reverse("planning:session", args=[sport.pk])).content.decode()
    assert 'id="refused"' not in other  # Bert's e-mails go out
    assert f'href="/attendance/sessions/{sport.pk}/sheet/"' in other  # its register on paper

    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert "The mail server refused no e-mail." in client.get("/calendar/unsent-emails/").content.decode()
    assert "whom to phone" not in client.get("/").content.decode()
    client.force_login(UserFactory(role=Role.FACILITATOR, sites=[prison.site]))
    assert client.get("/calendar/unsent-emails/").status_code == 403

    with time_machine.travel(FRIDAY + dt.timedelta(minutes=30), tick=False):
        client.force_login(coordinator)  # sessions end after 30 idle minutes
        response = client.post("/calendar/unsent-emails/", follow=True)
    assert "Relais is trying again" in response.content.decode()
    assert "The mail server refused no e-mail." in response.content.decode()
    assert [message.to for message in mail.outbox] == [["ana@partner.example"]]
    assert ChangeNotice.objects.filter(facilitator=prison.ana).exists()
    assert not UnsentEmail.objects.exists()
    assert "whom to phone" not in client.get("/").content.decode()


def test_nothing_left_to_tell_takes_it_off_the_list(prison, coordinator):
    with time_machine.travel(FRIDAY, tick=False):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
        with SERVER_DOWN:
            notices.send_change_notices()
        assert UnsentEmail.objects.count() == 1
        prison.ana.email_changes = False  # she unticks the change e-mails meanwhile
        prison.ana.save()
        with SERVER_DOWN:
            notices.send_change_notices()
    assert not UnsentEmail.objects.exists()
    assert not mail.outbox


@override_settings(TASKS=IMMEDIATE)
def test_an_absence_refused_to_a_coordinator_is_told_them_later_and_only_them(prison, coordinator,
                                                                               django_capture_on_commit_callbacks):
    coordinator.email = "coord@relais.example"
    coordinator.save()
    prison.ana.user = UserFactory(role=Role.FACILITATOR, sites=[prison.site])
    prison.ana.save()
    with time_machine.travel(FRIDAY, tick=False):
        with SERVER_DOWN, django_capture_on_commit_callbacks(execute=True):  # the task, run at commit
            absence = absences.declare_absence(prison.ana, date=dt.date(2027, 3, 29), by=prison.ana.user)
        row = UnsentEmail.objects.get()
        assert (row.kind, row.user, row.absence) == (UnsentEmailKind.ABSENCE, coordinator, absence)
        # a colleague given an address since was not among those refused: the retry is not for them
        UserFactory(role=Role.COORDINATOR, sites=[prison.site], email="colleague@relais.example")
        assert outbox.send_pending_emails()[UnsentEmailKind.ABSENCE] == 1
    (message,) = mail.outbox
    assert message.to == ["coord@relais.example"] and message.subject == "Relais : Ana Lopez sera absent·e le 29 mars 2027"  # their language
    assert not UnsentEmail.objects.exists()


def test_an_absence_taken_back_leaves_nothing_to_tell(prison, coordinator):
    coordinator.email = "coord@relais.example"
    coordinator.save()
    prison.ana.user = UserFactory(role=Role.FACILITATOR, sites=[prison.site])
    prison.ana.save()
    with time_machine.travel(FRIDAY, tick=False):
        absence = absences.declare_absence(prison.ana, date=dt.date(2027, 3, 29), by=prison.ana.user)
        with SERVER_DOWN:
            assert notices.tell_coordinators_of_absence(absence.pk) == 0
        assert UnsentEmail.objects.filter(absence=absence).count() == 1
        absences.withdraw_absence(absence, by=prison.ana.user)
        outbox.send_pending_emails()
    assert not UnsentEmail.objects.exists() and not mail.outbox


def test_a_refused_reminder_is_tried_again_that_day_and_dropped_once_the_day_has_come(prison):
    prison.ana.email_reminders = True
    prison.ana.save()
    monday_afternoon = dt.datetime(2027, 3, 22, 15, 0, tzinfo=dt.UTC)
    with time_machine.travel(monday_afternoon, tick=False):
        with SERVER_DOWN:
            assert reminders.send_reminders() == 0
        row = UnsentEmail.objects.get()
        assert (row.kind, row.facilitator, row.date) == (UnsentEmailKind.REMINDER, prison.ana, dt.date(2027, 3, 23))
    with time_machine.travel(monday_afternoon + dt.timedelta(hours=1), tick=False):
        assert outbox.send_pending_emails()[UnsentEmailKind.REMINDER] == 1  # the server is back
    assert mail.outbox[0].subject == "Relais: your session tomorrow"
    assert not UnsentEmail.objects.exists()

    mail.outbox.clear()
    sunday_afternoon = dt.datetime(2027, 3, 28, 15, 0, tzinfo=dt.UTC)  # summer time since 02:00
    with time_machine.travel(sunday_afternoon, tick=False), SERVER_DOWN:
        reminders.send_reminders()  # Sunday's run for Monday: refused
    assert UnsentEmail.objects.get().date == dt.date(2027, 3, 29)
    with time_machine.travel(dt.datetime(2027, 3, 28, 22, 30, tzinfo=dt.UTC), tick=False):  # Monday, 00:30
        sent = outbox.send_pending_emails()
    # Monday's reminder is of no use now, and Tuesday's is not sent at half past midnight
    assert UnsentEmailKind.REMINDER not in sent
    assert not UnsentEmail.objects.exists() and not mail.outbox


@override_settings(TASKS=IMMEDIATE)
def test_api_lists_the_sites_refusals_and_tries_again(client, prison, coordinator, other_site):
    with time_machine.travel(FRIDAY, tick=False):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
        with SERVER_DOWN:
            notices.send_change_notices()
        client.force_login(coordinator)
        (row,) = client.get("/api/v1/unsent-emails/").json()["results"]
        assert (row["kind"], row["facilitator"], row["recipient"], row["attempts"]) == (
            "facilitator_changes", prison.ana.pk, "Ana Lopez", 1)
        assert client.post("/api/v1/unsent-emails/retry/").status_code == 202
        assert client.get("/api/v1/unsent-emails/").json()["results"] == []
        assert [message.to for message in mail.outbox] == [["ana@partner.example"]]
        client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
        assert client.get("/api/v1/unsent-emails/").json()["results"] == []
        client.force_login(UserFactory(role=Role.STAFF, sites=[prison.site]))
        assert client.get("/api/v1/unsent-emails/").status_code == 403
        assert client.post("/api/v1/unsent-emails/retry/").status_code == 403


@pytest.mark.parametrize("volunteers", [2, 12])
def test_the_list_reads_in_a_fixed_number_of_queries(client, prison, coordinator, volunteers,
                                                     django_assert_max_num_queries):
    from tests.factories import FacilitatorFactory

    with time_machine.travel(FRIDAY, tick=False):
        for number in range(volunteers):
            person = FacilitatorFactory(first_name=f"Volunteer{number}", sites=[prison.site],
                                        email=f"v{number}@partner.example")
            prison.french.facilitators.add(person)
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
        with SERVER_DOWN:
            notices.send_change_notices()
    assert UnsentEmail.objects.count() == volunteers + 1
    with time_machine.travel(FRIDAY + dt.timedelta(hours=1), tick=False):  # the changes are coming ones
        client.force_login(coordinator)
        with django_assert_max_num_queries(20):  # with the changes never tried, read as the senders do
            page = client.get("/calendar/unsent-emails/").content.decode()
    assert page.count("ConnectionRefusedError") == volunteers + 1
    assert 'id="waiting"' not in page  # tried and refused: listed above, not as never tried


def test_changes_never_tried_point_at_a_stopped_worker(client, prison, coordinator, other_site):
    with time_machine.travel(FRIDAY, tick=False):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
    # nothing ran: no task worker, no cron
    with time_machine.travel(FRIDAY + dt.timedelta(minutes=10), tick=False):
        client.force_login(coordinator)
        assert 'id="waiting"' not in client.get("/calendar/unsent-emails/").content.decode()  # not yet late
    with time_machine.travel(FRIDAY + dt.timedelta(minutes=45), tick=False):
        client.force_login(coordinator)
        page = client.get("/calendar/unsent-emails/").content.decode()
        assert "Ana Lopez · changes to their sessions · changed Fri 19 Mar, 10:00" in page
        assert "seem to be stopped" in page
        home = client.get("/").content.decode()
        assert "<strong>1</strong> person not told of a change for over 20 minutes" in home
        client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
        assert 'id="waiting"' not in client.get("/calendar/unsent-emails/").content.decode()
        notices.send_change_notices()  # the worker runs again
        client.force_login(coordinator)
        assert 'id="waiting"' not in client.get("/calendar/unsent-emails/").content.decode()


def test_a_facilitator_whose_e_mails_are_refused_reads_it_on_their_own_page(client, prison, coordinator):
    prison.ana.user = UserFactory(role=Role.FACILITATOR, sites=[prison.site])
    prison.ana.save()
    with time_machine.travel(FRIDAY, tick=False):
        services.cancel_session(_on(prison.french, dt.date(2027, 3, 29)), reason="technical", by=coordinator)
        with SERVER_DOWN:
            notices.send_change_notices()
        client.force_login(prison.ana.user)
        page = client.get("/calendar/emails/").content.decode()
    assert "Since 19 March, 10:00 the mail server refuses the e-mails Relais writes to you" in page
    assert "ConnectionRefusedError" in page
    prison.bert.user = UserFactory(role=Role.FACILITATOR, sites=[prison.site])
    prison.bert.save()
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(prison.bert.user)
        assert 'id="refused"' not in client.get("/calendar/emails/").content.decode()  # theirs go out
