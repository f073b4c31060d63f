"""Creating a cycle in headless Chromium: the form filled in from the catalogue, then opened."""
import datetime as dt

import pytest
from django.utils import translation

from activities.models import Cycle
from tests.browser import chromium_page, sign_in
from tests.factories import ActivityFactory, FacilitatorFactory, TermFactory, UnitFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_a_coordinator_creates_a_cycle_from_the_catalogue_and_opens_it(live_server, site, coordinator):
    term = TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    unit = UnitFactory(building__site=site, code="A1")
    volunteer = FacilitatorFactory(sites=[site], first_name="Ana", last_name="Vol")
    activity = ActivityFactory(code="choir", title_en="Choir", group_max=11, sessions_per_week=2, languages=["nl"])
    activity.default_facilitators.set([volunteer])

    with chromium_page(viewport={"width": 1280, "height": 1000}) as page:
        sign_in(page, live_server, coordinator.username)
        page.goto(f"{live_server.url}/activities/terms/{term.pk}/")
        page.click("a:has-text('New cycle')")
        page.select_option("#from-activity", str(activity.pk))
        page.click("button:has-text('Fill in from the catalogue')")
        page.wait_for_load_state()
        assert page.input_value("input[name=capacity]") == "11"
        assert page.is_checked(f"input[name=facilitators][value='{volunteer.pk}']")
        page.fill("input[name=code]", "choir-a")
        page.check(f"input[name=eligible_units][value='{unit.pk}']")
        page.click("main form.stacked button[type=submit]")
        page.wait_for_selector("h1:has-text('Choir')")
        cycle = Cycle.objects.get(code="choir-a")
        assert (cycle.capacity, cycle.sessions_per_week, cycle.language, cycle.status) == (11, 2, "nl", "draft")

        page.click("a:has-text('Edit the cycle')")
        page.select_option("select[name=status]", "open")
        page.click("main form.stacked button[type=submit]")
        page.wait_for_selector("text=Open for applications")
        cycle.refresh_from_db()
        assert cycle.status == "open"
        assert page.csp_violations == []
