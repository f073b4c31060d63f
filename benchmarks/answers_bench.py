"""Benchmark of the pages that print for detainees in bulk, on the full demo prison.

    .venv/bin/python benchmarks/answers_bench.py [--repeat 3]

It loads the full synthetic demo (two sites, about 1,500 detainees, 150 cycles) into a temporary SQLite
database, then prints, best of `--repeat`, the time and number of queries of: the written answers still to
give (`/enrolment/answers/`), the print of every one of them plus every refusal (one slip a page, each in
the detainee's language), the applications waiting for a screening interview (`/screening/to-screen/`)
and a screening round planned for all of them at one site, and the home page that counts both. The
number of queries must not grow with the number of slips.
"""
import argparse
import datetime as dt
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-answers-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


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
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import transaction
    from django.test import Client
    from django.test.utils import setup_test_environment
    from django.utils import timezone

    from core import rules as access
    from core.demo import load_demo
    from core.models import User
    from enrolment.answers import answers_to_give
    from screening.rounds import awaiting_screening, plan_round

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["testserver"]
    started = time.perf_counter()
    load_demo(seed=1, scale="full")
    print(f"full demo loaded in {time.perf_counter() - started:.1f} s")
    coordinator = User.objects.get(username="coordinator")
    client = Client()
    client.force_login(coordinator)
    enrolments = access.visible_enrolments(coordinator)
    due = [e.pk for e in answers_to_give(enrolments)]
    refused = list(enrolments.filter(status="declined").values_list("pk", flat=True))
    waiting = list(awaiting_screening(enrolments))

    rows = []

    def page(path):
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        return response

    seconds, queries, _ = best_of(args.repeat, lambda: page("/enrolment/answers/"))
    rows.append(("answers to give (list)", len(due), seconds, queries))
    printed = "&".join(f"a={pk}" for pk in due + refused)
    seconds, queries, response = best_of(args.repeat, lambda: page(f"/enrolment/answers/print/?{printed}"))
    rows.append(("answers printed, one a page", len(response.context["slips"]), seconds, queries))
    seconds, queries, _ = best_of(args.repeat, lambda: page("/screening/to-screen/"))
    rows.append(("waiting for screening (list)", len(waiting), seconds, queries))
    site_id = waiting[0].cycle.term.site_id if waiting else None
    at_site = [e.pk for e in waiting if e.cycle.term.site_id == site_id]
    screener = User.objects.filter(role="screener", sites=site_id).first() or coordinator

    def round_rolled_back():
        with transaction.atomic():
            interviews = plan_round(applications=at_site, scope=enrolments, day=timezone.localdate()
                                    + dt.timedelta(days=7), start=dt.time(8, 30), end=dt.time(16, 30), minutes=20,
                                    screener=screener, by=coordinator)
            transaction.set_rollback(True)
        return interviews

    seconds, queries, interviews = best_of(args.repeat, round_rolled_back)
    rows.append(("screening round planned", len(interviews), seconds, queries))
    seconds, queries, _ = best_of(args.repeat, lambda: page("/"))
    rows.append(("home page", 0, seconds, queries))

    print(f"{'what':32} {'items':>6} {'seconds':>8} {'queries':>8}")
    for what, items, seconds, queries in rows:
        print(f"{what:32} {items:>6} {seconds:>8.3f} {queries:>8}")


if __name__ == "__main__":
    main()
