"""A facilitator keeps their weekly availability up to date; the coming sessions it no longer covers are shown
to them and to the coordinators (their page, the dated sessions' checks, the home page). The French cycle runs
on Mondays and Tuesdays 08:30-10:00 from 15 March 2027, across the change to summer time on 28 March."""
import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.availability import confirm_weekly_availability, sessions_outside_availability
from activities.models import Availability, AvailabilityException
from core.models import AuditEntry, Role
from prisons.models import RegimePeriod
from scheduling import services
from scheduling.checks import sessions_hit_by_exceptions
from scheduling.models import DraftSession
from tests.factories import UserFactory

from .small_prison import build_small_prison, english, session_on  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
START = dt.date(2027, 3, 15)
SATURDAY = dt.datetime(2027, 3, 20, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def prison(site, coordinator):
    prison = build_small_prison(site, first_date=START, last_date=dt.date(2027, 4, 9))
    for weekday in (0, 1):
        period = RegimePeriod.objects.get(site=site, weekday=weekday, index=0)
        DraftSession.objects.create(term=prison.term, cycle=prison.french, period=period, room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, room=prison.hall,
                                period=RegimePeriod.objects.get(site=site, weekday=1, index=1))
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        services.publish(prison.term, START, coordinator)
    prison.ana.user = UserFactory(role=Role.FACILITATOR, sites=[site], first_name="Ana")
    prison.ana.save()
    return prison


def test_a_facilitator_no_longer_free_on_mondays_sees_the_sessions_left_outside_and_so_do_the_coordinators(
        client, prison, coordinator):
    url = reverse("calendars:my-availability")
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        assert 'href="/calendar/availability/"' in client.get(reverse("calendars:my-calendar")).content.decode()
        page = client.get(url).content.decode()
        assert "Monday 08:00-12:00 *\nTuesday 08:00-16:00</textarea>" in page
        response = client.post(url, {"availability": "Tuesday 08:00-16:00\nwed 13h30-16h30*"}, follow=True)
        content = response.content.decode()
        assert "3 of your coming sessions fall outside it" in content
        # the three Mondays still to come, at their Brussels time before and after the change to summer time
        for day in ("Monday 22 March 2027", "Monday 29 March 2027", "Monday 5 April 2027"):
            assert day in content
        assert content.count("08:30–10:00") == 3 and "Tuesday 23 March" not in content
    assert sorted(Availability.objects.filter(facilitator=prison.ana).values_list("weekday", "start", "preferred")) \
        == [(1, dt.time(8), False), (2, dt.time(13, 30), True)]
    assert AuditEntry.objects.filter(object_type="activities.facilitator", detail__startswith="weekly").count() == 1

    mondays = [session_on(prison.french, day).pk for day in
               (dt.date(2027, 3, 22), dt.date(2027, 3, 29), dt.date(2027, 4, 5))]
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(coordinator)
        home = client.get("/").content.decode()
        assert "<strong>3</strong> coming sessions their facilitators&#x27; weekly availability no longer covers" in home
        assert f'href="/activities/facilitators/{prison.ana.pk}/"' in home  # one person: their page
        ana_page = client.get(reverse("activities:facilitator-detail", args=[prison.ana.pk])).content.decode()
        assert "3 coming sessions are outside this weekly availability" in ana_page
        assert f'href="/planning/sessions/{mondays[1]}/"' in ana_page
        findings = sessions_hit_by_exceptions(prison.term, dt.date(2027, 3, 21))
        assert [(f.code, f.rows[0]) for f in findings] == [
            ("facilitator_outside_availability", pk) for pk in mondays]
        assert "Ana Lopez's weekly availability no longer covers French (french) on 29/03/2027 at 08:30–10:00" in \
            findings[1].message

    # exceptionally available one Monday: that one is covered
    AvailabilityException.objects.create(facilitator=prison.ana, date=dt.date(2027, 3, 29), start=dt.time(8),
                                         end=dt.time(12), available=True)
    with time_machine.travel(SATURDAY, tick=False):
        assert [item.session.pk for item in sessions_outside_availability(site=prison.site)] == [mondays[0], mondays[2]]
        with CaptureQueriesContext(connection) as queries:
            sessions_outside_availability(site=prison.site)
        assert len(queries) <= 7


def test_wrong_lines_are_named_and_nothing_is_saved(client, prison):
    url = reverse("calendars:my-availability")
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        response = client.post(url, {"availability": "Tuesday 08:00-16:00\nfunday 9:00-10:00\nTue 10:00-11:00\n"
                                                     "Wed 14:00-12:00"})
    content = response.content.decode()
    assert response.status_code == 400
    assert "Line 2: “funday” is not a weekday." in content
    assert "Line 3: “Tue 10:00-11:00” overlaps another time of the same day." in content
    assert "Line 4: “Wed 14:00-12:00” ends before it starts." in content
    assert "funday 9:00-10:00" in content  # what was typed is kept
    assert Availability.objects.filter(facilitator=prison.ana).count() == 2  # unchanged


def test_an_empty_availability_says_nothing_and_others_cannot_change_it(client, prison, site):
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        response = client.post(reverse("calendars:my-availability"), {"availability": ""}, follow=True)
        assert "Weekly availability saved; the next planning follows it." in response.content.decode()
        assert sessions_outside_availability(site=prison.site) == []  # no availability constrains nothing
        client.force_login(UserFactory(role=Role.SCREENER, sites=[site]))
        assert client.get(reverse("calendars:my-availability")).status_code == 404


def test_the_api_reads_and_replaces_the_weekly_availability(client, prison, coordinator):
    url = f"/api/v1/facilitators/{prison.ana.pk}/weekly-availability/"
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        assert [w["weekday"] for w in client.get(url).json()["windows"]] == [0, 1]
        overlapping = {"windows": [{"weekday": 1, "start": "08:00", "end": "12:00"},
                                   {"weekday": 1, "start": "11:00", "end": "13:00"}]}
        response = client.put(url, overlapping, content_type="application/json")
        assert response.status_code == 400
        assert response.json() == {"windows[1]": ["It overlaps another time of the same day."]}
        response = client.put(url, {"windows": [{"weekday": 1, "start": "08:00", "end": "16:00", "preferred": True}]},
                              content_type="application/json")
        assert response.status_code == 200
        assert [item["cycle"] for item in response.json()["outside"]] == ["french"] * 3
        client.force_login(UserFactory(role=Role.FACILITATOR, sites=[prison.site]))
        assert client.put(url, {"windows": []}, content_type="application/json").status_code == 404
    assert Availability.objects.filter(facilitator=prison.ana).count() == 1


@pytest.mark.parametrize("language", ["fr", "nl"])
def test_the_availability_shown_in_the_reader_s_language_saves_back_unchanged(client, prison, language, settings):
    import re
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        page = client.get(reverse("calendars:my-availability")).content.decode()
        typed = re.search(r"<textarea[^>]*>\n?(.*?)</textarea>", page, re.S).group(1)
        assert typed.startswith({"fr": "lundi 08:00-12:00 *", "nl": "maandag 08:00-12:00 *"}[language])
        assert client.post(reverse("calendars:my-availability"), {"availability": typed}).status_code == 302
    assert sorted(Availability.objects.filter(facilitator=prison.ana).values_list("weekday", "start", "end", "preferred")) \
        == [(0, dt.time(8), dt.time(12), True), (1, dt.time(8), dt.time(16), False)]


def test_before_a_term_the_facilitators_are_asked_whether_their_availability_still_holds(client, prison, coordinator):
    from activities.models import Facilitator

    too_early = dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC)  # the term starts on 15 March, nine weeks later
    with time_machine.travel(too_early, tick=False):
        client.force_login(prison.ana.user)
        assert 'id="confirm-availability"' not in client.get("/").content.decode()
        client.post(reverse("calendars:my-availability"), {"confirm": "1"})  # confirmed, but long before
    in_the_weeks_before = dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(in_the_weeks_before, tick=False):
        client.force_login(prison.ana.user)
        home = client.get("/").content.decode()
        assert "The term Spring at Haren starts on Monday 15 March 2027" in home
        assert 'id="confirm-availability"' in client.get(reverse("calendars:my-calendar")).content.decode()
        client.force_login(coordinator)
        planning = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
        assert "1 facilitator of this term's cycles has not saved or confirmed their weekly availability since " \
               "18 January 2027" in planning
        assert f'href="/activities/facilitators/{prison.ana.pk}/">Ana Lopez</a>' in planning

        client.force_login(prison.ana.user)
        response = client.post(reverse("calendars:my-availability"), {"confirm": "1"}, follow=True)
        assert "Thank you: your weekly availability stands as it is." in response.content.decode()
        assert 'id="confirm-availability"' not in client.get("/").content.decode()
        client.force_login(coordinator)
        assert 'id="unconfirmed-availability"' not in client.get(
            reverse("planning:term", args=[prison.term.pk])).content.decode()
        ana_page = client.get(reverse("activities:facilitator-detail", args=[prison.ana.pk])).content.decode()
        assert "Last saved or confirmed on 1 February 2027." in ana_page
    assert Facilitator.objects.get(pk=prison.ana.pk).availability_confirmed_at == in_the_weeks_before
    assert AuditEntry.objects.filter(detail="weekly availability confirmed").count() == 2


