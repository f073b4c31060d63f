"""Register pages as a facilitator uses them on a phone: list, register, all present, lock, errors."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation

from core.models import Role
from enrolment.models import Attendance, AttendanceChange
from tests.factories import (
    CycleFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
SESSION_START = dt.datetime(2027, 3, 10, 14, 0, tzinfo=BRUSSELS)
DURING = SESSION_START + dt.timedelta(hours=1)


@pytest.fixture(autouse=True)
def english(settings):
    """Assertions read the English source strings."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def cycle(site, facilitator_user):
    return CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])


def make_session(cycle, start=SESSION_START, **kwargs):
    return SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2), **kwargs)


@pytest.fixture
def session(cycle):
    return make_session(cycle)


def enrol(cycle, n=1):
    return [EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 2, 1)) for _ in range(n)]


@time_machine.travel(DURING, tick=False)
def test_facilitator_finds_todays_session_first_and_opens_its_register(client, facilitator_user, cycle, session):
    old = make_session(cycle, SESSION_START - dt.timedelta(days=7))
    person, = enrol(cycle)
    client.force_login(facilitator_user)

    page = client.get(reverse("attendance:my-sessions")).content.decode()
    assert page.index(reverse("attendance:register", args=[session.pk])) < page.index(
        reverse("attendance:register", args=[old.pk])
    )

    register = client.get(reverse("attendance:register", args=[session.pk]))
    assert register.status_code == 200
    html = register.content.decode()
    assert person.detainee.first_name in html and person.detainee.prison_number in html
    assert person.detainee.last_name.upper() not in html  # facilitators: first name and number only
    assert "js/attendance.js" in html and "<script>" not in html


@time_machine.travel(DURING, tick=False)
@pytest.mark.parametrize("sessions", [1, 3])
def test_register_list_queries_do_not_grow_with_sessions(client, facilitator_user, cycle, sessions, django_assert_max_num_queries):
    for day in range(sessions):
        make_session(cycle, SESSION_START - dt.timedelta(days=day))
    client.force_login(facilitator_user)
    client.get(reverse("attendance:my-sessions"))  # warm the session
    # 9 for the registers, 5 for "how my groups are doing" (sheets returned included); neither grows with the sessions.
    with django_assert_max_num_queries(14):
        assert client.get(reverse("attendance:my-sessions")).status_code == 200


@time_machine.travel(DURING, tick=False)
@pytest.mark.parametrize("people", [1, 3])
def test_register_page_queries_do_not_grow_with_participants(client, coordinator, cycle, session, people, django_assert_max_num_queries):
    for enrolment in enrol(cycle, people):
        Attendance.objects.create(session=session, enrolment=enrolment, status="present")
    client.force_login(coordinator)
    client.get(reverse("attendance:register", args=[session.pk]))
    with django_assert_max_num_queries(13):  # with the next register of the day to type in
        assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 200


@time_machine.travel(DURING, tick=False)
def test_all_present_in_one_tap(client, facilitator_user, cycle, session):
    enrol(cycle, 3)
    client.force_login(facilitator_user)
    response = client.post(reverse("attendance:all-present", args=[session.pk]), follow=True)
    assert response.status_code == 200
    assert list(Attendance.objects.values_list("status", flat=True)) == ["present"] * 3
    assert "3 participants marked present" in response.content.decode()


@time_machine.travel(DURING, tick=False)
def test_absent_without_reason_shows_the_row_and_saves_nothing(client, facilitator_user, cycle, session):
    first, second = enrol(cycle, 2)
    client.force_login(facilitator_user)
    response = client.post(reverse("attendance:register", args=[session.pk]), {
        f"status-{first.pk}": "present", f"status-{second.pk}": "absent", f"reason-{second.pk}": "",
    })
    assert response.status_code == 200
    html = response.content.decode()
    assert "choose the reason for the absence" in html and second.detainee.prison_number in html
    assert not Attendance.objects.exists()


