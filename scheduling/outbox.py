"""E-mails Relais could not send, kept so that nobody goes untold without the coordinators knowing.

Every sender (changes to facilitators, to the units' staff, to the gate, reminders, absences, weekly
availability no longer covering sessions, invitations to sign in, questions about weekly availability)
sends through an `Outbox`: a refused e-mail is recorded as an `UnsentEmail` (one row per kind and
recipient, with the tries and what the mail server answered) and stays pending in the sender's own
records, so the next run tries again; once it goes out, or the sender finds nothing left to tell that
person, the row goes. The home page counts them and `/calendar/unsent-emails/` lists them with whom to
phone.
"""
import datetime as dt
import logging
from dataclasses import dataclass
from functools import reduce
from operator import or_

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import UnsentEmail, UnsentEmailKind

logger = logging.getLogger(__name__)


def unsent_key(kind: str, recipient, *, absence=None, date: dt.date | None = None, about=None) -> str:
    key = f"{kind}:{recipient._meta.model_name}:{recipient.pk}"
    if absence is not None:
        key += f":absence:{absence.pk}"
    if about is not None:
        key += f":about:{about.pk}"
    if date is not None:
        key += f":{date.isoformat()}"
    return key


class Outbox:
    """One run of one sender. Rows of its kind within `scope` that this run did not try are dropped when
    it closes: there is nothing left to tell those people (the change passed, they untick e-mails)."""

    def __init__(self, kind: UnsentEmailKind, **scope):
        self.kind = kind
        self.outstanding = set(UnsentEmail.objects.filter(kind=kind, **scope).values_list("key", flat=True))
        self.tried: set[str] = set()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        if exc_info[0] is None:
            self.close()

    def send(self, recipient, address: str, subject: str, body: str, *, absence=None,
             date: dt.date | None = None, about=None) -> bool:
        """Send one e-mail; False when the mail server is down or refuses it (recorded, tried next run).
        `absence`, `date`, `about` (a facilitator): what it is about, when one recipient gets several."""
        key = unsent_key(self.kind, recipient, absence=absence, date=date, about=about)
        self.tried.add(key)
        try:
            send_mail(subject, body, None, [address])
        except OSError as error:  # smtplib's errors are OSErrors, as a refused connection is
            # ids only: the log never names anyone
            logger.warning("%s e-mail to %s %s not sent: %s", self.kind, recipient._meta.model_name, recipient.pk,
                           error)
            _record_failure(key, self.kind, recipient, address, error, absence=absence, date=date, about=about)
            return False
        if key in self.outstanding:
            UnsentEmail.objects.filter(key=key).delete()
            self.outstanding.discard(key)
        return True

    def close(self):
        stale = self.outstanding - self.tried
        if stale:
            UnsentEmail.objects.filter(key__in=stale).delete()
        self.outstanding -= stale


def _record_failure(key, kind, recipient, address, error, *, absence=None, date=None, about=None):
    from activities.models import Facilitator
    from prisons.models import StaffMember

    now = timezone.now()
    answer = f"{type(error).__name__}: {error}"[:300]
    updated = UnsentEmail.objects.filter(key=key).update(
        attempts=F("attempts") + 1, last_failed_at=now, error=answer, address=address)
    if updated:
        return
    try:
        with transaction.atomic():
            UnsentEmail.objects.create(
                key=key, kind=kind, address=address, error=answer, first_failed_at=now, last_failed_at=now,
                facilitator=recipient if isinstance(recipient, Facilitator) else None,
                staff_member=recipient if isinstance(recipient, StaffMember) else None,
                user=recipient if not isinstance(recipient, (Facilitator, StaffMember)) else None,
                absence=absence, date=date, about_facilitator=about)
    except IntegrityError:  # another run recorded it meanwhile
        UnsentEmail.objects.filter(key=key).update(attempts=F("attempts") + 1, last_failed_at=now, error=answer)


