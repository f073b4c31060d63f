"""Access authorisations to renew (step 8): the outside facilitators whose planned sessions their
badge does not cover, the requests sent to the prison's direction, and its answers. A granted
renewal moves the facilitator's validity date, so the gate list and the warnings follow at once."""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .checks import AuthorisationState, authorisation_state, covers
from .models import (
    AuthorisationRenewal,
    Cycle,
    Facilitator,
    FacilitatorKind,
    RenewalStatus,
    Session,
    SessionStatus,
)

STATE_LABELS = dict(AuthorisationState.choices)


@dataclass
class RenewalDue:
    facilitator: object
    state: str
    sessions_not_covered: int
    first_not_covered: dt.date
    last_session: dt.date
    open_request: AuthorisationRenewal | None = None

    @property
    def state_label(self) -> str:
        return str(STATE_LABELS[self.state])


def renewals_due(site, today: dt.date) -> list[RenewalDue]:
    """Outside facilitators with sessions planned at the site from today on that their access
    authorisation does not cover (none recorded, expired, or ending before their last session),
    the most urgent first. Five queries whatever the number of sessions."""
    start = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    # Plain values, not model instances: a term holds thousands of dated sessions and the home
    # page counts these rows for every coordinator.
    planned = Session.objects.filter(cycle__term__site=site, status=SessionStatus.SCHEDULED, starts_at__gte=start)
    sessions = list(planned.order_by("starts_at").values_list("pk", "starts_at", "cycle_id"))
    own_leaders, cycle_leaders = defaultdict(list), defaultdict(list)
    for session_id, facilitator_id in Session.facilitators.through.objects.filter(
            session__in=planned.values("pk")).values_list("session_id", "facilitator_id"):
        own_leaders[session_id].append(facilitator_id)
    for cycle_id, facilitator_id in Cycle.facilitators.through.objects.filter(
            cycle__in=planned.values("cycle_id")).values_list("cycle_id", "facilitator_id"):
        cycle_leaders[cycle_id].append(facilitator_id)
    days_of = defaultdict(list)
    for session_id, starts_at, cycle_id in sessions:
        day = timezone.localtime(starts_at).date()
        # A session's own facilitators replace the cycle's (a stand-in); see scheduling.calendars.
        for facilitator_id in own_leaders.get(session_id) or cycle_leaders.get(cycle_id, ()):
            days_of[facilitator_id].append(day)
    outside = (Facilitator.objects.filter(pk__in=list(days_of), active=True).exclude(kind=FacilitatorKind.STAFF)
               .select_related("partner"))
    rows = []
    for facilitator in outside:
        days = days_of[facilitator.pk]
        not_covered = [day for day in days if not covers(facilitator, day)]
        if not_covered:
            rows.append(RenewalDue(
                facilitator=facilitator, state=authorisation_state(facilitator, today),
                sessions_not_covered=len(not_covered), first_not_covered=not_covered[0], last_session=days[-1],
            ))
    open_requests = {
        renewal.facilitator_id: renewal
        for renewal in AuthorisationRenewal.objects.filter(
            site=site, status=RenewalStatus.REQUESTED, facilitator__in=[row.facilitator.pk for row in rows])
    }
    for row in rows:
        row.open_request = open_requests.get(row.facilitator.pk)
    rows.sort(key=lambda r: (r.first_not_covered, r.facilitator.last_name.casefold(),
                             r.facilitator.first_name.casefold()))
    return rows


def recent_answers(site, today: dt.date, *, days: int = 90):
    return (AuthorisationRenewal.objects.filter(site=site, answered_on__gte=today - dt.timedelta(days=days))
            .exclude(status=RenewalStatus.REQUESTED)
            .select_related("facilitator__partner", "answered_by").order_by("-answered_on", "-id"))


