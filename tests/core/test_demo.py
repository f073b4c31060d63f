import datetime as dt
from collections import Counter, defaultdict
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q
from django.utils import timezone

from activities.models import (
    Availability,
    Cycle,
    ExcludedDate,
    Facilitator,
    Session,
    SessionProblem,
    Term,
)
from core.demo import data, demo_digest, load_demo
from core.demo_accounts import DEMO_ACCOUNTS
from core.models import User
from enrolment.models import (
    OPEN_STATUSES,
    Attendance,
    Enrolment,
    EnrolmentStatus,
    FeedbackInterview,
)
from prisons.models import BlockedPeriod, Detainee, RegimePeriod, Room, Site, Unit

TODAY = dt.date(2026, 11, 18)  # a Wednesday; the term starts on Monday 16 November


@pytest.fixture
def demo(db):
    return load_demo(seed=7, scale="small", today=TODAY)


def test_same_seed_and_date_give_identical_data_after_a_reload(demo):
    again = load_demo(seed=7, scale="small", today=TODAY)

    assert again.digest == demo.digest == demo_digest()
    assert again.counts == demo.counts


def test_another_seed_gives_other_data(demo):
    other = load_demo(seed=8, scale="small", today=TODAY)

    assert other.digest != demo.digest


def test_command_reloads_without_duplicates_and_prints_the_digest(db):
    out = StringIO()
    call_command("load_demo", "--scale", "small", "--seed", "7", "--today", "2026-11-18", stdout=out)
    call_command("load_demo", "--scale", "small", "--seed", "7", "--today", "2026-11-18", stdout=out)

    assert Site.objects.count() == 2
    assert User.objects.filter(username="coordinator").count() == 1
    assert out.getvalue().count(f"Digest: {demo_digest()}") == 2


def test_small_scale_has_both_sites_and_a_synthetic_population(demo):
    assert set(Site.objects.values_list("code", flat=True)) == {"haren", "saint-gilles"}
    assert all(data.DEMO_MARK in s.address for s in Site.objects.all())
    detainees = Detainee.objects.all()
    assert 60 <= detainees.count() <= 110
    assert not detainees.exclude(prison_number__startswith="DEMO").exists()
    assert not detainees.exclude(last_name__startswith="Demo-").exists()
    assert detainees.filter(status="transferred").exists() or detainees.filter(status="released").exists()
    languages = set(detainees.values_list("languages__language", flat=True))
    assert {"fr", "nl", "ar"} <= languages and len(languages) >= 8
    for site in Site.objects.all():
        assert site.units.exists() and site.rooms.exists() and site.regime_periods.exists()


def test_every_role_has_a_demo_login(demo):
    users = {u.username: u for u in User.objects.prefetch_related("sites")}
    for account in DEMO_ACCOUNTS:
        assert users[account["username"]].role == account["role"]
    # One hash for all (checking a password takes a second): the published demo password.
    assert len({u.password for u in users.values()}) == 1
    assert users["coordinator"].check_password("relais-demo")
    assert users["admin"].is_superuser
    assert {s.code for s in users["coordinator"].sites.all()} == {"haren", "saint-gilles"}
    assert {s.code for s in users["screener"].sites.all()} == {"haren"}
    facilitator = Facilitator.objects.get(user=users["facilitator"])
    assert facilitator.kind == "volunteer" and facilitator.cycles.count() >= 2
    staff_units = users["staff"].staff_member.units.all()
    assert len(staff_units) == 2 and {u.site.code for u in staff_units} == {"haren"}


def test_enrolments_respect_capacity_and_many_take_two_or_three_cycles(demo):
    over = Cycle.objects.annotate(
        enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED))
    ).filter(enrolled__gt=F("capacity"))
    assert not over.exists()
    per_detainee = Counter(
        Enrolment.objects.filter(status__in=OPEN_STATUSES).values_list("detainee_id", flat=True)
    )
    assert {2, 3} <= set(per_detainee.values())
    assert max(per_detainee.values()) <= 3
    statuses = set(Enrolment.objects.values_list("status", flat=True))
    assert {"pending", "approved", "enrolled"} <= statuses
    enrolled = Enrolment.objects.filter(status="enrolled").first()
    assert [e.to_status for e in enrolled.events.all()] == ["pending", "approved", "enrolled"]


