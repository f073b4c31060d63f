"""Key pages in headless Chromium: they work under our Content-Security-Policy without a violation."""
import os
from pathlib import Path

import pytest
from django.db import connections

from tests.factories import ActivityFactory, DetaineeFactory, FacilitatorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.csp_violations = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.csp_violations.append(message.text))
        yield page
        browser.close()
        # Inside Playwright's event loop, Django's thread-local connections are another
        # context's: close the one the test opened there, or it outlives the test database.
        connections.close_all()


def test_api_docs_and_coordinator_pages_run_without_csp_violations(live_server, browser_page, coordinator, unit):
    ActivityFactory(title_en="Theatre workshop", title_fr="Atelier théâtre", title_nl="Toneelatelier")
    FacilitatorFactory(sites=[unit.site])
    DetaineeFactory(unit=unit)
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", coordinator.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock-tag", timeout=20000)
    assert "Relais API" in page.locator(".swagger-ui .info").inner_text()
    assert page.locator(".swagger-ui .opblock-tag", has_text="detainees").count() == 1

    for path in ["/activities/catalogue/", "/activities/facilitators/", "/prisons/detainees/", "/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        assert page.locator("main h1").count() == 1, path
    assert page.csp_violations == []
