"""The Django admin covers the reference data; reading a detainee there is audited."""
import pytest
from django.contrib import admin

from core.models import AuditAction, AuditEntry
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    FacilitatorFactory,
    RoomFactory,
    SessionFactory,
    StaffMemberFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db

REFERENCE_MODELS = [
    "prisons.site", "prisons.building", "prisons.unit", "prisons.room", "prisons.regimeperiod",
    "prisons.blockedperiod", "prisons.detainee", "prisons.nonassociation", "prisons.staffmember",
    "activities.partner", "activities.facilitator", "activities.activity", "activities.term", "activities.cycle",
    "activities.session", "core.user", "core.auditentry",
]


def test_every_reference_model_has_an_admin():
    registered = {model._meta.label_lower for model in admin.site._registry}
    assert set(REFERENCE_MODELS) <= registered


def test_admin_lists_and_forms_render(client, administrator, site):
    unit = UnitFactory(building__site=site)
    DetaineeFactory(unit=unit)
    room = RoomFactory(site=site)
    StaffMemberFactory(site=site, units=[unit])
    facilitator = FacilitatorFactory(sites=[site])
    facilitator.availabilities.create(weekday=0, start="09:00", end="12:00")
    SessionFactory(cycle=CycleFactory(activity=ActivityFactory()))
    client.force_login(administrator)
    for label in REFERENCE_MODELS:
        app, model = label.split(".")
        assert client.get(f"/admin/{app}/{model}/").status_code == 200, label
        if label != "core.auditentry":
            assert client.get(f"/admin/{app}/{model}/add/").status_code == 200, label
    page = client.get(f"/admin/activities/facilitator/{facilitator.pk}/change/").content.decode()
    assert "availabilities" in page and "availability_exceptions" in page
    assert "weekly_uses" in client.get(f"/admin/prisons/room/{room.pk}/change/").content.decode()


def test_reading_a_detainee_in_the_admin_is_audited(client, administrator):
    detainee = DetaineeFactory()
    client.force_login(administrator)
    assert client.get(f"/admin/prisons/detainee/{detainee.pk}/change/").status_code == 200
    entry = AuditEntry.objects.get(detainee_id=detainee.pk)
    assert entry.action == AuditAction.VIEW and entry.user == administrator and entry.detail == "admin"


def test_coordinators_cannot_enter_the_admin(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/admin/prisons/detainee/")
    assert response.status_code == 302 and "/admin/login/" in response.url
