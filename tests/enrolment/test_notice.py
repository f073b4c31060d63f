import datetime as dt

import pytest
from django.urls import reverse

from prisons.models import DetaineeLanguage
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def enrolment(site, unit):
    activity = ActivityFactory(title_fr="Atelier théâtre", title_nl="Theaterworkshop", title_en="Theatre workshop")
    cycle = CycleFactory(term=TermFactory(site=site), activity=activity, screening_required=False)
    room = RoomFactory(site=site, name="Salle polyvalente B2")
    for week in range(2):  # Tuesdays 14:00-15:30 in Brussels (13:00 UTC in winter)
        start = dt.datetime(2027, 1, 12, 13, 0, tzinfo=dt.UTC) + dt.timedelta(weeks=week)
        SessionFactory(cycle=cycle, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90))
    return EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), seat=1)


def test_notice_in_the_detainees_best_language_says_what_when_where_and_how_to_withdraw(client, coordinator, enrolment):
    DetaineeLanguage.objects.create(detainee=enrolment.detainee, language="ar", proficiency="native")
    DetaineeLanguage.objects.create(detainee=enrolment.detainee, language="nl", proficiency="fluent")
    client.force_login(coordinator)
    response = client.get(reverse("enrolment:notice", args=[enrolment.pk]))
    page = response.content.decode()
    assert response.context["language"] == "nl"
    assert '<html lang="nl">' in page
    assert "Theaterworkshop" in page
    assert "14:00" in page and "15:30" in page
    assert "dinsdag" in page.lower()  # Django's own Dutch catalogue names the weekday
    assert "Salle polyvalente B2" in page
    assert "U bent ingeschreven" in page  # the Dutch catalogue, not the reader's interface language
    assert "rapportbriefje" in page  # how to withdraw: hand a request slip


def test_notice_falls_back_to_french_and_can_be_printed_in_another_language(client, coordinator, enrolment):
    DetaineeLanguage.objects.create(detainee=enrolment.detainee, language="ro", proficiency="native")
    client.force_login(coordinator)
    french = client.get(reverse("enrolment:notice", args=[enrolment.pk]))
    assert french.context["language"] == "fr" and "Atelier théâtre" in french.content.decode()
    assert "Vous êtes inscrit·e" in french.content.decode()
    assert "mardi" in french.content.decode().lower()
    english = client.get(reverse("enrolment:notice", args=[enrolment.pk]) + "?lang=en")
    assert "Theatre workshop" in english.content.decode() and "Tuesday" in english.content.decode()


def test_notice_page_has_no_inline_script_or_style(client, coordinator, enrolment):
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:notice", args=[enrolment.pk])).content.decode()
    assert "<script>" not in page and "style=" not in page
