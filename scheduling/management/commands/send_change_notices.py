"""`manage.py send_change_notices`: e-mail facilitators the changes to their coming sessions, prison
staff their units' sessions changed, and the gate the changes to the outside people expected, not told yet."""
from django.core.management.base import BaseCommand

from scheduling.gate_notices import send_gate_notices
from scheduling.notices import send_change_notices
from scheduling.staff_notices import send_staff_notices


class Command(BaseCommand):
    help = ("E-mail each facilitator the sessions of the coming two weeks cancelled, moved or going on "
            "without some units, each prison staff member the sessions of their units cancelled, moved or that "
            "a unit no longer goes to, and the gate the changes to the outside people expected in the coming "
            "week, that they have not been told about yet (safe to run as often as you like).")

    def handle(self, *args, **options):
        facilitators, staff, gate = send_change_notices(), send_staff_notices(), send_gate_notices()
        self.stdout.write(f"{facilitators + staff + gate} e-mails sent ({facilitators} to facilitators, {staff} to "
                          f"staff, {gate} to the gate).")
