"""A new site set up from its spreadsheets in Chromium: the home page's checklist leads to the units import,
whose preview and confirmation fill the list, and the checklist counts it; an administrator opens a site from
the menu and the checklist starts for it."""
import pytest

from prisons.models import Site, Unit
from tests.browser import chromium_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

UNITS = "Code;Nom;Bâtiment;Population;Statut juridique\nA1;Aile A;Bâtiment A;hommes;prévenus\n"


def test_the_checklist_leads_to_the_units_import_and_counts_it(live_server, coordinator, site, tmp_path):
    units_file = tmp_path / "units.csv"
    units_file.write_text(UNITS, encoding="utf-8")
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, coordinator.username)
        assert "Haren: 0 of 9 ready" in page.locator("#setup").inner_text()
        page.click("#setup a:has-text('The living units')")
        page.wait_for_load_state()
        assert page.locator("select[name=site]").input_value() == str(site.pk)
        page.set_input_files("input[name=file]", str(units_file))
        page.click("main form [type=submit]:has-text('Check the file')")
        page.wait_for_load_state()
        preview = page.locator("#import-rows").inner_text()
        assert "Aile A" in preview and "new building" in preview
        assert not Unit.objects.exists()
        page.click("main form [type=submit]:has-text('Import')")
        page.wait_for_load_state()
        assert "Units imported for Haren: 1 new, 0 updated." in page.locator(".messages").inner_text()
        page.goto(f"{live_server.url}/")
        assert "Haren: 1 of 9 ready" in page.locator("#setup").inner_text()
        assert page.csp_violations == []
    unit = Unit.objects.get(site=site, code="A1")
    assert (unit.building.name, unit.population, unit.legal_regime) == ("Bâtiment A", "men", "remand")


def test_an_administrator_opens_a_site_from_the_menu_and_adds_its_first_building(live_server, administrator, site):
    with chromium_page(viewport={"width": 1280, "height": 900}) as page:
        sign_in(page, live_server, administrator.username)
        page.click("nav a:has-text('Sites')")
        page.wait_for_load_state()
        page.click("main a:has-text('Open a site')")
        page.wait_for_load_state()
        page.fill("input[name=code]", "lantin")
        page.fill("input[name=name]", "Lantin")
        page.fill("input[name=daily_outside_quota]", "0")
        page.click("main form [type=submit]:has-text('Save')")
        page.wait_for_load_state()
        # Refused with what was typed kept, the field named.
        assert "Ensure this value is greater than or equal to 1." in page.locator("main").inner_text()
        assert page.locator("input[name=name]").input_value() == "Lantin"
        page.fill("input[name=daily_outside_quota]", "10")
        page.click("main form [type=submit]:has-text('Save')")
        page.wait_for_load_state()
        assert "Lantin saved." in page.locator(".messages").inner_text()
        page.fill("input[name=building-code]", "P1")
        page.fill("input[name=building-name]", "Pavillon 1")
        page.click("main form [type=submit]:has-text('Add the building')")
        page.wait_for_load_state()
        assert "P1 – Pavillon 1" in page.locator("#buildings + p + ul").inner_text()
        page.goto(f"{live_server.url}/")
        assert "Lantin: 0 of 9 ready" in page.locator("#setup").inner_text()
        assert page.csp_violations == []
    lantin = Site.objects.get(code="lantin")
    assert (lantin.daily_outside_quota, [b.code for b in lantin.buildings.all()]) == (10, ["P1"])
