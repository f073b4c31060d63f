"""E-mail to the gate about changes to the outside people expected in the coming week (step 7): a
volunteer named to lead a session that day, one no longer coming because the session was cancelled or
moved to another day, or coming at other times. The gate prints its list the day before; a change made
afterwards reached it only by phone.

For each gate staff member of a site (function "Gate", with an e-mail and "E-mail changes" ticked) and
each of the next GATE_AHEAD_DAYS days, Relais keeps what they last knew (`GateNotice`): the first time a
day is seen, the list as it stands, told to nobody; afterwards, whenever the list differs, one e-mail
with every day that changed, in their login's language. Names, organisations and times only: what the
gate list itself shows, never a detainee.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import Facilitator, Session, SessionStatus
from prisons.models import StaffFunction, StaffMember

from .calendars import BRUSSELS, local_day_bounds, session_facilitators
from .models import GateNotice, UnsentEmailKind
from .outbox import Outbox

GATE_AHEAD_DAYS = 7


@dataclass
class DayChanges:
    """How one day's list differs from what the gate last knew."""

    date: dt.date
    expected: dict[str, str]  # the list now: {facilitator id: "HH:MM–HH:MM"}
    added: list[tuple[Facilitator, str]] = field(default_factory=list)
    removed: list[Facilitator] = field(default_factory=list)
    times: list[tuple[Facilitator, str, str]] = field(default_factory=list)  # (who, was, now)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.removed) + len(self.times)


def expected_by_day(site, days: list[dt.date]) -> tuple[dict[dt.date, dict[str, str]], dict[int, Facilitator]]:
    """The outside people expected at `site` on each day, with the span of their sessions, and the
    facilitators by id. The gate list's people (`lists.gate_rows`) for the whole site, in three queries."""
    start, _end = local_day_bounds(days[0], days[0])
    _start, end = local_day_bounds(days[-1], days[-1])
    with_partner = Facilitator.objects.select_related("partner")
    sessions = (Session.objects.filter(cycle__term__site=site, status=SessionStatus.SCHEDULED,
                                       starts_at__gte=start, starts_at__lt=end)
                .select_related("cycle")
                .prefetch_related(Prefetch("facilitators", queryset=with_partner),
                                  Prefetch("cycle__facilitators", queryset=with_partner)))
    spans, people = defaultdict(dict), {}
    for session in sessions:
        day = session.starts_at.astimezone(BRUSSELS).date()
        for facilitator in session_facilitators(session):
            if not facilitator.is_outside_person:
                continue
            people[facilitator.pk] = facilitator
            first, last = spans[day].get(facilitator.pk, (session.starts_at, session.ends_at))
            spans[day][facilitator.pk] = (min(first, session.starts_at), max(last, session.ends_at))
    expected = {
        day: {str(pk): f"{first.astimezone(BRUSSELS):%H:%M}–{last.astimezone(BRUSSELS):%H:%M}"
              for pk, (first, last) in spans.get(day, {}).items()}
        for day in days
    }
    return expected, people


def _difference(day, known: dict[str, str], now: dict[str, str], people: dict[int, Facilitator]) -> DayChanges:
    changes = DayChanges(date=day, expected=now)
    for pk, span in now.items():
        if pk not in known:
            changes.added.append((people[int(pk)], span))
        elif known[pk] != span:
            changes.times.append((people[int(pk)], known[pk], span))
    # someone since deleted from Relais is left out: their sessions, and so the gate's need, went with them
    changes.removed = [people[int(pk)] for pk in known if pk not in now and int(pk) in people]
    changes.added.sort(key=lambda item: item[1])
    changes.times.sort(key=lambda item: item[2])
    changes.removed.sort(key=lambda person: (person.last_name.casefold(), person.first_name.casefold()))
    return changes


def pending_gate_notices(now: dt.datetime | None = None) -> tuple[dict, list[GateNotice]]:
    """({gate staff member: [DayChanges]} to e-mail, [GateNotice] to record without an e-mail: days seen
    for the first time, and the rare change with nothing to tell)."""
    today = timezone.localtime(now or timezone.now(), BRUSSELS).date()
    days = [today + dt.timedelta(days=n) for n in range(GATE_AHEAD_DAYS)]
    members = list(StaffMember.objects.filter(function=StaffFunction.GATE, email_cancellations=True)
                   .exclude(email="").select_related("site", "user").order_by("site_id", "pk"))
    known = defaultdict(dict)
    for notice in GateNotice.objects.filter(staff_member__in=members, date__in=days):
        known[notice.staff_member_id][notice.date] = notice.expected
    pending, quiet = {}, []
    by_site = defaultdict(list)
    for member in members:
        by_site[member.site].append(member)
    for site, site_members in by_site.items():
        expected, people = expected_by_day(site, days)
        gone = {int(pk) for member in site_members for seen in known[member.pk].values() for pk in seen} - set(people)
        people.update(Facilitator.objects.select_related("partner").in_bulk(gone))
        for member in site_members:
            changed = []
            for day in days:
                if day not in known[member.pk]:
                    quiet.append(GateNotice(staff_member=member, date=day, expected=expected[day]))
                elif known[member.pk][day] != expected[day]:
                    difference = _difference(day, known[member.pk][day], expected[day], people)
                    if difference.count:
                        changed.append(difference)
                    else:  # only someone since deleted went: nothing to tell, the list moves on
                        quiet.append(GateNotice(staff_member=member, date=day, expected=expected[day]))
            if changed:
                pending[member] = changed
    return pending, quiet


def send_gate_notices(now: dt.datetime | None = None) -> int:
    """Record what needs no e-mail, e-mail the changes; returns how many e-mails went out.
    A failed send leaves that member's days as they were, so it is tried again next time."""
    now = now or timezone.now()
    pending, quiet = pending_gate_notices(now)
    GateNotice.objects.bulk_create(quiet, update_conflicts=True, unique_fields=["staff_member", "date"],
                                   update_fields=["expected"])
    sent = 0
    with Outbox(UnsentEmailKind.GATE_CHANGES) as outbox:
        for member, days in pending.items():
            with translation.override(member.language):
                subject = _("Relais: changes to the gate list of %(site)s") % {"site": member.site.name}
                body = render_to_string("scheduling/email/gate_changes.txt", {
                    "member": member, "days": days,
                    "emails_url": f"{settings.RELAIS_BASE_URL}/calendar/emails/",
                    "gate_url": f"{settings.RELAIS_BASE_URL}/calendar/gate/{member.site_id}/",
                })
            if not outbox.send(member, member.email, subject, body):
                continue
            with transaction.atomic():
                for day in days:
                    GateNotice.objects.update_or_create(
                        staff_member=member, date=day.date,
                        defaults={"expected": day.expected, "changes": day.count, "sent_at": now})
            sent += 1
    return sent
