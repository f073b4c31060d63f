"""E-mails to prison staff about the coming sessions of their units that are off or moved (Django's locmem
outbox holds what was sent): off told once per kind, a move once per new time or room with what it was, in
their login's language, only to those of the units concerned."""
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from core.models import Role
from prisons.models import RegimePeriod
from scheduling import replacements, services
from scheduling.models import DraftSession, StaffNotice
from scheduling.notices import send_change_notices
from scheduling.staff_notices import send_staff_notices
from tests.factories import DetaineeFactory, EnrolmentFactory, StaffMemberFactory, UserFactory

from .small_prison import english, session_on  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
TUESDAY = dt.date(2027, 3, 23)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False):  # a Friday
        yield


@pytest.fixture
def prison(published_prison):
    return published_prison


@pytest.fixture
def staff(prison):
    login = UserFactory(username="officer-a1", role=Role.STAFF, sites=[prison.site], language="fr")
    return {
        "a1": StaffMemberFactory(site=prison.site, user=login, first_name="Marc", units=[prison.a1],
                                 email="marc@prison.example"),
        "a2": StaffMemberFactory(site=prison.site, first_name="Lies", units=[prison.a2], email="lies@prison.example"),
        "no_address": StaffMemberFactory(site=prison.site, units=[prison.a1]),
        "declined": StaffMemberFactory(site=prison.site, units=[prison.a1], email="no@prison.example",
                                       email_cancellations=False),
    }


def test_a_unit_cancelled_for_a_day_is_told_to_its_staff_once(prison, staff, coordinator):
    EnrolmentFactory(detainee=DetaineeFactory(unit=prison.a1, first_name="Youssef", last_name="Amrani"),
                     cycle=prison.french)
    services.cancel_sessions(site=prison.site, unit=prison.a1, first_date=TUESDAY, last_date=TUESDAY,
                             reason="staff_shortage", by=coordinator)
    assert send_staff_notices() == 1  # French (A1 only) is cancelled; sport goes on with A2, without A1
    (message,) = mail.outbox
    assert message.to == ["marc@prison.example"]
    assert message.subject == "Relais : 2 changements aux séances de vos unités de vie"
    assert "mardi 23 mars 2027" in message.body and "ANNULÉE" in message.body
    assert "A1 n'y va plus : personne à escorter depuis cette unité." in message.body
    assert f"/calendar/movements/{prison.a1.pk}/" in message.body
    assert "Youssef" not in message.body and "Amrani" not in message.body
    assert send_staff_notices() == 0  # told once

    services.cancel_sessions(site=prison.site, unit=prison.a2, first_date=TUESDAY, last_date=TUESDAY,
                             reason="strike", by=coordinator)
    mail.outbox.clear()
    call_command("send_change_notices", stdout=io.StringIO())  # the task's safety net sends both kinds
    to = {m.to[0]: m for m in mail.outbox}
    assert "marc@prison.example" in to and "lies@prison.example" in to
    lies = to["lies@prison.example"]
    assert lies.subject == "Relais: 1 change to the sessions of your units"
    assert "Sport" in lies.body and "A2" in lies.body and "CANCELLED: Strike" in lies.body
    assert StaffNotice.objects.filter(staff_member=staff["declined"]).count() == 0


def test_who_reads_the_staff_notices_in_the_api(prison, staff, coordinator, facilitator_user):
    services.cancel_sessions(site=prison.site, first_date=TUESDAY, last_date=TUESDAY, reason="strike",
                             by=coordinator)
    assert send_staff_notices() == 2
    api = APIClient()
    api.force_authenticate(coordinator)
    assert api.get("/api/v1/staff-notices/").data["count"] == StaffNotice.objects.count() >= 3
    api.force_authenticate(staff["a1"].user)
    own = api.get("/api/v1/staff-notices/").data["results"]
    assert own and {row["staff_member"] for row in own} == {staff["a1"].pk}
    api.force_authenticate(facilitator_user)
    assert api.get("/api/v1/staff-notices/").status_code == 403


