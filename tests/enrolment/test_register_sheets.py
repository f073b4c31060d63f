"""Registers on paper, for facilitators who may not take a phone inside: what the sheet holds (and does
not), its numbers match the register page's, who may print it, and a day of a site in a few queries."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from activities.models import SessionLog, SessionStatus
from core.models import AuditEntry, Role
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    SiteFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
START = dt.datetime(2027, 3, 10, 14, 0, tzinfo=BRUSSELS)


def _session(cycle, start=START, **kwargs):
    return SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs)


def test_a_facilitator_prints_their_session_numbered_as_on_the_register(client, site, facilitator_user, unit):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator],
                         eligible_units=[unit])
    last_week = _session(cycle, START - dt.timedelta(days=7))
    SessionLog.objects.create(session=last_week, done="Greetings", next_time="Bring the dictionaries")
    session = _session(cycle)
    for last, first, number in (("Zeller", "Omar", "DEMO-0002"), ("Adams", "Karim", "DEMO-0001")):
        EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1),
                         detainee=DetaineeFactory(unit=unit, last_name=last, first_name=first, prison_number=number))
    EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 3, 20), detainee=DetaineeFactory(first_name="Later"))
    EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1), ended_on=dt.date(2027, 3, 1),
                     status="withdrawn", detainee=DetaineeFactory(first_name="Gone"))
    client.force_login(facilitator_user)

    assert 'href="/attendance/sheets/"' in client.get("/calendar/").content.decode()  # from their calendar
    register = client.get(reverse("attendance:register", args=[session.pk])).content.decode()
    assert register.index("Karim") < register.index("Omar")  # Adams before Zeller
    assert reverse("attendance:register-sheet", args=[session.pk]) in register
    sheet = client.get(reverse("attendance:register-sheet", args=[session.pk])).content.decode()
    assert "<td>1</td><td>DEMO-0001</td><td>Karim</td><td>A1</td>" in sheet
    assert "<td>2</td><td>DEMO-0002</td><td>Omar</td><td>A1</td>" in sheet
    assert "Adams" not in sheet and "Zeller" not in sheet  # a facilitator's view: first name and number
    assert "Later" not in sheet and "Gone" not in sheet  # not enrolled that day
    assert "Wednesday 10 March 2027, 14:00–16:00" in sheet
    assert "Bring the dictionaries" in sheet
    assert "1 Sick · 2 Refused" in sheet and "Transferred" not in sheet
    assert "within 7 days" in sheet
    assert AuditEntry.objects.filter(object_type="register_sheets", detail=f"session={session.pk}").exists()

    client.force_login(UserFactory(role=Role.FACILITATOR, sites=[site]))  # not theirs
    assert client.get(reverse("attendance:register-sheet", args=[session.pk])).status_code == 404
    client.force_login(UserFactory(role=Role.STAFF, sites=[site]))
    assert client.get(reverse("attendance:day-sheets")).status_code == 403


def test_a_coordinator_prints_a_day_of_a_site_across_the_change_to_summer_time(
        client, site, coordinator, django_assert_max_num_queries):
    sunday = dt.date(2027, 3, 28)  # clocks go forward at 02:00
    unit = UnitFactory(building__site=site, code="B2")
    sessions = []
    for hour in (9, 11, 14, 16, 18):
        cycle = CycleFactory(term=TermFactory(site=site), eligible_units=[unit],
                             facilitators=[FacilitatorFactory(sites=[site])])
        sessions.append(_session(cycle, dt.datetime(2027, 3, 28, hour, 0, tzinfo=BRUSSELS)))
        for _ in range(3):
            EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1), detainee=DetaineeFactory(unit=unit))
    sessions[-1].status = SessionStatus.CANCELLED
    sessions[-1].save()
    other_day = _session(sessions[0].cycle, dt.datetime(2027, 3, 29, 9, 0, tzinfo=BRUSSELS))
    elsewhere = SiteFactory(code="st-gilles")
    other_site = _session(CycleFactory(term=TermFactory(site=elsewhere)), dt.datetime(2027, 3, 28, 9, 0,
                                                                                       tzinfo=BRUSSELS))
    coordinator.sites.add(elsewhere)
    client.force_login(coordinator)

    with django_assert_max_num_queries(16):
        page = client.get(reverse("attendance:day-sheets"), {"date": sunday.isoformat(), "site": site.pk})
    html = page.content.decode()
    assert html.count('<article class="register-sheet">') == 4  # the cancelled one left out
    assert "Sunday 28 March 2027, 09:00–11:00" in html and "Sunday 28 March 2027, 16:00–18:00" in html
    assert html.count("<td>B2</td>") == 12
    assert f"{other_day.cycle.code}" in html  # its Sunday session is there, not its Monday one
    assert "Monday 29 March" not in html and other_site.cycle.code not in html
    everywhere = client.get(reverse("attendance:day-sheets"), {"date": sunday.isoformat()}).content.decode()
    assert everywhere.count('<article class="register-sheet">') == 5  # both sites of the coordinator


def test_typing_in_a_days_sheets_goes_from_one_register_to_the_next(client, site, coordinator, unit):
    day = dt.datetime(2027, 3, 10, 9, 0, tzinfo=BRUSSELS)
    sessions = []
    for hour in (9, 14):
        cycle = CycleFactory(term=TermFactory(site=site), eligible_units=[unit])
        EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1), detainee=DetaineeFactory(unit=unit))
        sessions.append(_session(cycle, day.replace(hour=hour)))
    with time_machine.travel(day.replace(hour=18), tick=False):  # typed in at the end of the day
        _type_in_the_day(client, coordinator, sessions)


def _type_in_the_day(client, coordinator, sessions):
    client.force_login(coordinator)
    first = client.get(reverse("attendance:register", args=[sessions[0].pk])).content.decode()
    assert ">1 · Sick</option>" in first and ">Session cancelled</option>" in first  # the paper's numbers
    assert "Next register to type in" not in first  # this one is not typed in yet
    done = client.post(reverse("attendance:all-present", args=[sessions[0].pk]), follow=True).content.decode()
    assert f'href="/attendance/sessions/{sessions[1].pk}/">Next register to type in: 14:00' in done
    client.post(reverse("attendance:all-present", args=[sessions[1].pk]))
    last = client.get(reverse("attendance:register", args=[sessions[1].pk])).content.decode()
    assert "Next register to type in" not in last  # the day is typed in
