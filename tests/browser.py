"""Headless Debian Chromium for the browser tests (Playwright), shared by their page fixtures."""

import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db import connections

CHROMIUM = Path("/usr/bin/chromium")


@contextmanager
def chromium_page(**page_options):
    """A page in a fresh headless Chromium; `page.csp_violations` collects the console's
    Content-Security-Policy reports. Skips the test when Playwright or Chromium is missing."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed (make system-deps)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True,
            # --disable-dev-shm-usage: containers often give /dev/shm 64 MB, and Chromium then crashes
            # mid-test ("Target page, context or browser has been closed", seen once in CI)
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"],
        )
        page = browser.new_page(**page_options)
        page.csp_violations = []
        page.on("console", lambda message: "Content Security Policy" in message.text
                and page.csp_violations.append(message.text))
        yield page
        browser.close()
        # Inside Playwright's event loop, Django's thread-local connections are another
        # context's: close the one the test opened there, or it outlives the test database.
        connections.close_all()


def sign_in(page, server, username):
    """Sign in through the sign-in page, as a person would (test users share one password)."""
    from tests.factories import TEST_PASSWORD

    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", TEST_PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()