def test_term_starts_on_the_monday_of_today_and_skips_public_holidays(demo):
    current = Term.objects.filter(last_date__gte=TODAY)
    assert current.count() == 2
    for term in current:
        assert term.first_date == dt.date(2026, 11, 16)
        assert (term.last_date - term.first_date).days == 16 * 7 - 3
        assert set(term.excluded_dates.values_list("date", flat=True)) == {dt.date(2026, 12, 25), dt.date(2027, 1, 1)}
    # The last term: the twelve weeks before, Armistice Day off (All Saints' Day fell on a Sunday).
    for term in Term.objects.filter(last_date__lt=TODAY):
        assert (term.first_date, term.last_date) == (dt.date(2026, 8, 24), dt.date(2026, 11, 13))
        assert list(term.excluded_dates.values_list("date", flat=True)) == [dt.date(2026, 11, 11)]
    assert ExcludedDate.objects.count() == 2 * 2 + 2


def test_the_last_term_has_finished_cycles_with_registers_and_dropouts(demo):
    last_terms = Term.objects.filter(last_date__lt=TODAY)
    assert last_terms.count() == 2
    cycles = Cycle.objects.filter(term__in=last_terms)
    assert cycles.count() == Cycle.objects.filter(term__last_date__gte=TODAY).count()
    assert set(cycles.values_list("status", flat=True)) == {"finished"}
    enrolments = Enrolment.objects.filter(cycle__in=cycles)
    # The term is over: nobody is still enrolled, waiting or pending.
    assert not enrolments.filter(status__in=OPEN_STATUSES).exists()
    took_part = enrolments.exclude(enrolled_on=None)
    assert took_part.filter(leaving_reason__code="completed").exists()
    assert took_part.exclude(leaving_reason__code="completed").exists()
    sessions = Session.objects.filter(cycle__in=cycles)
    assert not sessions.filter(starts_at__date=dt.date(2026, 11, 11)).exists()
    for term in last_terms:
        strike = sessions.filter(cycle__term=term, cancellation_code="strike", cancellation_details="no movements")
        assert strike.exists() and len({s.starts_at.date() for s in strike}) == 1
    # Every held session has a line for each person enrolled that day; a cancelled one marks them so.
    for session in sessions.order_by("pk")[:40]:
        day = timezone.localdate(session.starts_at)
        expected = {e.pk for e in took_part.filter(cycle=session.cycle, enrolled_on__lte=day, ended_on__gte=day)}
        lines = Attendance.objects.filter(session=session)
        assert set(lines.values_list("enrolment_id", flat=True)) == expected
        if session.status == "cancelled":
            assert set(lines.values_list("absence_reason", flat=True)) <= {"session_cancelled"}
    assert Attendance.objects.filter(session__cycle__in=cycles, status="absent", absence_reason="not_escorted").exists()
    # Four held sessions in five have their log, and no cancelled one.
    held = sessions.filter(status="held")
    logged = held.filter(log__isnull=False).count()
    assert 0.75 * held.count() <= logged <= 0.85 * held.count()
    assert not sessions.filter(status="cancelled", log__isnull=False).exists()
    problems = SessionProblem.objects.filter(session__cycle__in=cycles)
    assert problems.filter(resolved_at__isnull=False).exists()
    assert all(problem.session.status == "held" and problem.reported_at > problem.session.ends_at
               and timezone.localdate(problem.reported_at) <= TODAY for problem in problems)
    # Some who left were heard; nobody who had left the prison or finished the cycle.
    interviews = FeedbackInterview.objects.filter(enrolment__cycle__in=cycles)
    assert interviews.exists()
    assert not interviews.filter(enrolment__leaving_reason__code__in=["released", "transferred", "completed"]).exists()
    assert all(i.enrolment.ended_on <= i.held_on <= i.enrolment.cycle.term.last_date for i in interviews)


