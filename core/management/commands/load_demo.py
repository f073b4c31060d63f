"""`manage.py load_demo [--seed N] [--scale small|full] [--today YYYY-MM-DD]`: the synthetic demo prison."""
import datetime as dt
import time

from django.core.management.base import BaseCommand, CommandError

from core.demo import SCALES, DemoSiteConflict, load_demo


class Command(BaseCommand):
    help = (
        "Wipe and reload the synthetic demo prison (Haren and Saint-Gilles) in one transaction. "
        "The same seed, scale and date always give the same data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument("--scale", choices=sorted(SCALES), default="full",
                            help="full: ~1,600 detainees; small: ~80, for tests (default full).")
        parser.add_argument("--today", type=dt.date.fromisoformat, default=None,
                            help="Pretend today is this date (YYYY-MM-DD); the term starts on its Monday.")

    def handle(self, *args, seed, scale, today, **options):
        started = time.perf_counter()
        try:
            summary = load_demo(seed=seed, scale=scale, today=today)
        except DemoSiteConflict as exc:
            raise CommandError(str(exc)) from exc
        elapsed = time.perf_counter() - started
        counts = ", ".join(f"{value} {name}" for name, value in summary.counts.items())
        self.stdout.write(f"Demo data loaded (seed {seed}, scale {scale}, today {summary.today}) in {elapsed:.1f} s: "
                          f"{counts}.")
        self.stdout.write(f"Digest: {summary.digest}")
