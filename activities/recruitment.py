"""Recruiting volunteers (step 3): from the first contact to a meeting, the access request to the
direction, the badge, the induction, and then a facilitator record ready to be given cycles.

Each step is dated; a step cannot come before the previous one or after today. The board shows
how long each candidate has waited at their step, so the coordinator knows whom to chase.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rules as access

from .models import Facilitator, FacilitatorKind, RecruitmentStage, VolunteerCandidate

# The steps in order; WITHDRAWN is a way out of any of them but the last.
STEPS = [RecruitmentStage.CONTACTED, RecruitmentStage.MET, RecruitmentStage.CLEARANCE, RecruitmentStage.INDUCTION,
         RecruitmentStage.READY]
OPEN = STEPS[:-1]
# Days at a step after which the board marks the candidate as waiting too long.
WAITING_TOO_LONG = {RecruitmentStage.CONTACTED: 14, RecruitmentStage.MET: 14, RecruitmentStage.CLEARANCE: 30,
                    RecruitmentStage.INDUCTION: 30}
RECENTLY_CLOSED_DAYS = 90
# What the coordinator records to move a candidate on to each step.
STEP_DONE = {RecruitmentStage.MET: gettext_lazy("We met"),
             RecruitmentStage.CLEARANCE: gettext_lazy("Access asked of the direction"),
             RecruitmentStage.INDUCTION: gettext_lazy("Access granted"),
             RecruitmentStage.READY: gettext_lazy("Induction done: make the facilitator record")}
EDITABLE_FIELDS = ["site", "first_name", "last_name", "email", "phone", "partner", "languages", "skills", "source",
                   "contacted_on", "note"]


def candidates_for(user):
    return VolunteerCandidate.objects.filter(site__in=access.visible_sites(user)).select_related(
        "site", "partner", "facilitator")


def next_step(candidate: VolunteerCandidate) -> str | None:
    if candidate.stage not in OPEN:
        return None
    return STEPS[STEPS.index(candidate.stage) + 1]


@dataclass
class BoardRow:
    candidate: VolunteerCandidate
    days: int
    waiting_too_long: bool
    next_step: str | None

    @property
    def next_label(self) -> str:
        return str(STEP_DONE[self.next_step]) if self.next_step else ""


def board(candidates, today: dt.date) -> tuple[list[tuple[str, str, list[BoardRow]]], list[BoardRow]]:
    """(open steps with their candidates, longest waiting first; those closed in the last 90 days)."""
    by_stage = {stage: [] for stage in OPEN}
    closed = []
    for candidate in candidates:
        since = candidate.stage_since or candidate.contacted_on
        row = BoardRow(candidate, (today - since).days,
                       (today - since).days > WAITING_TOO_LONG.get(candidate.stage, 10 ** 6), next_step(candidate))
        if candidate.stage in by_stage:
            by_stage[candidate.stage].append(row)
        elif (today - since).days <= RECENTLY_CLOSED_DAYS:
            closed.append(row)
    steps = [(stage, RecruitmentStage(stage).label, sorted(rows, key=lambda r: -r.days))
             for stage, rows in by_stage.items()]
    return steps, sorted(closed, key=lambda r: r.days)


def record_candidate(data: dict, *, by, candidate: VolunteerCandidate | None = None) -> VolunteerCandidate:
    """Create or correct a candidate's record (`data`: the EDITABLE_FIELDS)."""
    site = data.get("site")
    if site is None or not by.has_perm("activities.manage_recruitment", site):
        raise ValidationError({"site": _("Choose a site you recruit for.")})
    if candidate is not None and not by.has_perm("activities.manage_recruitment", candidate):
        raise PermissionDenied(_("You may not change this candidate's record."))
    if candidate is not None and candidate.stage == RecruitmentStage.READY:
        raise ValidationError(_("This volunteer has a facilitator record now: correct it there."))
    errors = {}
    if not (data.get("email") or "").strip() and not (data.get("phone") or "").strip():
        errors["email"] = _("Give an e-mail address or a phone number to reach them.")
    contacted_on = data.get("contacted_on")
    if contacted_on and contacted_on > timezone.localdate():
        errors["contacted_on"] = _("The first contact cannot be in the future.")
    elif contacted_on and candidate is not None and candidate.met_on and contacted_on > candidate.met_on:
        errors["contacted_on"] = _("The first contact cannot come after the meeting (%(date)s).") % {
            "date": candidate.met_on.isoformat()}
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if candidate is None:
            candidate = VolunteerCandidate(created_by=by)
        for name in EDITABLE_FIELDS:
            setattr(candidate, name, data.get(name) if name not in ("email", "phone", "skills", "note")
                    else (data.get(name) or "").strip())
        candidate.full_clean(exclude=["facilitator", "created_by"])
        candidate.save()
        return candidate