def test_full_scale_has_the_promised_shape_and_the_solver_plans_it(db):
    from scheduling.problem_builder import build_problem
    from scheduling.solver import solve

    load_demo(seed=7, scale="full", today=TODAY)
    for term in Term.objects.filter(last_date__gte=TODAY):
        solution = solve(build_problem(term).problem, time_limit=30, workers=2)
        assert solution["status"] in ("OPTIMAL", "FEASIBLE"), solution.get("explanation")
    outside = Facilitator.objects.exclude(kind="staff")
    assert outside.filter(authorisation_valid_until__lt=TODAY).exists()
    assert outside.filter(authorisation_valid_until__gte=TODAY,
                          authorisation_valid_until__lte=TODAY + dt.timedelta(days=30)).exists()
    assert 1000 <= Detainee.objects.filter(site__code="haren").count() <= 1200
    assert 420 <= Detainee.objects.filter(site__code="saint-gilles").count() <= 560
    assert Unit.objects.filter(site__code="haren").count() == 36
    assert Unit.objects.filter(site__code="saint-gilles").count() == 5
    assert 55 <= Room.objects.count() <= 65
    assert 65 <= Facilitator.objects.count() <= 80
    from surveys.models import Survey
    from surveys.selectors import survey_results

    haren = survey_results(Survey.objects.get(site__code="haren", status="closed"))
    assert any("not in the catalogue" in message for _result, message in haren.signals)


def _periods_of(site):
    return {(p.weekday, p.index): p for p in RegimePeriod.objects.filter(site=site)}


def test_hidden_timetable_keeps_every_hard_rule(demo):
    """The witness the generator built proves the weekly pattern is feasible for a solver."""
    room_use, unit_use, person_use = defaultdict(set), Counter(), defaultdict(set)
    for slot in demo.witness:
        site = Site.objects.get(code=slot["site"])
        periods = _periods_of(site)
        cycle = Cycle.objects.get(term__site=site, term__last_date__gte=TODAY, code=slot["cycle"])
        room = Room.objects.get(site=site, code=slot["room"])
        covered = [periods[(slot["weekday"], slot["start_index"] + i)] for i in range(slot["length"])]
        units = list(cycle.eligible_units.all())
        assert room.kind in cycle.activity.room_kinds and room.capacity >= cycle.capacity
        assert room.reachable_from_all_units or set(units) <= set(room.reachable_units.all())
        for period in covered:
            key = (site.code, period.weekday, period.index)
            assert key not in room_use[room.pk], f"room {room.code} double-booked"
            room_use[room.pk].add(key)
            for unit in units:
                assert not BlockedPeriod.objects.filter(
                    unit=unit, weekday=period.weekday, start__lt=period.end, end__gt=period.start
                ).exists(), f"{unit.code} is blocked at {period}"
                unit_use[unit.pk, key] += 1
                assert unit_use[unit.pk, key] <= (unit.max_parallel_sessions or 99)
            for facilitator in cycle.facilitators.all():
                assert Availability.objects.filter(
                    facilitator=facilitator, weekday=period.weekday, start__lte=period.start, end__gte=period.end
                ).exists()
                assert (period.weekday, period.index) not in person_use[facilitator.pk]
                person_use[facilitator.pk].add((period.weekday, period.index))
    for room_pk, used in room_use.items():
        room = Room.objects.get(pk=room_pk)
        assert len(used) <= 0.6 * RegimePeriod.objects.filter(site=room.site).count()
    slots_of = defaultdict(set)
    for slot in demo.witness:
        for i in range(slot["length"]):
            slots_of[slot["site"], slot["cycle"]].add((slot["weekday"], slot["start_index"] + i))
    for detainee_id in set(Enrolment.objects.filter(status__in=OPEN_STATUSES).values_list("detainee_id", flat=True)):
        taken = set()
        for site, code in Enrolment.objects.filter(detainee_id=detainee_id, status__in=OPEN_STATUSES).values_list(
            "cycle__term__site__code", "cycle__code"
        ):
            assert not (taken & slots_of[site, code]), "a detainee would be in two cycles at once"
            taken |= slots_of[site, code]


