"""`manage.py send_reminders`: remind the facilitators who asked for it of tomorrow's sessions."""
from django.core.management.base import BaseCommand

from scheduling.reminders import send_reminders


class Command(BaseCommand):
    help = ("E-mail each facilitator who asked for reminders their sessions of tomorrow (Brussels time), once; "
            "run it once a day from cron, in the afternoon.")

    def handle(self, *args, **options):
        self.stdout.write(f"{send_reminders()} reminders sent.")
