"""`manage.py send_change_notices`: e-mail facilitators the changes to their coming sessions not told yet."""
from django.core.management.base import BaseCommand

from scheduling.notices import send_change_notices


class Command(BaseCommand):
    help = ("E-mail each facilitator the sessions of the coming two weeks cancelled, moved or going on "
            "without some units that they have not been told about yet (safe to run as often as you like).")

    def handle(self, *args, **options):
        self.stdout.write(f"{send_change_notices()} e-mails sent.")
