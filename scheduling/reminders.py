"""The day-before reminder to facilitators who asked for one (step 9): tomorrow's sessions at each site,
with the room, the units, the material the direction approved for them to bring in, and a warning
when their access authorisation will not cover the day. A volunteer who forgot, or whose badge lapsed,
is a session that does not take place and a group that waited.

Once per (facilitator, session), in their language, never a participant's name. Sent by
`manage.py send_reminders`, run once a day from cron (in the afternoon: tomorrow's list is then
settled, and changes after it are e-mailed as changes).
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from activities.checks import covers
from activities.models import CycleMaterial, Facilitator, MaterialStatus, Session, SessionStatus

from .calendars import BRUSSELS, local_day_bounds, location_of, session_facilitators
from .models import SessionReminder, UnsentEmailKind
from .outbox import Outbox


@dataclass
class Reminder:
    facilitator: Facilitator
    day: dt.date
    sessions: list[Session] = field(default_factory=list)

    @property
    def badge_lapses(self) -> bool:
        """An outside person whose authorisation does not cover the day (none recorded, or ended)."""
        return self.facilitator.is_outside_person and not covers(self.facilitator, self.day)


def pending_reminders(now: dt.datetime | None = None) -> list[Reminder]:
    """Tomorrow's (Brussels) scheduled sessions of each facilitator who wants reminders and was not yet
    reminded of them. A fixed number of queries."""
    now = now or timezone.now()
    tomorrow = timezone.localtime(now, BRUSSELS).date() + dt.timedelta(days=1)
    start, end = local_day_bounds(tomorrow, tomorrow)
    people = Facilitator.objects.select_related("partner", "user")
    sessions = (Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=start, starts_at__lt=end)
                .select_related("cycle__activity", "cycle__term__site", "room__building")
                .prefetch_related(Prefetch("facilitators", queryset=people), Prefetch("cycle__facilitators", queryset=people),
                                  "cycle__eligible_units", "cancelled_units",
                                  Prefetch("cycle__materials",
                                           queryset=CycleMaterial.objects.filter(status=MaterialStatus.APPROVED)))
                .order_by("starts_at", "pk"))
    reminded = set(SessionReminder.objects.filter(session__starts_at__gte=start, session__starts_at__lt=end)
                   .values_list("facilitator_id", "session_id"))
    reminders = {}
    for session in sessions:
        for person in session_facilitators(session):
            if (person.active and person.email and person.email_reminders
                    and (person.pk, session.pk) not in reminded):
                reminders.setdefault(person.pk, Reminder(person, tomorrow)).sessions.append(session)
    return list(reminders.values())


def send_reminders(now: dt.datetime | None = None) -> int:
    """Send what is pending; returns how many e-mails went out. A refused one is tried at the next run."""
    sent = 0
    with Outbox(UnsentEmailKind.REMINDER) as outbox:
        for reminder in pending_reminders(now):
            sent += _send_reminder(outbox, reminder)
    return sent


def _send_reminder(outbox: Outbox, reminder: Reminder) -> int:
    """E-mail one reminder; 1 when it went out, 0 when refused (recorded, and tried at the next run)."""
    person = reminder.facilitator
    language = person.language
    with translation.override(language):
        subject = ngettext("Relais: your session tomorrow", "Relais: your %(count)d sessions tomorrow",
                           len(reminder.sessions)) % {"count": len(reminder.sessions)}
        by_site = defaultdict(list)
        for session in reminder.sessions:
            not_coming = {u.pk for u in session.cancelled_units.all()}
            by_site[session.cycle.term.site].append({
                "starts": session.starts_at.astimezone(BRUSSELS), "ends": session.ends_at.astimezone(BRUSSELS),
                "title": session.cycle.activity.title(language), "place": location_of(session),
                "units": [u.code for u in session.cycle.eligible_units.all() if u.pk not in not_coming],
                "material": [str(m) for m in session.cycle.materials.all()],
            })
        body = render_to_string("scheduling/email/reminder.txt", {
            "reminder": reminder, "by_site": list(by_site.items()),
            "calendar_url": f"{settings.RELAIS_BASE_URL}/calendar/",
            "emails_url": f"{settings.RELAIS_BASE_URL}/calendar/emails/",
            "sheets_url": f"{settings.RELAIS_BASE_URL}/attendance/sheets/?date={reminder.day.isoformat()}",
        })
    if not outbox.send(person, person.email, subject, body, date=reminder.day):
        return 0
    SessionReminder.objects.bulk_create(
        [SessionReminder(facilitator=person, session=session) for session in reminder.sessions],
        ignore_conflicts=True)
    return 1