def _period(prison, weekday, index):
    return RegimePeriod.objects.get(site=prison.site, weekday=weekday, index=index)


def test_a_moved_session_is_told_to_its_units_staff_with_where_it_was(prison, staff, coordinator, client):
    session = session_on(prison.french, TUESDAY)  # 08:30 in the classroom, unit A1
    services.move_session(session, day=TUESDAY, period=_period(prison, 1, 3), room=prison.classroom, by=coordinator)
    assert send_staff_notices() == 1  # French is A1's alone: Lies (A2) is not told
    (message,) = mail.outbox
    assert message.to == ["marc@prison.example"]
    assert message.subject == "Relais : 1 changement aux séances de vos unités de vie"
    assert "mardi 23 mars 2027, 13:30" in message.body  # Brussels time, as the regime says
    assert "DÉPLACÉE : elle avait lieu le mardi 23 mars 2027, 08:30 (Classroom" in message.body
    assert send_staff_notices() == 0  # told once

    # The officer's movement list of that Tuesday marks it; the week printed on Monday said 08:30.
    client.force_login(coordinator)
    page = client.get(f"/calendar/movements/{prison.a1.pk}/?date={TUESDAY}").content.decode()
    assert "moved, first planned Tue 23 Mar, 08:30" in page
    dated = client.get(f"/planning/terms/{prison.term.pk}/sessions/?date={TUESDAY}").content.decode()
    assert "Moved: first planned Tue 23 Mar, 08:30, Classroom" in dated
    api = APIClient()
    api.force_authenticate(coordinator)
    row = api.get(f"/api/v1/sessions/{session.pk}/").data
    assert row["moved_from_starts_at"] == "2027-03-23T08:30:00+01:00" and row["moved_from_room"] == prison.classroom.pk

    # A replacement raises the revision but neither time nor room: the staff are not told again.
    replacements.replace(session, [prison.bert], by=coordinator)
    assert send_staff_notices() == 0

    # Moved again, to Monday: told with the time they last knew; Tuesday's list says where it went.
    monday = TUESDAY + dt.timedelta(days=6)
    services.move_session(session, day=monday, period=_period(prison, 0, 1), room=prison.classroom, by=coordinator)
    mail.outbox.clear()
    assert send_staff_notices() == 1
    assert "DÉPLACÉE : elle avait lieu le mardi 23 mars 2027, 13:30 (Classroom" in mail.outbox[0].body
    page = client.get(f"/calendar/movements/{prison.a1.pk}/?date={TUESDAY}").content.decode()
    assert "Moved to another day" in page and "now on Monday 29 March 2027, 10:15" in page
    assert "moved, first planned" not in page  # nobody leaves A1 for it that Tuesday any more
    assert StaffNotice.objects.filter(staff_member=staff["declined"]).count() == 0


def test_a_new_publication_moving_old_sessions_is_told_to_staff_and_facilitators(prison, staff, coordinator):
    # The sessions were created on 1 March; the term's timetable changes on 19 March: Tuesday's French
    # goes to 13:30 from the 22nd on.
    draft = DraftSession.objects.get(cycle=prison.french, period=_period(prison, 1, 0))
    draft.period = _period(prison, 1, 3)
    draft.save()
    result = services.publish(prison.term, dt.date(2027, 3, 22), coordinator, accept_warnings=True)
    assert result.moved >= 2
    assert send_staff_notices() == 1
    body = mail.outbox[0].body
    assert body.count("DÉPLACÉE") == 2  # 23 and 30 March (the 6th of April is beyond two weeks)
    assert "elle avait lieu le mardi 30 mars 2027, 08:30" in body
    mail.outbox.clear()
    assert send_change_notices() == 1  # Ana, who leads French
    assert "first planned on Tuesday 23 March 2027, 08:30 in Classroom" in mail.outbox[0].body
