"""Fixtures shared by the planning tests."""
import datetime as dt

import pytest
import time_machine

from prisons.models import RegimePeriod
from scheduling import services
from scheduling.models import DraftSession
from tests.factories import FacilitatorFactory

from .small_prison import build_small_prison


@pytest.fixture
def published_prison(site, coordinator):
    """The small prison published from 15 March 2027: French twice a week (Ana, A1), sport on Tuesdays
    (Bert, A1 and A2); Ana and Bert have e-mail addresses."""
    prison = build_small_prison(site, first_date=dt.date(2027, 3, 15), last_date=dt.date(2027, 4, 30))
    prison.ana.email = "ana@partner.example"
    prison.ana.save()
    prison.bert = FacilitatorFactory(first_name="Bert", last_name="Peeters", sites=[site], email="bert@partner.example")
    prison.sport.facilitators.set([prison.bert])
    period = {(p.weekday, p.index): p for p in RegimePeriod.objects.filter(site=site)}
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=period[0, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=period[1, 0], room=prison.classroom)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=period[1, 1], room=prison.hall)
    with time_machine.travel(dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        services.publish(prison.term, dt.date(2027, 3, 15), coordinator)
    return prison
