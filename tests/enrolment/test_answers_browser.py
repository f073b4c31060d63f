"""Answers to applications in headless Chromium: tick, print one slip a page, record them handed out."""
import datetime as dt

import pytest
from django.utils import timezone

from enrolment.models import ApplicationAnswer, EnrolmentStatus
from tests.browser import chromium_page, sign_in
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_prints_the_answers_of_a_unit_one_a_page_and_records_them(live_server, coordinator, site, unit):
    today = timezone.localdate()
    term = TermFactory(site=site, first_date=today + dt.timedelta(days=20), last_date=today + dt.timedelta(days=120))
    cycle = CycleFactory(term=term, activity=ActivityFactory(title_en="Theatre workshop", title_fr="Atelier théâtre"),
                         eligible_units=[unit])
    waiting = [EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, site=site, last_name=name),
                                status=EnrolmentStatus.APPROVED, requested_on=today - dt.timedelta(days=3))
               for name in ("Alpha", "Bravo", "Charlie")]
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        page.goto(f"{live_server.url}/enrolment/answers/")
        assert page.locator("input[name=a]:checked").count() == 3
        page.uncheck(f"#answer-{waiting[2].pk}")  # Charlie's is handed out another day
        page.click("button:has-text('Print the answers ticked')")
        page.wait_for_load_state()
        slips = page.locator("article.answer-slip")
        assert slips.count() == 2
        assert "Vous êtes le numéro 2 sur la liste d'attente." in slips.nth(1).inner_text()
        page.emulate_media(media="print")  # one slip a page, the page's own controls left out
        assert slips.nth(1).evaluate("e => getComputedStyle(e).breakBefore") == "page"
        assert page.locator(".no-print").first.is_hidden()
        page.emulate_media(media="screen")
        page.click("button:has-text('Handed out: record 2 answers')")
        page.wait_for_load_state()
        assert "2 answers recorded as handed out." in page.locator(".messages").inner_text()
        assert page.locator("input[name=a]").count() == 1
        assert page.csp_violations == []
    assert sorted(ApplicationAnswer.objects.values_list("enrolment_id", "waiting_position")) == [
        (waiting[0].pk, 1), (waiting[1].pk, 2)]
