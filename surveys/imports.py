"""Paper answers typed into a spreadsheet, imported at once: one row an answer, one column per option
of the questionnaire (any mark ticks it) and the columns unit, time, languages, legal status and
comment, in French, Dutch or English. Every row is checked first; nothing is saved on any error, and
each error names its row and column."""
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from enrolment.exports import Sheet, write_sheets
from prisons.imports import UnreadableFile, normalise, read_table
from prisons.models import LegalStatus

from .models import PreferredTime, Survey, SurveyResponse, SurveyStatus
from .selectors import surveyed_units
from .services import LANGUAGE_CODE

# Accepted column names, compared after `normalise()`.
COLUMNS = {
    "unit": ("unit", "unit code", "unité", "unité de vie", "aile", "eenheid", "leefeenheid", "vleugel"),
    "time": ("time", "preferred time", "moment", "moment préféré", "voorkeursmoment"),
    "languages": ("languages", "langues", "talen"),
    "legal_status": ("legal status", "statut juridique", "statut", "juridische status", "juridisch statuut"),
    "comment": ("comment", "commentaire", "opmerking"),
}
TIMES = {
    PreferredTime.MORNING: ("morning", "matin", "voormiddag", "am"),
    PreferredTime.AFTERNOON: ("afternoon", "après-midi", "apres-midi", "namiddag", "pm"),
    PreferredTime.EITHER: ("either", "indifférent", "indifferent", "om het even", ""),
}
STATUSES = {
    LegalStatus.REMAND: ("remand", "prévenu", "prévenue", "beklaagde"),
    LegalStatus.SENTENCED: ("sentenced", "condamné", "condamnée", "veroordeelde"),
    LegalStatus.INTERNED: ("interned", "interné", "internée", "geïnterneerde"),
}
NOT_TICKED = {"", "0", "no", "non", "nee", "false", "-"}


@dataclass
class AnswerImport:
    saved: int = 0
    errors: list[tuple[int, str, str]] = field(default_factory=list)  # row, column, message


def _lookup(table: dict) -> dict[str, str]:
    return {normalise(word): value for value, words in table.items() for word in words}


def import_answers(survey: Survey, content: bytes, filename: str, *, by) -> AnswerImport:
    if not (by and by.has_perm("surveys.enter_response", survey)):
        raise PermissionDenied(_("You may not enter answers to this survey."))
    if survey.status != SurveyStatus.OPEN:
        raise ValidationError({"file": _("This survey is not collecting answers (status: %(status)s).") % {
            "status": survey.get_status_display()}})
    try:
        rows = read_table(content, filename)
    except UnreadableFile as error:
        raise ValidationError({"file": str(error)}) from error
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    result = AnswerImport()
    header = [str(cell or "").strip() for cell in rows[0]]
    columns, options = _columns(survey, header, result)
    units = {normalise(unit.code): unit for unit in surveyed_units(survey)}
    times, statuses = _lookup(TIMES), _lookup(STATUSES)
    answers = []
    def name_of(key):
        index = columns.get(key)
        return header[index] if index is not None else COLUMNS[key][0]

    for number, cells in enumerate(rows[1:], start=2):
        cells = [str(cell).strip() if cell is not None else "" for cell in cells][:len(header)]
        cells += [""] * (len(header) - len(cells))
        if not any(cells):
            continue
        value = {key: cells[index] for key, index in columns.items()}  # an absent column reads as empty

        def fail(column, message, number=number):
            result.errors.append((number, column, message))

        unit = units.get(normalise(value.get("unit", "")))
        if unit is None:
            fail(name_of("unit"), _("“%(value)s” is not one of the units surveyed.") % {"value": value.get("unit", "")})
        time = times.get(normalise(value.get("time", "")))
        if time is None:
            fail(name_of("time"), _("Write morning, afternoon or either."))
        status = statuses.get(normalise(value.get("legal_status", ""))) if value.get("legal_status") else ""
        if status is None:
            fail(name_of("legal_status"), _("Write remand, sentenced or interned, or leave it empty."))
        languages = [code.lower() for code in value.get("languages", "").replace(";", ",").replace(" ", ",")
                     .split(",") if code]
        if any(not LANGUAGE_CODE.match(code) for code in languages):
            fail(name_of("languages"), _("Use language codes such as fr, nl, ar."))
        comment = value.get("comment", "")
        if len(comment) > 500:
            fail(name_of("comment"), _("Keep the comment under 500 characters."))
        ticked = [option for index, option in options.items() if cells[index].lower() not in NOT_TICKED]
        if not ticked and not comment:
            fail(_("options"), _("Tick at least one activity, or write the comment."))
        answers.append((unit, time, status, list(dict.fromkeys(languages)), comment, ticked))
    if not answers and not result.errors:
        result.errors.append((2, "", _("The file has no answers to import.")))
    if result.errors:
        return result
    with transaction.atomic():
        saved = SurveyResponse.objects.bulk_create([
            SurveyResponse(survey=survey, unit=unit, preferred_time=time, legal_status=status, languages=languages,
                           comment=comment, entered_by=by)
            for unit, time, status, languages, comment, _ticked in answers
        ])
        SurveyResponse.chosen.through.objects.bulk_create([
            SurveyResponse.chosen.through(surveyresponse_id=response.pk, surveyoption_id=option.pk)
            for response, (*_values, ticked) in zip(saved, answers, strict=True) for option in ticked
        ])
    result.saved = len(saved)
    return result


def _columns(survey, header, result):
    """Which column holds what: known columns by name, every other one an option by its label."""
    known = _lookup({key: words for key, words in COLUMNS.items()})
    labels = {normalise(option.label): option for option in survey.options.all()}
    columns, options = {}, {}
    for index, name in enumerate(header):
        key = normalise(name)
        if not key:
            continue
        if key in known and known[key] not in columns:
            columns[known[key]] = index
        elif key in labels:
            options[index] = labels[key]
        else:
            result.errors.append((1, name, _("“%(name)s” is neither a column Relais knows nor an option of "
                                             "this questionnaire.") % {"name": name}))
    if "unit" not in columns:
        result.errors.append((1, "unit", _("The header needs a column named unit.")))
    return columns, options


def template(survey: Survey) -> bytes:
    """An empty workbook with the columns the import reads, for typing paper answers in."""
    header = [_("unit"), _("time"), _("languages"), _("legal status"), _("comment"),
              *(option.label for option in survey.options.all())]
    return write_sheets([Sheet(_("Answers"), iter([header]), [12.0, 12.0, 12.0, 14.0, 30.0,
                                                               *([14.0] * (len(header) - 5))], "A2")])