def test_the_solver_plans_every_demo_term(demo):
    from scheduling.problem_builder import build_problem
    from scheduling.solver import solve

    for term in Term.objects.filter(last_date__gte=TODAY):
        solution = solve(build_problem(term).problem, time_limit=20, workers=1)
        assert solution["status"] in ("OPTIMAL", "FEASIBLE"), solution.get("explanation")
        expected = sum(c.sessions_per_week for c in term.cycles.all())
        assert len(solution["assignments"]) == expected


def test_the_loader_never_replaces_a_site_that_is_not_demo_data(db):
    Site.objects.create(code="haren", name="Haren", address="Dréve de la Haie 1, 1130 Haren")

    with pytest.raises(CommandError):
        call_command("load_demo", "--scale", "small", stdout=StringIO())

    assert list(Site.objects.values_list("name", flat=True)) == ["Haren"]


def test_make_demo_plans_and_publishes_every_demo_term(demo):
    """The two commands `make demo` runs after loading: every site gets a published week."""
    from django.utils import timezone

    from activities.models import Session

    out = StringIO()
    call_command("plan_term", "--demo", "--time-limit", "20", "--workers", "1", "--publish",
                 "--accept-warnings", stdout=out)

    for term in Term.objects.filter(site__code__in=["haren", "saint-gilles"]):
        first = Session.objects.filter(cycle__term=term).order_by("starts_at").first()
        assert first is not None, out.getvalue()
        # Published from today on (sessions in the past are never created), within the coming week.
        assert first.starts_at.date() < max(term.first_date, timezone.localdate()) + dt.timedelta(days=7)
    assert "published v1" in out.getvalue()

    # Then a week's life: two sessions moved by hand, a stand-in, a cancellation, as `make demo` does.
    call_command("demo_changes", stdout=out)
    assert "Demo week: 2 sessions moved, 1 replacement, 1 cancelled." in out.getvalue()
    haren = Session.objects.filter(cycle__term__site__code="haren")
    assert sum(s.is_moved for s in haren.exclude(moved_from_starts_at=None)) == 2
    assert haren.filter(facilitators__isnull=False).distinct().count() == 1
    assert haren.filter(status="cancelled", cancellation_details__contains="heating").count() == 1

    # The gate list of a published day shows what the direction let each facilitator bring in.
    from activities.models import CycleMaterial, MaterialStatus
    from scheduling.calendars import BRUSSELS
    from scheduling.lists import gate_rows

    approved = CycleMaterial.objects.filter(status=MaterialStatus.APPROVED, cycle__sessions__status="scheduled")
    material = approved.order_by("cycle__sessions__starts_at").first()
    session = material.cycle.sessions.filter(status="scheduled").order_by("starts_at").first()
    admin = User.objects.get(username="admin")
    rows = gate_rows(admin, session.cycle.term.site, session.starts_at.astimezone(BRUSSELS).date())
    carrying = [row for row in rows if str(material) in row.material]
    assert carrying and all(str(material) not in row.material_not_approved for row in rows)


def test_material_lists_are_mostly_approved_with_refusals_and_requests_waiting(demo):
    from activities.models import CycleMaterial, MaterialStatus

    by_status = Counter(CycleMaterial.objects.values_list("status", flat=True))
    assert set(by_status) == set(MaterialStatus.values) and by_status["approved"] > by_status["requested"]
    for material in CycleMaterial.objects.all():
        assert material.requested_at.date() <= TODAY
        if material.status == MaterialStatus.REQUESTED:
            assert material.decided_at is None and material.decided_by is None
        else:
            assert material.requested_at < material.decided_at <= timezone.now()
        assert material.status != MaterialStatus.REFUSED or material.decision_note


