"""Screening interviews and people who left long ago, so that the screening pages and the retention
page have something to show: interviews for the cycles that require one (held before each enrolment,
some applications still to screen or screened with another outcome), a few long-stay detainees'
interviews older than the notes' retention period, and at each site a few people released or
transferred more than two years ago whose records are due for anonymisation.

Runs last and alone uses the builder's random stream from here on, so the rest of the demo is the same
as without it. Notes are synthetic and say so.
"""
from __future__ import annotations

import datetime as dt

from enrolment.models import Enrolment, EnrolmentStatus
from prisons import models as pr
from screening.models import Interview, InterviewStatus, Outcome

from . import data
from .generator import aware

NOTES = [
    "Synthetic demo note: motivated, asks whether the group is in French; no contra-indication.",
    "Synthetic demo note: came on the advice of the detention support worker; wants to talk in a group.",
    "Synthetic demo note: hesitant at first, then clear about why; agreed to the group's rules.",
    "Synthetic demo note: some reading difficulties; the facilitator will read the texts aloud.",
]
OTHER_OUTCOMES = [
    (Outcome.SUITABLE_LATER, "Wants to wait until after the trial.",
     "Synthetic demo note: interested, but the hearing is next month; to see again afterwards."),
    (Outcome.NOT_SUITABLE, "Not ready to speak about the facts in a group.",
     "Synthetic demo note: an individual follow-up by the psychosocial service first."),
]
HOURS = ["09:00", "10:30", "14:00", "15:30"]
FORMER_PER_SITE = {"haren": 8, "saint-gilles": 4}
OLD_NOTES_PER_SITE = 3


def build_screening(builder) -> None:
    rng, today = builder.rng, builder.today
    interviews = []
    for code, site in builder.sites.items():
        screener = builder.user_of["screener"] if code == "haren" else builder.user_of["coordinator"]
        room = pr.Room.objects.filter(site=site, kind="interview").order_by("code").first()
        enrolments = (Enrolment.objects.filter(cycle__term__site=site, cycle__screening_required=True)
                      .select_related("cycle").order_by("cycle__code", "detainee__prison_number"))
        for n, enrolment in enumerate(enrolments):
            hour = HOURS[n % len(HOURS)]
            if enrolment.status == EnrolmentStatus.PENDING:
                if n % 3 == 0:  # some still to screen, with an interview planned in the coming days
                    interviews.append(Interview(
                        detainee_id=enrolment.detainee_id, enrolment=enrolment, screener=screener, room=room,
                        scheduled_at=aware(_weekday_after(today, 1 + n % 6), hour)))
                elif n % 3 == 1:
                    outcome, reason, note = OTHER_OUTCOMES[n % 2]
                    interviews.append(Interview(
                        detainee_id=enrolment.detainee_id, enrolment=enrolment, screener=screener, room=room,
                        scheduled_at=aware(_weekday_before(today, 2 + n % 5), hour), status=InterviewStatus.HELD,
                        outcome=outcome, outcome_reason=reason, notes=note))
                continue
            held_on = _weekday_before(enrolment.enrolled_on or enrolment.requested_on, 1 + n % 4)
            held_on = max(held_on, enrolment.requested_on)
            interviews.append(Interview(
                detainee_id=enrolment.detainee_id, enrolment=enrolment, screener=screener, room=room,
                scheduled_at=aware(held_on, hour), status=InterviewStatus.HELD, outcome=Outcome.SUITABLE,
                notes=rng.choice(NOTES)))
        # long stays screened for an earlier cycle: notes older than a year
        long_stays = sorted((d for d in builder.detainees[code] if d.arrival_date < today - dt.timedelta(days=600)),
                            key=lambda d: d.prison_number)
        for n, detainee in enumerate(long_stays[:OLD_NOTES_PER_SITE]):
            interviews.append(Interview(
                detainee=detainee, screener=screener, room=room, status=InterviewStatus.HELD,
                scheduled_at=aware(_weekday_before(today, 400 + 40 * n), HOURS[n % len(HOURS)]),
                outcome=Outcome.SUITABLE, notes=rng.choice(NOTES)))
    Interview.objects.bulk_create(interviews)


def build_former_detainees(builder) -> None:
    """People released or transferred two to three years ago: their records are due for anonymisation."""
    rng, today = builder.rng, builder.today
    people, extras = [], []
    for code, site in builder.sites.items():
        units = [u for u in builder.units[code] if u.population == "men"]
        for n in range(FORMER_PER_SITE[code]):
            builder.counter += 1
            unit = units[n % len(units)]
            _w, men, _women, lasts, languages = data.ORIGINS[rng.choice(sorted(data.ORIGINS))]
            left = today - dt.timedelta(days=rng.randint(760, 1100))
            arrived = left - dt.timedelta(days=rng.randint(60, 700))
            status = pr.DetaineeStatus.RELEASED if n % 2 == 0 else pr.DetaineeStatus.TRANSFERRED
            detainee = pr.Detainee(
                prison_number=f"{data.DEMO_NUMBER_PREFIX}{builder.counter:06d}",
                last_name=f"{data.DEMO_NAME_PREFIX}{rng.choice(lasts)}", first_name=rng.choice(men),
                gender=pr.Gender.MALE, legal_status=unit.legal_regime if unit.legal_regime != "mixed" else "sentenced",
                site=site, unit=None, birth_date=today - dt.timedelta(days=rng.randint(20 * 365, 60 * 365)),
                arrival_date=arrived, status=status,
            )
            people.append(detainee)
            extras.append((detainee, unit, arrived, left, languages))
    pr.Detainee.objects.bulk_create(people)
    placements, spoken = [], []
    for detainee, unit, arrived, left, languages in extras:
        placements += [
            pr.Placement(detainee=detainee, unit=unit, cell=f"{unit.code}-{rng.randint(1, 30):03d}", status="present",
                         valid_from=arrived, valid_until=left, source="registry"),
            pr.Placement(detainee=detainee, unit=None, status=detainee.status, valid_from=left, source="registry"),
        ]
        spoken += [pr.DetaineeLanguage(detainee=detainee, language=language, proficiency=level)
                   for language, level in languages]
    pr.Placement.objects.bulk_create(placements)
    pr.DetaineeLanguage.objects.bulk_create(spoken)


def _weekday_before(day: dt.date, days: int) -> dt.date:
    day -= dt.timedelta(days=days)
    while day.weekday() >= 5:
        day -= dt.timedelta(days=1)
    return day


def _weekday_after(day: dt.date, days: int) -> dt.date:
    day += dt.timedelta(days=days)
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day
