"""The evaluation page in headless Chromium: the menu, the term picker, the workbook download."""
import datetime as dt
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.utils import translation

from activities.models import CycleStatus
from tests.browser import chromium_page
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    EnrolmentFactory,
    SessionFactory,
    TermFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def test_coordinator_picks_a_past_term_reads_its_signals_and_downloads_the_workbook(live_server, site, coordinator,
                                                                                  tmp_path):
    autumn = TermFactory(site=site, name="Autumn", first_date=dt.date(2026, 9, 7), last_date=dt.date(2026, 11, 27))
    TermFactory(site=site, name="Winter", first_date=dt.date(2026, 11, 30), last_date=dt.date(2027, 3, 19))
    theatre = CycleFactory(term=autumn, code="theatre", capacity=10, status=CycleStatus.FINISHED,
                           activity=ActivityFactory(title_en="Theatre"))
    for _ in range(3):
        EnrolmentFactory(cycle=theatre, enrolled_on=dt.date(2026, 9, 1), status="removed",
                         ended_on=dt.date(2026, 11, 27))
    start = dt.datetime(2026, 10, 5, 14, 0, tzinfo=BRUSSELS)
    SessionFactory(cycle=theatre, starts_at=start, ends_at=start + dt.timedelta(minutes=90))

    with chromium_page(viewport={"width": 1280, "height": 900}, accept_downloads=True) as page:
        page.goto(f"{live_server.url}/login/")
        page.fill("input[name=username]", coordinator.username)
        page.fill("input[name=password]", PASSWORD)
        page.click("main form [type=submit]")
        page.wait_for_load_state()
        page.click("nav.mainnav a:has-text('Evaluation')")
        page.wait_for_selector("h1:has-text('Evaluation of the offer')")
        assert page.locator("#term option:checked").inner_text().startswith(f"{site.name} · Winter")

        page.select_option("#term", str(autumn.pk))
        page.click("form.inline button[type=submit]")
        page.wait_for_selector("[data-signal=low_fill]")
        assert page.url.endswith(f"/evaluation/terms/{autumn.pk}/")
        assert "Only 3 of 10 places are taken" in page.locator("[data-signal=low_fill]").inner_text()
        assert page.locator("#cycles tbody tr").count() == 1

        with page.expect_download() as download:
            page.click("a:has-text('Download the workbook')")
        path = tmp_path / "indicators.xlsx"
        download.value.save_as(path)
        assert download.value.suggested_filename == "relais-indicators-haren-2026-09-07.xlsx"
        assert page.csp_violations == []
    book = openpyxl.load_workbook(path)
    rows = list(book["Cycles"].iter_rows(values_only=True))
    assert rows[1][0] == "theatre" and dict(zip(rows[0], rows[1], strict=True))["Places taken"] == 3
