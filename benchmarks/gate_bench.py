"""Benchmark of what the gate and the coordinators read about outside facilitators on big terms.

    .venv/bin/python benchmarks/gate_bench.py [--cycles 15,150] [--weeks 16] [--repeat 3]

For each size it builds, in a temporary SQLite database, a site whose term (starting next Monday)
has that many cycles meeting twice a week, each led by two outside facilitators (one in four with
a badge ending mid-term, one in twenty with none) and carrying three items of material (two
approved, one awaiting the direction). It prints, best of three, the time and number of queries
of: the gate list of the busiest day, the access authorisations to renew (`renewals_due`, the
page, its spreadsheet), the material page and the home page (which counts both), and the run of
the gate's change e-mails (`send_gate_notices`, which follows every change) with nothing new and
after a session of the coming week is cancelled. The number of queries must not grow with the size.
"""
import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BRUSSELS = ZoneInfo("Europe/Brussels")


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-gate-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def generate(code: str, cycles: int, weeks: int, seed: int = 11):
    from django.utils import timezone

    from activities import models as act
    from prisons import models as pr

    rng = random.Random(seed)
    today = timezone.localdate()
    first = today + dt.timedelta(days=7 - today.weekday())
    site = pr.Site.objects.create(code=code, name=f"Bench {code}")
    building = pr.Building.objects.create(site=site, code="B1", name="Building 1")
    room = pr.Room.objects.create(site=site, building=building, code="R1", name="Room 1", kind="classroom",
                                  capacity=20, reachable_from_all_units=True)
    term = act.Term.objects.create(site=site, name="Bench term", first_date=first,
                                   last_date=first + dt.timedelta(weeks=weeks, days=-3))
    partner = act.Partner.objects.create(name=f"Bench partner {code}")
    people = []
    for n in range(2 * cycles):
        roll = rng.random()
        until = (None if roll < 0.05 else first + dt.timedelta(weeks=weeks // 2) if roll < 0.30
                 else first + dt.timedelta(days=400))
        people.append(act.Facilitator(kind="volunteer", first_name=f"Vol{n}", last_name=f"Bench{n}", partner=partner,
                                      authorisation_number=f"B{n:05d}" if until else "",
                                      authorisation_valid_until=until))
    act.Facilitator.objects.bulk_create(people)
    act.Facilitator.sites.through.objects.bulk_create([
        act.Facilitator.sites.through(facilitator_id=p.pk, site_id=site.pk) for p in people])
    activity_list = act.Activity.objects.bulk_create([
        act.Activity(code=f"{code}-{c}", kind="sociocultural", title_fr=f"Atelier {c}", title_nl=f"Workshop {c}",
                     title_en=f"Workshop {c}") for c in range(cycles)
    ])
    cycle_list = act.Cycle.objects.bulk_create([
        act.Cycle(activity=activity, term=term, code=f"c{c}", capacity=10, status="open")
        for c, activity in enumerate(activity_list)
    ])
    act.Cycle.facilitators.through.objects.bulk_create([
        act.Cycle.facilitators.through(cycle_id=cycle.pk, facilitator_id=people[2 * c + k].pk)
        for c, cycle in enumerate(cycle_list) for k in range(2)
    ])
    act.CycleMaterial.objects.bulk_create([
        act.CycleMaterial(cycle=cycle, item=item, quantity=10, status=status)
        for cycle in cycle_list
        for item, status in (("Paper", "approved"), ("Pencils", "approved"), ("Speaker", "requested"))
    ])
    sessions = []
    for c, cycle in enumerate(cycle_list):
        for week in range(weeks):
            for meeting in range(2):
                start = dt.datetime.combine(first + dt.timedelta(weeks=week, days=(c + 2 * meeting) % 5),
                                            dt.time(9 + 4 * meeting), tzinfo=BRUSSELS)
                sessions.append(act.Session(cycle=cycle, room=room, starts_at=start,
                                            ends_at=start + dt.timedelta(minutes=90)))
    act.Session.objects.bulk_create(sessions, batch_size=2000)
    busiest = Counter(s.starts_at.date() for s in sessions).most_common(1)[0][0]
    return site, busiest, len(sessions)


def best_of(repeat: int, action):
    """(best seconds, queries of the last run, what the action returned)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times, queries, result = [], 0, None
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            result = action()
            times.append(time.perf_counter() - started)
        queries = len(captured)
    return min(times), queries, result


def gate_notice_rows(site, cycles: int, sessions: int, repeat: int) -> list[tuple]:
    """The gate's change e-mails for a site with one gate officer: nothing new, then one cancellation."""
    from activities.models import Session
    from prisons.models import StaffMember
    from scheduling.gate_notices import GATE_AHEAD_DAYS, send_gate_notices

    StaffMember.objects.filter(function="gate").update(email="")  # the other sizes' sites stay out
    StaffMember.objects.create(site=site, first_name="Gate", last_name=f"Bench {site.code}", function="gate",
                               email=f"gate@{site.code}.bench.invalid")
    # the day before the term starts, so the coming week is the term's first
    eve = dt.datetime.combine(site.terms.get().first_date - dt.timedelta(days=1), dt.time(12), tzinfo=BRUSSELS)
    send_gate_notices(eve)  # the week as it stands: what the gate knows
    rows = [(cycles, sessions, "gate e-mails, no change",
             *best_of(repeat, lambda: f"{send_gate_notices(eve)} e-mails"))]
    coming = Session.objects.filter(cycle__term__site=site, status="scheduled", starts_at__gte=eve,
                                    starts_at__lt=eve + dt.timedelta(days=GATE_AHEAD_DAYS - 1)).order_by("starts_at")
    Session.objects.filter(pk__in=list(coming.values_list("pk", flat=True)[:1])).update(status="cancelled")
    rows.append((cycles, sessions, "gate e-mails, 1 change", *best_of(1, lambda: f"{send_gate_notices(eve)} e-mails")))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", default="15,150", help="comma-separated numbers of cycles (default 15,150)")
    parser.add_argument("--weeks", type=int, default=16)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.urls import reverse
    from django.utils import timezone

    from activities.renewals import renewals_due
    from core.models import Role, User

    setup_test_environment()  # responses carry their template context, to count what the pages show
    client = Client()
    rows = []
    for n, cycles in enumerate(int(value) for value in args.cycles.split(",")):
        site, busiest, sessions = generate(f"gate{n}", cycles, args.weeks)
        user = User.objects.create_user(f"coordinator{n}", password="bench-password-123", role=Role.COORDINATOR)
        user.sites.set([site])
        client.force_login(user)

        def due(site=site):
            return f"{len(renewals_due(site, timezone.localdate()))} facilitators"
        rows.append((cycles, sessions, "renewals_due()", *best_of(args.repeat, due)))
        pages = (
            ("gate list, busiest day", reverse("calendars:gate-list", args=[site.pk]), {"date": busiest.isoformat()},
             lambda r: f"{len(r.context['rows'])} people"),
            ("authorisations page", reverse("activities:renewal-list"), {"site": site.pk},
             lambda r: f"{len(r.context['rows'])} facilitators"),
            ("authorisations (.xlsx)", reverse("activities:renewal-list"), {"site": site.pk, "format": "xlsx"},
             lambda r: f"{len(r.content):,} bytes"),
            ("material page", reverse("activities:material-list"), {}, lambda r: f"{len(r.context['materials'])} items"),
            ("home page", reverse("home"), {}, lambda r: ""),
        )
        for label, url, params, describe in pages:
            def fetch(url=url, params=params, describe=describe):
                response = client.get(url, params)
                assert response.status_code == 200, (url, response.status_code)
                return describe(response)
            rows.append((cycles, sessions, label, *best_of(args.repeat, fetch)))

        rows += gate_notice_rows(site, cycles, sessions, args.repeat)

    print(f"{'cycles':>6} {'sessions':>8}  {'what':<24} {'seconds':>8} {'queries':>7}  result")
    for cycles, sessions, label, seconds, queries, result in rows:
        print(f"{cycles:>6} {sessions:>8}  {label:<24} {seconds:>8.3f} {queries:>7}  {result}")


if __name__ == "__main__":
    main()
