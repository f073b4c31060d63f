"""Benchmark of the evaluation of the offer and of needs survey results on big terms.

    .venv/bin/python benchmarks/evaluation_bench.py [--cycles 15,150] [--people 12] [--weeks 16]

For each size it builds, in a temporary SQLite database, a site whose term has that many cycles of
`--people` participants meeting twice a week (5 % of sessions cancelled, every register filled in,
one participant in six dropping out, three in four returning an evaluation sheet), 1,500 detainees
with placements, and a needs survey with ten answers per cycle. It prints, best of three, the time
and number of queries of: the term's indicators (`term_indicators`), the evaluation page through
Django's test client, its workbook, the survey's results page, and the site's year in figures
(`year_report`) for the year the term falls in. The number of queries must not grow with the size.
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BRUSSELS = ZoneInfo("Europe/Brussels")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-evaluation-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(code: str, cycles: int, people: int, weeks: int, seed: int = 7):
    """A site with one term of `cycles` cycles, its registers, its detainees and a needs survey."""
    from activities import models as act
    from enrolment.models import Attendance, Enrolment, EvaluationSheet, LeavingReason
    from prisons import models as pr
    from surveys.models import Survey, SurveyOption, SurveyResponse

    rng = random.Random(seed)
    site = pr.Site.objects.create(code=code, name=f"Bench {code}")
    building = pr.Building.objects.create(site=site, code="B1", name="Building 1")
    units = [pr.Unit.objects.create(site=site, building=building, code=f"U{i:02d}", name=f"Unit {i}",
                                    population="women" if i % 6 == 0 else "men",
                                    legal_regime=["remand", "sentenced", "interned"][i % 3], capacity=60)
             for i in range(25)]
    room = pr.Room.objects.create(site=site, building=building, code="R1", name="Room 1", kind="classroom",
                                  capacity=20, reachable_from_all_units=True)
    first = dt.date(2027, 1, 11)
    term = act.Term.objects.create(site=site, name="Bench term", first_date=first,
                                   last_date=first + dt.timedelta(weeks=weeks, days=-3))
    detainees = pr.Detainee.objects.bulk_create([
        pr.Detainee(prison_number=f"{code.upper()}-{n:06d}", last_name=f"Bench{n}", first_name="Synthetic",
                    gender="F" if units[n % 25].population == "women" else "M",
                    legal_status=units[n % 25].legal_regime, site=site, unit=units[n % 25])
        for n in range(1500)
    ])
    pr.Placement.objects.bulk_create([
        pr.Placement(detainee=d, unit=d.unit, status="present", valid_from=dt.date(2026, 6, 1)) for d in detainees
    ])
    withdrew = LeavingReason.objects.get(code="withdrew")
    activity_list = act.Activity.objects.bulk_create([
        act.Activity(code=f"{code}-{c}", kind=["training", "psychosocial", "sociocultural", "sport"][c % 4],
                     title_fr=f"Atelier {c}", title_nl=f"Workshop {c}", title_en=f"Workshop {c}")
        for c in range(cycles)
    ])
    cycle_list = act.Cycle.objects.bulk_create([
        act.Cycle(activity=activity, term=term, code=f"c{c}", capacity=people, status="running")
        for c, activity in enumerate(activity_list)
    ])
    sessions, enrolments = [], []
    for c, cycle in enumerate(cycle_list):
        for week in range(weeks):
            for meeting in range(2):
                start = dt.datetime.combine(first + dt.timedelta(weeks=week, days=(c + 2 * meeting) % 5),
                                            dt.time(9 + 2 * meeting), tzinfo=BRUSSELS)
                cancelled = rng.random() < 0.05
                sessions.append(act.Session(cycle=cycle, room=room, starts_at=start,
                                            ends_at=start + dt.timedelta(minutes=90),
                                            status="cancelled" if cancelled else "held",
                                            cancellation_code="strike" if cancelled else ""))
        for person in rng.sample(detainees, people):
            leaves = rng.random() < 1 / 6
            enrolments.append(Enrolment(
                detainee=person, cycle=cycle, requested_on=first - dt.timedelta(days=20),
                enrolled_on=first - dt.timedelta(days=5), status="withdrawn" if leaves else "enrolled",
                ended_on=first + dt.timedelta(weeks=weeks // 2) if leaves else None,
                leaving_reason=withdrew if leaves else None,
            ))
    act.Session.objects.bulk_create(sessions, batch_size=2000)
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    by_cycle = {}
    for enrolment in enrolments:
        by_cycle.setdefault(enrolment.cycle_id, []).append(enrolment)
    lines = []
    for session in sessions:
        for enrolment in by_cycle[session.cycle_id]:
            day = session.starts_at.date()
            if enrolment.ended_on and day > enrolment.ended_on:
                continue
            if session.status == "cancelled":
                lines.append(Attendance(session=session, enrolment=enrolment, status="absent",
                                        absence_reason="session_cancelled"))
            elif rng.random() < 0.75:
                lines.append(Attendance(session=session, enrolment=enrolment, status="present"))
            else:
                lines.append(Attendance(session=session, enrolment=enrolment, status="absent",
                                        absence_reason=rng.choice(["sick", "not_escorted", "clash_visit"])))
    Attendance.objects.bulk_create(lines, batch_size=5000)
    EvaluationSheet.objects.bulk_create([
        EvaluationSheet(cycle=cycle, liked=rng.choice([3, 3, 2, 1]), useful=rng.choice([3, 2, None]),
                        level=rng.choice(["right", "too_easy", ""]), to_change=rng.choice(["", "Longer sessions."]))
        for cycle in cycle_list for _ in range(people * 3 // 4)
    ], batch_size=2000)

    survey = Survey.objects.create(site=site, title="Bench survey", question="Which?", opens_on=first,
                                   closes_on=first + dt.timedelta(weeks=3), status="closed")
    options = SurveyOption.objects.bulk_create([
        SurveyOption(survey=survey, label=f"Option {n}", activity=activity_list[n % cycles] if n % 3 else None,
                     position=n) for n in range(20)
    ])
    answers = SurveyResponse.objects.bulk_create([
        SurveyResponse(survey=survey, unit=rng.choice(units), preferred_time="either", languages=["fr"])
        for _ in range(10 * cycles)
    ])
    SurveyResponse.chosen.through.objects.bulk_create([
        SurveyResponse.chosen.through(surveyresponse_id=answer.pk, surveyoption_id=option.pk)
        for answer in answers for option in rng.sample(options, 3)
    ], batch_size=5000)
    return term, survey, len(sessions), len(lines), len(answers)


def best_of(repeat: int, action):
    """(best seconds, queries of the last run)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries = [], 0
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            action()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return min(times), queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", default="15,150", help="comma-separated numbers of cycles (default 15,150)")
    parser.add_argument("--people", type=int, default=12)
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.test import Client
    from django.urls import reverse
    from django.utils import timezone

    from core.models import Role, User
    from enrolment.indicators import term_indicators
    from enrolment.year_report import year_report

    client = Client()
    rows = []
    for n, cycles in enumerate(int(value) for value in args.cycles.split(",")):
        term, survey, sessions, lines, answers = generate(f"bench{n}", cycles, args.people, args.weeks)
        user = User.objects.create_user(f"coordinator{n}", password="bench-password-123", role=Role.COORDINATOR)
        user.sites.set([term.site])
        client.force_login(user)
        now = timezone.make_aware(dt.datetime.combine(term.last_date, dt.time(18)))

        def indicators(term=term, now=now):
            term_indicators(term, now)
        rows.append((cycles, sessions, lines, "term_indicators()", *best_of(args.repeat, indicators)))
        for label, url in (("evaluation page", reverse("evaluation:term", args=[term.pk])),
                           ("workbook (.xlsx)", reverse("evaluation:term-export", args=[term.pk])),
                           (f"survey results ({answers} answers)", reverse("surveys:detail", args=[survey.pk]))):
            def fetch(url=url):
                assert client.get(url).status_code == 200
            rows.append((cycles, sessions, lines, label, *best_of(args.repeat, fetch)))

        def year(term=term, now=now):
            year_report(term.site, term.first_date.year, now)
        rows.append((cycles, sessions, lines, f"year_report({term.first_date.year})", *best_of(args.repeat, year)))

    print(f"{'cycles':>6} {'sessions':>8} {'register lines':>14}  {'what':<32} {'seconds':>8} {'queries':>7}")
    for cycles, sessions, lines, label, seconds, queries in rows:
        print(f"{cycles:>6} {sessions:>8} {lines:>14}  {label:<32} {seconds:>8.3f} {queries:>7}")


if __name__ == "__main__":
    main()
