"""Evaluation of the offer (step 11): a term's indicators, signals, page, workbook and access."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from activities.models import ActivityKind, CycleStatus, Session, SessionStatus
from core.models import AuditEntry, Role
from enrolment.indicators import term_indicators
from enrolment.models import AbsenceReason, Attendance, EnrolmentStatus, LeavingReason
from prisons.models import LegalRegime, LegalStatus, Placement, Population
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    PartnerFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = dt.datetime(2027, 3, 3, 12, 0, tzinfo=BRUSSELS)  # a Wednesday in the middle of the term


@pytest.fixture(autouse=True)
def frozen_today():
    """Logins, session timeouts and "sessions so far" all read the same day."""
    with time_machine.travel(TODAY, tick=False):
        yield


def held(unit, legal_status, count, *, since=dt.date(2026, 10, 1), until=None):
    """Detainees with a placement in `unit` from `since` (to `until`, or still there)."""
    people = []
    for _ in range(count):
        person = DetaineeFactory(unit=unit, legal_status=legal_status)
        Placement.objects.create(detainee=person, unit=unit, status="present", valid_from=since, valid_until=until)
        people.append(person)
    return people


def weekly_sessions(cycle, first: dt.datetime, count: int):
    return [
        SessionFactory(cycle=cycle, starts_at=first + dt.timedelta(weeks=week),
                       ends_at=first + dt.timedelta(weeks=week, minutes=90))
        for week in range(count)
    ]


def reason(code):
    return LeavingReason.objects.get(code=code)


@pytest.fixture
def term_world(site, other_site):
    """A term at Haren with a struggling theatre cycle and a healthy painting one.

    Men on remand (20 held) and sentenced women (6 held, one of them gone before the term).
    """
    men = UnitFactory(building__site=site, code="M1", population=Population.MEN, legal_regime=LegalRegime.REMAND)
    women = UnitFactory(building__site=site, code="W1", population=Population.WOMEN,
                        legal_regime=LegalRegime.SENTENCED)
    remand = held(men, LegalStatus.REMAND, 20)
    sentenced_women = held(women, LegalStatus.SENTENCED, 5)
    held(women, LegalStatus.SENTENCED, 1, until=dt.date(2026, 12, 20))  # left before the term began
    held(UnitFactory(building__site=other_site), LegalStatus.REMAND, 3)  # another site's
    term = TermFactory(site=site, first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))

    theatre = CycleFactory(term=term, code="theatre", capacity=10, status=CycleStatus.RUNNING, eligible_units=[men],
                           activity=ActivityFactory(title_en="Theatre", kind=ActivityKind.SOCIOCULTURAL,
                                                    partner=PartnerFactory(name="Théâtre du Pont")))
    enrolled = [EnrolmentFactory(cycle=theatre, detainee=person, enrolled_on=dt.date(2027, 1, 20))
                for person in remand[:3]]
    for person, code in ((remand[3], "withdrew"), (remand[4], "clash_work_training"), (remand[11], "transferred")):
        EnrolmentFactory(cycle=theatre, detainee=person, enrolled_on=dt.date(2027, 1, 20),
                         status=EnrolmentStatus.REMOVED, ended_on=dt.date(2027, 2, 10), leaving_reason=reason(code))
    EnrolmentFactory(cycle=theatre, detainee=remand[5], status=EnrolmentStatus.DECLINED)
    for person in remand[6:11]:
        EnrolmentFactory(cycle=theatre, detainee=person, status=EnrolmentStatus.APPROVED)
    # Four past sessions, one past session cancelled, two to come.
    sessions = weekly_sessions(theatre, dt.datetime(2027, 2, 1, 14, 0, tzinfo=BRUSSELS), 7)
    cancelled = sessions[4]
    cancelled.status, cancelled.cancellation_code, cancelled.cancellation_details = (
        SessionStatus.CANCELLED, "other", "Room flooded")
    cancelled.save()
    moved = sessions[2]  # moved by hand to the next day (as `Session.move_to` does)
    moved.moved_from_starts_at, moved.moved_from_room = moved.starts_at - dt.timedelta(days=1), moved.room
    moved.save()
    marks = [("present", "")] * 6 + [("absent", AbsenceReason.NOT_ESCORTED)] * 4 + [("absent", AbsenceReason.SICK)] * 2
    lines = [(session, enrolment) for session in sessions[:4] for enrolment in enrolled]
    for (session, enrolment), (status, why) in zip(lines, marks, strict=True):
        Attendance.objects.create(session=session, enrolment=enrolment, status=status, absence_reason=why)
    for enrolment in enrolled:
        Attendance.objects.create(session=cancelled, enrolment=enrolment, status="absent",
                                  absence_reason=AbsenceReason.SESSION_CANCELLED)

    painting = CycleFactory(term=term, code="painting", capacity=4, status=CycleStatus.RUNNING, eligible_units=[women],
                            activity=ActivityFactory(title_en="Painting", kind=ActivityKind.TRAINING))
    painters = [EnrolmentFactory(cycle=painting, detainee=person, enrolled_on=dt.date(2027, 1, 20))
                for person in [*sentenced_women[:3], remand[0]]]
    EnrolmentFactory(cycle=painting, detainee=sentenced_women[3], enrolled_on=dt.date(2027, 1, 20),
                     status=EnrolmentStatus.REMOVED, leaving_reason=reason("completed"))
    for session in weekly_sessions(painting, dt.datetime(2027, 2, 2, 10, 0, tzinfo=BRUSSELS), 3):
        for enrolment in painters:
            Attendance.objects.create(session=session, enrolment=enrolment, status="present")
    CycleFactory(term=term, code="draft-yoga", capacity=8, status=CycleStatus.DRAFT, eligible_units=[men, women])
    return term


def indicators_of(term):
    return term_indicators(term)


def by_code(data):
    return {row.cycle.code: row for row in data.cycles}


def test_a_cycles_indicators_count_what_a_coordinator_would_count_by_hand(term_world):
    theatre = by_code(indicators_of(term_world))["theatre"]
    assert (theatre.applications, theatre.declined, theatre.waiting) == (12, 1, 5)
    # Someone transferred to another prison left the cycle but did not drop out of it.
    assert (theatre.enrolled_now, theatre.enrolled_ever, theatre.left_prison, theatre.dropouts) == (3, 6, 1, 2)
    assert (theatre.sessions_planned, theatre.sessions_past, theatre.sessions_cancelled) == (6, 4, 1)
    assert theatre.sessions_moved == 1
    # The cancelled session's "session cancelled" lines are nobody's absence.
    assert (theatre.present, theatre.absent) == (6, 6)
    assert theatre.attendance_rate == 0.5
    assert theatre.fill_rate == 0.3
    assert theatre.dropout_rate == 2 / 6
    assert theatre.absence_reasons.most_common() == [("Not escorted / staff shortage", 4), ("Sick", 2)]
    assert sorted(theatre.leaving_reasons.items()) == [
        ("Clash with work or training", 1), ("Transferred to another prison", 1), ("Withdrew (own request)", 1)]


def test_finishing_a_cycle_is_not_dropping_out(term_world):
    painting = by_code(indicators_of(term_world))["painting"]
    assert (painting.enrolled_now, painting.enrolled_ever, painting.completed, painting.dropouts) == (4, 5, 1, 0)
    assert painting.attendance_rate == 1.0


def test_signals_name_the_problem_and_the_change_to_consider(term_world):
    data = indicators_of(term_world)
    theatre = by_code(data)["theatre"]
    messages = {signal.code: signal.message for signal in theatre.signals}
    assert set(messages) == {"low_fill", "long_waiting_list", "low_attendance", "high_dropout", "many_cancelled"}
    assert messages["low_fill"].startswith("Only 3 of 10 places are taken")
    assert messages["long_waiting_list"].startswith("5 people wait for a place (capacity 10)")
    assert "“Not escorted / staff shortage” (4 times)" in messages["low_attendance"]
    assert "50%" in messages["low_attendance"]
    assert messages["high_dropout"].startswith("2 of 6 participants dropped out (33%)")
    assert messages["many_cancelled"].startswith("1 of 5 sessions so far were cancelled")
    # A healthy cycle and a draft one raise nothing.
    assert [row.cycle.code for row in data.signalled] == ["theatre"]


def test_a_cycle_whose_sessions_keep_moving_is_signalled(term_world):
    theatre = by_code(indicators_of(term_world))["theatre"]
    assert (theatre.sessions_moved, theatre.sessions_planned) == (1, 6)  # one in six: not yet a signal
    assert "often_moved" not in {signal.code for signal in theatre.signals}
    still = Session.objects.filter(cycle=theatre.cycle, moved_from_starts_at__isnull=True).exclude(
        status=SessionStatus.CANCELLED).order_by("starts_at").first()
    still.moved_from_starts_at = still.starts_at - dt.timedelta(days=1)
    still.save(update_fields=["moved_from_starts_at"])
    theatre = by_code(indicators_of(term_world))["theatre"]
    messages = {signal.code: signal.message for signal in theatre.signals}
    assert messages["often_moved"].startswith("2 of 6 sessions were moved to another time or room after planning")


def test_target_groups_compare_who_took_part_with_who_was_held_at_the_site(term_world):
    groups = {group.group: group for group in indicators_of(term_world).groups}
    everyone = groups["all"]
    # 20 men and 5 women held during the term; the woman who left in December and the other
    # site's detainees are not counted.
    assert everyone.held == 25
    assert (groups["men"].held, groups["women"].held) == (20, 5)
    assert (groups["remand"].held, groups["sentenced"].held, groups["interned"].held) == (20, 5, 0)
    # Each person once, even in two cycles (remand[0] is in theatre and painting).
    assert (everyone.applicants, everyone.participants, everyone.dropouts) == (16, 10, 2)
    assert (groups["men"].participants, groups["women"].participants) == (6, 4)
    assert groups["women"].reach == 4 / 5
    assert groups["men"].reach == 6 / 20
    assert groups["interned"].reach is None
    assert (groups["men"].present, groups["men"].absent) == (6 + 3, 6)
    assert (everyone.present, everyone.absent) == (18, 6)


def test_partners_see_what_their_activities_delivered(term_world):
    [partner] = indicators_of(term_world).partners
    # Four sessions of 90 minutes held so far (the cancelled one and those to come do not count).
    assert (partner.name, partner.cycles, partner.sessions_held, partner.hours_held) == ("Théâtre du Pont", 1, 4, 6.0)
    assert (partner.participants, partner.attendance_rate) == (6, 0.5)


def test_places_open_to_each_group_are_set_against_who_is_held(term_world):
    groups = {group.group: group for group in indicators_of(term_world).groups}
    # Theatre (10 places) is open to the remand men's unit, painting (4) to the sentenced women's;
    # the draft cycle offers nothing yet.
    assert {name: groups[name].places_open for name in groups} == {
        "all": 14, "men": 10, "women": 4, "remand": 10, "sentenced": 4, "interned": 0}
    assert (groups["men"].places_per_hundred, groups["women"].places_per_hundred) == (50.0, 80.0)
    assert groups["interned"].places_per_hundred is None


def test_kinds_of_activity_add_up_their_cycles(term_world):
    kinds = {kind.kind: kind for kind in indicators_of(term_world).kinds}
    assert (kinds["sociocultural"].cycles, kinds["sociocultural"].places) == (2, 18)
    assert kinds["training"].fill_rate == 1.0
    assert "sport" not in kinds


@pytest.fixture
def coordinator_client(client, coordinator):
    client.force_login(coordinator)
    return client


def test_the_page_shows_the_signals_and_tables(coordinator_client, term_world):
    index = coordinator_client.get(reverse("evaluation:index"))
    assert index.status_code == 302 and index.url == reverse("evaluation:term", args=[term_world.pk])
    html = coordinator_client.get(index.url).content.decode()
    assert "Only 3 of 10 places are taken" in html
    assert 'data-signal="many_cancelled"' in html
    assert "Room flooded" in html
    assert "<br><small class=\"muted\">1 moved</small>" in html  # beside the cycle's sessions cancelled
    assert "80%" in html  # women's reach
    assert term_world.cycles.get(code="theatre").enrolments.first().detainee.prison_number not in html


def test_the_page_speaks_french(coordinator_client, term_world):
    coordinator_client.post("/i18n/setlang/", {"language": "fr"})
    with translation.override("fr"):
        html = coordinator_client.get(reverse("evaluation:term", args=[term_world.pk])).content.decode()
    assert "Évaluation de l" in html
    assert "Seules 3 des 10 places sont occupées" in html
    assert "80\u00a0%" in html  # French puts a non-breaking space before the sign


def test_the_page_costs_the_same_queries_for_two_cycles_or_twelve(coordinator_client, term_world,
                                                                  django_assert_max_num_queries):
    url = reverse("evaluation:term", args=[term_world.pk])
    coordinator_client.get(url)
    with CaptureQueriesContext(connection) as small:
        coordinator_client.get(url)
    for index in range(10):
        cycle = CycleFactory(term=term_world, code=f"extra-{index}", status=CycleStatus.RUNNING)
        session = SessionFactory(cycle=cycle, starts_at=TODAY - dt.timedelta(days=2),
                                 ends_at=TODAY - dt.timedelta(days=2, minutes=-90))
        enrolment = EnrolmentFactory(cycle=cycle, enrolled_on=dt.date(2027, 1, 20))
        Attendance.objects.create(session=session, enrolment=enrolment, status="present")
    with django_assert_max_num_queries(len(small)):
        assert coordinator_client.get(url).status_code == 200


def test_the_workbook_holds_the_same_figures_and_is_audited(coordinator_client, coordinator, term_world):
    from activities.models import SessionLog

    first = term_world.cycles.get(code="theatre").sessions.order_by("starts_at").first()
    SessionLog.objects.create(session=first, done="=Warm-up games", next_time="Bring the hats.")
    response = coordinator_client.get(reverse("evaluation:term-export", args=[term_world.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="relais-indicators-haren-2027-01-11.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["About", "Cycles", "Target groups", "Kinds of activity", "Partners", "Absence reasons",
                               "Leaving reasons", "Cancellations", "Feedback", "Participants' sheets", "In their words",
                               "Practical problems", "Session logs"]
    (log,) = book["Session logs"].iter_rows(min_row=2, values_only=True)
    # The date as a date, the partner named, and text that looks like a formula kept as text.
    assert (log[0].date(), log[1], log[3], log[4], log[5]) == (
        dt.date(2027, 2, 1), "theatre", "Théâtre du Pont", "=Warm-up games", "Bring the hats.")
    assert book["Session logs"]["E2"].data_type == "s"
    cycles = list(book["Cycles"].iter_rows(values_only=True))
    header, rows = cycles[0], {row[0]: dict(zip(cycles[0], row, strict=True)) for row in cycles[1:]}
    assert header[0] == "Cycle" and set(rows) == {"theatre", "painting", "draft-yoga"}
    theatre = rows["theatre"]
    assert (theatre["Places"], theatre["Enrolled now"], theatre["Dropped out"], theatre["Present"]) == (10, 3, 2, 6)
    assert theatre["Left the prison"] == 1 and (theatre["Sessions cancelled"], theatre["Sessions moved"]) == (1, 1)
    assert theatre["Attendance rate"] == 0.5
    theatre_row = [row[0] for row in cycles].index("theatre") + 1
    rate_cell = book["Cycles"].cell(row=theatre_row, column=header.index("Attendance rate") + 1)
    assert rate_cell.number_format == "0.0%"
    assert "Only 3 of 10 places are taken" in theatre["Signals"]
    groups = {row[0]: row for row in book["Target groups"].iter_rows(min_row=2, values_only=True)}
    assert groups["Women"][1:7] == (5, 4, 4, 80.0, 4, 0.8)
    assert list(book["Cancellations"].iter_rows(min_row=2, values_only=True)) == [("Other: Room flooded", 1)]
    entry = AuditEntry.objects.get(user=coordinator, object_type="enrolment.indicators")
    assert entry.detail == f"term={term_world.pk} cycles=3 format=xlsx"


def test_a_cancellation_reason_that_looks_like_a_formula_stays_text(coordinator_client, term_world):
    session = term_world.cycles.get(code="theatre").sessions.filter(status=SessionStatus.CANCELLED).get()
    session.cancellation_code, session.cancellation_details = "", "=HYPERLINK(\"http://x\")"  # typed, no code
    session.save()
    content = coordinator_client.get(reverse("evaluation:term-export", args=[term_world.pk])).content
    cell = openpyxl.load_workbook(io.BytesIO(content))["Cancellations"]["A2"]
    assert cell.data_type == "s" and cell.value == "=HYPERLINK(\"http://x\")"


@pytest.mark.parametrize("role, status", [
    ("screener", 403), ("facilitator_user", 403), ("staff_user", 403), ("administrator", 200),
])
def test_only_coordinators_and_administrators_see_indicators(client, request, term_world, role, status):
    client.force_login(request.getfixturevalue(role))
    assert client.get(reverse("evaluation:term", args=[term_world.pk])).status_code == status
    assert client.get(reverse("evaluation:term-export", args=[term_world.pk])).status_code == status
    assert client.get(reverse("evaluation:index")).status_code == (302 if status == 200 else 403)


def test_another_sites_coordinator_cannot_find_the_term(client, other_site, term_world):
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(reverse("evaluation:term", args=[term_world.pk])).status_code == 404
    assert client.get(reverse("evaluation:term-export", args=[term_world.pk])).status_code == 404
    page = client.get(reverse("evaluation:index"))
    assert page.status_code == 200
    assert "No term has started yet" in page.content.decode()


def test_a_term_that_has_not_started_is_not_offered(coordinator_client, site):
    TermFactory(site=site, first_date=dt.date(2027, 9, 1), last_date=dt.date(2027, 12, 20))
    page = coordinator_client.get(reverse("evaluation:index"))
    assert page.status_code == 200 and "No term has started yet" in page.content.decode()



def test_the_api_gives_the_same_indicators_in_the_readers_language(coordinator_client, term_world):
    terms = coordinator_client.get("/api/v1/indicators/").json()
    assert [term["id"] for term in terms] == [term_world.pk]
    data = coordinator_client.get(f"/api/v1/indicators/{term_world.pk}/", HTTP_ACCEPT_LANGUAGE="nl").json()
    theatre = next(row for row in data["cycles"] if row["code"] == "theatre")
    assert (theatre["sessions_cancelled"], theatre["sessions_moved"]) == (1, 1)
    assert (theatre["enrolled_now"], theatre["dropouts"], theatre["attendance_rate"]) == (3, 2, 0.5)
    assert {signal["code"] for signal in theatre["signals"]} >= {"low_fill", "many_cancelled"}
    assert next(s for s in theatre["signals"] if s["code"] == "low_fill")["message"].startswith(
        "Slechts 3 van de 10 plaatsen")
    women = next(group for group in data["groups"] if group["group"] == "women")
    assert (women["label"], women["held"], women["participants"], women["reach"]) == ("Vrouwen", 5, 4, 0.8)
    assert data["cancellation_reasons"] == [{"reason": "Andere: Room flooded", "count": 1}]  # the words typed stay


def test_the_api_keeps_indicators_to_coordinators_of_the_site(client, screener, other_site, term_world):
    client.force_login(screener)
    assert client.get("/api/v1/indicators/").status_code == 403
    assert client.get(f"/api/v1/indicators/{term_world.pk}/").status_code == 403
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get("/api/v1/indicators/").json() == []
    assert client.get(f"/api/v1/indicators/{term_world.pk}/").status_code == 404


def test_each_cycle_is_set_against_the_same_activity_in_the_previous_term(site, coordinator_client):
    activity = ActivityFactory(title_en="Choir")
    autumn = TermFactory(site=site, name="Autumn", first_date=dt.date(2026, 9, 7), last_date=dt.date(2026, 12, 18))
    spring = TermFactory(site=site, name="Spring", first_date=dt.date(2027, 1, 11), last_date=dt.date(2027, 6, 25))
    for term, first, presences in ((autumn, dt.datetime(2026, 10, 5, 14, tzinfo=BRUSSELS), 10),
                                   (spring, dt.datetime(2027, 2, 1, 14, tzinfo=BRUSSELS), 7)):
        cycle = CycleFactory(term=term, activity=activity, capacity=2, status=CycleStatus.RUNNING)
        people = [EnrolmentFactory(cycle=cycle, enrolled_on=first.date()) for _ in range(2)]
        lines = [(session, person) for session in weekly_sessions(cycle, first, 5) for person in people]
        for n, (session, person) in enumerate(lines):
            Attendance.objects.create(session=session, enrolment=person,
                                      status="present" if n < presences else "absent", absence_reason="" if n < presences else "sick")
    row = term_indicators(spring).cycles[0]
    assert (row.attendance_rate, row.previous.attendance_rate, row.previous.term) == (0.7, 1.0, autumn)
    assert [signal.message for signal in row.signals] == [
        "Attendance fell from 100% in Autumn to 70%: ask the facilitators and the units what changed."]
    assert term_indicators(autumn).cycles[0].previous is None
    page = coordinator_client.get(reverse("evaluation:term", args=[spring.pk])).content.decode()
    assert "70% <small class=\"muted\">(100%)</small>" in page


def test_a_facilitator_sees_how_their_own_groups_are_doing(client, term_world, facilitator_user, coordinator):
    theatre = term_world.cycles.get(code="theatre")
    theatre.facilitators.set([facilitator_user.facilitator])
    client.force_login(facilitator_user)
    page = client.get(reverse("attendance:my-sessions")).content.decode()
    section = page[page.index("How my groups are doing"):]
    assert "Theatre" in section and "Painting" not in section  # not theirs
    assert "<td>3</td><td>4</td><td>50%</td><td>2</td>" in section  # enrolled, sessions, attendance, dropouts
    client.force_login(coordinator)
    assert "How my groups are doing" not in client.get(reverse("attendance:my-sessions")).content.decode()


def partner_report_url(term):
    partner = term.cycles.get(code="theatre").activity.partner
    return reverse("evaluation:partner-report", args=[term.pk, partner.pk])


def test_a_partner_report_has_its_figures_its_cycles_and_what_the_sessions_covered(client, coordinator, term_world):
    from activities.models import SessionLog

    theatre = term_world.cycles.get(code="theatre")
    ana, bert, stand_in = (FacilitatorFactory(first_name=n, last_name=f"{n}son") for n in ("Ana", "Bert", "Carla"))
    theatre.facilitators.set([ana, bert])
    first, second = theatre.sessions.order_by("starts_at")[:2]
    second.facilitators.set([stand_in])  # a replacement leads that one instead of the cycle's facilitators
    SessionLog.objects.create(session=second, done="Scenes written by the group.")
    SessionLog.objects.create(session=first, done="Warm-up and trust games.")
    client.force_login(coordinator)
    assert partner_report_url(term_world) in client.get(reverse("evaluation:term", args=[term_world.pk])).content.decode()

    response = client.get(partner_report_url(term_world))

    report = response.context["report"]
    assert (report.totals.cycles, report.totals.sessions_held, report.totals.hours_held) == (1, 4, 6.0)
    assert [row.cycle.code for row in report.cycles] == ["theatre"]  # not the painting cycle, which has no partner
    html = response.content.decode()
    assert html.index("Warm-up and trust games.") < html.index("Scenes written by the group.")
    # the hours each facilitator gave, of the four sessions held (1.5 hours each)
    assert report.facilitator_hours == [(ana, 3, 4.5), (bert, 3, 4.5), (stand_in, 1, 1.5)]
    assert "Carla Carlason" in html
    assert "Painting" not in html
    # Counts only: no participant's name or number on a page sent outside.
    for enrolment in theatre.enrolments.select_related("detainee"):
        assert enrolment.detainee.prison_number not in html and enrolment.detainee.last_name not in html


def test_a_partner_without_cycles_in_the_term_and_other_sites_get_no_report(client, coordinator, term_world,
                                                                            other_site, staff_user):
    client.force_login(coordinator)
    stranger = PartnerFactory(name="Not here")
    assert client.get(reverse("evaluation:partner-report", args=[term_world.pk, stranger.pk])).status_code == 404
    client.force_login(staff_user)
    assert client.get(partner_report_url(term_world)).status_code in (403, 404)
    client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
    assert client.get(partner_report_url(term_world)).status_code == 404


def test_a_partner_report_takes_the_same_queries_for_two_logs_or_twelve(client, coordinator, term_world,
                                                                        django_assert_max_num_queries):
    from activities.models import SessionLog

    sessions = list(term_world.cycles.get(code="theatre").sessions.order_by("starts_at"))
    client.force_login(coordinator)
    for session in sessions[:2]:
        SessionLog.objects.create(session=session, done=f"Log {session.pk}")
    with CaptureQueriesContext(connection) as captured:
        assert len(client.get(partner_report_url(term_world)).context["report"].logs) == 2
    for n in range(10):
        SessionLog.objects.create(session=SessionFactory(cycle=sessions[0].cycle), done=f"More {n}")
    with django_assert_max_num_queries(len(captured)):
        assert len(client.get(partner_report_url(term_world)).context["report"].logs) == 12
