"""A facilitator's weekly availability, kept by themselves ("My weekly availability") or by the coordinators,
and the coming sessions it no longer covers.

The planner reads the weekly availability at the next planning; sessions already planned stay where they are.
Those it no longer covers are listed to the facilitator when they save, and to the coordinators on the
facilitator's page, the dated sessions' checks and the home page, to find someone else, move or cancel them.
A facilitator with no weekly availability recorded has said nothing, which constrains nothing (as for the
planner); a dated exception "exceptionally available" covers its day.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from .facilitator_import import Window, parse_availability
from .models import (
    Availability,
    AvailabilityException,
    Cycle,
    Facilitator,
    Session,
    SessionStatus,
    Weekday,
)


def covers(windows, start: dt.time, end: dt.time) -> bool:
    """Whether one of the (start, end) windows holds all of [start, end): the planner's reading too."""
    return any(w_start <= start and end <= w_end for w_start, w_end in windows)


def availability_text(facilitator: Facilitator) -> str:
    """The weekly windows one a line, as the page shows them to edit ("Monday 08:30-12:00 *")."""
    return "\n".join(
        f"{Weekday(window.weekday).label} {window.start:%H:%M}-{window.end:%H:%M}{' *' if window.preferred else ''}"
        for window in facilitator.availabilities.order_by("weekday", "start"))


def read_availability_lines(text: str) -> list[Window]:
    """One window a line; every wrong line is named. Raises ValidationError on the field `availability`."""
    windows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            typed = parse_availability(line)  # "Mon 08:30-12:00; Tue 13:30-16:30" is fine on one line too
        except ValueError as error:
            errors.append(_("Line %(number)d: %(error)s") % {"number": number, "error": error})
            continue
        if any(w.weekday == window.weekday and w.start < window.end and window.start < w.end
               for window in typed for w in windows):
            errors.append(_("Line %(number)d: “%(line)s” overlaps another time of the same day.")
                          % {"number": number, "line": line.strip()})
            continue
        windows.extend(typed)
    if errors:
        raise ValidationError({"availability": errors})
    return windows


def set_weekly_availability(facilitator: Facilitator, text: str, *, by) -> list[Window]:
    """Replace the facilitator's weekly availability with the lines typed (all or nothing); audited."""
    _may_change(facilitator, by)
    return _replace(facilitator, read_availability_lines(text), by)


def set_weekly_windows(facilitator: Facilitator, windows: list[Window], *, by) -> list[Window]:
    """The same from windows already read (the API's); an overlap names the window (`windows[2]`)."""
    _may_change(facilitator, by)
    errors = {}
    for index, window in enumerate(windows):
        if window.end <= window.start:
            errors[f"windows[{index}]"] = _("It ends before it starts.")
        elif any(w.weekday == window.weekday and w.start < window.end and window.start < w.end
                 for w in windows[:index]):
            errors[f"windows[{index}]"] = _("It overlaps another time of the same day.")
    if errors:
        raise ValidationError(errors)
    return _replace(facilitator, windows, by)


def _may_change(facilitator, by) -> None:
    if not (by and by.has_perm("activities.change_weekly_availability", facilitator)):
        raise PermissionDenied(_("You may not change this facilitator's availability."))


def _replace(facilitator, windows, by) -> list[Window]:
    with transaction.atomic():
        Facilitator.objects.select_for_update().filter(pk=facilitator.pk).first()
        outside_before = {item.session.pk for item in sessions_outside_availability(facilitator=facilitator)}
        facilitator.availability_confirmed_at = timezone.now()
        facilitator.save(update_fields=["availability_confirmed_at"])
        facilitator.availabilities.all().delete()
        Availability.objects.bulk_create([
            Availability(facilitator=facilitator, weekday=w.weekday, start=w.start, end=w.end, preferred=w.preferred)
            for w in sorted(windows, key=lambda w: (w.weekday, w.start))])
        audit.record(by, AuditAction.CHANGE, facilitator, detail=f"weekly availability {len(windows)} windows")
        newly_outside = {item.session.pk for item in sessions_outside_availability(facilitator=facilitator)
                         } - outside_before
        if newly_outside and facilitator.user_id and facilitator.user_id == by.pk:
            # They changed it themselves: the coordinators learn it by e-mail, as for an absence (one who
            # changed it for them knows already).
            from scheduling.tasks import tell_coordinators_of_availability_change

            transaction.on_commit(lambda: tell_coordinators_of_availability_change.enqueue(facilitator.pk),
                                  robust=True)
    return windows


