"""`manage.py send_change_notices`: e-mail facilitators the changes to their coming sessions, prison
staff their units' sessions changed, and the gate the changes to the outside people expected, not told
yet; and try again what the mail server refused before (absences told to coordinators, reminders)."""
from django.core.management.base import BaseCommand

from scheduling.models import UnsentEmail
from scheduling.outbox import send_pending_emails


class Command(BaseCommand):
    help = ("E-mail each facilitator the sessions of the coming two weeks cancelled, moved or going on "
            "without some units, each prison staff member the sessions of their units cancelled, moved or that "
            "a unit no longer goes to, and the gate the changes to the outside people expected in the coming "
            "week, that they have not been told about yet, and try again the e-mails the mail server refused "
            "(safe to run as often as you like).")

    def handle(self, *args, **options):
        sent = send_pending_emails()
        parts = ", ".join(f"{kind}: {count}" for kind, count in sent.items() if count)
        self.stdout.write(f"{sum(sent.values())} e-mails sent" + (f" ({parts})" if parts else "") + ".")
        unsent = UnsentEmail.objects.count()
        if unsent:
            self.stdout.write(f"{unsent} e-mails refused by the mail server, to try again at the next run.")
