import datetime as dt
import json

import pytest

from activities.models import CycleStatus
from prisons.models import BlockedPeriod, BlockedReason
from scheduling.problem_builder import build_problem
from scheduling.solver import load_problem
from tests.factories import CycleFactory

from .small_prison import build_small_prison, english  # noqa: F401  (autouse fixture)


@pytest.fixture
def prison(site):
    return build_small_prison(site)


def test_periods_are_the_sites_regime_with_readable_ids(prison):
    problem = build_problem(prison.term).problem
    assert problem["periods"][:3] == [
        {"id": "mon-0", "day": 0, "index": 0, "start": "08:30", "end": "10:00", "label": "Monday 08:30–10:00"},
        {"id": "mon-1", "day": 0, "index": 1, "start": "10:15", "end": "11:45", "label": "Monday 10:15–11:45"},
        {"id": "mon-3", "day": 0, "index": 3, "start": "13:30", "end": "15:00", "label": "Monday 13:30–15:00"},
    ]
    assert [p["id"] for p in problem["periods"]][3:] == ["tue-0", "tue-1", "tue-3"]


def test_rooms_are_active_with_the_units_that_reach_them(prison):
    problem = build_problem(prison.term).problem
    assert problem["rooms"] == [
        {"id": "class", "label": "Classroom", "kind": "classroom", "capacity": 10, "wings": ["A1"]},
        {"id": "hall", "label": "Sports hall", "kind": "sports_hall", "capacity": 20, "wings": None},
    ]


def test_units_carry_blocked_periods_and_escort_limits(prison):
    # The yard is not a block: an activity replaces the hour outdoors (a participant goes to it instead).
    BlockedPeriod.objects.create(unit=prison.a2, weekday=0, start=dt.time(8), end=dt.time(12),
                                 reason=BlockedReason.WALK)
    problem = build_problem(prison.term).problem
    assert problem["wings"] == [
        {"id": "A1", "label": "Wing A1", "unavailable": ["mon-3"], "max_parallel": 1},
        {"id": "A2", "label": "Wing A2"},
    ]


def test_facilitators_unavailable_outside_their_weekly_windows_and_preferences(prison):
    problem = build_problem(prison.term).problem
    assert problem["people"] == [{
        "id": f"fac-{prison.ana.pk}", "label": "Ana Lopez", "unavailable": ["mon-3"],
        "preferred": ["mon-0", "mon-1"],
    }]


def test_activities_are_the_terms_cycles_with_pins_as_fixed(prison):
    from prisons.models import RegimePeriod
    from scheduling.models import DraftSession

    CycleFactory(term=prison.term, code="dropped", status=CycleStatus.CANCELLED)
    tue0 = RegimePeriod.objects.get(site=prison.site, weekday=1, index=0)
    DraftSession.objects.create(term=prison.term, cycle=prison.sport, period=tue0, room=prison.hall, pinned=True)
    DraftSession.objects.create(term=prison.term, cycle=prison.french, period=tue0, room=prison.classroom)
    problem = build_problem(prison.term).problem
    assert problem["activities"] == [
        {"id": "french", "label": "French (french)", "sessions": 2, "length": 1, "participants": 8,
         "room_kinds": ["classroom"], "wings": ["A1"], "facilitators": [f"fac-{prison.ana.pk}"], "min_days": 2},
        {"id": "sport", "label": "Sport (sport)", "sessions": 1, "length": 1, "participants": 12,
         "room_kinds": ["sports_hall"], "wings": ["A1", "A2"], "facilitators": [], "min_days": 0,
         "fixed": [{"period": "tue-0", "room": "hall"}]},
    ]


def test_cohorts_from_shared_enrolments_and_units_escorted_as_one_group(prison):
    problem = build_problem(prison.term).problem
    assert problem["cohorts"] == [
        {"id": "enrolled:french+sport", "activities": ["french", "sport"],
         "label": "Participants enrolled in french, sport"},
        {"id": "unit:A1", "activities": ["french", "sport"], "compact": True,
         "label": "Unit Wing A1, escorted as one group"},
    ]
    assert prison.detainee.last_name not in json.dumps(problem)


def test_problem_is_valid_for_the_solver(prison):
    problem = build_problem(prison.term).problem
    load_problem(problem)
    assert problem["format"] == "relais-timetable/1"
    assert problem["previous"] == []


def test_export_problem_command_writes_the_json(prison, tmp_path):
    from django.core.management import call_command

    target = tmp_path / "spring.json"
    call_command("export_problem", str(prison.term.pk), "-o", str(target))
    assert json.loads(target.read_text()) == build_problem(prison.term).problem
