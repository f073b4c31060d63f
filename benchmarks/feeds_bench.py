"""Benchmark of the iCal feeds: the unit feed and the site feed for a full term.

    .venv/bin/python benchmarks/feeds_bench.py            # temporary SQLite database, generated term
    .venv/bin/python benchmarks/feeds_bench.py --current  # the current database (e.g. after `make demo`)

For each feed it prints the time per request through Django's test client (URL routing, token
lookup, queries, serialisation), the number of queries and events, and the time `icalendar`
alone needs to build and serialise the same events from data already in memory; the ratio of the
two is what the feed adds on top of the library (aim: under 2x). "cached" is a repeat request
served from the cache while the ETag holds; "304" a calendar app's conditional request.
"""
import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from zoneinfo import ZoneInfo

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BRUSSELS = ZoneInfo("Europe/Brussels")


def setup_django(current: bool) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not current:
        os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-feeds-bench-")
        os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    if not current:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def generate_term(weeks: int, cycles: int, units: int, rooms: int) -> None:
    """A site with a term of `weeks` weeks: every cycle meets twice a week, 5% cancelled."""
    from activities import models as act
    from core.models import Role, User
    from prisons import models as pr

    site = pr.Site.objects.create(code="bench", name="Bench prison")
    building = pr.Building.objects.create(site=site, code="B1", name="Building 1")
    unit_list = [
        pr.Unit.objects.create(site=site, building=building, code=f"U{i:02d}", name=f"Unit {i}",
                               population="men", legal_regime="sentenced", capacity=30)
        for i in range(units)
    ]
    room_list = [
        pr.Room.objects.create(site=site, building=building, code=f"R{i:02d}", name=f"Room {i}", kind="classroom",
                               capacity=12, reachable_from_all_units=True)
        for i in range(rooms)
    ]
    first = dt.date(2027, 1, 11)
    term = act.Term.objects.create(site=site, name="Bench term", first_date=first, last_date=first + dt.timedelta(weeks=weeks) - dt.timedelta(days=3))
    slots = [dt.time(8, 30), dt.time(10, 15), dt.time(13, 30), dt.time(15, 15)]
    sessions = []
    for c in range(cycles):
        activity = act.Activity.objects.create(code=f"bench-{c}", kind="sociocultural", title_fr=f"Atelier {c}",
                                               title_nl=f"Workshop {c}", title_en=f"Workshop {c}")
        cycle = act.Cycle.objects.create(activity=activity, term=term, code=f"bench-{c}", capacity=10)
        cycle.eligible_units.set([unit_list[c % units], unit_list[(c + 1) % units]])
        room = room_list[c % rooms]
        for week in range(weeks):
            for meeting in range(2):
                day = first + dt.timedelta(weeks=week, days=(c + 2 * meeting) % 5)
                start = dt.datetime.combine(day, slots[(c // rooms + meeting) % len(slots)], tzinfo=BRUSSELS)
                cancelled = (c + week + meeting) % 20 == 0
                sessions.append(act.Session(
                    cycle=cycle, room=room, starts_at=start, ends_at=start + dt.timedelta(minutes=90),
                    status="cancelled" if cancelled else "scheduled", sequence=1 if cancelled else 0,
                    cancellation_code="strike" if cancelled else "",
                ))
    act.Session.objects.bulk_create(sessions, batch_size=1000)
    user = User.objects.create(username="bench-coordinator", role=Role.COORDINATOR)
    user.sites.set([site])


def pick_targets():
    """The site with most sessions, and its unit with most sessions."""
    from django.db.models import Count

    from activities.models import Session
    from prisons.models import Site, Unit

    site_row = Session.objects.values("cycle__term__site").annotate(n=Count("id")).order_by("-n").first()
    if site_row is None:
        raise SystemExit("No sessions in this database: run without --current, or `make demo` first.")
    site = Site.objects.get(pk=site_row["cycle__term__site"])
    unit_row = (
        Session.objects.filter(cycle__term__site=site).values("cycle__eligible_units")
        .annotate(n=Count("id")).order_by("-n").first()
    )
    return site, Unit.objects.get(pk=unit_row["cycle__eligible_units"])


def owner_for(site):
    from core.models import Role, User

    owner = User.objects.filter(role=Role.COORDINATOR, sites=site, is_active=True).first()
    if owner is None:
        owner = User.objects.create(username=f"feeds-bench-{site.pk}", role=Role.COORDINATOR)
        owner.sites.set([site])
    return owner


def icalendar_alone(events) -> bytes:
    """The same VEVENTs built with icalendar directly, from data already in memory."""
    from icalendar import Calendar, Event

    from scheduling.ical import brussels_timezone

    calendar = Calendar()
    calendar.add("prodid", "-//bench//EN")
    calendar.add("version", "2.0")
    if events:
        calendar.add_component(brussels_timezone(min(e.term_first for e in events),
                                                 max(e.term_last for e in events) + dt.timedelta(days=1)))
    for e in events:
        vevent = Event()
        vevent.add("uid", f"{e.uuid}@relais")
        vevent.add("dtstamp", e.updated_at)
        vevent.add("last-modified", e.updated_at)
        vevent.add("sequence", e.sequence)
        vevent.add("dtstart", e.starts_at.astimezone(BRUSSELS))
        vevent.add("dtend", e.ends_at.astimezone(BRUSSELS))
        vevent.add("summary", e.title)
        vevent.add("location", e.location)
        vevent.add("status", "CANCELLED" if e.status == "cancelled" else "CONFIRMED")
        if e.units:
            vevent.add("description", f"Units: {e.units}")
        calendar.add_component(vevent)
    return calendar.to_ical()


def timed(function, repeat: int) -> tuple[float, object]:
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        times.append(time.perf_counter() - started)
    return statistics.median(times), result


def measure(client, owner, kind, target, repeat):
    import icalendar
    from django.core.cache import cache
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    from scheduling import feeds, ical

    issued = feeds.issue_feed(owner, kind, target)
    client.get(issued.path)  # warm-up: caches, last_used_at
    reset_queries()  # the query log is a bounded deque: a full one would hide new queries
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        response = client.get(issued.path)
    assert response.status_code == 200, response.status_code
    n_events = len(icalendar.Calendar.from_ical(response.content).walk("VEVENT"))
    def rendered():
        cache.clear()  # measure a feed rendered afresh, not the cached body
        return client.get(issued.path)

    request_time, _ = timed(rendered, repeat)
    cached_time, _ = timed(lambda: client.get(issued.path), repeat)
    etag = response["ETag"]
    not_modified_time, answer = timed(lambda: client.get(issued.path, headers={"If-None-Match": etag}), repeat)
    assert answer.status_code == 304
    events = ical.feed_events(feeds.feed_sessions(issued.feed), issued.feed.language)
    alone_time, _ = timed(lambda: icalendar_alone(events), repeat)
    feeds.revoke_feed(owner, issued.feed)
    return {
        "feed": f"{kind} {target}", "events": n_events, "queries": len(captured),
        "request_ms": request_time * 1000, "icalendar_ms": alone_time * 1000,
        "ratio": request_time / alone_time, "kib": len(response.content) / 1024,
        "cached_ms": cached_time * 1000, "not_modified_ms": not_modified_time * 1000,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--current", action="store_true", help="use the current database instead of a generated term")
    parser.add_argument("--weeks", type=int, default=24)
    parser.add_argument("--cycles", type=int, default=60)
    parser.add_argument("--units", type=int, default=12)
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    setup_django(args.current)
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()  # lets CaptureQueriesContext record queries with DEBUG off
    if not args.current:
        started = time.perf_counter()
        generate_term(args.weeks, args.cycles, args.units, args.rooms)
        print(f"Generated a term of {args.weeks} weeks, {args.cycles} cycles "
              f"in {time.perf_counter() - started:.1f} s (temporary SQLite database).")
    site, unit = pick_targets()
    owner = owner_for(site)
    client = Client()
    rows = [measure(client, owner, "unit", unit, args.repeat), measure(client, owner, "site", site, args.repeat)]
    header = (f"{'feed':<28} {'events':>7} {'queries':>8} {'request ms':>11} {'icalendar ms':>13} {'ratio':>6} "
              f"{'KiB':>7} {'cached ms':>10} {'304 ms':>7}")
    print(header)
    print("-" * len(header))
    for row in rows:
        print(f"{row['feed'][:28]:<28} {row['events']:>7} {row['queries']:>8} {row['request_ms']:>11.1f} "
              f"{row['icalendar_ms']:>13.1f} {row['ratio']:>6.2f} {row['kib']:>7.0f} {row['cached_ms']:>10.1f} "
              f"{row['not_modified_ms']:>7.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