def send_pending_emails() -> dict[str, int]:
    """Every sender once: what is pending goes out, what was refused before is tried again. Returns the
    e-mails sent per kind. Reminders are tried again only when some of tomorrow's were refused: they are
    otherwise sent once a day, in the afternoon, by `manage.py send_reminders`."""
    from activities.availability import send_availability_questions
    from core.logins import send_invitations

    from .gate_notices import send_gate_notices
    from .notices import (
        retry_absence_notices,
        retry_availability_change_notices,
        send_change_notices,
    )
    from .reminders import send_reminders
    from .staff_notices import send_staff_notices

    sent = {
        UnsentEmailKind.FACILITATOR_CHANGES: send_change_notices(),
        UnsentEmailKind.STAFF_CHANGES: send_staff_notices(),
        UnsentEmailKind.GATE_CHANGES: send_gate_notices(),
        UnsentEmailKind.ABSENCE: retry_absence_notices(),
        UnsentEmailKind.INVITATION: send_invitations(),
        UnsentEmailKind.AVAILABILITY_QUESTION: send_availability_questions(),
        UnsentEmailKind.AVAILABILITY_CHANGE: retry_availability_change_notices(),
    }
    reminders = UnsentEmail.objects.filter(kind=UnsentEmailKind.REMINDER)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if reminders.filter(date=tomorrow).exists():
        sent[UnsentEmailKind.REMINDER] = send_reminders()
    else:  # a reminder of a day begun is of no use any more
        reminders.filter(date__lt=tomorrow).delete()
    return sent


def request_retry() -> None:
    """The coordinators' "Try again now", once the mail server is back: every sender runs at once in the
    background rather than at the next scheduled run."""
    from .tasks import send_change_notices

    send_change_notices.enqueue()


def refused_to(user) -> UnsentEmail | None:
    """The oldest e-mail refused to this login's facilitator or staff record, to show them on their own
    page (a wrong address is theirs to correct with the coordinator)."""
    from django.db.models import Q

    facilitator, member = getattr(user, "facilitator", None), getattr(user, "staff_member", None)
    mine = [Q(facilitator=facilitator)] if facilitator is not None else []
    mine += [Q(staff_member=member)] if member is not None else []
    if not mine:
        return None
    return UnsentEmail.objects.filter(reduce(or_, mine)).order_by("first_failed_at", "pk").first()


def refused_about(session) -> list[UnsentEmail]:
    """The e-mails refused to people a change to this session concerns: its facilitators, the staff of its
    units and the site's gate (one query). Shown on the session's page beside who was told."""
    from django.db.models import Q

    from prisons.models import StaffFunction

    from .calendars import session_facilitators

    leaders = [person.pk for person in session_facilitators(session)]
    units = [unit.pk for unit in session.cycle.eligible_units.all()]
    return list(UnsentEmail.objects.filter(
        Q(facilitator__in=leaders) | Q(staff_member__units__in=units)
        | Q(staff_member__site=session.cycle.term.site_id, staff_member__function=StaffFunction.GATE))
        .distinct().select_related("facilitator", "staff_member").order_by("first_failed_at", "pk"))


# Changes are e-mailed within minutes (the background task, then the cron safety net every ten): older
# than this and still waiting, neither runs (the home page says "20 minutes" in words).
WAITING_ALERT = dt.timedelta(minutes=20)


@dataclass
class Waiting:
    who: str
    kind: str
    since: dt.datetime  # the oldest change they have not been told


def waiting_too_long(user, now: dt.datetime | None = None) -> list[Waiting]:
    """E-mails about changes made more than `WAITING_ALERT` ago that were never tried (none refused):
    the sign that neither the background worker nor the cron safety net runs. Facilitators and units'
    staff of the user's sites (all for administrators)."""
    from core import rules as access

    from .notices import pending_notices
    from .staff_notices import pending_staff_notices

    now = now or timezone.now()
    sites = None if access.is_administrator(user) else user.site_ids()
    refused = set(UnsentEmail.objects.values_list("key", flat=True))
    waiting = []
    for facilitator, items in pending_notices(now).items():
        changes = [session.updated_at for session, _role in items
                   if sites is None or session.cycle.term.site_id in sites]
        if changes and min(changes) <= now - WAITING_ALERT and \
                unsent_key(UnsentEmailKind.FACILITATOR_CHANGES, facilitator) not in refused:
            waiting.append(Waiting(str(facilitator), UnsentEmailKind.FACILITATOR_CHANGES.label, min(changes)))
    for member, items in pending_staff_notices(now).items():
        if sites is not None and member.site_id not in sites:
            continue
        since = min(item.session.updated_at for item in items)
        if since <= now - WAITING_ALERT and unsent_key(UnsentEmailKind.STAFF_CHANGES, member) not in refused:
            waiting.append(Waiting(f"{member} ({member.get_function_display()})", UnsentEmailKind.STAFF_CHANGES.label,
                                   since))
    return sorted(waiting, key=lambda item: item.since)
