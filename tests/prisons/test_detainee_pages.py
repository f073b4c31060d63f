import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.models import AuditAction, AuditEntry
from prisons.models import (
    ActivityRestriction,
    BlockedPeriod,
    BlockedReason,
    Commitment,
    CommitmentKind,
    DetaineeLanguage,
    NonAssociation,
    Placement,
)
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    StaffMemberFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def test_detainee_list_searches_by_number_name_and_unit_code(client, coordinator, site, unit):
    other_unit = UnitFactory(building__site=site, code="B7")
    DetaineeFactory(prison_number="H001234", last_name="Amrani", first_name="Youssef", unit=unit)
    DetaineeFactory(prison_number="H009999", last_name="Popescu", first_name="Andrei", unit=other_unit)
    client.force_login(coordinator)
    url = reverse("prisons:detainee-list")
    by_number = client.get(url, {"q": "001234"}).content.decode()
    assert "AMRANI" in by_number and "POPESCU" not in by_number
    by_name = client.get(url, {"q": "popescu"}).content.decode()
    assert "POPESCU" in by_name and "AMRANI" not in by_name
    by_unit = client.get(url, {"q": "b7"}).content.decode()
    assert "POPESCU" in by_unit and "AMRANI" not in by_unit


def test_detainee_list_filters_by_status(client, coordinator, unit):
    DetaineeFactory(last_name="Staying", unit=unit)
    DetaineeFactory(last_name="Gone", unit=unit, status="released")
    client.force_login(coordinator)
    page = client.get(reverse("prisons:detainee-list"), {"status": "present"}).content.decode()
    assert "STAYING" in page and "GONE" not in page
    assert "GONE" in client.get(reverse("prisons:detainee-list")).content.decode()


def test_detainee_list_is_paginated_and_keeps_the_search(client, coordinator, unit):
    for n in range(55):
        DetaineeFactory(last_name=f"Paged{n:02d}", unit=unit)
    client.force_login(coordinator)
    first = client.get(reverse("prisons:detainee-list"), {"q": "paged"}).content.decode()
    assert "PAGED00" in first and "PAGED54" not in first
    assert "q=paged&amp;page=2" in first
    second = client.get(reverse("prisons:detainee-list"), {"q": "paged", "page": 2}).content.decode()
    assert "PAGED54" in second and "PAGED00" not in second


def test_detainee_list_shows_only_the_users_sites_and_staff_units(
    client, coordinator, staff_user, site, other_site, unit
):
    DetaineeFactory(last_name="Mine", unit=unit)
    DetaineeFactory(last_name="Neighbour", unit=UnitFactory(building__site=site))
    DetaineeFactory(last_name="Elsewhere", unit=UnitFactory(building__site=other_site))
    url = reverse("prisons:detainee-list")

    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert "MINE" in page and "NEIGHBOUR" in page and "ELSEWHERE" not in page

    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert "MINE" in page and "NEIGHBOUR" not in page and "ELSEWHERE" not in page


def test_facilitators_have_no_detainee_list(client, facilitator_user):
    client.force_login(facilitator_user)
    assert client.get(reverse("prisons:detainee-list")).status_code == 403


def test_detainee_page_shows_the_record_and_writes_an_audit_entry(client, coordinator, site, unit):
    detainee = DetaineeFactory(unit=unit, last_name="Recorded", needs_interpreter=True)
    DetaineeLanguage.objects.create(detainee=detainee, language="ro", proficiency="native")
    Placement.objects.create(detainee=detainee, unit=unit, cell="A1-07", status="present",
                             valid_from=dt.date(2026, 5, 2), source="import 2026-05-02")
    Commitment.objects.create(detainee=detainee, kind=CommitmentKind.WORK, source="work office", weekday=2,
                              start_time=dt.time(8, 0), end_time=dt.time(11, 30))
    Commitment.objects.create(detainee=detainee, kind=CommitmentKind.COURT, source="registry",
                              starts_at=dt.datetime(2027, 2, 3, 8, 0, tzinfo=dt.UTC),
                              ends_at=dt.datetime(2027, 2, 3, 12, 0, tzinfo=dt.UTC))
    kept_apart = DetaineeFactory(unit=unit, last_name="Rival")
    first, second = sorted([detainee, kept_apart], key=lambda d: d.pk)
    NonAssociation.objects.create(first=first, second=second, scope="unit", reason="threats")
    ActivityRestriction.objects.create(detainee=detainee, starts_on=dt.date(2027, 1, 1),
                                       ends_on=dt.date(2027, 1, 14), reason="sanction")
    cycle = CycleFactory(term=TermFactory(site=site, name="Spring"), code="drawing-1")
    EnrolmentFactory(detainee=detainee, cycle=cycle)

    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("prisons:detainee-detail", args=[detainee.pk])).content.decode()
    for text in ["RECORDED", "Romanian (Native)", "A1-07", "import 2026-05-02", "Prison work", "Every Wednesday",
                 "08:00–11:30", "Court hearing", "09:00", "RIVAL", "threats", "sanction", "drawing-1", "Enrolled"]:
        assert text in page, text

    entry = AuditEntry.objects.get(action=AuditAction.VIEW, detainee_id=detainee.pk)
    assert entry.user == coordinator and entry.object_type == "prisons.detainee"
    assert "Recorded" not in entry.detail and detainee.last_name not in str(entry)


