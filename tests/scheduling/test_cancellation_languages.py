"""A cancellation's reason is a code: each reader gets it in their own language (e-mails, feeds, pages),
whoever cancelled, and the evaluation counts one reason once whatever the languages it was given in."""
import datetime as dt
from importlib import import_module

import icalendar
import pytest
import time_machine
from django.apps import apps
from django.core import mail
from django.utils import translation

from activities.models import Session, SessionStatus
from core.models import Role
from enrolment.indicators import term_indicators
from scheduling import feeds, notices, services
from scheduling.models import FeedKind
from tests.factories import UserFactory

from .small_prison import session_on

pytestmark = pytest.mark.django_db
FRIDAY = dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC)


def test_a_strike_declared_in_french_reads_in_dutch_for_a_dutch_volunteer(client, published_prison, coordinator):
    prison = published_prison
    prison.ana.user = UserFactory(role=Role.FACILITATOR, sites=[prison.site], language="nl")
    prison.ana.save()
    with time_machine.travel(FRIDAY, tick=False):
        with translation.override("fr"):  # the coordinator works in French
            services.cancel_session(session_on(prison.french, dt.date(2027, 3, 29)), reason="strike",
                                    reason_text="pas de mouvements", by=coordinator)
            services.cancel_session(session_on(prison.french, dt.date(2027, 3, 30)), reason="technical",
                                    by=coordinator)
        notices.send_change_notices()
        (message,) = mail.outbox
        assert "GEANNULEERD: Staking: pas de mouvements" in message.body  # only the words typed stay French
        assert "GEANNULEERD: Technisch defect" in message.body and "Grève" not in message.body

        issued = feeds.issue_feed(prison.ana.user, FeedKind.FACILITATOR, prison.ana)
        calendar = icalendar.Calendar.from_ical(client.get(issued.path).content)
    descriptions = {str(event.get("description", "")) for event in calendar.walk("VEVENT")
                    if event.get("status") == "CANCELLED"}
    assert "Geannuleerd: Staking: pas de mouvements" in "\n".join(descriptions)

    with translation.override("fr"):
        cancelled = session_on(prison.french, dt.date(2027, 3, 29))
        assert cancelled.cancellation_text == "Grève : pas de mouvements"


def test_the_evaluation_counts_a_reason_once_whatever_language_it_was_given_in(published_prison, coordinator):
    prison = published_prison
    with time_machine.travel(FRIDAY, tick=False):
        for language, day in (("fr", dt.date(2027, 3, 22)), ("nl", dt.date(2027, 3, 23))):
            with translation.override(language):
                services.cancel_session(session_on(prison.french, day), reason="strike", by=coordinator)
        with translation.override("en"):
            services.cancel_session(session_on(prison.sport, dt.date(2027, 3, 23)), reason="other",
                                    reason_text="Flood", by=coordinator)
        with translation.override("nl"):
            reasons = dict(term_indicators(prison.term).cancellation_reasons)
    assert reasons == {"Staking": 2, "Andere: Flood": 1}


def test_reasons_stored_as_text_before_became_codes(published_prison):
    sessions = list(Session.objects.filter(cycle=published_prison.french).order_by("starts_at")[:4])
    old = ["Grève: pas de mouvements", "Technisch defect", "Removed from the timetable", "Room flooded"]
    for session, text in zip(sessions, old, strict=True):
        session.status, session.cancellation_details = SessionStatus.CANCELLED, text
    Session.objects.bulk_update(sessions, ["status", "cancellation_details"])
    import_module("activities.migrations.0017_cancellation_codes").texts_to_codes(apps, None)
    assert [(s.cancellation_code, s.cancellation_details)
            for s in Session.objects.filter(pk__in=[s.pk for s in sessions]).order_by("starts_at")] == [
        ("strike", "pas de mouvements"), ("technical", ""), ("removed", ""), ("", "Room flooded")]
