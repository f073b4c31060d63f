import datetime as dt

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from prisons.models import RegimePeriod
from scheduling import services
from scheduling.models import DraftSession
from tests.factories import ActivityFactory, CycleFactory, FacilitatorFactory, StaffMemberFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)

UTC = dt.UTC


def _add_cycles(prison, start, stop):
    periods = list(RegimePeriod.objects.filter(site=prison.site).order_by("weekday", "index"))
    for k in range(start, stop):
        cycle = CycleFactory(term=prison.term, code=f"extra-{k}", capacity=10, eligible_units=[prison.a2],
                             facilitators=[FacilitatorFactory(sites=[prison.site])],
                             activity=ActivityFactory(room_kinds=["sports_hall"]))
        DraftSession.objects.create(term=prison.term, cycle=cycle, period=periods[k], room=prison.hall)


def _count(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("page", ["planning:term", "planning:publications", "planning:term-sessions"])
@time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=UTC), tick=False)
def test_planning_pages_do_not_grow_with_the_number_of_cycles(client, site, coordinator, page,
                                                               django_assert_max_num_queries):
    prison = build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 9))
    prison.french.delete()
    prison.sport.delete()
    StaffMemberFactory(site=site, units=[prison.a2])
    client.force_login(coordinator)
    url = reverse(page, args=[prison.term.pk]) + "?date=2027-03-15"

    _add_cycles(prison, 0, 1)
    services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    one = _count(client, url)
    _add_cycles(prison, 1, 3)
    services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    with django_assert_max_num_queries(one):
        client.get(url)
    assert _count(client, url) == one
