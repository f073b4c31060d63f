"""The solver's explanation, written again in the reader's language from its codes and references."""
import re
from pathlib import Path

import pytest
from django.utils import translation

from scheduling.explanations import WRITERS, ProblemIndex, sentence
from scheduling.solver import solve

SOLVER_EXPLAIN = Path(__file__).resolve().parents[2] / "scheduling" / "solver" / "explain.py"

PROBLEM = {
    "format": "relais-timetable/1",
    "periods": [{"id": f"{day}-{i}", "day": d, "index": i, "start": start, "end": end, "label": f"{day} {start}"}
                for d, day in enumerate(("mon", "tue")) for i, (start, end) in enumerate((("08:30", "10:00"),
                                                                                          ("10:15", "11:45")))],
    "rooms": [{"id": "stage", "label": "Stage", "kind": "stage", "capacity": 12, "wings": ["A"],
               "unavailable": ["mon-0", "mon-1", "tue-0"]},
              {"id": "class", "label": "Classroom 1", "kind": "classroom", "capacity": 10}],
    "wings": [{"id": "A", "label": "Wing A1", "max_parallel": 1, "unavailable": ["tue-1"]},
              {"id": "B", "label": "Wing B"}],
    "people": [{"id": "fac-1", "label": "Ana Peeters", "unavailable": ["mon-0", "mon-1", "tue-0"]}],
    "activities": [{"id": "theatre", "label": "Theatre (theatre)", "sessions": 2, "length": 1, "participants": 14,
                    "room_kinds": ["stage"], "wings": ["B"], "facilitators": ["fac-1"], "unavailable": ["mon-0"]},
                   {"id": "french", "label": "French (french)", "sessions": 1, "length": 2, "participants": 8,
                    "facilitators": ["fac-1"], "wings": ["A"]}],
    "cohorts": [{"id": "enrolled:french+theatre", "activities": ["french", "theatre"],
                 "label": "Participants enrolled in french, theatre"},
                {"id": "unit:A", "activities": ["french", "theatre"], "compact": True}],
    "weights": {"min_days": 3},
}


def ref(kind, ident):
    return {"type": kind, "id": ident}


LINES = {
    "activity_sessions": [ref("activity", "theatre")],
    "activity_unavailable": [ref("activity", "theatre"), ref("period", "mon-0")],
    "person_unavailable": [ref("person", "fac-1")],
    "person_busy": [ref("person", "fac-1"), ref("activity", "theatre"), ref("activity", "french")],
    "room_unavailable": [ref("room", "stage")],
    "room_busy": [ref("room", "stage")],
    "room_unsuitable": [ref("room", "stage"), ref("activity", "theatre")],
    "no_suitable_room": [ref("activity", "theatre")],
    "wing_unavailable": [ref("wing", "A")],
    "wing_limit": [ref("wing", "A")],
    "cohort_overlap": [ref("cohort", "enrolled:french+theatre"), ref("activity", "french"),
                       ref("activity", "theatre")],
    "activity_overlap": [ref("activity", "french")],
    "fixed": [ref("fixed", "french:0"), ref("activity", "french"), ref("period", "tue-0"), ref("room", "class")],
    "overloaded": [ref("person", "fac-1"), ref("activity", "theatre"), ref("activity", "french")],
    "no_timetable": [],
}

EXPECTED = {
    ("fr", "activity_sessions"): "Theatre (theatre) demande 2 séances de 1 plage horaire par semaine. Il lui faut "
                                 "un local de type stage. Son local doit être accessible depuis Wing B. "
                                 "Son local doit accueillir ses 14 participants.",
    ("nl", "person_unavailable"): "Ana Peeters (begeleidt Theatre (theatre), French (french)) is alleen beschikbaar "
                                  "op dinsdag 10:15–11:45.",
    ("fr", "room_unsuitable"): "Le local Stage ne convient pas à Theatre (theatre) : il n'est pas accessible depuis "
                               "Wing B; il accueille 12 personnes, moins que les 14 participants.",
    ("en", "wing_limit"): "Wing A1 can escort at most 1 session at a time.",
    ("fr", "overloaded"): "Ces 2 cycles animés par Ana Peeters demandent 4 plages horaires de séances au total et "
                          "ne tiennent pas tous dans la semaine.",
    ("nl", "fixed"): "Een sessie van French (french) is vastgezet op dinsdag 08:30–10:00 in lokaal Classroom 1.",
    ("en", "cohort_overlap"): "The cycles of participants enrolled in French (french), Theatre (theatre) "
                              "(French (french), Theatre (theatre)) cannot overlap.",
}


def test_every_code_the_solver_writes_is_written_again():
    codes = set(re.findall(r'_sentence\("(\w+)"', SOLVER_EXPLAIN.read_text()))
    assert codes and codes <= set(WRITERS) and set(LINES) == set(WRITERS)


@pytest.mark.parametrize("language", ["fr", "nl", "en"])
@pytest.mark.parametrize("code", sorted(LINES))
def test_each_code_in_each_language(code, language):
    index = ProblemIndex(PROBLEM)
    line = {"code": code, "message": "the solver's English", "refs": LINES[code]}
    with translation.override(language):
        text = sentence(line, index)
    assert text != "the solver's English" and "%(" not in text
    if (language, code) in EXPECTED:
        assert text == EXPECTED[language, code]


def test_names_in_the_readers_language_come_first():
    index = ProblemIndex(PROBLEM, {"theatre": "Théâtre (theatre)"})
    with translation.override("fr"):
        text = sentence({"code": "activity_overlap", "message": "", "refs": [ref("activity", "theatre")]}, index)
    assert text == "Les séances de Théâtre (theatre) ne peuvent pas se chevaucher."


def test_unknown_code_or_a_reference_the_problem_lacks_keeps_the_solvers_sentence():
    index = ProblemIndex(PROBLEM)
    assert sentence({"code": "new_in_the_solver", "message": "As written.", "refs": []}, index) == "As written."
    line = {"code": "room_busy", "message": "Room Gone holds one session at a time.", "refs": [ref("room", "gone")]}
    with translation.override("fr"):
        assert sentence(line, index) == "Le local gone n'accueille qu'une séance à la fois."
    line = {"code": "room_unavailable", "message": "Room Gone is closed.", "refs": [ref("room", "gone")]}
    assert sentence(line, index) == "Room Gone is closed."


def test_a_real_explanation_reads_in_dutch():
    problem = {**PROBLEM, "rooms": [{"id": "class", "label": "Classroom 1", "capacity": 20}], "wings": [],
               "activities": [{"id": a, "label": a.title(), "sessions": 1, "facilitators": ["fac-1"]}
                              for a in ("dutch", "maths", "art")],
               "cohorts": [], "people": [{"id": "fac-1", "label": "Ana Peeters", "unavailable": ["mon-0", "mon-1"]}]}
    solution = solve(problem, workers=1, deterministic_time=5)
    assert solution["status"] == "INFEASIBLE"
    index = ProblemIndex(problem)
    with translation.override("nl"):
        texts = [sentence(line, index) for line in solution["explanation"]]
    assert texts[0] == ("Deze 3 reeksen, begeleid door Ana Peeters, vragen samen 3 tijdvakken aan sessies en passen "
                        "niet allemaal in de week.")
    assert all(text != line["message"] for text, line in zip(texts, solution["explanation"], strict=True))
