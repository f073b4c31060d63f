"""Benchmark of the records work on big sites: retention, access requests, recruitment, change e-mails.

    .venv/bin/python benchmarks/records_bench.py [--people 100,1000] [--repeat 3]

For each size it builds, in a temporary SQLite database, a site with that many detainees who left
three years ago (each with two languages, two placements, two enrolments of ten attendance lines
and a screening interview with notes), as many present detainees with an interview over a year
old, one detainee with thirty enrolments of twenty sessions, a tenth as many volunteer candidates,
and a strike day hitting a tenth as many cycles, each led by two facilitators. It prints the time and
number of queries of: the retention page, applying the retention policy (once: it removes what it
measures), the access record of the detainee with the long history, the recruitment board, and the
change e-mails after the strike. The number of queries must not grow with the size.
"""
import argparse
import datetime as dt
import os
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
    os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-records-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    os.environ["EMAIL_BACKEND"] = "django.core.mail.backends.locmem.EmailBackend"
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(code: str, people: int, screener):
    """The site, the detainee with the long history, and the day of the strike."""
    from django.utils import timezone

    from activities import models as act
    from enrolment.models import Attendance, Enrolment
    from prisons import models as pr
    from screening.models import Interview

    today = timezone.localdate()
    site = pr.Site.objects.create(code=code, name=f"Bench {code}")
    building = pr.Building.objects.create(site=site, code="B1", name="Building 1")
    unit = pr.Unit.objects.create(site=site, building=building, code="U1", name="Unit 1", population="men",
                                  legal_regime="sentenced")
    room = pr.Room.objects.create(site=site, building=building, code="R1", name="Room 1", kind="classroom",
                                  capacity=20, reachable_from_all_units=True)
    old_term = act.Term.objects.create(site=site, name="Old term", first_date=today - dt.timedelta(days=1200),
                                       last_date=today - dt.timedelta(days=1100))
    term = act.Term.objects.create(site=site, name="This term", first_date=today - dt.timedelta(days=30),
                                   last_date=today + dt.timedelta(days=60))
    activity = act.Activity.objects.create(code=f"{code}-a", kind="sociocultural", title_fr="Atelier",
                                           title_nl="Workshop", title_en="Workshop")
    old_cycles = act.Cycle.objects.bulk_create([
        act.Cycle(activity=activity, term=old_term, code=f"old{c}", capacity=12, status="finished") for c in range(20)])
    old_sessions = {}
    for cycle in old_cycles:
        starts = [dt.datetime.combine(old_term.first_date + dt.timedelta(weeks=w), dt.time(9), tzinfo=BRUSSELS)
                  for w in range(10)]
        old_sessions[cycle.pk] = act.Session.objects.bulk_create([
            act.Session(cycle=cycle, room=room, starts_at=s, ends_at=s + dt.timedelta(minutes=90)) for s in starts])

    left = today - dt.timedelta(days=1000)
    gone = pr.Detainee.objects.bulk_create([
        pr.Detainee(prison_number=f"{code}G{n:06d}", last_name=f"Gone{n}", first_name="Bench", gender="M",
                    legal_status="sentenced", site=site, status="released", birth_date=dt.date(1980, 1, 1))
        for n in range(people)])
    present = pr.Detainee.objects.bulk_create([
        pr.Detainee(prison_number=f"{code}P{n:06d}", last_name=f"Here{n}", first_name="Bench", gender="M",
                    legal_status="sentenced", site=site, unit=unit) for n in range(people + 1)])
    long_history = present[-1]
    pr.DetaineeLanguage.objects.bulk_create([
        pr.DetaineeLanguage(detainee=d, language=lang) for d in gone for lang in ("fr", "ar")])
    pr.Placement.objects.bulk_create(
        [pr.Placement(detainee=d, unit=unit, cell="C1", status="present", valid_from=left - dt.timedelta(days=300),
                      valid_until=left) for d in gone]
        + [pr.Placement(detainee=d, unit=None, status="released", valid_from=left) for d in gone])
    enrolments = Enrolment.objects.bulk_create([
        Enrolment(detainee=d, cycle=old_cycles[(n + k) % len(old_cycles)], status="completed",
                  requested_on=old_term.first_date, confirmation_reason="bench")
        for n, d in enumerate(gone) for k in range(2)])
    Attendance.objects.bulk_create([
        Attendance(session=session, enrolment=e, status="absent", absence_reason="other", reason_text="bench")
        for e in enrolments for session in old_sessions[e.cycle_id]], batch_size=5000)
    at = dt.datetime.combine(today - dt.timedelta(days=500), dt.time(10), tzinfo=BRUSSELS)
    Interview.objects.bulk_create([
        Interview(detainee=d, screener=screener, scheduled_at=at, status="held", outcome="suitable", notes="bench")
        for d in gone + present])

    history = []
    for c in range(30):
        cycle = act.Cycle.objects.create(activity=activity, term=old_term, code=f"hist{c}", capacity=12,
                                         status="finished")
        starts = [dt.datetime.combine(old_term.first_date + dt.timedelta(days=3 * w), dt.time(14), tzinfo=BRUSSELS)
                  for w in range(20)]
        sessions = act.Session.objects.bulk_create([
            act.Session(cycle=cycle, room=room, starts_at=s, ends_at=s + dt.timedelta(minutes=90)) for s in starts])
        enrolment = Enrolment.objects.create(detainee=long_history, cycle=cycle, status="completed",
                                             requested_on=old_term.first_date)
        history += [Attendance(session=s, enrolment=enrolment, status="present") for s in sessions]
    Attendance.objects.bulk_create(history)

    act.VolunteerCandidate.objects.bulk_create([
        act.VolunteerCandidate(site=site, first_name="Cand", last_name=f"Bench{n}", email=f"c{n}@example.org",
                               stage=("contacted", "met", "clearance", "induction")[n % 4],
                               contacted_on=today - dt.timedelta(days=40), met_on=today - dt.timedelta(days=30),
                               clearance_requested_on=today - dt.timedelta(days=20),
                               clearance_granted_on=today - dt.timedelta(days=5)) for n in range(max(people // 10, 1))])

    strike_day = today + dt.timedelta(days=(7 - today.weekday()) % 7 or 7)
    cycles = act.Cycle.objects.bulk_create([
        act.Cycle(activity=activity, term=term, code=f"now{c}", capacity=12, status="running")
        for c in range(max(people // 10, 1))])
    facilitators = act.Facilitator.objects.bulk_create([
        act.Facilitator(kind="volunteer", first_name="Vol", last_name=f"Bench{n}", email=f"v{n}@example.org")
        for n in range(2 * len(cycles))])
    act.Cycle.facilitators.through.objects.bulk_create([
        act.Cycle.facilitators.through(cycle_id=cycle.pk, facilitator_id=facilitators[2 * c + k].pk)
        for c, cycle in enumerate(cycles) for k in range(2)])
    start = dt.datetime.combine(strike_day, dt.time(9), tzinfo=BRUSSELS)
    act.Session.objects.bulk_create([
        act.Session(cycle=cycle, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90))
        for cycle in cycles])
    return site, long_history, strike_day


def measure(action):
    """(seconds, queries, what the action returned)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        result = action()
        seconds = time.perf_counter() - started
    return seconds, len(captured), result


def best_of(repeat: int, action):
    runs = [measure(action) for _ in range(repeat)]
    return min(r[0] for r in runs), runs[-1][1], runs[-1][2]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", default="100,1000", help="comma-separated numbers of people who left (default 100,1000)")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.core import mail
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from core.models import Role, User
    from prisons import retention
    from scheduling import notices, services

    setup_test_environment()
    client = Client()
    rows = []
    for n, people in enumerate(int(value) for value in args.people.split(",")):
        user = User.objects.create_user(f"coordinator{n}", password="bench-password-123", role=Role.COORDINATOR)
        site, long_history, strike_day = generate(f"rec{n}", people, user)
        user.sites.set([site])
        client.force_login(user)
        today = timezone.localdate()

        def page(url, params=None, expect=None):
            def fetch():
                response = client.get(url, params or {})
                assert response.status_code == 200, (url, response.status_code)
                return expect(response) if expect else ""
            return fetch

        rows.append((people, "retention page", *best_of(args.repeat, page(
            reverse("prisons:retention"), {"site": site.pk}, lambda r: f"{r.context['due_count']} people due"))))
        rows.append((people, "access record (30 × 20)", *best_of(args.repeat, page(
            reverse("prisons:detainee-access-record", args=[long_history.pk]), {"lang": "en"},
            lambda r: f"{sum(len(e.attendances.all()) for e in r.context['record'].enrolments)} attendance lines"))))
        rows.append((people, "recruitment board", *best_of(args.repeat, page(
            reverse("activities:recruitment"), {"site": site.pk},
            lambda r: f"{sum(len(rows) for _s, _l, rows in r.context['steps'])} candidates"))))
        rows.append((people, "apply retention (once)", *measure(lambda site=site, today=today, user=user: (
            lambda run: f"{run.detainees_anonymised} anonymised, {run.notes_erased} notes erased")(
                retention.apply_retention(site, today=today, by=user)))))
        services.cancel_sessions(site=site, first_date=strike_day, last_date=strike_day, reason="strike", by=user)
        mail.outbox = []
        rows.append((people, "change e-mails (once)", *measure(lambda: f"{notices.send_change_notices()} e-mails")))

    print(f"{'people':>6}  {'what':<26} {'seconds':>8} {'queries':>7}  result")
    for people, label, seconds, queries, result in rows:
        print(f"{people:>6}  {label:<26} {seconds:>8.3f} {queries:>7}  {result}")


if __name__ == "__main__":
    main()
