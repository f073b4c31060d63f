"""A site's regime kept by its coordinators: the periods of each weekday, each unit's escort limit and
blocked times, and the coming sessions that no longer fit them, listed to move or cancel."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from core.models import AuditEntry, Role
from prisons import regime
from prisons.models import BlockedPeriod, BlockedReason, RegimePeriod
from scheduling.models import DraftSession
from tests.factories import (
    CycleFactory,
    RoomFactory,
    SessionFactory,
    UserFactory,
    units_with_officer,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
MONDAY, TUESDAY = 0, 1


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2027, 3, 1, 7, tzinfo=dt.UTC), tick=False):  # Monday 1 March
        yield


@pytest.fixture
def prison(site):
    setting = units_with_officer(site)
    for index, (start, end) in {1: ("08:30", "10:00"), 2: ("10:15", "11:45"), 4: ("13:30", "15:00")}.items():
        RegimePeriod.objects.create(site=site, weekday=MONDAY, index=index, start=start, end=end, label=f"P{index}")
    setting["room"] = RoomFactory(site=site, code="R1")
    setting["cycle"] = CycleFactory(term=setting["term"], code="theatre", eligible_units=[setting["a1"]])
    return setting


def _session(prison, day, start, end, cycle=None):
    return SessionFactory(cycle=cycle or prison["cycle"], room=prison["room"],
                          starts_at=dt.datetime.combine(day, dt.time.fromisoformat(start), tzinfo=BRUSSELS),
                          ends_at=dt.datetime.combine(day, dt.time.fromisoformat(end), tzinfo=BRUSSELS))


def _monday(site):
    return [(f"{p.start:%H:%M}", f"{p.end:%H:%M}", p.index, p.label)
            for p in RegimePeriod.objects.filter(site=site, weekday=MONDAY).order_by("index")]


def test_a_coordinator_changes_the_periods_and_sees_the_sessions_that_no_longer_fit(client, coordinator, site, prison):
    by_start = {f"{p.start:%H:%M}": p.pk for p in RegimePeriod.objects.filter(site=site)}
    draft = DraftSession.objects.create(term=prison["term"], cycle=prison["cycle"], room=prison["room"],
                                        period_id=by_start["10:15"])
    fits = _session(prison, dt.date(2027, 3, 8), "13:30", "15:00")
    moved_away = _session(prison, dt.date(2027, 3, 8), "10:15", "11:45")
    _session(prison, dt.date(2027, 2, 22), "10:15", "11:45")  # past: nothing to do about it
    client.force_login(coordinator)
    url = reverse("prisons:site-regime", args=[site.pk])
    assert url in client.get(reverse("prisons:unit-list")).content.decode()
    page = client.get(url + "?day=0")
    assert page.context["form"]["periods"].value() == "08:30-10:00 P1\n10:15-11:45 P2\n\n13:30-15:00 P4"

    response = client.post(url, {"day": 0, "weekdays": [MONDAY, TUESDAY],
                                 "periods": "08:30-10:00 Morning 1\n10:00-11:30 Morning 2\n\n"
                                            "13:30-15:00 Afternoon 1\n15:15-16:45 Afternoon 2\n"}, follow=True)
    assert response.status_code == 200
    assert _monday(site) == [("08:30", "10:00", 1, "Morning 1"), ("10:00", "11:30", 2, "Morning 2"),
                             ("13:30", "15:00", 4, "Afternoon 1"), ("15:15", "16:45", 5, "Afternoon 2")]
    assert RegimePeriod.objects.filter(site=site, weekday=TUESDAY).count() == 4
    # The periods keep who they are: the draft session placed at 10:15 follows its period to 10:00.
    assert {p.pk for p in RegimePeriod.objects.filter(site=site, weekday=MONDAY)} >= set(by_start.values())
    draft.refresh_from_db()
    assert f"{draft.period.start:%H:%M}" == "10:00"
    off = response.context["off_regime"]
    assert [o.session for o in off] == [moved_away] and fits not in [o.session for o in off]
    assert off[0].problems == ("10:15–11:45 is no longer on the periods of Monday",)
    body = response.content.decode()
    assert "1 coming session no longer fits the regime" in body
    assert reverse("planning:session", args=[moved_away.pk]) in body
    assert "· break ·" in body
    # The term's dated sessions page, where sessions are moved, lists it too.
    dated = client.get(reverse("planning:term-sessions", args=[prison["term"].pk]) + "?date=2027-03-08")
    assert [(f.code, f.rows) for f in dated.context["hit_by_exceptions"]] == [("off_regime", [moved_away.pk])]
    audited = AuditEntry.objects.filter(object_type="prisons.regimeperiod")
    assert (audited.filter(action="change").count(), audited.filter(action="create").count()) == (3, 5)


@pytest.mark.parametrize("text, message", [
    ("08:30-10:00\n8h30 to ten", "line 2: write a period as 08:30-10:00, then its name if it has one (“8h30 to ten”)."),
    ("08:30-10:00\n09:30-11:00", "line 2: starts at 09:30, before the period above ends (10:00); list the periods "
                                 "in the order of the day, without overlaps."),
    ("10:00-08:30", "line 1: the period ends before it starts."),
    ("08:30-10:00\n25:00-26:00", "line 2: write a period as 08:30-10:00, then its name if it has one (“25:00-26:00”)."),
    ("08:30-10:00 " + "x" * 51, "line 1: keep the name under 50 characters."),
])
def test_periods_that_cannot_be_saved_name_the_line_and_change_nothing(client, coordinator, site, prison, text,
                                                                      message):
    before = _monday(site)
    client.force_login(coordinator)
    response = client.post(reverse("prisons:site-regime", args=[site.pk]),
                           {"day": 0, "weekdays": [MONDAY], "periods": text})
    assert response.status_code == 400
    assert response.context["form"].errors["periods"] == [message]
    assert response.context["form"]["periods"].value() == text
    assert _monday(site) == before


def test_a_period_the_draft_timetable_uses_cannot_be_dropped(client, coordinator, site, prison):
    afternoon = RegimePeriod.objects.get(site=site, weekday=MONDAY, index=4)
    DraftSession.objects.create(term=prison["term"], cycle=prison["cycle"], room=prison["room"], period=afternoon)
    before = _monday(site)
    client.force_login(coordinator)
    response = client.post(reverse("prisons:site-regime", args=[site.pk]),
                           {"day": 0, "weekdays": [MONDAY], "periods": "08:30-10:00\n10:15-11:45"})
    assert response.status_code == 400
    assert response.context["form"].errors["periods"] == [
        "Monday 13:30-15:00 holds 1 session of the draft timetable of Spring: move it to another period of the "
        "draft first, or keep this period."]
    assert _monday(site) == before and DraftSession.objects.count() == 1
    # Once nothing uses them, an empty day drops them; a session that day no longer fits, as long as the
    # site keeps any period at all (a site without periods does not keep its regime in Relais).
    DraftSession.objects.all().delete()
    monday_session = _session(prison, dt.date(2027, 3, 8), "08:30", "10:00")
    RegimePeriod.objects.create(site=site, weekday=TUESDAY, index=1, start="08:30", end="10:00")
    client.post(reverse("prisons:site-regime", args=[site.pk]), {"day": 0, "weekdays": [MONDAY], "periods": ""})
    assert _monday(site) == []
    assert [o.session for o in regime.sessions_off_regime(site)] == [monday_session]
    RegimePeriod.objects.filter(site=site).delete()
    assert regime.sessions_off_regime(site) == []


def test_a_unit_s_escort_limit_and_blocked_times(client, coordinator, site, prison):
    a1, a2 = prison["a1"], prison["a2"]
    meal = _session(prison, dt.date(2027, 3, 8), "10:15", "11:45")
    unit_gone = _session(prison, dt.date(2027, 3, 15), "10:15", "11:45")
    unit_gone.cancelled_units.add(a1)
    client.force_login(coordinator)
    url = reverse("prisons:unit-regime", args=[a1.pk])
    assert url in client.get(reverse("prisons:site-regime", args=[site.pk])).content.decode()
    form = {"escort_limit": "2", "blocked-TOTAL_FORMS": "3", "blocked-INITIAL_FORMS": "0",
            "blocked-0-weekday": "0", "blocked-0-start": "11:30", "blocked-0-end": "12:30", "blocked-0-reason": "meal",
            "blocked-0-label": "Lunch",
            "blocked-1-weekday": "2", "blocked-1-start": "14:00", "blocked-1-end": "15:00", "blocked-1-reason": "walk",
            "blocked-2-weekday": "", "blocked-2-start": "", "blocked-2-end": "", "blocked-2-reason": ""}
    response = client.post(url, form, follow=True)
    assert response.status_code == 200
    a1.refresh_from_db()
    assert a1.max_parallel_sessions == 2
    assert [(b.weekday, f"{b.start:%H:%M}", b.reason, b.label) for b in a1.blocked_periods.order_by("weekday")] == [
        (MONDAY, "11:30", BlockedReason.MEAL, "Lunch"), (2, "14:00", BlockedReason.WALK, "")]
    # The unit no longer goes to the second session: only the first is in its way. A yard time is no
    # block: an activity replaces the hour outdoors.
    assert [(o.session, o.problems) for o in response.context["off_regime"]] == [
        (meal, ("A1 cannot leave 11:30–12:30 (Meal)",))]
    yard = BlockedPeriod.objects.create(unit=a1, weekday=MONDAY, start="10:00", end="11:00", reason=BlockedReason.WALK)
    assert [o.session for o in regime.sessions_off_regime(site)] == [meal]
    yard.delete()
    assert AuditEntry.objects.filter(object_type="prisons.unit", object_id=str(a1.pk)).exists()

    overlapping = {**form, "blocked-INITIAL_FORMS": "2", "blocked-1-weekday": "0", "blocked-1-start": "12:00", "blocked-1-end": "13:00",
                   "escort_limit": "0"}
    response = client.post(url, overlapping)
    assert response.status_code == 400
    assert response.context["escort"].errors["escort_limit"] == ["Ensure this value is greater than or equal to 1."]
    response = client.post(url, {**overlapping, "escort_limit": ""})
    assert response.status_code == 400
    assert response.context["escort"].non_field_errors() == ["row 2 overlaps row 1 on the same day: make them one."]
    assert a1.blocked_periods.count() == 2 and BlockedPeriod.objects.filter(unit=a2).count() == 0
    # Ticking a row's box removes it; no limit is an empty box.
    removing = {**form, "escort_limit": "", "blocked-TOTAL_FORMS": "2", "blocked-INITIAL_FORMS": "2",
                "blocked-1-DELETE": "on"}
    assert client.post(url, removing).status_code == 302
    a1.refresh_from_db()
    assert a1.max_parallel_sessions is None and a1.blocked_periods.count() == 1


def test_who_may_read_and_change_the_regime(client, coordinator, site, other_site, prison):
    officer, screener = prison["officer"], UserFactory(username="screen", role=Role.SCREENER, sites=[site])
    volunteer = UserFactory(username="vol", role=Role.FACILITATOR, sites=[site])
    elsewhere = UserFactory(username="coord-sg", role=Role.COORDINATOR, sites=[other_site])
    url = reverse("prisons:site-regime", args=[site.pk])
    unit_url = reverse("prisons:unit-regime", args=[prison["a1"].pk])
    for reader in (officer, screener):
        client.force_login(reader)
        page = client.get(url + "?day=0")
        assert page.status_code == 200 and page.context["form"] is None and unit_url not in page.content.decode()
        assert client.post(url, {"day": 0, "weekdays": [0], "periods": ""}).status_code == 403
        assert client.get(unit_url).status_code == 403
    client.force_login(volunteer)
    assert client.get(url).status_code == 403
    client.force_login(elsewhere)
    assert client.get(url).status_code == 404 and client.get(unit_url).status_code == 404
    assert len(_monday(site)) == 3


def test_the_api(coordinator, site, other_site, prison):
    api = APIClient()
    api.force_authenticate(coordinator)
    _session(prison, dt.date(2027, 3, 8), "10:15", "11:45")
    read = api.get(f"/api/v1/sites/{site.pk}/regime/").data
    assert [p["start"] for p in read["periods"]["0"]] == ["08:30", "10:15", "13:30"] and read["sessions_off_regime"] == []

    refused = api.put(f"/api/v1/sites/{site.pk}/regime/periods/", {"weekdays": [0], "periods": [
        {"start": "08:30", "end": "10:00"}, {"start": "09:00", "end": "10:30"}]}, format="json")
    assert refused.status_code == 400
    assert refused.data["periods"][0].startswith("periods[1]: starts at 09:00")
    saved = api.put(f"/api/v1/sites/{site.pk}/regime/periods/", {"weekdays": [0], "periods": [
        {"start": "08:30", "end": "10:00"}, {"start": "10:00", "end": "11:30"},
        {"start": "13:30", "end": "15:00", "after_break": True}]}, format="json")
    assert saved.status_code == 200
    assert [p["index"] for p in saved.data["periods"]["0"]] == [1, 2, 4]
    assert len(saved.data["sessions_off_regime"]) == 1

    unit = api.put(f"/api/v1/units/{prison['a2'].pk}/regime/", {"escort_limit": 1, "blocked_periods": [
        {"weekday": 4, "start": "09:00", "end": "10:00", "reason": "visits"}]}, format="json")
    assert unit.status_code == 200
    (a2,) = [u for u in unit.data["units"] if u["code"] == "A2"]
    assert a2 == {"id": prison["a2"].pk, "code": "A2", "escort_limit": 1, "blocked_periods": [
        {"weekday": 4, "start": "09:00", "end": "10:00", "reason": "visits", "label": ""}]}
    bad = api.put(f"/api/v1/units/{prison['a2'].pk}/regime/", {"escort_limit": None, "blocked_periods": [
        {"weekday": 4, "start": "10:00", "end": "09:00", "reason": "visits"}]}, format="json")
    assert bad.status_code == 400 and bad.data["blocked_periods"] == [
        "blocked_periods[0]: the time ends before it starts."]

    api.force_authenticate(prison["officer"])
    assert api.get(f"/api/v1/sites/{site.pk}/regime/").status_code == 200
    assert api.put(f"/api/v1/sites/{site.pk}/regime/periods/", {"weekdays": [0], "periods": []},
                   format="json").status_code == 403
    api.force_authenticate(UserFactory(username="coord-sg", role=Role.COORDINATOR, sites=[other_site]))
    assert api.get(f"/api/v1/sites/{site.pk}/regime/").status_code == 404


def test_the_page_reads_the_same_number_of_queries_for_few_or_many_sessions(client, coordinator, site, prison,
                                                                          django_assert_max_num_queries):
    client.force_login(coordinator)
    BlockedPeriod.objects.create(unit=prison["a1"], weekday=MONDAY, start="10:00", end="11:00", reason="meal")
    _session(prison, dt.date(2027, 3, 8), "10:15", "11:45")
    url = reverse("prisons:site-regime", args=[site.pk])
    with django_assert_max_num_queries(19):  # rooms used by others are read too
        assert len(client.get(url).context["off_regime"]) == 1
    for week in range(1, 12):
        cycle = CycleFactory(term=prison["term"], eligible_units=[prison["a1"], prison["a2"]])
        _session(prison, dt.date(2027, 3, 8) + dt.timedelta(weeks=week), "10:15", "11:45", cycle=cycle)
    with django_assert_max_num_queries(19):  # rooms used by others are read too
        assert len(client.get(url).context["off_regime"]) == 12


def test_a_lower_escort_limit_lists_the_sessions_it_breaks(coordinator, site, prison):
    a1 = prison["a1"]
    other = CycleFactory(term=prison["term"], code="drawing", eligible_units=[a1, prison["a2"]])
    first = _session(prison, dt.date(2027, 3, 8), "10:15", "11:45")
    second = _session(prison, dt.date(2027, 3, 8), "10:15", "11:45", cycle=other)
    after = _session(prison, dt.date(2027, 3, 8), "13:30", "15:00", cycle=other)
    assert regime.sessions_off_regime(site) == []  # no limit yet
    regime.set_unit_regime(a1, escort_limit=1, blocked=[], by=coordinator)
    off = regime.sessions_off_regime(site)
    assert [(o.session, o.problems) for o in off] == [
        (first, ("A1 would escort to 2 sessions at once (its limit is 1)",)),
        (second, ("A1 would escort to 2 sessions at once (its limit is 1)",))]
    assert after not in [o.session for o in off]
    second.cancelled_units.add(a1)  # A1 no longer goes to the drawing session: within its limit again
    assert regime.sessions_off_regime(site) == []