def test_renewals_were_asked_for_badges_expiring_this_month_and_one_was_granted(demo):
    from activities.models import AuthorisationRenewal, RenewalStatus

    asked = AuthorisationRenewal.objects.filter(status=RenewalStatus.REQUESTED).select_related("facilitator")
    assert asked and all(
        TODAY <= r.facilitator.authorisation_valid_until <= TODAY + dt.timedelta(days=30) and r.requested_on < TODAY
        for r in asked)
    granted = AuthorisationRenewal.objects.get(status=RenewalStatus.GRANTED)
    assert granted.requested_on < granted.answered_on < TODAY


def test_needs_surveys_have_anonymous_answers_and_point_at_gaps_in_the_offer(demo):
    from surveys.models import Survey, SurveyStatus
    from surveys.selectors import survey_results

    closed = Survey.objects.filter(status=SurveyStatus.CLOSED)
    assert sorted(closed.values_list("site__code", flat=True)) == ["haren", "saint-gilles"]
    assert all(survey.closes_on < TODAY for survey in closed)
    for survey in Survey.objects.all():
        results = survey_results(survey)
        assert results.responses > 0 and sum(result.total for result in results.options) >= results.responses
        # Entered while the survey ran, not when the demo was loaded.
        days = {timezone.localdate(at) for at in survey.responses.values_list("entered_at", flat=True)}
        assert survey.opens_on <= min(days) and max(days) <= min(survey.closes_on, TODAY)
        for result in results.options:
            assert (result.cycles is None) == (result.option.activity is None and not result.option.kind)


def test_finished_cycles_have_participants_sheets_and_one_per_site_is_signalled(demo):
    from enrolment import indicators
    from enrolment.models import EvaluationSheet

    for term in Term.objects.filter(last_date__lt=TODAY):
        rows = indicators.term_indicators(term).cycles
        took_part = sum(row.enrolled_ever for row in rows)
        returned = sum(row.sheets.returned for row in rows)
        assert 0.6 * took_part <= returned <= 0.85 * took_part
        # never more sheets than people who took part, and one cycle the participants liked less
        assert all(row.sheets.returned <= row.enrolled_ever for row in rows)
        assert [row.cycle.code for row in rows if any(s.code == "few_liked" for s in row.signals)]
        assert any(row.sheets.to_change for row in rows) and any(row.sheets.liked_most for row in rows)
    assert not EvaluationSheet.objects.filter(cycle__term__last_date__gte=TODAY).exists()


def test_an_interpreter_covers_the_language_most_applicants_of_a_cycle_speak(demo):
    from activities.models import FacilitatorKind
    from enrolment.checks import language_needs

    interpreter = Facilitator.objects.get(kind=FacilitatorKind.INTERPRETER)
    (cycle,) = interpreter.cycles.all()
    needs = language_needs(cycle, Enrolment.objects.all())
    covered = next(need for need in needs if interpreter in need.speakers)
    assert covered.people >= 2 and covered.language in interpreter.languages


def test_most_applications_had_their_written_answer_and_the_recent_decisions_are_still_to_give(demo, time_machine):
    from enrolment.answers import answers_to_give, overdue_count
    from enrolment.models import ApplicationAnswer

    time_machine.move_to(dt.datetime(2026, 11, 18, 9, tzinfo=dt.UTC), tick=False)
    current = Enrolment.objects.filter(cycle__term__last_date__gte=TODAY)
    due = list(answers_to_give(current, TODAY))
    told = ApplicationAnswer.objects.filter(enrolment__in=current).count()
    assert told > 2 * len(due) > 0  # a coordinator's Monday, not the whole term
    assert overdue_count(current, TODAY) > 0
    assert {e.status for e in due} >= {EnrolmentStatus.ENROLLED}


def test_last_terms_applications_were_decided_within_days_and_mostly_answered_in_writing(demo):
    from enrolment.indicators import term_indicators

    last = Term.objects.filter(last_date__lt=TODAY).order_by("-last_date").first()
    rows = [row for row in term_indicators(last).cycles if row.applications]
    assert rows and all(1 <= row.median_days_to_decision <= 9 for row in rows if row.days_to_decision)
    assert all(0.7 <= row.answered_rate <= 1 for row in rows)
