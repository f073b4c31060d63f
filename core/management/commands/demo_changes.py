"""`manage.py demo_changes`: after `plan_term --demo --publish`, a week's life in the demo (moves, a
replacement, a cancellation) through the coordinator's own services."""
from django.core.management.base import BaseCommand

from core.demo.changes import apply_week_changes


class Command(BaseCommand):
    help = "Move, replace and cancel a few of the demo's coming sessions, as a coordinator would in a week."

    def handle(self, *args, **options):
        done = apply_week_changes()
        self.stdout.write(f"Demo week: {done['moved']} sessions moved, {done['replaced']} replacement, "
                          f"{done['cancelled']} cancelled.")
