"""The notice of a week's changes posted in a unit for its detainees: what is off and what moved, in
the language chosen, no reason and no name; the same readers as the movement list."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from prisons.models import RegimePeriod
from scheduling import services

from .small_prison import english, session_on  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = dt.date(2027, 3, 22), dt.date(2027, 3, 23)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False):  # a Friday
        yield


@pytest.fixture
def changed_week(published_prison, coordinator):
    prison = published_prison
    services.cancel_session(session_on(prison.french, MONDAY), reason="technical", reason_text="Heating broken",
                            by=coordinator)
    services.move_session(session_on(prison.french, TUESDAY), day=TUESDAY,
                          period=RegimePeriod.objects.get(site=prison.site, weekday=1, index=3),
                          room=prison.classroom, by=coordinator)
    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=TUESDAY, last_date=TUESDAY,
                             reason="staff_shortage", by=coordinator)
    return prison


def _notice(client, unit, **params):
    response = client.get(reverse("calendars:unit-changes", args=[unit.pk]), {"date": str(MONDAY), **params})
    assert response.status_code == 200
    return response.content.decode().split('<article class="notice unit-changes"')[1]


def test_each_unit_reads_its_own_changes_in_the_language_chosen(client, changed_week, coordinator,
                                                               django_assert_max_num_queries):
    prison = changed_week
    client.force_login(coordinator)
    a1 = _notice(client, prison.a1, lang="fr")
    assert 'lang="fr"' in a1 and "Changements dans les activités" in a1
    assert "ANNULÉE</strong> · lundi 22 mars, 08:30–10:00" in a1
    assert "DÉPLACÉE</strong> · désormais le mardi 23 mars, 13:30–15:00" in a1
    assert "au lieu du mardi 23 mars, 08:30" in a1
    assert "Sport" not in a1  # A1 still goes to sport
    assert "Heating" not in a1  # a coordinator's reason is for staff
    assert a1.index("ANNULÉE") < a1.index("DÉPLACÉE")  # in the order of the week

    a2 = _notice(client, prison.a2, lang="nl")
    assert "GEANNULEERD</strong> · dinsdag 23 maart, 10:15–11:45" in a2
    assert "French" not in a2 and "Frans" not in a2  # not a cycle of A2
    # the page around the notice stays in the reader's language
    page = client.get(reverse("calendars:unit-changes", args=[prison.a2.pk]), {"lang": "nl"}).content.decode()
    assert "Changes for the unit's detainees" in page

    quiet = _notice(client, prison.a1, date=str(MONDAY + dt.timedelta(days=14)), lang="en")
    assert "No change this week: the activities take place as planned." in quiet
    with django_assert_max_num_queries(12):
        _notice(client, prison.a1, lang="en")


def test_linked_from_the_movement_list_and_for_its_readers_only(client, changed_week, coordinator,
                                                                 facilitator_user):
    prison = changed_week
    url = reverse("calendars:unit-changes", args=[prison.a1.pk])
    client.force_login(coordinator)
    movement_list = client.get(reverse("calendars:movement-list", args=[prison.a1.pk]), {"date": str(MONDAY)})
    assert f"{url}?date={MONDAY}" in movement_list.content.decode()
    client.force_login(facilitator_user)
    assert client.get(url).status_code == 404
