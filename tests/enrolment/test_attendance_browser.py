"""The register on a phone in headless Chromium: big targets, fields that apply, no CSP violation."""
import datetime as dt

import pytest
from django.utils import timezone, translation

from enrolment.models import Attendance
from tests.browser import chromium_page
from tests.factories import CycleFactory, EnrolmentFactory, SessionFactory, TermFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def phone():
    with chromium_page(viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True) as page:
        yield page


def test_facilitator_takes_the_register_on_a_phone(live_server, phone, site, facilitator_user):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    start = timezone.now().replace(microsecond=0) - dt.timedelta(minutes=30)
    session = SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    here, away = (EnrolmentFactory(cycle=cycle, enrolled_on=start.date() - dt.timedelta(days=7)) for _ in range(2))
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", facilitator_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/attendance/")
    page.click(f"a[href='/attendance/sessions/{session.pk}/']")
    page.wait_for_selector("#register-form")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    present_label = page.locator(f"#line-{here.pk} .att-present")
    assert present_label.bounding_box()["height"] >= 44
    assert not page.locator(f"#reason-{away.pk}").is_visible()  # shown only once "absent" is chosen

    present_label.tap()
    page.locator(f"#line-{away.pk} .att-absent").tap()
    assert page.locator(f"#reason-{away.pk}").is_visible()
    assert not page.locator(f"#text-{away.pk}").is_visible()
    page.select_option(f"#reason-{away.pk}", "other")
    page.fill(f"#text-{away.pk}", "Family emergency")
    page.click("button:has-text('Save the register')")
    page.wait_for_load_state()

    saved = {a.enrolment_id: (a.status, a.absence_reason, a.reason_text) for a in Attendance.objects.filter(session=session)}
    assert saved == {here.pk: ("present", "", ""), away.pk: ("absent", "other", "Family emergency")}
    assert page.csp_violations == []


def test_facilitator_writes_the_session_log_and_the_next_register_shows_it(live_server, phone, site, facilitator_user):
    from activities.models import SessionLog

    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    start = timezone.now().replace(microsecond=0) - dt.timedelta(hours=3)
    today = SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    next_week = SessionFactory(cycle=cycle, starts_at=start + dt.timedelta(days=7),
                               ends_at=start + dt.timedelta(days=7, hours=2))
    page = phone
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", facilitator_user.username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main form [type=submit]")
    page.wait_for_load_state()

    page.goto(f"{live_server.url}/attendance/sessions/{today.pk}/")
    page.click("#session-log a:has-text('Write the session log')")
    page.fill("#id_done", "Scene 2 rehearsed twice.")
    page.fill("#id_next_time", "Bring the hats.")
    page.click("main form button[type=submit]")
    page.wait_for_selector("#session-log:has-text('Scene 2 rehearsed twice.')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert SessionLog.objects.get(session=today).next_time == "Bring the hats."

    page.goto(f"{live_server.url}/attendance/sessions/{next_week.pk}/")
    assert "Bring the hats." in page.locator("#previous-log").inner_text()
    assert page.csp_violations == []