def request_renewal(facilitator, site, *, by, note: str = "", today: dt.date | None = None) -> AuthorisationRenewal:
    """Record that the direction of `site` was asked to renew the facilitator's authorisation."""
    if not (by and by.has_perm("activities.request_renewal", site)):
        raise PermissionDenied(_("You may not ask for access authorisations at this site."))
    today = today or timezone.localdate()
    note = (note or "").strip()
    errors = {}
    if not facilitator.is_outside_person:
        errors["facilitator"] = _("%(name)s is a member of the prison staff and needs no access authorisation.") % {
            "name": facilitator}
    elif not facilitator.sites.filter(pk=site.pk).exists():
        errors["facilitator"] = _("%(name)s does not work at %(site)s.") % {"name": facilitator, "site": site.name}
    else:
        pending = facilitator.renewals.filter(site=site, status=RenewalStatus.REQUESTED).first()
        if pending is not None:
            errors["facilitator"] = _("The direction was already asked for %(name)s on %(date)s.") % {
                "name": facilitator, "date": pending.requested_on.isoformat()}
    if len(note) > 300:
        errors["note"] = _("Keep the note under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        return AuthorisationRenewal.objects.create(facilitator=facilitator, site=site, requested_on=today,
                                                   requested_by=by, note=note)


def record_answer(renewal: AuthorisationRenewal, *, outcome: str, valid_until: dt.date | None = None,
                  number: str = "", note: str = "", by, today: dt.date | None = None) -> AuthorisationRenewal:
    """Record the direction's answer. Granted: the facilitator's authorisation now runs until
    `valid_until` (and carries `number`, when a new badge was issued). Refused: say why."""
    if not (by and by.has_perm("activities.answer_renewal", renewal)):
        raise PermissionDenied(_("You may not record answers about access authorisations at this site."))
    today = today or timezone.localdate()
    number, note = (number or "").strip(), (note or "").strip()
    facilitator = renewal.facilitator
    errors = {}
    if renewal.status != RenewalStatus.REQUESTED:
        errors["outcome"] = _("This request was already answered on %(date)s.") % {
            "date": renewal.answered_on.isoformat() if renewal.answered_on else "?"}
    elif outcome not in (RenewalStatus.GRANTED, RenewalStatus.REFUSED):
        errors["outcome"] = _("Choose whether the direction granted or refused the authorisation.")
    elif outcome == RenewalStatus.GRANTED:
        if valid_until is None:
            errors["valid_until"] = _("Give the date until which the new authorisation is valid.")
        elif valid_until <= today:
            errors["valid_until"] = _("The new authorisation must run beyond today.")
        elif facilitator.authorisation_valid_until and valid_until <= facilitator.authorisation_valid_until:
            errors["valid_until"] = _("The current authorisation already runs until %(date)s.") % {
                "date": facilitator.authorisation_valid_until.isoformat()}
    elif not note:
        errors["note"] = _("Say why the direction refused, for the facilitator and the partner.")
    if len(number) > 40:
        errors["number"] = _("Keep the authorisation number under 40 characters.")
    if len(note) > 300:
        errors["note"] = _("Keep the note under 300 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if outcome == RenewalStatus.GRANTED:
            facilitator.authorisation_valid_until = valid_until
            if facilitator.authorisation_valid_from is None or facilitator.authorisation_valid_from > today:
                facilitator.authorisation_valid_from = today
            if number:
                facilitator.authorisation_number = number
            facilitator.save(update_fields=["authorisation_valid_until", "authorisation_valid_from",
                                            "authorisation_number"])
        renewal.status, renewal.answer_note = outcome, note
        renewal.answered_on, renewal.answered_by = today, by
        renewal.save(update_fields=["status", "answer_note", "answered_on", "answered_by"])
    return renewal


def renewals_xlsx(rows: list[RenewalDue], *, site, today: dt.date) -> bytes:
    """The list to send the direction: who, with which badge, and from when it is needed."""
    from scheduling.lists import write_xlsx  # the lists' one-sheet writer (formula-safe cells)

    header = [_("Last name"), _("First name"), _("Organisation"), _("Authorisation number"), _("Valid until"),
              _("Authorisation"), _("First session not covered"), _("Sessions not covered"), _("Last planned session"),
              _("Asked of the direction on")]
    values = (
        [row.facilitator.last_name, row.facilitator.first_name,
         row.facilitator.partner.name if row.facilitator.partner_id else "", row.facilitator.authorisation_number,
         row.facilitator.authorisation_valid_until, row.state_label, row.first_not_covered,
         row.sessions_not_covered, row.last_session, row.open_request.requested_on if row.open_request else None]
        for row in rows
    )
    title = _("Authorisations %(site)s") % {"site": site.code}
    return write_xlsx(title, header, values, [22, 18, 26, 18, 12, 22, 14, 10, 14, 14])