def _sensitive_record(unit):
    detainee = DetaineeFactory(unit=unit, last_name="Guarded", cell="A1-03", birth_date=dt.date(1991, 7, 23))
    DetaineeLanguage.objects.create(detainee=detainee, language="ro", proficiency="native")
    kept_apart = DetaineeFactory(unit=unit, last_name="Rival")
    first, second = sorted([detainee, kept_apart], key=lambda d: d.pk)
    NonAssociation.objects.create(first=first, second=second, scope="unit", reason="threats")
    ActivityRestriction.objects.create(detainee=detainee, starts_on=dt.date(2027, 1, 1),
                                       ends_on=dt.date(2027, 1, 14), reason="sanction for fighting")
    Commitment.objects.create(detainee=detainee, kind=CommitmentKind.WORK, source="work office", weekday=2,
                              start_time=dt.time(8, 0), end_time=dt.time(11, 30))
    EnrolmentFactory(detainee=detainee, cycle=CycleFactory(term=TermFactory(site=unit.site), code="drawing-1"))
    return detainee


def test_prison_staff_see_who_and_where_but_not_the_rest_of_the_record(client, staff_user, unit):
    detainee = _sensitive_record(unit)
    client.force_login(staff_user)
    page = client.get(reverse("prisons:detainee-detail", args=[detainee.pk])).content.decode()
    for text in [detainee.prison_number, "GUARDED", unit.site.name, "A1-03", "Present"]:
        assert text in page, text
    for text in ["Birth date", "23/07/1991", "1991", "Romanian", "Non-associations", "RIVAL", "threats",
                 "sanction for fighting", "Activity restrictions", "Prison work", "Legal status"]:
        assert text not in page, text
    assert "drawing-1" in page  # their units' applications: the enrolment app's own rule
    assert AuditEntry.objects.filter(action=AuditAction.VIEW, detainee_id=detainee.pk, user=staff_user).exists()
    assert "Legal status" not in client.get(reverse("prisons:detainee-list")).content.decode()


@pytest.mark.parametrize("role", ["coordinator", "screener"])
def test_coordinators_and_screeners_of_the_site_see_the_full_record(client, request, role, unit):
    detainee = _sensitive_record(unit)
    client.force_login(request.getfixturevalue(role))
    page = client.get(reverse("prisons:detainee-detail", args=[detainee.pk])).content.decode()
    for text in ["Birth date", "1991", "Romanian", "RIVAL", "threats", "sanction for fighting", "Prison work",
                 "drawing-1"]:
        assert text in page, text
    assert "Legal status" in client.get(reverse("prisons:detainee-list")).content.decode()


def test_non_association_with_someone_outside_the_users_sites_stays_anonymous(client, coordinator, other_site, unit):
    detainee = DetaineeFactory(unit=unit)
    outside = DetaineeFactory(unit=UnitFactory(building__site=other_site), last_name="Hidden")
    first, second = sorted([detainee, outside], key=lambda d: d.pk)
    NonAssociation.objects.create(first=first, second=second, scope="site")
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("prisons:detainee-detail", args=[detainee.pk])).content.decode()
    assert "A detainee outside your units or sites" in page and "HIDDEN" not in page


def test_detainee_pages_outside_the_users_scope_answer_404_and_log_nothing(
    client, coordinator, staff_user, screener, site, other_site, unit
):
    elsewhere = DetaineeFactory(unit=UnitFactory(building__site=other_site))
    other_unit = DetaineeFactory(unit=UnitFactory(building__site=site))
    for user, detainee in [(coordinator, elsewhere), (screener, elsewhere), (staff_user, other_unit)]:
        client.force_login(user)
        assert client.get(reverse("prisons:detainee-detail", args=[detainee.pk])).status_code == 404
    assert not AuditEntry.objects.exists()


def test_facilitator_cannot_open_a_detainee_page_even_of_a_participant(client, facilitator_user, site, unit):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    participant = EnrolmentFactory(cycle=cycle, detainee__unit=unit).detainee
    client.force_login(facilitator_user)
    assert client.get(reverse("prisons:detainee-detail", args=[participant.pk])).status_code == 404


def test_unit_page_shows_blocked_periods_and_room_page_reachability(client, coordinator, site, unit):
    BlockedPeriod.objects.create(unit=unit, weekday=0, start=dt.time(11, 45), end=dt.time(13, 30),
                                 reason=BlockedReason.MEAL)
    RoomFactory(site=site, code="CL1", name="Classroom one", reachable_from_all_units=False).reachable_units.add(unit)
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    units = client.get(reverse("prisons:unit-list")).content.decode()
    assert "Monday 11:45–13:30 Meal" in units
    rooms = client.get(reverse("prisons:room-list")).content.decode()
    assert "Classroom one" in rooms and "A1" in rooms


def _rows(site, count):
    for _ in range(count):
        unit = UnitFactory(building__site=site)
        BlockedPeriod.objects.create(unit=unit, weekday=1, start=dt.time(9), end=dt.time(10), reason="walk")
        DetaineeFactory(unit=unit)
        StaffMemberFactory(site=site, units=[unit])
        RoomFactory(site=site, reachable_from_all_units=False).reachable_units.add(unit)


@pytest.mark.parametrize("url_name", ["prisons:detainee-list", "prisons:unit-list", "prisons:room-list"])
def test_prison_list_pages_make_as_many_queries_for_three_rows_as_for_one(
    client, coordinator, site, url_name, django_assert_num_queries, django_assert_max_num_queries
):
    client.force_login(coordinator)
    _rows(site, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    _rows(site, 2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200
    with django_assert_max_num_queries(11):  # the units list: its units' staff and the sites' regime links
        client.get(reverse(url_name))
