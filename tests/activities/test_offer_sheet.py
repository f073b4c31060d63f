"""The offer sheet posted in a unit: the cycles its detainees can apply for, in the chosen language."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import CycleStatus, SessionStatus
from core.models import Role
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    EnrolmentFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
NOW = dt.datetime(2027, 1, 6, 9, 0, tzinfo=BRUSSELS)  # a Wednesday


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def weekly(cycle, first, weeks=3, **fields):
    for week in range(weeks):
        start = first + dt.timedelta(weeks=week)
        SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(minutes=90), **fields)


@pytest.fixture
def offer(site, unit):
    term = TermFactory(site=site, first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    theatre = CycleFactory(term=term, code="theatre", capacity=2, status=CycleStatus.OPEN, eligible_units=[unit],
                           activity=ActivityFactory(title_en="Theatre workshop", title_fr="Atelier théâtre",
                                                    description_fr="Improvisation et mise en scène."))
    weekly(theatre, dt.datetime(2027, 1, 12, 13, 30, tzinfo=BRUSSELS))  # Tuesdays
    EnrolmentFactory(cycle=theatre)
    french = CycleFactory(term=term, code="fle", capacity=1, status=CycleStatus.OPEN, eligible_units=[unit],
                          language="fr", screening_required=False,
                          activity=ActivityFactory(title_en="French for beginners", title_fr="Français débutant"))
    weekly(french, dt.datetime(2027, 1, 11, 10, 15, tzinfo=BRUSSELS))  # Mondays, starts first
    EnrolmentFactory(cycle=french)
    # Not on this unit's sheet: running already, another unit's, cancelled sessions.
    CycleFactory(term=term, code="running", status=CycleStatus.RUNNING, eligible_units=[unit],
                 activity=ActivityFactory(title_en="Already running"))
    CycleFactory(term=term, code="elsewhere", status=CycleStatus.OPEN,
                 eligible_units=[UnitFactory(building__site=site)], activity=ActivityFactory(title_en="Elsewhere"))
    weekly(theatre, dt.datetime(2027, 1, 14, 9, 0, tzinfo=BRUSSELS), weeks=1, status=SessionStatus.CANCELLED)
    return theatre


def sheet(client, unit, language):
    return client.get(reverse("activities:offer-sheet"), {"unit": unit.pk, "lang": language}).content.decode()


def test_the_sheet_lists_what_the_unit_can_apply_for_soonest_first(client, coordinator, unit, offer):
    client.force_login(coordinator)
    html = sheet(client, unit, "en")
    assert html.index("French for beginners") < html.index("Theatre workshop")
    assert "Every Tuesday, from 13:30 to 15:00" in html
    assert "Every Thursday" not in html  # the cancelled session
    assert "Starts on Monday 11 January 2027." in html
    assert "1 place left." in html and "Full: you can still apply for the waiting list." in html
    assert html.count("A short interview with the social service comes first.") == 1
    assert "Already running" not in html and "Elsewhere" not in html


def test_the_sheet_speaks_the_language_chosen_for_the_unit(client, coordinator, unit, offer):
    client.force_login(coordinator)
    html = sheet(client, unit, "fr")
    assert "Atelier théâtre" in html and "Improvisation et mise en scène." in html
    assert "Chaque mardi, de 13:30 à 15:00" in html
    assert "Commence le lundi 11 janvier 2027." in html
    assert "Langue : Français." in html
    assert 'lang="fr"' in html


def test_an_officer_prints_their_sites_sheets_and_nobody_else_does(client, staff_user, facilitator_user, other_site,
                                                                  unit, offer):
    client.force_login(staff_user)
    assert "Theatre workshop" in sheet(client, unit, "en")
    client.force_login(facilitator_user)
    assert client.get(reverse("activities:offer-sheet"), {"unit": unit.pk}).status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("activities:offer-sheet"), {"unit": unit.pk}).status_code == 404


def test_the_sheet_costs_the_same_queries_for_two_cycles_or_eight(client, coordinator, unit, offer):
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as two:
        sheet(client, unit, "en")
    for n in range(6):
        cycle = CycleFactory(term=offer.term, code=f"more-{n}", status=CycleStatus.OPEN, eligible_units=[unit])
        weekly(cycle, dt.datetime(2027, 1, 13, 13, 30, tzinfo=BRUSSELS))
    with CaptureQueriesContext(connection) as eight:
        html = sheet(client, unit, "en")
    assert html.count('class="offer-item"') == 8
    assert len(eight) <= len(two)


def slip(client, unit, language):
    return client.get(reverse("activities:offer-slip"), {"unit": unit.pk, "lang": language}).content.decode()


def test_the_application_slip_has_a_box_and_a_picture_per_activity_and_lines_to_fill_in(client, coordinator, unit,
                                                                                      offer):
    offer.activity.pictogram = "theatre"
    offer.activity.save()
    client.force_login(coordinator)
    assert reverse("activities:offer-slip") in sheet(client, unit, "en")
    html = slip(client, unit, "en")
    assert html.index("French for beginners") < html.index("Theatre workshop")
    # The theatre's own picture; French, with none chosen, the picture of its kind (sociocultural).
    assert "pictograms.svg#theatre" in html and "pictograms.svg#art" in html
    assert html.count('<li><span class="slip-box"') == 2
    assert "Tuesday 13:30–15:00" in html and "waiting list" not in html.split("Theatre workshop")[1].split("</li>")[0]
    assert "waiting list" in html.split("French for beginners")[1].split("</li>")[0]  # its one place is taken
    for line in ("Name", "Prison number", "Cell", "Languages I speak"):
        assert f"<dt>{line}</dt>" in html
    assert "Already running" not in html and "Elsewhere" not in html


def test_the_slip_speaks_the_language_chosen_and_follows_the_sheets_access(client, coordinator, staff_user,
                                                                           facilitator_user, other_site, unit, offer):
    client.force_login(coordinator)
    html = slip(client, unit, "fr")
    assert "Je veux participer" in html and "Atelier théâtre" in html and "mardi 13:30–15:00" in html
    client.force_login(staff_user)
    assert "Theatre workshop" in slip(client, unit, "en")
    client.force_login(facilitator_user)
    assert client.get(reverse("activities:offer-slip"), {"unit": unit.pk}).status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("activities:offer-slip"), {"unit": unit.pk}).status_code == 404


def test_every_pictogram_has_its_picture(settings):
    from pathlib import Path

    from activities.models import PICTOGRAM_OF_KIND, Pictogram

    sprite = (Path(settings.BASE_DIR) / "static" / "img" / "pictograms.svg").read_text()
    for name in [*Pictogram.values, *PICTOGRAM_OF_KIND.values()]:
        assert f'<symbol id="{name}"' in sprite, name