def confirm_weekly_availability(facilitator: Facilitator, *, by) -> None:
    """"Still right": the weekly availability stands as it is for the coming term; audited."""
    _may_change(facilitator, by)
    facilitator.availability_confirmed_at = timezone.now()
    facilitator.save(update_fields=["availability_confirmed_at"])
    audit.record(by, AuditAction.CHANGE, facilitator, detail="weekly availability confirmed")


# A term's planning reads weekly availability confirmed in the weeks before it starts: older, it may be stale.
CONFIRM_BEFORE_TERM = dt.timedelta(weeks=8)


def term_to_confirm_for(facilitator: Facilitator, today: dt.date | None = None):
    """The next term at one of their sites, starting within `CONFIRM_BEFORE_TERM`, for which their weekly
    availability was not saved or confirmed since that window opened; else None."""
    from .models import Term

    today = today or timezone.localdate()
    term = (Term.objects.filter(site__in=facilitator.sites.all(), first_date__gt=today,
                                first_date__lte=today + CONFIRM_BEFORE_TERM).select_related("site")
            .order_by("first_date").first())
    if term is None or _confirmed_for(facilitator, term):
        return None
    return term


def unconfirmed_for_term(term, today: dt.date | None = None) -> list[Facilitator]:
    """Until the term starts, the active facilitators of its cycles whose weekly availability was not saved
    or confirmed since `confirmation_opens(term)` (what the planner reads may be stale). One query."""
    if term.first_date <= (today or timezone.localdate()):
        return []
    people = (Facilitator.objects.filter(cycles__term=term, active=True).distinct()
              .order_by("last_name", "first_name"))
    return [person for person in people if not _confirmed_for(person, term)]


def confirmation_opens(term) -> dt.date:
    """From this day on, a saved or confirmed weekly availability counts as current for the term."""
    return term.first_date - CONFIRM_BEFORE_TERM


def _confirmed_for(facilitator, term) -> bool:
    from scheduling.checks import LOCAL

    opened = dt.datetime.combine(confirmation_opens(term), dt.time.min, tzinfo=LOCAL)
    return facilitator.availability_confirmed_at is not None and facilitator.availability_confirmed_at >= opened


@dataclass
class OutsideAvailability:
    session: Session
    facilitator: Facilitator


def sessions_outside_availability(*, site=None, term=None, facilitator: Facilitator | None = None,
                                  now: dt.datetime | None = None) -> list[OutsideAvailability]:
    """Scheduled sessions from now on (of a site, a term or one facilitator's) that a facilitator leading
    them can no longer do by their weekly availability. Seven queries at most, whatever the sessions."""
    from scheduling.checks import LOCAL

    now = now or timezone.now()
    coming = Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=now)
    if site is not None:
        coming = coming.filter(cycle__term__site=site)
    if term is not None:
        coming = coming.filter(cycle__term=term)
    rows = list(coming.values_list("pk", "starts_at", "ends_at", "cycle_id"))
    if not rows:
        return []
    session_ids = [pk for pk, *_rest in rows]
    own = defaultdict(list)
    for session_id, person_id in Session.facilitators.through.objects.filter(
            session_id__in=session_ids).values_list("session_id", "facilitator_id"):
        own[session_id].append(person_id)
    of_cycle = defaultdict(list)
    for cycle_id, person_id in Cycle.facilitators.through.objects.filter(
            cycle_id__in={cycle_id for *_rest, cycle_id in rows}).values_list("cycle_id", "facilitator_id"):
        of_cycle[cycle_id].append(person_id)
    leaders = {pk: own[pk] or of_cycle[cycle_id] for pk, _start, _end, cycle_id in rows}
    if facilitator is not None:
        leaders = {pk: [person] for pk, people in leaders.items() for person in people if person == facilitator.pk}
    people = {person for people in leaders.values() for person in people}
    windows = defaultdict(list)
    said = set()
    for person_id, weekday, start, end in Availability.objects.filter(facilitator__in=people).values_list(
            "facilitator_id", "weekday", "start", "end"):
        windows[person_id, weekday].append((start, end))
        said.add(person_id)
    if not said:
        return []
    first_day = min(start for _pk, start, _end, _cycle in rows).astimezone(LOCAL).date()
    exceptionally = defaultdict(list)
    for person_id, date, start, end in AvailabilityException.objects.filter(
            facilitator__in=said, available=True, date__gte=first_day).values_list(
            "facilitator_id", "date", "start", "end"):
        exceptionally[person_id, date].append((start or dt.time.min, end or dt.time.max))
    found = []
    for pk, starts_at, ends_at, _cycle_id in rows:
        start, end = starts_at.astimezone(LOCAL), ends_at.astimezone(LOCAL)
        until = end.time() if end.date() == start.date() else dt.time.max
        for person_id in leaders.get(pk, []):
            if person_id not in said:
                continue
            if not covers(windows[person_id, start.weekday()] + exceptionally[person_id, start.date()],
                          start.time(), until):
                found.append((pk, person_id))
    if not found:
        return []
    sessions = Session.objects.select_related("cycle__activity", "cycle__term__site", "room").in_bulk(
        {pk for pk, _person in found})
    facilitators = Facilitator.objects.in_bulk({person for _pk, person in found})
    result = [OutsideAvailability(sessions[pk], facilitators[person]) for pk, person in found]
    return sorted(result, key=lambda item: (item.session.starts_at, item.session.pk, item.facilitator.pk))


