"""Entering a stack of paper answers in headless Chromium: save, and the form is ready for the next."""
import datetime as dt

import pytest
from django.utils import translation

from activities.models import Activity
from prisons.models import Population
from surveys import services
from surveys.models import Survey, SurveyResponse, SurveyStatus
from tests.browser import chromium_page
from tests.factories import UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_screener_enters_two_paper_answers_one_after_the_other(live_server, site, coordinator, screener):
    unit = UnitFactory(building__site=site, code="W2", population=Population.WOMEN)
    services.save_survey(
        Survey(site=site, title="Women's needs", question="Which?", opens_on=dt.date(2026, 12, 1),
               closes_on=dt.date(2026, 12, 31), status=SurveyStatus.OPEN),
        [unit], services.parse_options("Sewing\nYoga | sport", Activity.objects.none()), coordinator,
    )
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", screener.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form [type=submit]")
        page.wait_for_load_state()
        page.click("nav.mainnav a:has-text('Needs surveys')")
        page.click("a:has-text(\"Women's needs\")")
        for ticked in ("Sewing", "Yoga"):
            page.select_option("#id_unit", str(unit.pk))
            page.check(f"label:has-text('{ticked}') input")
            page.click("button:has-text('Save and enter the next one')")
            page.wait_for_selector(".messages")
            assert page.url.endswith("#enter")
            assert not page.is_checked(f"label:has-text('{ticked}') input")  # a clean form for the next
        assert "2 answers." in page.content()
        assert page.csp_violations == []
    assert sorted(SurveyResponse.objects.values_list("chosen__label", flat=True)) == ["Sewing", "Yoga"]
