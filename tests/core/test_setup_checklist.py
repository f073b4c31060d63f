"""The home page's setup checklist: what a new site still lacks before its first term, each item linked to the
page or import that fills it, gone once every list has something in it."""
import datetime as dt
import re

import pytest

from prisons.models import RegimePeriod
from tests.factories import (
    ActivityFactory,
    DetaineeFactory,
    FacilitatorFactory,
    PartnerFactory,
    RoomFactory,
    StaffMemberFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def _missing(page: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", item).replace("to do:", "").replace("○", "").strip()
            for item in re.findall(r'<li class="missing">(.*?)</li>', page, flags=re.S)]


def test_a_new_site_lists_what_it_lacks_and_the_list_goes_once_all_is_there(client, coordinator, site,
                                                                           django_assert_max_num_queries):
    client.force_login(coordinator)
    page = client.get("/").content.decode()
    assert "Haren: 0 of 9 ready" in page
    assert _missing(page)[:3] == ["The regime: the periods of each weekday",
                               "The living units",
                               "The rooms and the units that reach them"]
    assert f'href="/prisons/sites/{site.pk}/regime/"' in page
    assert f'href="/prisons/staff/import/?site={site.pk}"' in page
    assert 'href="/activities/catalogue/import/"' in page
    assert f'href="/activities/terms/new/?site={site.pk}"' in page
    assert f'href="/prisons/units/import/?site={site.pk}"' in page

    RegimePeriod.objects.create(site=site, weekday=0, index=0, start=dt.time(8, 30), end=dt.time(10))
    unit = UnitFactory(building__site=site)
    RoomFactory(site=site)
    DetaineeFactory(unit=unit)
    StaffMemberFactory(site=site)
    ActivityFactory()
    PartnerFactory()
    page = client.get("/").content.decode()
    assert "Haren: 7 of 9 ready" in page
    assert _missing(page) == ["The facilitators", "A first term, with its excluded dates"]

    FacilitatorFactory(sites=[site])
    TermFactory(site=site)
    with django_assert_max_num_queries(80):
        page = client.get("/").content.decode()
    assert 'id="setup"' not in page


def test_only_those_who_keep_the_site_see_it(
        client, site, other_site, screener, administrator):
    client.force_login(screener)
    assert 'id="setup"' not in client.get("/").content.decode()
    client.force_login(UserFactory(username="coord-elsewhere", role="coordinator", sites=[other_site]))
    page = client.get("/").content.decode()
    assert "Saint-Gilles: 0 of 9 ready" in page and "Haren:" not in page
    client.force_login(administrator)
    page = client.get("/").content.decode()
    assert "Haren: 0 of 9 ready" in page and "Saint-Gilles: 0 of 9 ready" in page


def test_the_links_preselect_the_site(client, coordinator, site, other_site):
    coordinator.sites.add(other_site)
    client.force_login(coordinator)
    staff_import = client.get(f"/prisons/staff/import/?site={other_site.pk}").content.decode()
    assert f'<option value="{other_site.pk}" selected>' in staff_import
    term = client.get(f"/activities/terms/new/?site={other_site.pk}").content.decode()
    assert f'<option value="{other_site.pk}" selected>' in term


def test_the_api_gives_the_same_checklist_in_the_reader_s_language(client, coordinator, site):
    UnitFactory(building__site=site)
    client.force_login(coordinator)
    body = client.get("/api/v1/setup-checklist/", HTTP_ACCEPT_LANGUAGE="nl").json()
    assert [(entry["site_name"], entry["done"]) for entry in body] == [("Haren", 1)]
    items = body[0]["items"]
    assert items[1] == {"label": "de leefeenheden", "done": True, "url": f"/prisons/units/import/?site={site.pk}"}
    assert [item["done"] for item in items].count(False) == 8