def advance(candidate: VolunteerCandidate, *, on: dt.date | None, by, authorisation_number: str = "",
            valid_until: dt.date | None = None) -> VolunteerCandidate:
    """Record the next step, done on `on`. The access granted needs the badge's number and validity;
    the induction done makes the facilitator record."""
    if not by.has_perm("activities.manage_recruitment", candidate):
        raise PermissionDenied(_("You may not change this candidate's record."))
    with transaction.atomic():
        candidate = VolunteerCandidate.objects.select_for_update().get(pk=candidate.pk)
        step = next_step(candidate)
        if step is None:
            raise ValidationError(_("This recruitment is over (%(stage)s).") % {
                "stage": candidate.get_stage_display().lower()})
        previous = candidate.stage_since or candidate.contacted_on
        errors = {}
        if on is None:
            errors["on"] = _("Give the date of this step.")
        elif on > timezone.localdate():
            errors["on"] = _("The date cannot be in the future.")
        elif on < previous:
            errors["on"] = _("This step cannot come before the previous one (%(date)s).") % {"date": previous.isoformat()}
        number = (authorisation_number or "").strip()
        if step == RecruitmentStage.INDUCTION:
            if not number:
                errors["authorisation_number"] = _("Give the number of the access authorisation.")
            elif len(number) > 40:
                errors["authorisation_number"] = _("Keep the authorisation number under 40 characters.")
            if valid_until is None:
                errors["valid_until"] = _("Give the date until which the authorisation is valid.")
            elif on is not None and valid_until <= on:
                errors["valid_until"] = _("The authorisation must run beyond the day it was granted.")
        if errors:
            raise ValidationError(errors)
        setattr(candidate, VolunteerCandidate.STAGE_DATE_FIELD[step], on)
        if step == RecruitmentStage.INDUCTION:
            candidate.authorisation_number, candidate.authorisation_valid_until = number, valid_until
        if step == RecruitmentStage.READY:
            candidate.facilitator = _make_facilitator(candidate)
        candidate.stage = step
        candidate.save()
        return candidate


def withdraw(candidate: VolunteerCandidate, *, reason: str, by, on: dt.date | None = None) -> VolunteerCandidate:
    """The candidate does not go on (changed their mind, access refused, no cycle for them…)."""
    if not by.has_perm("activities.manage_recruitment", candidate):
        raise PermissionDenied(_("You may not change this candidate's record."))
    reason = (reason or "").strip()
    if candidate.stage not in OPEN:
        raise ValidationError(_("This recruitment is over (%(stage)s).") % {
            "stage": candidate.get_stage_display().lower()})
    if not reason:
        raise ValidationError({"reason": _("Say why it does not go on.")})
    if len(reason) > 200:
        raise ValidationError({"reason": _("Keep the reason under 200 characters.")})
    with transaction.atomic():
        candidate.stage, candidate.withdrawn_reason = RecruitmentStage.WITHDRAWN, reason
        candidate.withdrawn_on = on or timezone.localdate()
        candidate.save(update_fields=["stage", "withdrawn_reason", "withdrawn_on", "updated_at"])
        return candidate


def _make_facilitator(candidate: VolunteerCandidate) -> Facilitator:
    facilitator = Facilitator.objects.create(
        kind=FacilitatorKind.VOLUNTEER, first_name=candidate.first_name, last_name=candidate.last_name,
        partner=candidate.partner, email=candidate.email, phone=candidate.phone, languages=candidate.languages,
        skills=candidate.skills, authorisation_number=candidate.authorisation_number,
        authorisation_valid_from=candidate.clearance_granted_on,
        authorisation_valid_until=candidate.authorisation_valid_until,
    )
    facilitator.sites.set([candidate.site])
    return facilitator
