"""E-mails to prison staff about the coming sessions of their units that are off (Django's locmem outbox
holds what was sent): told once per kind, in their login's language, only to those of the units concerned."""
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from rest_framework.test import APIClient

from core.models import Role
from scheduling import services
from scheduling.models import StaffNotice
from scheduling.staff_notices import send_staff_notices
from tests.factories import DetaineeFactory, EnrolmentFactory, StaffMemberFactory, UserFactory

from .small_prison import english  # noqa: F401  (autouse fixture)

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
    assert message.subject == "Relais : 2 séances de vos unités de vie n'ont pas lieu"
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
    assert lies.subject == "Relais: 1 session of your units is off"
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
