import datetime as dt

import pytest
from django.test import override_settings

from enrolment.checks import check_application
from prisons import models as pr
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
UTC = dt.UTC


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=UTC), tick=False)


@pytest.fixture
def cycle(site, unit):
    cycle = CycleFactory(term=TermFactory(site=site), eligible_units=[unit], screening_required=False)
    room = RoomFactory(site=site)
    for week in range(3):  # Mondays 10:00-11:30 local (09:00 UTC in winter)
        start = dt.datetime(2027, 1, 11, 9, 0, tzinfo=UTC) + dt.timedelta(weeks=week)
        SessionFactory(cycle=cycle, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90))
    return cycle


def codes(findings):
    return {f.code: f.severity for f in findings}


def test_a_plain_application_has_no_finding(cycle, unit):
    detainee = DetaineeFactory(unit=unit, reads_french=True)
    assert check_application(detainee, cycle) == []


def test_room_of_the_published_sessions_out_of_reach_is_an_error(site, cycle, unit):
    room = cycle.sessions.first().room
    room.reachable_from_all_units = False
    room.save()
    room.reachable_units.set([UnitFactory(building__site=site)])
    finding = next(f for f in check_application(DetaineeFactory(unit=unit, reads_french=True), cycle) if f.code == "room_unreachable")
    assert finding.severity == "error" and room.name in str(finding.message)


def test_without_sessions_the_rooms_of_the_activitys_kinds_are_checked(site, unit):
    cycle = CycleFactory(term=TermFactory(site=site), activity=ActivityFactory(room_kinds=["gym"]), screening_required=False)
    gym = RoomFactory(site=site, kind=pr.RoomKind.GYM, reachable_from_all_units=False)
    detainee = DetaineeFactory(unit=unit, reads_french=True)
    assert codes(check_application(detainee, cycle))["room_unreachable"] == "error"
    gym.reachable_units.add(unit)
    assert "room_unreachable" not in codes(check_application(detainee, cycle))


def test_unit_not_among_the_eligible_units_is_a_warning(site, cycle):
    other = UnitFactory(building__site=site, code="Z9")
    assert codes(check_application(DetaineeFactory(unit=other, reads_french=True), cycle))["unit_not_eligible"] == "warning"


def test_mixing_men_and_women_or_remand_and_sentenced_needs_confirmation(cycle, unit):
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, gender="M", legal_status="sentenced"))
    woman_on_remand = DetaineeFactory(unit=unit, gender="F", legal_status="remand", reads_french=True)
    findings = {f.code: f for f in check_application(woman_on_remand, cycle)}
    assert findings["population_mixing_gender"].needs_confirmation
    assert findings["population_mixing_legal"].needs_confirmation
    assert "remand with sentenced" in str(findings["population_mixing_legal"].message)


def test_non_association_with_someone_in_the_group_by_scope(cycle, unit):
    member = DetaineeFactory(unit=unit, prison_number="A000001")
    EnrolmentFactory(cycle=cycle, detainee=member)
    newcomer = DetaineeFactory(unit=unit, prison_number="A000002", reads_french=True)
    pair = pr.NonAssociation.objects.create(first=member, second=newcomer, scope="site")
    finding = next(f for f in check_application(newcomer, cycle) if f.code == "non_association")
    assert finding.needs_confirmation and "A000001" in str(finding.message)
    pair.scope = "cell"
    pair.save()
    assert codes(check_application(newcomer, cycle)) == {"non_association_cell": "info"}


def test_sanction_during_the_cycle_and_release_before_its_end(cycle, unit):
    detainee = DetaineeFactory(unit=unit, reads_french=True, expected_release_date=dt.date(2027, 1, 15))
    pr.ActivityRestriction.objects.create(detainee=detainee, starts_on=dt.date(2027, 1, 1), ends_on=dt.date(2027, 1, 20))
    pr.ActivityRestriction.objects.create(detainee=detainee, starts_on=dt.date(2026, 10, 1), ends_on=dt.date(2026, 10, 20))
    findings = check_application(detainee, cycle)
    assert [f.code for f in findings if f.code == "sanction"] == ["sanction"]
    assert codes(findings)["release_before_end"] == "warning"


def test_transfer_planned_before_the_end_warns_and_one_after_does_not(cycle, unit):
    leaving = DetaineeFactory(unit=unit, reads_french=True, expected_transfer_date=dt.date(2027, 1, 15))
    staying = DetaineeFactory(unit=unit, reads_french=True, expected_transfer_date=dt.date(2030, 1, 1))
    finding = next(f for f in check_application(leaving, cycle) if f.code == "transfer_before_end")
    assert finding.severity == "warning" and "before the cycle ends" in str(finding.message)
    assert "transfer_before_end" not in codes(check_application(staying, cycle))


