"""`manage.py send_change_notices`: e-mail facilitators the changes to their coming sessions, and prison
staff their units' sessions off, not told yet."""
from django.core.management.base import BaseCommand

from scheduling.notices import send_change_notices
from scheduling.staff_notices import send_staff_notices


class Command(BaseCommand):
    help = ("E-mail each facilitator the sessions of the coming two weeks cancelled, moved or going on "
            "without some units, and each prison staff member the sessions of their units cancelled or that "
            "a unit no longer goes to, that they have not been told about yet (safe to run as often as you like).")

    def handle(self, *args, **options):
        facilitators, staff = send_change_notices(), send_staff_notices()
        self.stdout.write(f"{facilitators + staff} e-mails sent ({facilitators} to facilitators, {staff} to staff).")
