"""Creating and editing a site's terms with their excluded dates: refusals name the field and the
line, terms of a site do not overlap, dated sessions are not left outside."""
import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import ExcludedDate, Term
from core.models import Role
from tests.factories import CycleFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_creates_a_term_with_its_excluded_dates(client, coordinator, site):
    client.force_login(coordinator)
    url = reverse("activities:term-create")
    assert url in client.get(reverse("activities:term-list")).content.decode()
    response = client.post(url, {"site": site.pk, "name": "Spring 2027", "first_date": "2027-01-11",
                                 "last_date": "2027-06-25",
                                 "excluded_dates": "2027-04-05 Easter Monday\n\n01/05/2027 Labour Day"})
    term = Term.objects.get()
    assert response.status_code == 302 and response.url == reverse("activities:term-detail", args=[term.pk])
    assert [(e.date, e.label) for e in ExcludedDate.objects.filter(term=term)] == [
        (dt.date(2027, 4, 5), "Easter Monday"), (dt.date(2027, 5, 1), "Labour Day")]
    edit = client.get(reverse("activities:term-edit", args=[term.pk]))
    assert edit.context["form"].initial["excluded_dates"] == "2027-04-05 Easter Monday\n2027-05-01 Labour Day"


@pytest.mark.parametrize("changes, field, message", [
    ({"last_date": "2027-01-01"}, "last_date", "The last date is before the first."),
    ({"last_date": "2028-06-01"}, "last_date", "A term lasts a year at most."),
    ({"first_date": "2026-12-01"}, "first_date", "These dates overlap Autumn (2026-09-07 to 2027-01-08)."),
    ({"excluded_dates": "2027-04-05 Easter\nsoon Party"}, "excluded_dates",
     "Line 2: “soon” is not a date (2027-04-05 or 05/04/2027)."),
    ({"excluded_dates": "2027-08-15 Assumption"}, "excluded_dates", "2027-08-15 is not in the term."),
    ({"excluded_dates": "2027-04-05 Easter\n05/04/2027 Again"}, "excluded_dates", "2027-04-05 is listed twice."),
])
def test_a_term_that_cannot_be_saved_names_the_field(client, coordinator, site, changes, field, message):
    TermFactory(site=site, name="Autumn", first_date=dt.date(2026, 9, 7), last_date=dt.date(2027, 1, 8))
    client.force_login(coordinator)
    data = {"site": site.pk, "name": "Spring", "first_date": "2027-01-11", "last_date": "2027-06-25",
            "excluded_dates": "", **changes}
    response = client.post(reverse("activities:term-create"), data)
    assert response.status_code == 400
    assert message in response.context["form"].errors[field]
    assert Term.objects.count() == 1


def test_dated_sessions_are_not_left_outside_and_the_api(coordinator, screener, site, other_site, client):
    term = TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    SessionFactory(cycle=CycleFactory(term=term), starts_at=dt.datetime(2027, 6, 21, 9, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2027, 6, 21, 10, tzinfo=dt.UTC))
    api = APIClient()
    api.force_authenticate(coordinator)
    url = f"/api/v1/terms/{term.pk}/"
    shorter = api.patch(url, {"last_date": "2027-06-11"}, format="json")
    assert shorter.status_code == 400 and "1 dated sessions fall outside these dates" in shorter.data["first_date"][0]
    renamed = api.patch(url, {"name": "Spring 2027", "excluded_dates": [{"date": "2027-04-05", "label": "Easter"}]},
                        format="json")
    assert renamed.status_code == 200 and renamed.data["name"] == "Spring 2027"
    assert list(term.excluded_dates.values_list("label", flat=True)) == ["Easter"]
    created = api.post("/api/v1/terms/", {"site": site.pk, "name": "Autumn", "first_date": "2027-09-06",
                                          "last_date": "2027-12-17"}, format="json")
    assert created.status_code == 201
    assert api.post("/api/v1/terms/", {"site": other_site.pk, "name": "X", "first_date": "2027-09-06",
                                       "last_date": "2027-12-17"}, format="json").status_code == 400
    api.force_authenticate(screener)
    assert api.patch(url, {"name": "Mine"}, format="json").status_code == 403
    client.force_login(screener)
    assert client.get(reverse("activities:term-create")).status_code == 403
    client.force_login(UserFactory(username="coord-b", role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("activities:term-edit", args=[term.pk])).status_code == 404
