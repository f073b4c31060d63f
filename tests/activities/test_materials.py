"""Material brought in for a cycle: asked for by its facilitators, decided on by the direction (the
coordinators record it), shown on the gate list to the officers who let the facilitators in."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import CycleMaterial, CycleStatus, MaterialStatus
from core.models import Role
from tests.factories import CycleFactory, SessionFactory, TermFactory, UserFactory

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
DAY = dt.date(2027, 3, 3)
NOW = dt.datetime(2027, 3, 2, 15, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def cycle(site, unit, facilitator_user):
    facilitator = facilitator_user.facilitator
    facilitator.last_name, facilitator.first_name = "Painter", "Paula"
    facilitator.authorisation_valid_until = DAY + dt.timedelta(days=200)
    facilitator.save()
    made = CycleFactory(term=TermFactory(site=site), code="draw-1", facilitators=[facilitator], eligible_units=[unit])
    start = dt.datetime.combine(DAY, dt.time(13, 30), tzinfo=BRUSSELS)
    SessionFactory(cycle=made, starts_at=start, ends_at=start + dt.timedelta(hours=3))
    return made


def ask(client, cycle, **values):
    return client.post(reverse("activities:material-request", args=[cycle.pk]),
                       {"item": "", "quantity": "1", "note": "", **values})


def gate_rows(client, site):
    return client.get(reverse("calendars:gate-list", args=[site.pk]), {"date": DAY.isoformat()}).context["rows"]


def test_the_facilitator_asks_the_coordinator_records_the_decision_and_the_gate_sees_it(
        client, site, cycle, facilitator_user, coordinator, staff_user):
    client.force_login(facilitator_user)
    page = client.get(reverse("activities:cycle-detail", args=[cycle.pk])).content.decode()
    assert reverse("activities:material-request", args=[cycle.pk]) in page
    assert ask(client, cycle, item="Acrylic paint, 75 ml tubes", quantity="12", note="Taken out after each session").status_code == 302
    assert ask(client, cycle, item="Craft knives", quantity="8").status_code == 302
    paint, knives = CycleMaterial.objects.order_by("item")
    assert (paint.quantity, paint.status, paint.requested_by) == (12, MaterialStatus.REQUESTED, facilitator_user)

    client.force_login(staff_user)  # before any decision the gate lets nothing in
    (row,) = gate_rows(client, site)
    assert (row.material, row.material_not_approved) == ([], ["12 × Acrylic paint, 75 ml tubes", "8 × Craft knives"])

    client.force_login(coordinator)
    home = client.get(reverse("home")).content.decode()
    assert "<strong>2</strong> items of material awaiting the direction&#x27;s decision" in home
    listed = client.get(reverse("activities:material-list"))
    assert [m.item for m in listed.context["materials"]] == ["Acrylic paint, 75 ml tubes", "Craft knives"]
    decide = reverse("activities:material-decide", args=[paint.pk])
    client.post(decide, {"decision": "approved", "decision_note": "Direction note 2027/114",
                         "next": reverse("activities:cycle-detail", args=[cycle.pk])})
    refused = client.post(reverse("activities:material-decide", args=[knives.pk]),
                          {"decision": "refused", "decision_note": ""}, follow=True)
    assert "Say why the direction refused it" in refused.content.decode()
    client.post(reverse("activities:material-decide", args=[knives.pk]),
                {"decision": "refused", "decision_note": "Blades are not allowed; use safety scissors."})
    paint.refresh_from_db()
    knives.refresh_from_db()
    assert (paint.status, paint.decided_by, paint.decision_note) == ("approved", coordinator, "Direction note 2027/114")
    assert knives.status == "refused"
    assert [m.item for m in client.get(reverse("activities:material-list")).context["materials"]] == []

    client.force_login(staff_user)
    (row,) = gate_rows(client, site)
    assert (row.material, row.material_not_approved) == (["12 × Acrylic paint, 75 ml tubes"], ["8 × Craft knives"])
    gate = client.get(reverse("calendars:gate-list", args=[site.pk]), {"date": DAY.isoformat()}).content.decode()
    assert "12 × Acrylic paint, 75 ml tubes" in gate and "Not approved" in gate
    download = client.get(reverse("calendars:gate-list", args=[site.pk]), {"date": DAY.isoformat(), "format": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(download.content)).active
    assert [sheet["I1"].value, sheet["J1"].value] == ["Material approved", "Material not approved"]
    assert [sheet["I2"].value, sheet["J2"].value] == ["12 × Acrylic paint, 75 ml tubes", "8 × Craft knives"]

    client.force_login(facilitator_user)  # the facilitator reads the decisions on the cycle page
    page = client.get(reverse("activities:cycle-detail", args=[cycle.pk])).content.decode()
    assert "Blades are not allowed; use safety scissors." in page and "Direction note 2027/114" in page


def test_bad_requests_name_the_field_keep_what_was_typed_and_save_nothing(client, cycle, facilitator_user):
    client.force_login(facilitator_user)
    empty = ask(client, cycle, item="  ", quantity="3", note="For the portraits")
    assert "item" in empty.context["form"].errors and "For the portraits" in empty.content.decode()
    zero = ask(client, cycle, item="Easels", quantity="0")
    assert "quantity" in zero.context["form"].errors and 'value="Easels"' in zero.content.decode()
    assert not CycleMaterial.objects.exists()
    ask(client, cycle, item="Easels", quantity="4")
    twice = ask(client, cycle, item="easels ", quantity="2")
    assert twice.context["form"].errors["item"] == ["“Easels” is already on this cycle's list (awaiting the direction's decision)."]
    assert CycleMaterial.objects.count() == 1


def test_a_refused_item_can_be_asked_for_again_and_an_ended_cycle_takes_no_request(client, cycle, coordinator):
    CycleMaterial.objects.create(cycle=cycle, item="Easels", status=MaterialStatus.REFUSED, decision_note="Too big")
    client.force_login(coordinator)
    assert ask(client, cycle, item="Easels", quantity="2", note="Table easels this time").status_code == 302
    cycle.status = CycleStatus.FINISHED
    cycle.save()
    ended = ask(client, cycle, item="Brushes", quantity="10")
    assert ended.context["form"].non_field_errors() == ["This cycle is finished: no material can be asked for it."]
    assert "Ask for material" not in client.get(reverse("activities:cycle-detail", args=[cycle.pk])).content.decode()


def test_who_may_ask_decide_and_take_items_off_the_list(client, site, cycle, facilitator_user, staff_user,
                                                        coordinator, other_site):
    mine = CycleMaterial.objects.create(cycle=cycle, item="Paper", quantity=50, requested_by=facilitator_user)
    another_facilitator = UserFactory(role=Role.FACILITATOR, sites=[site])
    client.force_login(another_facilitator)
    assert ask(client, cycle, item="Chalk").status_code == 404
    client.force_login(staff_user)  # officers see the list but record no decision
    assert client.post(reverse("activities:material-decide", args=[mine.pk]), {"decision": "approved"}).status_code == 403
    assert client.get(reverse("activities:material-list")).status_code == 200
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.post(reverse("activities:material-decide", args=[mine.pk]), {"decision": "approved"}).status_code == 404
    mine.refresh_from_db()
    assert mine.status == MaterialStatus.REQUESTED

    client.force_login(coordinator)
    client.post(reverse("activities:material-decide", args=[mine.pk]), {"decision": "approved"})
    client.force_login(facilitator_user)  # once decided, only the coordinators take it off
    assert client.post(reverse("activities:material-withdraw", args=[mine.pk])).status_code == 403
    pending = CycleMaterial.objects.create(cycle=cycle, item="Charcoal", requested_by=facilitator_user)
    client.post(reverse("activities:material-withdraw", args=[pending.pk]))
    assert not CycleMaterial.objects.filter(pk=pending.pk).exists()
    client.force_login(coordinator)
    client.post(reverse("activities:material-withdraw", args=[mine.pk]))
    assert not CycleMaterial.objects.exists()


def test_the_api_asks_decides_filters_and_withdraws(client, cycle, facilitator_user, coordinator):
    client.force_login(facilitator_user)
    made = client.post("/api/v1/cycle-materials/", {"cycle": cycle.pk, "item": "Brushes", "quantity": 20},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    bad = client.post("/api/v1/cycle-materials/", {"cycle": cycle.pk, "item": "brushes", "quantity": 0},
                      content_type="application/json")
    assert bad.status_code == 400 and "quantity" in bad.json()
    duplicate = client.post("/api/v1/cycle-materials/", {"cycle": cycle.pk, "item": "brushes"},
                            content_type="application/json")
    assert duplicate.status_code == 400 and "already on this cycle's list" in duplicate.json()["item"][0]
    material_url = f"/api/v1/cycle-materials/{made.json()['id']}/"
    assert client.post(material_url + "decide/", {"decision": "approved"},
                       content_type="application/json").status_code == 403
    client.force_login(coordinator)
    assert client.post(material_url + "decide/", {"decision": "refused"},
                       content_type="application/json").json() == {"decision_note": [
        "Say why the direction refused it, so the facilitators can offer something else."]}
    decided = client.post(material_url + "decide/", {"decision": "approved", "decision_note": "OK 2027/9"},
                          content_type="application/json")
    assert decided.status_code == 200 and decided.json()["decided_by"] == coordinator.username
    assert [r["item"] for r in client.get("/api/v1/cycle-materials/", {"status": "approved"}).json()["results"]] == ["Brushes"]
    assert client.get("/api/v1/cycle-materials/", {"status": "requested"}).json()["results"] == []
    assert client.get("/api/v1/cycle-materials/", {"status": "maybe"}).status_code == 400
    assert client.delete(material_url).status_code == 204
    assert not CycleMaterial.objects.exists()


def test_the_material_page_takes_the_same_queries_for_two_items_or_twenty(client, site, unit, coordinator,
                                                                          django_assert_max_num_queries):
    def add_items(count):
        for n in range(count):
            target = CycleFactory(term=TermFactory(site=site), eligible_units=[unit])
            CycleMaterial.objects.create(cycle=target, item=f"Item {n}", requested_by=coordinator)

    client.force_login(coordinator)
    add_items(2)
    client.get(reverse("activities:material-list"))
    with CaptureQueriesContext(connection) as captured:
        assert len(client.get(reverse("activities:material-list")).context["materials"]) == 2
    add_items(18)
    with django_assert_max_num_queries(len(captured)):
        assert len(client.get(reverse("activities:material-list")).context["materials"]) == 20