def test_language_not_spoken_suggests_interpreter_and_reception_class(cycle, unit):
    ActivityFactory(code="accueil-fle", title_en="Reception class: French", title_fr="Classe d'accueil")
    detainee = DetaineeFactory(unit=unit)
    pr.DetaineeLanguage.objects.create(detainee=detainee, language="ro", proficiency="native")
    finding = next(f for f in check_application(detainee, cycle) if f.code == "language_not_spoken")
    assert "interpreter" in str(finding.message)
    assert "Classe d'accueil" in str(finding.message) or "Reception class" in str(finding.message)


def test_an_interpreter_on_the_cycle_who_speaks_the_detainees_language_answers_the_warning(cycle, unit):
    from activities.models import FacilitatorKind
    from tests.factories import FacilitatorFactory

    detainee = DetaineeFactory(unit=unit)
    pr.DetaineeLanguage.objects.create(detainee=detainee, language="ar", proficiency="native")
    interpreter = FacilitatorFactory(kind=FacilitatorKind.INTERPRETER, first_name="Samira", last_name="Demo",
                                     languages=["ar", "fr"])
    cycle.facilitators.add(interpreter)
    finding = next(f for f in check_application(detainee, cycle) if f.code.startswith("language"))
    assert (finding.code, finding.severity) == ("language_interpreted", "info")
    assert "Samira Demo, on the cycle, speaks their language" in str(finding.message)
    # An interpreter who left, or one for another language, does not count.
    interpreter.active = False
    interpreter.save()
    assert "language_not_spoken" in codes(check_application(detainee, cycle))
    cycle.facilitators.add(FacilitatorFactory(kind=FacilitatorKind.INTERPRETER, languages=["ro"]))
    assert "language_not_spoken" in codes(check_application(detainee, cycle))


def test_clash_with_another_enrolment_and_with_a_weekly_commitment(site, cycle, unit):
    detainee = DetaineeFactory(unit=unit, reads_french=True)
    other = CycleFactory(term=cycle.term)
    SessionFactory(cycle=other, starts_at=dt.datetime(2027, 1, 18, 9, 30, tzinfo=UTC), ends_at=dt.datetime(2027, 1, 18, 11, 0, tzinfo=UTC))
    EnrolmentFactory(cycle=other, detainee=detainee)
    pr.Commitment.objects.create(detainee=detainee, kind="work", source="work office", weekday=0,
                                 start_time=dt.time(10, 30), end_time=dt.time(12, 0))
    findings = {f.code: f for f in check_application(detainee, cycle)}
    assert "1 session(s) clash" in str(findings["session_clash"].message)
    assert "3 session(s) clash with prison work" in str(findings["commitment_clash"].message)


@override_settings(RELAIS_MAX_ENROLMENTS_PER_DETAINEE=1)
def test_more_current_enrolments_than_the_limit(cycle, unit):
    detainee = DetaineeFactory(unit=unit, reads_french=True)
    EnrolmentFactory(cycle=CycleFactory(term=cycle.term), detainee=detainee)
    assert codes(check_application(detainee, cycle)) == {"too_many_enrolments": "warning"}


def test_screening_outcome_is_required_for_approval_when_the_cycle_asks(cycle, unit, screener):
    from screening.models import Interview

    cycle.screening_required = True
    cycle.save()
    detainee = DetaineeFactory(unit=unit, reads_french=True)
    application = EnrolmentFactory(cycle=cycle, detainee=detainee, status="pending")
    assert codes(check_application(detainee, cycle, enrolment=application, for_approval=True)) == {"screening_missing": "error"}
    Interview.objects.create(detainee=detainee, enrolment=application, screener=screener, status="held",
                             outcome="suitable_later", outcome_reason="After detox",
                             scheduled_at=dt.datetime(2026, 11, 30, 9, tzinfo=UTC))
    assert codes(check_application(detainee, cycle, enrolment=application, for_approval=True)) == {"screening_suitable_later": "error"}
    Interview.objects.create(detainee=detainee, enrolment=application, screener=screener, status="held",
                             outcome="suitable", scheduled_at=dt.datetime(2026, 12, 1, 8, tzinfo=UTC))
    assert check_application(detainee, cycle, enrolment=application, for_approval=True) == []