@time_machine.travel(DURING, tick=False)
def test_register_saves_reasons_late_and_left_early(client, facilitator_user, cycle, session):
    first, second = enrol(cycle, 2)
    client.force_login(facilitator_user)
    response = client.post(reverse("attendance:register", args=[session.pk]), {
        f"status-{first.pk}": "present", f"late-{first.pk}": "1",
        f"status-{second.pk}": "absent", f"reason-{second.pk}": "other", f"text-{second.pk}": "Hospital",
    })
    assert response.status_code == 302
    rows = {a.enrolment_id: a for a in Attendance.objects.all()}
    assert rows[first.pk].late and not rows[first.pk].left_early
    assert (rows[second.pk].absence_reason, rows[second.pk].reason_text) == ("other", "Hospital")


def test_facilitator_of_another_session_gets_404_and_staff_403(client, site, cycle, session, staff_user):
    stranger = UserFactory(role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=stranger, sites=[site])
    url = reverse("attendance:register", args=[session.pk])
    client.force_login(stranger)
    assert client.get(url).status_code == 404
    assert client.post(reverse("attendance:all-present", args=[session.pk])).status_code == 404
    cycle.eligible_units.add(staff_user.staff_member.units.first())
    client.force_login(staff_user)
    assert client.get(url).status_code == 403


def test_coordinator_of_another_site_gets_404(client, other_site, session):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("attendance:register", args=[session.pk])).status_code == 404


def test_locked_register_is_read_only_for_the_facilitator_but_a_coordinator_corrects_it(client, facilitator_user, coordinator, cycle, session):
    person, = enrol(cycle)
    with time_machine.travel(DURING, tick=False):
        client.force_login(facilitator_user)
        client.post(reverse("attendance:register", args=[session.pk]), {f"status-{person.pk}": "present"})

    with time_machine.travel(SESSION_START + dt.timedelta(days=8), tick=False):
        client.force_login(facilitator_user)  # sessions expire after 30 minutes
        page = client.get(reverse("attendance:register", args=[session.pk]))
        assert "locked" in page.content.decode() and "Save the register" not in page.content.decode()
        refused = client.post(reverse("attendance:register", args=[session.pk]), {
            f"status-{person.pk}": "absent", f"reason-{person.pk}": "sick",
        })
        assert refused.status_code == 403

        client.force_login(coordinator)
        corrected = client.post(reverse("attendance:register", args=[session.pk]), {
            f"status-{person.pk}": "absent", f"reason-{person.pk}": "sick", "note": "Medical note received",
        }, follow=True)
        assert "1 correction" in corrected.content.decode()
        assert "Present → Absent (Sick)" in corrected.content.decode()
    change = AttendanceChange.objects.order_by("id").last()
    assert (change.by, change.before["status"], change.after["absence_reason"], change.note) == (
        coordinator, "present", "sick", "Medical note received"
    )


@pytest.mark.parametrize("people", [1, 3])
def test_follow_up_list_shows_repeated_absences_in_constant_queries(client, coordinator, cycle, people, django_assert_max_num_queries):
    sessions = [make_session(cycle, SESSION_START - dt.timedelta(days=7 * week)) for week in range(2)]
    absentees = enrol(cycle, people)
    for session in sessions:
        for enrolment in absentees:
            Attendance.objects.create(session=session, enrolment=enrolment, status="absent", absence_reason="refused")
    with time_machine.travel(DURING, tick=False):
        client.force_login(coordinator)
        with django_assert_max_num_queries(12):
            page = client.get(reverse("attendance:follow-up"))
    html = page.content.decode()
    assert all(e.detainee.prison_number in html for e in absentees)


def test_follow_up_list_is_for_coordinators(client, facilitator_user):
    client.force_login(facilitator_user)
    assert client.get(reverse("attendance:follow-up")).status_code == 403
