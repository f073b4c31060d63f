"""Typing in a participant's evaluation sheet in headless Chromium, and the sheets as printed."""
import datetime as dt

import pytest
from django.utils import translation

from activities.models import CycleStatus
from enrolment.models import EvaluationSheet
from prisons.models import DetaineeLanguage
from tests.browser import chromium_page, sign_in
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_coordinator_types_in_a_sheet_then_prints_the_next_ones(live_server, site, coordinator):
    term = TermFactory(site=site, first_date=dt.date(2026, 11, 2), last_date=dt.date(2027, 3, 19))
    cycle = CycleFactory(term=term, code="choir", status=CycleStatus.RUNNING,
                         activity=ActivityFactory(title_en="Choir", title_nl="Koor", title_fr="Chorale"))
    for language in ("nl", "nl", "fr"):
        detainee = DetaineeFactory(unit__building__site=site)
        DetaineeLanguage.objects.create(detainee=detainee, language=language)
        EnrolmentFactory(cycle=cycle, detainee=detainee, enrolled_on=dt.date(2026, 11, 9))

    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        page.goto(f"{live_server.url}/evaluation/cycles/{cycle.pk}/sheets/")
        page.check("input[name=liked][value='3']")
        page.check("input[name=at_ease][value='2']")
        page.check("input[name=level][value=too_easy]")
        page.fill("textarea[name=to_change]", "More songs in Arabic")
        page.click("main form.sheet-entry button[type=submit]")
        page.wait_for_selector("#sheet-summary")
        assert "1 sheet returned for 3 participants." in page.locator("#sheets-returned").inner_text()
        assert page.locator("#to-change").inner_text() == "More songs in Arabic"
        # The form is empty again for the next sheet.
        assert page.locator("input[name=liked][value='']").is_checked()
        sheet = EvaluationSheet.objects.get()
        assert (sheet.liked, sheet.useful, sheet.at_ease, sheet.level) == (3, None, 2, "too_easy")

        page.click("a:has-text('Print the sheets')")
        page.wait_for_selector("article.evaluation-sheet")
        assert page.locator("article.evaluation-sheet[lang=nl]").count() == 2
        assert page.locator("article.evaluation-sheet[lang=fr]").count() == 1
        dutch = page.locator("article.evaluation-sheet[lang=nl]").first
        assert dutch.locator("h1").inner_text().strip() == "Wat vond u van „Koor”?"
        assert dutch.locator("svg.face").count() == 9 and dutch.locator(".slip-box").count() == 15
        # Printed, each sheet is a page of its own.
        page.emulate_media(media="print")
        assert page.locator("article.evaluation-sheet").first.evaluate(
            "el => getComputedStyle(el).breakAfter") == "page"
        assert page.csp_violations == []
