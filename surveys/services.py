"""Writes for needs surveys: create or edit one with its options, open and close it, record an answer.

Everything is checked before anything is saved, and each write is one transaction.
"""
import datetime as dt
import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import ActivityKind
from prisons.models import LegalStatus

from .models import PreferredTime, Survey, SurveyOption, SurveyResponse, SurveyStatus
from .selectors import surveyed_units

MIN_OPTIONS = 2
MAX_OPTIONS = 60
LANGUAGE_CODE = re.compile(r"^[a-z]{2,3}$")


def parse_options(text: str, activities) -> list[dict]:
    """The questionnaire's lines, one option a line: "Label", or "Label | kind" with an activity
    kind (training, psychosocial, sociocultural, sport), or "Label | activity-code" naming a
    catalogue activity. Errors name the line."""
    by_code = {activity.code: activity for activity in activities}
    options, errors, seen = [], [], set()
    lines = [line.strip() for line in text.splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        label, _bar, extra = (part.strip() for part in line.partition("|"))
        option = {"label": label, "kind": "", "activity": None}
        if not label:
            errors.append(_("Line %(line)s: the label is empty.") % {"line": number})
        elif len(label) > 150:
            errors.append(_("Line %(line)s: keep the label under 150 characters.") % {"line": number})
        elif label.casefold() in seen:
            errors.append(_("Line %(line)s: “%(label)s” is already on the list.") % {"line": number, "label": label})
        seen.add(label.casefold())
        if extra in ActivityKind.values:
            option["kind"] = extra
        elif extra in by_code:
            option["activity"] = by_code[extra]
            option["kind"] = by_code[extra].kind
        elif extra:
            errors.append(_("Line %(line)s: “%(value)s” is neither a kind of activity nor an activity code of "
                            "the catalogue.") % {"line": number, "value": extra})
        options.append(option)
    if not errors and not MIN_OPTIONS <= len(options) <= MAX_OPTIONS:
        errors.append(_("Give between %(min)s and %(max)s options, one a line.") % {"min": MIN_OPTIONS,
                                                                                  "max": MAX_OPTIONS})
    if errors:
        raise ValidationError({"options": errors})
    return options


def options_text(survey: Survey) -> str:
    """The options as the form shows them again, in the format `parse_options` reads."""
    lines = []
    for option in survey.options.select_related("activity"):
        extra = option.activity.code if option.activity else option.kind
        lines.append(f"{option.label} | {extra}" if extra else option.label)
    return "\n".join(lines)


@transaction.atomic
def save_survey(survey: Survey, units: Iterable, options: list[dict], by) -> Survey:
    """Save a new or edited survey with its units and options. Options change only while there are
    no answers: answers point at them."""
    if not (by and by.has_perm("surveys.change_survey", survey)):
        raise PermissionDenied(_("You may not change needs surveys of this site."))
    units = list(units)
    foreign = [unit for unit in units if unit.site_id != survey.site_id]
    if foreign:
        raise ValidationError({"units": _("Choose units of the survey's site.")})
    is_new = survey.pk is None
    if is_new:
        survey.created_by = by
    survey.full_clean()
    current = [] if is_new else [(o.label, o.kind, o.activity_id) for o in survey.options.all()]
    wanted = [(o["label"], o["kind"], o["activity"].pk if o["activity"] else None) for o in options]
    if not is_new and current != wanted and survey.responses.exists():
        raise ValidationError({"options": _("The options cannot change once answers have been entered.")})
    survey.save()
    survey.units.set(units)
    if current != wanted:
        survey.options.all().delete()
        SurveyOption.objects.bulk_create([
            SurveyOption(survey=survey, label=o["label"], kind=o["kind"], activity=o["activity"], position=n)
            for n, o in enumerate(options, start=1)
        ])
    return survey


def set_status(survey: Survey, status: str, by) -> Survey:
    if not (by and by.has_perm("surveys.change_survey", survey)):
        raise PermissionDenied(_("You may not change needs surveys of this site."))
    if status not in SurveyStatus.values:
        raise ValidationError({"status": _("Unknown status.")})
    survey.status = status
    survey.save(update_fields=["status"])
    return survey


def record_response(
    survey: Survey, *, unit, chosen: Iterable[int], preferred_time: str = PreferredTime.EITHER,
    languages: Iterable[str] = (), legal_status: str = "", comment: str = "", by,
) -> SurveyResponse:
    """Enter one filled-in questionnaire. Every field is checked first; nothing is saved on an error."""
    if not (by and by.has_perm("surveys.enter_response", survey)):
        raise PermissionDenied(_("You may not enter answers to this survey."))
    chosen = list(dict.fromkeys(int(pk) for pk in chosen))
    languages = [code.strip().lower() for code in languages if code.strip()]
    errors = {}
    if survey.status != SurveyStatus.OPEN:
        errors["__all__"] = _("This survey is not collecting answers (status: %(status)s).") % {
            "status": survey.get_status_display()}
    if unit is None or not surveyed_units(survey).filter(pk=unit.pk).exists():
        errors["unit"] = _("Choose one of the units surveyed.")
    options = {option.pk: option for option in survey.options.filter(pk__in=chosen)}
    if len(options) != len(chosen):
        errors["chosen"] = _("Some ticked options are not on this questionnaire.")
    elif not chosen and not comment.strip():
        errors["chosen"] = _("Tick at least one activity, or write the comment.")
    if preferred_time not in PreferredTime.values:
        errors["preferred_time"] = _("Choose morning, afternoon or either.")
    if legal_status and legal_status not in LegalStatus.values:
        errors["legal_status"] = _("Unknown legal status.")
    bad = [code for code in languages if not LANGUAGE_CODE.match(code)]
    if bad:
        errors["languages"] = _("Use language codes such as fr, nl, ar: %(codes)s.") % {"codes": ", ".join(bad)}
    if len(comment) > 500:
        errors["comment"] = _("Keep the comment under 500 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        response = SurveyResponse.objects.create(
            survey=survey, unit=unit, legal_status=legal_status, preferred_time=preferred_time,
            languages=list(dict.fromkeys(languages)), comment=comment.strip(), entered_by=by,
        )
        response.chosen.set(options.values())
    return response


def default_dates(today: dt.date) -> tuple[dt.date, dt.date]:
    """A new survey runs for three weeks from today."""
    return today, today + dt.timedelta(weeks=3)
