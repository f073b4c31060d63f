"""A needs survey's results as a workbook, for the direction and the partners: the same tables as the
page, counts as numbers and shares as percentages."""
from collections.abc import Iterator

from django.utils.translation import gettext as _

from enrolment.exports import Percent, Sheet, write_sheets

from .selectors import SurveyResults


def _percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(round(value, 4))


def group_rows(results: SurveyResults) -> Iterator[list]:
    yield [_("Target group"), _("Answers"), _("Held in the units surveyed"), _("Answer rate")]
    for label, answers, held, share in results.group_rows():
        yield [label, answers, held, _percent(share)]


def option_rows(results: SurveyResults) -> Iterator[list]:
    yield [_("Activity"), _("Activity in the catalogue"), *results.group_labels(), _("Share of answers"),
           _("Cycles planned"), _("Places")]
    for result in results.options:
        activity = result.option.activity.title() if result.option.activity else ""
        yield [result.option.label, activity, *result.counts(), _percent(result.share), result.cycles, result.places]


def counted_rows(heading: str, counted: list[tuple[str, int]]) -> Iterator[list]:
    yield [heading, _("Answers")]
    yield from ([label, count] for label, count in counted)


def comment_rows(results: SurveyResults) -> Iterator[list]:
    yield [_("Latest comments")]
    yield from ([comment] for comment in results.comments)


def write_results_xlsx(results: SurveyResults) -> bytes:
    return write_sheets([
        Sheet(_("Activities"), option_rows(results), [34.0, 30.0, *([10.0] * 9)], "B2"),
        Sheet(_("Target groups"), group_rows(results), [20.0, 12.0, 12.0, 12.0], "B2"),
        Sheet(_("Preferred time"), counted_rows(_("Preferred time"), results.preferred_time), [20.0, 10.0], "A2"),
        Sheet(_("Languages"), counted_rows(_("Languages they would follow"), results.languages), [30.0, 10.0], "A2"),
        Sheet(_("Comments"), comment_rows(results), [100.0], "A2"),
    ])
