"""The home page shows each role its own live counts; the language switch changes the interface."""
import datetime as dt
import re

import pytest
import time_machine
from django.urls import reverse

from activities.models import CycleStatus
from enrolment.models import EnrolmentStatus
from prisons.models import RegimePeriod
from surveys.models import Survey, SurveyResponse, SurveyStatus
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
WEDNESDAY = dt.datetime(2027, 3, 3, 9, 0, tzinfo=dt.UTC)


def count_of(html: str, label: str) -> int:
    match = re.search(r"<strong>(\d+)</strong>\s*" + re.escape(label), html)
    assert match, label
    return int(match.group(1))


@pytest.fixture
def offer(site, other_site, unit, facilitator_user):
    """Two sites' worth of cycles: what each role may count differs."""
    term = TermFactory(site=site)
    led = CycleFactory(term=term, status=CycleStatus.RUNNING, facilitators=[facilitator_user.facilitator],
                       eligible_units=[unit])
    CycleFactory(term=term, status=CycleStatus.RUNNING, eligible_units=[UnitFactory(building__site=site)])
    CycleFactory(term=term, status=CycleStatus.OPEN, eligible_units=[unit])
    CycleFactory(term=TermFactory(site=other_site), status=CycleStatus.DRAFT)
    SessionFactory(cycle=led, starts_at=dt.datetime(2027, 3, 4, 13, 30, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2027, 3, 4, 15, 0, tzinfo=dt.UTC))
    SessionFactory(cycle=led, starts_at=dt.datetime(2027, 3, 11, 13, 30, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2027, 3, 11, 15, 0, tzinfo=dt.UTC))
    EnrolmentFactory(cycle=led, detainee__unit=unit, status=EnrolmentStatus.PENDING)
    EnrolmentFactory(cycle=led, detainee__unit=unit, status=EnrolmentStatus.ENROLLED)
    EnrolmentFactory(cycle=led, detainee__unit=unit, status=EnrolmentStatus.WITHDRAWN,
                     enrolled_on=dt.date(2027, 1, 20), ended_on=dt.date(2027, 2, 20))
    ActivityFactory(active=False)
    survey = Survey.objects.create(site=site, title="Needs", question="Which?", opens_on=dt.date(2027, 2, 1),
                                   closes_on=dt.date(2027, 3, 20), status=SurveyStatus.OPEN)
    answered = SurveyResponse.objects.create(survey=survey, unit=unit)
    SurveyResponse.objects.filter(pk=answered.pk).update(entered_at=dt.datetime(2027, 2, 10, 10, tzinfo=dt.UTC))
    FacilitatorFactory(sites=[site], authorisation_valid_until=dt.date(2027, 3, 20))
    # The site's regime has Monday mornings only: both Thursday sessions are off it.
    RegimePeriod.objects.create(site=site, weekday=0, index=1, start=dt.time(8, 30), end=dt.time(10))
    return led


@pytest.mark.parametrize("role, expected", [
    ("administrator", {"cycles running": 2, "cycle in preparation": 1, "cycle open for applications": 1,
                       "session this week": 1, "application pending": 1, "enrolled": 1,
                       "coming sessions that no longer fit the regime": 2}),
    ("coordinator", {"cycles running": 2, "cycles in preparation": 0, "cycle open for applications": 1,
                     "session this week": 1, "application pending": 1, "facilitators": 2,
                     "authorisation expired or expiring within 30 days": 1,
                     # both running cycles fill under half their places; the open one is still filling
                     "cycles of the current term whose figures call for a change": 2, "cycles finished": 0,
                     "dropout to interview (last 90 days)": 1, "survey collecting answers": 1,
                     "answer entered in the last 90 days": 1, "coming sessions that no longer fit the regime": 2}),
    ("screener", {"survey collecting answers": 1, "cycles running": 2, "cycle open for applications": 1, "application pending": 1}),
    ("facilitator_user", {"cycle running": 1, "cycles open for applications": 0, "session this week": 1,
                          "applications pending": 0, "enrolled": 1, "facilitator": 1}),
    ("staff_user", {"cycle running": 1, "cycle open for applications": 1, "session this week": 1,
                    "application pending": 1}),
])
def test_home_page_shows_each_role_its_own_counts(client, request, offer, role, expected):
    user = request.getfixturevalue(role)
    with time_machine.travel(WEDNESDAY, tick=False):
        client.force_login(user)
        client.post("/i18n/setlang/", {"language": "en"})
        html = client.get(reverse("home")).content.decode()
    assert count_of(html, "activities in the catalogue") == 4  # catalogue is shared; one inactive
    for label, number in expected.items():
        assert count_of(html, label) == number, label
    assert [int(n) for n in re.findall(r'class="stepnum">(\d+)<', html)] == list(range(1, 12))
    if role not in ("administrator", "coordinator"):
        assert "whose figures call for a change" not in html
    if role in ("facilitator_user", "staff_user"):
        assert "collecting answers" not in html
    if role not in ("administrator", "coordinator"):
        assert "no longer fit the regime" not in html
    else:
        assert reverse("prisons:site-regime", args=[offer.term.site_id]) in html


def test_language_switch_changes_the_interface_language(client, coordinator):
    ActivityFactory(title_fr="Atelier théâtre", title_nl="Toneelatelier", title_en="Theatre workshop")
    client.force_login(coordinator)
    response = client.post("/i18n/setlang/", {"language": "nl", "next": reverse("activities:activity-list")})
    assert response.status_code == 302 and response.url == reverse("activities:activity-list")
    page = client.get(response.url).content.decode()
    assert '<html lang="nl">' in page and "Toneelatelier" in page
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("activities:activity-list")).content.decode()
    assert '<html lang="en">' in page and "Theatre workshop" in page and "Activity catalogue" in page
