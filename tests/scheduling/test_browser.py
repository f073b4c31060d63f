"""Plan → review → publish → the facilitator's calendar, in headless Chromium."""
import datetime as dt
from pathlib import Path

import pytest
from django.test import override_settings

from activities.models import Session
from core.models import Role
from tests.browser import chromium_page, sign_in
from tests.factories import UserFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def browser_page():
    with chromium_page(viewport={"width": 1400, "height": 1000}) as page:
        yield page


@override_settings(TASKS=IMMEDIATE)
def test_plan_review_publish_then_facilitator_calendar(live_server, browser_page, site):
    prison = build_small_prison(site, first_date=dt.date(2027, 3, 1), last_date=dt.date(2027, 4, 30))
    UserFactory(username="planner", role=Role.COORDINATOR, sites=[site])
    ana_login = UserFactory(username="ana", role=Role.FACILITATOR, sites=[site])
    prison.ana.user = ana_login
    prison.ana.save()
    page = browser_page

    sign_in(page, live_server, "planner")
    page.goto(f"{live_server.url}/planning/terms/{prison.term.pk}/")
    page.fill("input[name=time_limit]", "10")
    page.click("section.planning-run form button[type=submit]")
    page.wait_for_selector("table[data-grid=room] .cell-session")
    assert page.locator("table[data-grid=room] .cell-session").count() == 3
    assert page.locator(".finding-error").count() == 0
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("table[data-grid=room]").screenshot(path=str(ARTIFACTS / "planning-week-grid.png"))

    page.fill("input[name=effective_date]", "2027-03-01")
    page.click("section[aria-labelledby=publish-title] button[type=submit]")
    page.wait_for_selector("tr[data-change=new]")
    assert page.locator("tr[data-change=new]").count() == 3
    assert Session.objects.filter(cycle=prison.french).count() == 2 * 9

    page.click("form[action*=logout] button")
    sign_in(page, live_server, "ana")
    first = Session.objects.filter(cycle=prison.french).order_by("starts_at").first()
    page.goto(f"{live_server.url}/calendar/?date={first.starts_at.date().isoformat()}")
    body = page.locator("main").inner_text()
    assert "French" in body or "Atelier" in body
    page.screenshot(path=str(ARTIFACTS / "facilitator-calendar.png"), full_page=True)