def test_the_coordinators_e_mail_the_question_and_it_goes_once_or_not_at_all_once_answered(
        client, prison, coordinator, site):
    from django.core import mail
    from django.test import override_settings

    from activities.models import AvailabilityQuestion
    from scheduling import outbox
    from scheduling.models import UnsentEmail, UnsentEmailKind
    from tests.factories import FacilitatorFactory

    server_down = override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                                    EMAIL_HOST="127.0.0.1", EMAIL_PORT=9)
    prison.ana.email = "ana@partner.example"
    prison.ana.save()
    prison.ana.user.language = "nl"
    prison.ana.user.save()
    bert = FacilitatorFactory(first_name="Bert", last_name="Maes", email="bert@partner.example", sites=[site])
    nomail = FacilitatorFactory(first_name="Cleo", last_name="Noaddress", email="", sites=[site])
    prison.sport.facilitators.set([bert, nomail])
    coordinator.first_name, coordinator.last_name, coordinator.email = "Claire", "Dubois", "claire@relais.example"
    coordinator.save()
    url = reverse("planning:ask-availability", args=[prison.term.pk])
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(coordinator)
        with server_down:
            page = client.post(url, follow=True).content.decode()
        assert "The mail server refused some" in page
        assert "No e-mail address, to ask by other means: Cleo Noaddress." in page
        assert UnsentEmail.objects.filter(kind=UnsentEmailKind.AVAILABILITY_QUESTION).count() == 2
        page = client.post(url, follow=True).content.decode()
        assert "2 facilitators asked by e-mail." in page
    assert not UnsentEmail.objects.exists()
    by_address = {message.to[0]: message for message in mail.outbox}
    to_ana, to_bert = by_address["ana@partner.example"], by_address["bert@partner.example"]
    assert to_ana.subject == "Relais: klopt je wekelijkse beschikbaarheid nog voor Spring?"  # her language
    assert "maandag 08:00-12:00 *" in to_ana.body and "/calendar/availability/" in to_ana.body
    assert "(nothing recorded: any time)" in to_bert.body and "/calendar/availability/" not in to_bert.body
    assert "Claire Dubois (claire@relais.example)" in to_bert.body
    with time_machine.travel(dt.datetime(2027, 2, 1, 10, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(coordinator)
        planning = client.get(reverse("planning:term", args=[prison.term.pk])).content.decode()
        assert "Ana Lopez</a> <small class=\"muted\">(asked on 1 February)</small>" in planning

        # asked again while the server is down; Bert answers meanwhile: his question goes, Ana's is sent later
        with server_down:
            client.post(url)
        confirm_weekly_availability(bert, by=coordinator)  # he told the coordinator on the phone
        assert outbox.send_pending_emails()[UnsentEmailKind.AVAILABILITY_QUESTION] == 1
    assert not AvailabilityQuestion.objects.filter(facilitator=bert, sent_at__isnull=True).exists()
    assert not UnsentEmail.objects.exists() and len(mail.outbox) == 3


def test_the_api_asks_the_question(client, prison, coordinator):
    prison.ana.email = "ana@partner.example"
    prison.ana.save()
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        client.force_login(coordinator)
        response = client.post(f"/api/v1/terms/{prison.term.pk}/ask-availability/")
        assert response.json() == {"sent": 1, "refused": 0, "without_address": []}
        client.force_login(prison.ana.user)
        client.post(reverse("calendars:my-availability"), {"confirm": "1"})
        client.force_login(coordinator)
        response = client.post(f"/api/v1/terms/{prison.term.pk}/ask-availability/")
        assert response.status_code == 400 and "has saved or confirmed" in str(response.json())


IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def test_a_change_that_leaves_sessions_uncovered_is_e_mailed_to_the_sites_coordinators_and_retried(
        client, prison, coordinator, site, other_site, django_capture_on_commit_callbacks):
    from django.core import mail
    from django.test import override_settings

    from scheduling import outbox
    from scheduling.models import UnsentEmail, UnsentEmailKind

    server_down = override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                                    EMAIL_HOST="127.0.0.1", EMAIL_PORT=9)
    coordinator.first_name, coordinator.email, coordinator.language = "Claire", "claire@relais.example", "fr"
    coordinator.save()
    elsewhere = UserFactory(role=Role.COORDINATOR, sites=[other_site], email="far@relais.example")
    url = reverse("calendars:my-availability")
    with override_settings(TASKS=IMMEDIATE), time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        with django_capture_on_commit_callbacks(execute=True):  # no session left out: nobody is told
            client.post(url, {"availability": "Monday 08:00-12:00\nTuesday 08:00-16:00\nFriday 09:00-12:00"})
        assert mail.outbox == []
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"availability": "Tuesday 08:00-16:00"})
    assert [message.to for message in mail.outbox] == [["claire@relais.example"]]  # not the other site's
    message = mail.outbox[0]
    assert message.subject == "Relais : Ana Lopez, ses disponibilités hebdomadaires ne couvrent plus 3 séances"
    assert "mardi 08:00-16:00" in message.body and "lundi 22 mars 08:30–10:00" in message.body
    assert f"/activities/facilitators/{prison.ana.pk}/" in message.body
    assert elsewhere.email not in [m.to[0] for m in mail.outbox]

    # the same uncovered sessions again: not told twice; a coordinator changing it for her: not told
    mail.outbox.clear()
    with override_settings(TASKS=IMMEDIATE), time_machine.travel(SATURDAY, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"availability": "Tuesday 08:00-15:00"})
        client.force_login(coordinator)
        with django_capture_on_commit_callbacks(execute=True):
            client.put(f"/api/v1/facilitators/{prison.ana.pk}/weekly-availability/",
                       {"windows": [{"weekday": 2, "start": "08:00", "end": "12:00"}]},
                       content_type="application/json")
    assert mail.outbox == []

    # refused by the mail server: listed, tried again once it is back; dropped once the sessions are covered
    prison.ana.availabilities.all().delete()
    with override_settings(TASKS=IMMEDIATE), time_machine.travel(SATURDAY, tick=False):
        client.force_login(prison.ana.user)
        client.post(url, {"availability": "Monday 08:00-12:00\nTuesday 08:00-16:00"})
        with server_down, django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"availability": "Tuesday 08:00-16:00"})
        unsent = UnsentEmail.objects.get()
        assert (unsent.kind, unsent.user, unsent.about_facilitator) == (
            UnsentEmailKind.AVAILABILITY_CHANGE, coordinator, prison.ana)
        client.force_login(coordinator)
        page = client.get(reverse("calendars:unsent-emails")).content.decode()
        assert "weekly availability no longer covering sessions: Ana Lopez" in page
        assert outbox.send_pending_emails()[UnsentEmailKind.AVAILABILITY_CHANGE] == 1
        assert not UnsentEmail.objects.exists() and len(mail.outbox) == 1

        client.force_login(prison.ana.user)
        client.post(url, {"availability": "Monday 08:00-12:00\nTuesday 08:00-16:00"})
        with server_down, django_capture_on_commit_callbacks(execute=True):
            client.post(url, {"availability": "Tuesday 08:00-16:00"})
        client.post(url, {"availability": "Monday 08:00-12:00\nTuesday 08:00-16:00"})  # she thought again
        assert outbox.send_pending_emails()[UnsentEmailKind.AVAILABILITY_CHANGE] == 0
    assert not UnsentEmail.objects.exists() and len(mail.outbox) == 1
