"""The demo's last term: the same cycles run in the twelve weeks before the current term, finished,
with their sessions, registers and dropouts, so that attendance, follow-up and the evaluation of
the offer (step 11) have something to show on the first day.

Sessions repeat each cycle's witness timetable; one day per site was lost to a staff strike and a
few sessions to a facilitator's illness. Everyone enrolled has left by the end: with the leaving
reason "completed", or earlier for one of the usual reasons.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

from activities import models as act
from enrolment.models import (
    AbsenceReason,
    Attendance,
    CycleReview,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    FeedbackInterview,
    LeavingReason,
)

from .generator import aware, belgian_public_holidays

WEEKS = 12
ABSENCES = {  # weights: what keeps people from a session in a Brussels prison
    AbsenceReason.NOT_ESCORTED: 25, AbsenceReason.SICK: 18, AbsenceReason.CLASH_VISIT: 14,
    AbsenceReason.CLASH_COURT: 10, AbsenceReason.CLASH_WORK: 10, AbsenceReason.REFUSED: 10,
    AbsenceReason.CLASH_LAWYER: 6, AbsenceReason.EXCUSED: 7,
}
LEAVING = {"withdrew": 30, "clash_work_training": 20, "released": 15, "transferred": 15, "health": 10,
           "security": 10}
# What those still in the prison said in their feedback interview, by leaving reason; those
# released or transferred are gone and are not interviewed.
FEEDBACK = {
    "withdrew": (["time_slot", "content", "group", "level", "movements", "facilitator"],
                 ["An afternoon slot.", "A smaller group.", "Being fetched on time.", "More practice, less talk."]),
    "clash_work_training": (["clash", "time_slot"], ["Sessions outside working hours."]),
    "health": (["health"], ["Coming back once treated."]),
    "security": (["personal", "other"], [""]),
}
REVIEWS = [
    {"decision": "continue", "changes": [], "note": ""},
    {"decision": "continue", "changes": [], "note": "Good group; same partner next term."},
    {"decision": "adjust", "changes": ["time_slot", "escorts"],
     "note": "Move to the afternoon: morning escorts were short."},
    {"decision": "adjust", "changes": ["publicity", "units"], "note": "Open it to the neighbouring unit."},
    {"decision": "adjust", "changes": ["group_size"], "note": "Smaller group."},
]
# What facilitators wrote after a session, by kind of activity: (what we did, to prepare for next time).
LOGS = {
    "training": [("Reading and vocabulary: at the market.", "Photocopies of the exercise sheet."),
                 ("Numbers and dates; role play at the doctor's.", ""),
                 ("Revision of the last two sessions, short written test.", "Correct the tests.")],
    "psychosocial": [("Round of news, then the theme of the week: responsibility.", ""),
                     ("Testimony read aloud, discussion in pairs.", "Choose the next text."),
                     ("The group set its own rules for the coming sessions.", "")],
    "sociocultural": [("Warm-up, then work on the group piece.", "Bring the materials kept at the gate."),
                      ("Each participant presented their work; feedback round.", ""),
                      ("Technique of the day, then free practice.", "")],
    "sport": [("Warm-up, circuit training, stretching.", ""), ("Ball games in teams; cool-down.", "")],
}
PROBLEMS = {  # kind: (weight, what the facilitator wrote, what the coordinator did)
    "escort": (35, "Half the group was not brought down from the unit.",
               "Agreed with the unit chief: movement called 15 minutes earlier."),
    "room": (15, "The room was taken by a visit from the ministry.", "Room booked in the planning for the term."),
    "gate": (15, "Held 40 minutes at the gate: not on the list.", "Gate list now sent the day before."),
    "material": (15, "Paints refused at the gate.", "Material list approved by the direction."),
    "equipment": (10, "Projector broken.", "Replaced by the technical service."),
    "safety": (5, "Argument between two participants; session ended early.", "Talked with both; seats changed."),
}
STRIKE = (act.CancellationReason.STRIKE, "no movements")
ILLNESS = (act.CancellationReason.OTHER, "Facilitator ill")


def build_last_term(builder) -> None:
    """Add the last term of every demo site to what `builder` (a `DemoBuilder`) has written."""
    rng = builder.rng
    last = builder.monday - dt.timedelta(days=3)
    first = builder.monday - dt.timedelta(weeks=WEEKS)
    holidays = {}
    for year in {first.year, last.year}:
        holidays.update(belgian_public_holidays(year))
    reasons = {reason.code: reason for reason in LeavingReason.objects.all()}
    coordinator = builder.user_of["coordinator"]
    for plan in builder.scale["sites"]:
        term = act.Term.objects.create(
            site=builder.sites[plan.code], name=f"Demo term {first:%d/%m/%Y} – {last:%d/%m/%Y}",
            first_date=first, last_date=last,
        )
        off = {day: label for day, label in holidays.items() if first <= day <= last and day.weekday() < 5}
        act.ExcludedDate.objects.bulk_create([act.ExcludedDate(term=term, date=d, label=label)
                                              for d, label in sorted(off.items())])
        strike = first + dt.timedelta(weeks=rng.randint(3, WEEKS - 3), days=rng.randrange(5))
        cycles = [cycle for cycle in builder.cycles if cycle.site.code == plan.code]
        models = act.Cycle.objects.bulk_create([
            act.Cycle(activity=c.activity, term=term, code=c.code, capacity=c.capacity,
                      sessions_per_week=c.sessions, session_periods=c.length, language=c.language,
                      screening_required=c.spec[1] == "psychosocial", status=act.CycleStatus.FINISHED)
            for c in cycles
        ])
        act.Cycle.eligible_units.through.objects.bulk_create([
            act.Cycle.eligible_units.through(cycle_id=m.pk, unit_id=u.pk)
            for c, m in zip(cycles, models, strict=True) for u in c.section
        ])
        act.Cycle.facilitators.through.objects.bulk_create([
            act.Cycle.facilitators.through(cycle_id=m.pk, facilitator_id=p.model.pk)
            for c, m in zip(cycles, models, strict=True) for p in c.people
        ])
        times = {index: (start, end) for index, start, end, _label in plan.periods}
        rooms = {room.code: room for room in builder.rooms[plan.code]}
        sessions = []
        for cycle, model in zip(cycles, models, strict=True):
            ill = {first + dt.timedelta(weeks=rng.randrange(WEEKS))} if rng.random() < 0.3 else set()
            for week in range(WEEKS):
                for day, start, room in cycle.slots:
                    date = first + dt.timedelta(weeks=week, days=day)
                    if date in off:
                        continue
                    reason = STRIKE if date == strike else ILLNESS if date - dt.timedelta(days=day) in ill else ("", "")
                    sessions.append(act.Session(
                        cycle=model, room=rooms[room],
                        starts_at=aware(date, times[start][0]),
                        ends_at=aware(date, times[start + cycle.length - 1][1]),
                        status=act.SessionStatus.CANCELLED if reason[0] else act.SessionStatus.HELD,
                        cancellation_code=reason[0], cancellation_details=reason[1],
                    ))
        act.Session.objects.bulk_create(sessions)
        _logs([s for s in sessions if s.status == act.SessionStatus.HELD], coordinator)
        _problems(rng, [s for s in sessions if s.status == act.SessionStatus.HELD], coordinator)
        by_cycle = defaultdict(list)
        for session in sessions:
            by_cycle[session.cycle_id].append(session)
        held_then = [d for d in builder.detainees[plan.code] if d.arrival_date and d.arrival_date < first]
        for cycle, model in zip(cycles, models, strict=True):
            _participants(rng, cycle, model, by_cycle[model.pk], held_then, reasons, coordinator, last)
        # About half the cycles were already reviewed; the rest wait for the coordinator.
        CycleReview.objects.bulk_create([
            CycleReview(cycle=model, reviewed_by=coordinator, **rng.choice(REVIEWS))
            for model in models if rng.random() < 0.5
        ])


def _logs(sessions, coordinator) -> None:
    """Four held sessions in five have their log. Chosen by position, not drawn: the demo's random
    stream (and so everything loaded after this) stays as it was before logs existed."""
    rows = []
    for n, session in enumerate(sessions):
        if n % 5:
            texts = LOGS.get(session.cycle.activity.kind, LOGS["sociocultural"])
            done, next_time = texts[n % len(texts)]
            rows.append(act.SessionLog(session=session, done=done, next_time=next_time, written_by=coordinator))
    act.SessionLog.objects.bulk_create(rows)


def _problems(rng, sessions, coordinator) -> None:
    """About one session in forty had a practical problem; most were dealt with, one is still open."""
    kinds = list(PROBLEMS)
    rows = []
    chosen = rng.sample(sessions, k=min(len(sessions), max(2, len(sessions) // 40)))
    for n, session in enumerate(sorted(chosen, key=lambda s: s.starts_at)):
        kind = rng.choices(kinds, weights=[PROBLEMS[k][0] for k in kinds])[0]
        _weight, said, done = PROBLEMS[kind]
        resolved = n > 0 and (n == 1 or rng.random() < 0.8)
        rows.append(act.SessionProblem(
            session=session, kind=kind, description=said, reported_by=coordinator,
            resolution=done if resolved else "", resolved_by=coordinator if resolved else None,
            resolved_at=session.ends_at + dt.timedelta(days=rng.randint(1, 5)) if resolved else None,
        ))
    act.SessionProblem.objects.bulk_create(rows)
    # Reported the evening of the session, not when the demo was loaded.
    for problem in rows:
        problem.reported_at = problem.session.ends_at + dt.timedelta(hours=2)
    act.SessionProblem.objects.bulk_update(rows, ["reported_at"])


def _participants(rng, cycle, model, sessions, held_then, reasons, coordinator, last) -> None:
    """Who applied, who came and who left: enrolments with their history, and every register."""
    unit_ids = {u.pk for u in cycle.section}
    pool = [d for d in held_then if d.unit_id in unit_ids]
    rng.shuffle(pool)
    enrolled = min(len(pool), round(cycle.capacity * rng.uniform(0.45, 1.0)))
    declined = min(len(pool) - enrolled, rng.randint(0, 2))
    turnout = rng.uniform(0.5, 0.95)
    dropout = rng.uniform(0.0, 0.4)
    sessions_first = min(s.starts_at for s in sessions).date() if sessions else model.term.first_date
    rows, chains, plans = [], [], []
    # Nobody is left waiting or pending: the term is over.
    for n, detainee in enumerate(pool[:enrolled + declined]):
        requested = sessions_first - dt.timedelta(days=rng.randint(7, 30))
        if n >= enrolled:
            rows.append(Enrolment(detainee=detainee, cycle=model, status=EnrolmentStatus.DECLINED,
                                  requested_on=requested, ended_on=requested + dt.timedelta(days=5),
                                  recorded_by=coordinator))
            chains.append((rows[-1], ["pending", EnrolmentStatus.DECLINED], None))
            continue
        enrolled_on = sessions_first - dt.timedelta(days=rng.randint(1, 5))
        leaves = rng.random() < dropout
        code = rng.choices(list(LEAVING), weights=list(LEAVING.values()))[0] if leaves else "completed"
        ended = last
        if leaves and len(sessions) > 2:
            ended = rng.choice(sessions[1:-1]).starts_at.date()
        status = EnrolmentStatus.WITHDRAWN if code == "withdrew" else EnrolmentStatus.REMOVED
        rows.append(Enrolment(detainee=detainee, cycle=model, status=status, requested_on=requested,
                              enrolled_on=enrolled_on, ended_on=ended, leaving_reason=reasons[code],
                              recorded_by=coordinator))
        chains.append((rows[-1], ["pending", "approved", "enrolled", status], reasons[code]))
        plans.append((rows[-1], ended, turnout - (0.25 if leaves else 0.0)))
    Enrolment.objects.bulk_create(rows)
    interviews = []
    for enrolment, ended, _chance in plans:
        code = enrolment.leaving_reason.code
        if code in FEEDBACK and rng.random() < 0.6:
            topics, helps = FEEDBACK[code]
            interviews.append(FeedbackInterview(
                enrolment=enrolment, held_on=min(last, ended + dt.timedelta(days=rng.randint(3, 10))),
                held_by=coordinator, topics=rng.sample(topics, k=min(len(topics), rng.randint(1, 2))),
                would_return=rng.choice(["yes", "yes", "unsure", "no"]), what_would_help=rng.choice(helps),
            ))
    FeedbackInterview.objects.bulk_create(interviews)
    events = []
    for enrolment, chain, reason in chains:
        previous = ""
        for status in chain:
            ending = status in (EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REMOVED)
            events.append(EnrolmentEvent(enrolment=enrolment, by=coordinator, from_status=previous,
                                         to_status=status, leaving_reason=reason if ending else None,
                                         reason=""))
            previous = status
    EnrolmentEvent.objects.bulk_create(events)
    lines = []
    for session in sessions:
        day = session.starts_at.date()
        for enrolment, ended, chance in plans:
            if day > ended:
                continue
            if session.status == act.SessionStatus.CANCELLED:
                lines.append(Attendance(session=session, enrolment=enrolment, status="absent",
                                        absence_reason=AbsenceReason.SESSION_CANCELLED, recorded_by=coordinator))
            elif rng.random() < chance:
                lines.append(Attendance(session=session, enrolment=enrolment, status="present",
                                        late=rng.random() < 0.05, recorded_by=coordinator))
            else:
                reason = rng.choices(list(ABSENCES), weights=list(ABSENCES.values()))[0]
                lines.append(Attendance(session=session, enrolment=enrolment, status="absent",
                                        absence_reason=reason, recorded_by=coordinator))
    Attendance.objects.bulk_create(lines)

