"""A new site set up from its spreadsheets in Chromium: the home page's checklist leads to the units import,
whose preview and confirmation fill the list, and the checklist counts it."""
import pytest

from prisons.models import Unit
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
