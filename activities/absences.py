"""Dated absences a facilitator declares themselves ("I can't come on 14 January"), or a coordinator for
them: the sessions they hit are shown at once to the facilitator, and to the coordinators on the
dated sessions page and the home page, to be moved or cancelled (and then e-mailed).
"""
import datetime as dt
from collections import defaultdict

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from scheduling.checks import LOCAL, overlaps

from .models import AvailabilityException, Facilitator, Session, SessionStatus

RECENT_DAYS = 7


def upcoming_absences(facilitator: Facilitator, today: dt.date):
    return AvailabilityException.objects.filter(facilitator=facilitator, available=False, date__gte=today).order_by(
        "date", "start", "pk")


def sessions_hit(facilitator: Facilitator, absences) -> dict[int, list[Session]]:
    """{absence id: the facilitator's scheduled sessions it overlaps}, in two queries."""
    absences = list(absences)
    if not absences:
        return {}
    days = {absence.date for absence in absences}
    first = dt.datetime.combine(min(days), dt.time.min, tzinfo=LOCAL)
    last = dt.datetime.combine(max(days) + dt.timedelta(days=1), dt.time.min, tzinfo=LOCAL)
    sessions = (Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=first, starts_at__lt=last)
                .filter(Q(facilitators=facilitator) | Q(cycle__facilitators=facilitator, facilitators__isnull=True))
                .select_related("cycle__activity", "room").distinct().order_by("starts_at"))
    by_day = defaultdict(list)
    for session in sessions:
        by_day[session.starts_at.astimezone(LOCAL).date()].append(session)
    hits = {}
    for absence in absences:
        hits[absence.pk] = [
            s for s in by_day[absence.date]
            if overlaps(absence.start, absence.end, s.starts_at.astimezone(LOCAL).time(), s.ends_at.astimezone(LOCAL).time())
        ]
    return hits


def declare_absence(facilitator: Facilitator, *, date: dt.date | None, start: dt.time | None = None,
                    end: dt.time | None = None, note: str = "", by) -> AvailabilityException:
    if not by.has_perm("activities.declare_absence", facilitator):
        raise PermissionDenied(_("You may not declare absences for this facilitator."))
    note = (note or "").strip()
    errors = {}
    if date is None:
        errors["date"] = _("Give the date you will be away.")
    elif date < timezone.localdate():
        errors["date"] = _("An absence can only be declared from today on.")
    if (start is None) != (end is None):
        errors["end"] = _("Give both hours for part of a day, or neither for the whole day.")
    elif start and end and end <= start:
        errors["end"] = _("The end must be after the start.")
    if len(note) > 200:
        errors["note"] = _("Keep the note under 200 characters.")
    if not errors:
        same_day = AvailabilityException.objects.filter(facilitator=facilitator, date=date, available=False)
        if any(overlaps(other.start, other.end, start or dt.time.min, end or dt.time.max) for other in same_day):
            errors["date"] = _("An absence is already recorded then.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        absence = AvailabilityException.objects.create(facilitator=facilitator, date=date, start=start, end=end,
                                                       available=False, note=note, recorded_by=by)
        if getattr(by, "facilitator", None) == facilitator:
            # declared by the facilitator: the coordinators hear of it (a coordinator who records it knows)
            from scheduling.tasks import tell_coordinators_of_absence

            transaction.on_commit(lambda: tell_coordinators_of_absence.enqueue(absence.pk), robust=True)
        return absence


def withdraw_absence(absence: AvailabilityException, *, by) -> None:
    """Take back an absence that has not begun (plans changed: the facilitator can come after all)."""
    if not by.has_perm("activities.declare_absence", absence.facilitator):
        raise PermissionDenied(_("You may not change this facilitator's absences."))
    if absence.available or absence.date < timezone.localdate():
        raise ValidationError(_("Only an absence from today on can be taken back."))
    absence.delete()


def recently_declared(facilitators, today: dt.date):
    """Absences from today on that facilitators declared themselves in the last week, for the
    coordinators (those a coordinator recorded are known to them already)."""
    return AvailabilityException.objects.filter(
        facilitator__in=facilitators, available=False, date__gte=today,
        recorded_at__gte=timezone.now() - dt.timedelta(days=RECENT_DAYS), recorded_by__facilitator=F("facilitator"),
    )