# --- asking them by e-mail ---------------------------------------------------------------------------------


@dataclass
class Asked:
    questions: list  # AvailabilityQuestion, to send
    without_address: list  # Facilitator: to ask by other means


def ask_to_confirm(term, *, by, today: dt.date | None = None) -> Asked:
    """Record an e-mail to each facilitator of the term not yet confirmed: whether their weekly availability
    still holds (a question not sent yet gives way to this one)."""
    from .models import AvailabilityQuestion

    if not (by and by.has_perm("scheduling.plan_term", term)):
        raise PermissionDenied(_("You may not plan this term."))
    people = unconfirmed_for_term(term, today)
    if not people:
        raise ValidationError(_("Every facilitator of the term has saved or confirmed their weekly availability, "
                                "or the term has started."))
    with_address = [person for person in people if person.email]
    with transaction.atomic():
        AvailabilityQuestion.objects.filter(term=term, facilitator__in=with_address, sent_at__isnull=True).delete()
        questions = AvailabilityQuestion.objects.bulk_create(
            [AvailabilityQuestion(facilitator=person, term=term, asked_by=by) for person in with_address])
        audit.record(by, AuditAction.CHANGE, term, detail=f"availability asked of {len(questions)} facilitators")
    return Asked(questions, [person for person in people if not person.email])


def unconfirmed_and_asked(term) -> list[Facilitator]:
    """`unconfirmed_for_term`, each with `asked_at`: when the e-mailed question last went out (or None)."""
    from .models import AvailabilityQuestion

    people = unconfirmed_for_term(term)
    asked = dict(AvailabilityQuestion.objects.filter(term=term, sent_at__isnull=False, facilitator__in=people)
                 .order_by("sent_at").values_list("facilitator_id", "sent_at")) if people else {}
    for person in people:
        person.asked_at = asked.get(person.pk)
    return people


def send_availability_questions(questions=None) -> int:
    """Send the questions given (as the coordinator asks), or every one pending (each run of
    `send_pending_emails`); one whose facilitator confirmed or changed it meanwhile, or whose term has
    started, has nothing left to ask and goes. Returns how many went out."""
    from scheduling.models import UnsentEmailKind
    from scheduling.outbox import Outbox

    from .models import AvailabilityQuestion

    pending = (AvailabilityQuestion.objects.filter(sent_at__isnull=True)
               .select_related("facilitator__user", "term__site", "asked_by").order_by("pk"))
    if questions is not None:
        pending = pending.filter(pk__in=[question.pk for question in questions])
    sent, today = 0, timezone.localdate()
    scope = {} if questions is None else {"facilitator__in": {question.facilitator_id for question in questions}}
    with Outbox(UnsentEmailKind.AVAILABILITY_QUESTION, **scope) as outbox:
        for question in pending:
            person = question.facilitator
            if _confirmed_for(person, question.term) or question.term.first_date <= today or not person.email:
                question.delete()
                continue
            subject, body = _question_email(question)
            if outbox.send(person, person.email, subject, body):
                question.sent_at = timezone.now()
                question.save(update_fields=["sent_at"])
                sent += 1
    return sent


def _question_email(question) -> tuple[str, str]:
    from django.conf import settings
    from django.template.loader import render_to_string
    from django.urls import reverse
    from django.utils import translation

    person, term, asker = question.facilitator, question.term, question.asked_by
    with translation.override(person.language):
        subject = _("Relais: is your weekly availability still right for %(term)s?") % {"term": term.name}
        body = render_to_string("activities/email/availability_question.txt", {
            "person": person, "term": term, "windows": availability_text(person),
            "asker": asker.get_full_name() if asker else "", "asker_email": asker.email if asker else "",
            "link": settings.RELAIS_BASE_URL + reverse("calendars:my-availability")
            if person.user_id and person.user.is_active else "",
        })
    return subject, body
