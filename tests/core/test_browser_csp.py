"""Key pages in headless Chromium: they work under our Content-Security-Policy without a violation."""

import pytest
from django.utils import timezone

from scheduling.models import UnsentEmail, UnsentEmailKind
from tests.browser import chromium_page, sign_in
from tests.factories import ActivityFactory, DetaineeFactory, FacilitatorFactory, RoomFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "a-long-test-password"


@pytest.fixture
def browser_page():
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        yield page


def test_api_docs_and_coordinator_pages_run_without_csp_violations(live_server, browser_page, coordinator, unit):
    ActivityFactory(title_en="Theatre workshop", title_fr="Atelier théâtre", title_nl="Toneelatelier")
    volunteer = FacilitatorFactory(sites=[unit.site], phone="+32 470 00 00 00")
    DetaineeFactory(unit=unit)
    room = RoomFactory(site=unit.site)
    now = timezone.now()
    UnsentEmail.objects.create(key="facilitator_changes:facilitator:1", kind=UnsentEmailKind.FACILITATOR_CHANGES,
                               facilitator=volunteer, address="v@partner.example", error="ConnectionRefusedError",
                               first_failed_at=now, last_failed_at=now)
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

    for path in ["/activities/catalogue/", "/activities/facilitators/", "/prisons/detainees/", "/prisons/units/",
                 "/prisons/staff/", f"/prisons/staff/new/?site={unit.site_id}", f"/prisons/units/{unit.pk}/regime/",
                 f"/prisons/sites/{unit.site_id}/regime/?day=0", f"/prisons/rooms/new/?site={unit.site_id}",
                 f"/calendar/changes/{unit.pk}/?lang=nl", f"/calendar/movements/{unit.pk}/", "/calendar/unsent-emails/", "/attendance/sheets/",
                 "/activities/facilitators/import/", f"/prisons/rooms/{room.pk}/uses/",
                 "/prisons/staff/import/", "/password/", "/activities/facilitators/logins/", "/screening/to-screen/",
                 "/enrolment/answers/", "/attendance/follow-up/", f"/screening/day/?site={unit.site_id}", "/"]:
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state()
        assert page.locator("main h1:not(article h1)").count() == 1, path  # a printed notice has its own
        if path == "/calendar/unsent-emails/":
            assert page.locator("#unsent-emails tbody tr").count() == 1
    assert page.csp_violations == []


def test_a_volunteer_invited_from_their_page_chooses_a_password_in_chromium(live_server, browser_page, coordinator,
                                                                           unit):
    import re

    from django.core import mail

    volunteer = FacilitatorFactory(first_name="Ana", last_name="Lopez", email="ana@partner.example",
                                   languages=["en"], sites=[unit.site])
    page = browser_page
    sign_in(page, live_server, coordinator.username)
    page.goto(f"{live_server.url}/activities/facilitators/{volunteer.pk}/")
    page.click("#login button[type=submit]:has-text('Give a login')")
    page.wait_for_load_state()
    assert "Invitation e-mailed to Ana Lopez." in page.locator(".messages").inner_text()
    assert "has not chosen a password yet" in page.locator("#login").inner_text()
    link = re.search(r"http://127\.0\.0\.1:8000(/welcome/\S+/)", mail.outbox[-1].body).group(1)

    page.click("header form[action='/logout/'] [type=submit]")
    page.wait_for_load_state()
    page.goto(f"{live_server.url}{link}")
    page.fill("input[name=new_password1]", "Lantern-orchard-52")
    page.fill("input[name=new_password2]", "Lantern-orchard-52")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "Welcome to Relais" in page.locator(".messages").inner_text()
    assert "Ana Lopez" in page.locator(".whoami").inner_text()
    assert page.csp_violations == []


def test_a_volunteer_without_e_mail_gets_a_letter_and_types_its_code_in_chromium(live_server, browser_page,
                                                                                coordinator, unit):
    volunteer = FacilitatorFactory(first_name="Tom", last_name="Janssens", email="", languages=["en"],
                                   sites=[unit.site])
    page = browser_page
    sign_in(page, live_server, coordinator.username)
    page.goto(f"{live_server.url}/activities/facilitators/{volunteer.pk}/")
    page.click("#login button[type=submit]:has-text('Give a login and print a letter')")
    page.wait_for_load_state()
    letter = page.locator("article.login-letter")
    assert letter.count() == 1 and "Your login to Relais" in letter.inner_text()
    assert page.locator("[data-print]").is_visible()
    username, code = (element.inner_text() for element in letter.locator("code.letter-secret").all())
    assert username == "tom.janssens"

    page.click("header form[action='/logout/'] [type=submit]")
    page.wait_for_load_state()
    page.click("text=I have a letter with a code")
    page.wait_for_load_state()
    page.fill("input[name=username]", username)
    page.fill("input[name=code]", code.lower())
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    page.fill("input[name=new_password1]", "Lantern-orchard-52")
    page.fill("input[name=new_password2]", "Lantern-orchard-52")
    page.click("main form [type=submit]")
    page.wait_for_load_state()
    assert "Welcome to Relais" in page.locator(".messages").inner_text()
    assert "Tom Janssens" in page.locator(".whoami").inner_text()
    assert page.csp_violations == []
