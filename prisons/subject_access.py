"""The answer to a detainee's access request (GDPR art. 15): everything Relais holds about them, in
one printable record, in the language they read.

What it leaves out, and why: who the other person of a non-association is (another person's data
and a security measure: only that one exists, its scope and since when), and the text of the
confidential screening notes (professional secrecy: the record says how many interviews have notes,
and the screener decides what to disclose). A fixed number of queries whatever the history.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q

from .models import ActivityRestriction, Commitment, Detainee, NonAssociation, Placement


@dataclass
class PersonRecord:
    detainee: Detainee
    languages: list = field(default_factory=list)
    placements: list = field(default_factory=list)
    commitments: list = field(default_factory=list)
    restrictions: list = field(default_factory=list)
    kept_apart: list = field(default_factory=list)  # NonAssociation rows; the other person is never shown
    enrolments: list = field(default_factory=list)  # with .events, .answers and .attendances prefetched
    interviews: list = field(default_factory=list)
    feedback: list = field(default_factory=list)
    interviews_with_notes: int = 0
    produced_on: dt.date | None = None


def person_record(detainee: Detainee, today: dt.date) -> PersonRecord:
    from enrolment.models import (
        ApplicationAnswer,
        Attendance,
        Enrolment,
        EnrolmentEvent,
        FeedbackInterview,
        MissedSessionsNote,
    )
    from screening.models import Interview

    interviews = list(Interview.objects.filter(detainee=detainee).order_by("scheduled_at", "pk"))
    return PersonRecord(
        detainee=detainee,
        languages=list(detainee.languages.order_by("language")),
        placements=list(Placement.objects.filter(detainee=detainee).select_related("unit").order_by("valid_from", "pk")),
        commitments=list(Commitment.objects.filter(detainee=detainee).order_by("starts_at", "weekday", "start_time")),
        restrictions=list(ActivityRestriction.objects.filter(detainee=detainee).order_by("starts_on")),
        kept_apart=list(NonAssociation.objects.filter(Q(first=detainee) | Q(second=detainee)).order_by("pk")),
        enrolments=list(
            Enrolment.objects.filter(detainee=detainee).select_related("cycle__activity", "cycle__term__site",
                                                                       "leaving_reason")
            .prefetch_related(
                Prefetch("events", queryset=EnrolmentEvent.objects.select_related("leaving_reason").order_by("at", "pk")),
                Prefetch("answers", queryset=ApplicationAnswer.objects.order_by("answered_at", "pk")),
                Prefetch("missed_notes", queryset=MissedSessionsNote.objects.order_by("handed_at", "pk")),
                Prefetch("attendances", queryset=Attendance.objects.select_related("session").order_by(
                    "session__starts_at", "pk")),
            ).order_by("requested_on", "pk")
        ),
        interviews=interviews,
        feedback=list(FeedbackInterview.objects.filter(enrolment__detainee=detainee)
                      .select_related("enrolment__cycle__activity").order_by("held_on", "pk")),
        interviews_with_notes=sum(1 for interview in interviews if interview.notes),
        produced_on=today,
    )


def record_as_dict(record: PersonRecord) -> dict:
    """The same record for the API: codes rather than labels, ISO dates."""
    d = record.detainee
    return {
        "produced_on": record.produced_on,
        "person": {
            "id": d.pk, "prison_number": d.prison_number, "last_name": d.last_name, "first_name": d.first_name,
            "gender": d.gender, "legal_status": d.legal_status, "site": d.site_id, "unit": d.unit_id, "cell": d.cell,
            "status": d.status, "birth_date": d.birth_date, "arrival_date": d.arrival_date,
            "expected_release_date": d.expected_release_date, "expected_transfer_date": d.expected_transfer_date,
            "needs_interpreter": d.needs_interpreter, "reads_french": d.reads_french, "reads_dutch": d.reads_dutch,
            "languages": [{"language": x.language, "proficiency": x.proficiency} for x in record.languages],
        },
        "placements": [{"valid_from": p.valid_from, "valid_until": p.valid_until, "unit": p.unit.code if p.unit else None,
                        "cell": p.cell, "status": p.status} for p in record.placements],
        "commitments": [{"kind": c.kind, "source": c.source, "starts_at": c.starts_at, "ends_at": c.ends_at,
                         "weekday": c.weekday, "start_time": c.start_time, "end_time": c.end_time}
                        for c in record.commitments],
        "restrictions": [{"starts_on": r.starts_on, "ends_on": r.ends_on, "reason": r.reason} for r in record.restrictions],
        "kept_apart": [{"scope": n.scope, "active": n.active} for n in record.kept_apart],
        "enrolments": [{
            "activity": e.cycle.activity.code, "cycle": e.cycle.code, "site": e.cycle.term.site.code,
            "requested_on": e.requested_on, "channel": e.channel, "forwarded_by": e.forwarded_by, "status": e.status,
            "enrolled_on": e.enrolled_on, "ended_on": e.ended_on,
            "leaving_reason": e.leaving_reason.code if e.leaving_reason else None,
            "history": [{"at": ev.at, "from": ev.from_status, "to": ev.to_status, "kind": ev.kind, "reason": ev.reason,
                         "leaving_reason": ev.leaving_reason.code if ev.leaving_reason else None}
                        for ev in e.events.all()],
            "answers_handed_out": [{"at": a.answered_at, "status": a.status, "waiting_position": a.waiting_position,
                                    "language": a.language} for a in e.answers.all()],
            "missed_sessions_notes": [{"at": n.handed_at, "absences": n.absences, "reply": n.reply or None,
                                       "replied_at": n.replied_at} for n in e.missed_notes.all()],
            "attendance": [{"session": a.session.starts_at, "status": a.status, "absence_reason": a.absence_reason,
                            "details": a.reason_text} for a in e.attendances.all()],
        } for e in record.enrolments],
        "screening_interviews": [{"scheduled_at": i.scheduled_at, "status": i.status, "outcome": i.outcome,
                                  "outcome_reason": i.outcome_reason, "has_notes": bool(i.notes)}
                                 for i in record.interviews],
        "feedback_interviews": [{"held_on": f.held_on, "activity": f.enrolment.cycle.activity.code, "topics": f.topics,
                                 "would_return": f.would_return, "what_would_help": f.what_would_help}
                                for f in record.feedback],
    }
