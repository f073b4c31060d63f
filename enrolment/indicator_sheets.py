"""A term's indicators as a workbook: one sheet per table of the evaluation page, and one that
says what each figure counts. Rates are real percentages, counts real numbers, for pivots."""
from collections.abc import Iterator

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from .evaluation_sheets import RATED_QUESTIONS
from .exports import Percent, Sheet, write_sheets
from .indicators import TermIndicators
from .models import Level, Rating, WouldReturn


def _percent(value: float | None) -> Percent | None:
    return None if value is None else Percent(round(value, 4))


def cycle_rows(data: TermIndicators) -> Iterator[list]:
    yield [
        _("Cycle"), _("Activity"), _("Kind"), _("Status"), _("Places"), _("Applications"),
        _("Days to a decision (median)"), _("Answered in writing"), _("Declined"),
        _("Waiting list"), _("Enrolled now"), _("Enrolled at some point"), _("Places taken"), _("Completed"),
        _("Left the prison"), _("Dropped out"), _("Dropout rate"), _("Interviewed"), _("Places filled"),
        _("Sessions planned"), _("Sessions so far"), _("Sessions cancelled"), _("Sessions moved"),
        _("Practical problems"),
        _("Present"), _("Absent"),
        _("Attendance rate"), _("Places filled, previous term"), _("Dropout rate, previous term"),
        _("Attendance rate, previous term"), _("Signals"), _("Decision"), _("What to change"), _("Note"),
    ]
    for row in data.cycles:
        cycle = row.cycle
        yield [
            cycle.code, cycle.activity.title(), cycle.activity.get_kind_display(), cycle.get_status_display(),
            cycle.capacity, row.applications, row.median_days_to_decision, _percent(row.answered_rate), row.declined,
            row.waiting, row.enrolled_now, row.enrolled_ever,
            row.places_taken, row.completed, row.left_prison, row.dropouts, _percent(row.dropout_rate),
            row.interviewed, _percent(row.fill_rate), row.sessions_planned, row.sessions_past,
            row.sessions_cancelled, row.sessions_moved, row.problems, row.present, row.absent,
            _percent(row.attendance_rate),
            *((_percent(row.previous.fill_rate), _percent(row.previous.dropout_rate),
               _percent(row.previous.attendance_rate)) if row.previous else (None, None, None)),
            "\n".join(signal.message for signal in row.signals),
            row.review.get_decision_display() if row.review else "",
            ", ".join(row.review.change_labels()) if row.review else "",
            row.review.note if row.review else "",
        ]


def group_rows(data: TermIndicators) -> Iterator[list]:
    yield [
        _("Target group"), _("Held at the site"), _("Applied"), _("Places open to the group"),
        _("Places per 100 held"), _("Took part"), _("Reach"), _("Dropped out"),
        _("Present"), _("Absent"), _("Attendance rate"),
    ]
    for group in data.groups:
        yield [
            group.label, group.held, group.applicants, group.places_open,
            None if group.places_per_hundred is None else round(group.places_per_hundred, 1),
            group.participants, _percent(group.reach), group.dropouts,
            group.present, group.absent, _percent(group.attendance_rate),
        ]


def kind_rows(data: TermIndicators) -> Iterator[list]:
    yield [_("Kind"), _("Cycles"), _("Places"), _("Places taken"), _("Places filled"), _("Attendance rate")]
    for kind in data.kinds:
        yield [kind.label, kind.cycles, kind.places, kind.places_taken, _percent(kind.fill_rate),
               _percent(kind.attendance_rate)]


def partner_rows(data: TermIndicators) -> Iterator[list]:
    yield [_("Partner organisation"), _("Cycles"), _("Sessions so far"), _("Hours held"), _("Took part"),
           _("Present"), _("Absent"), _("Attendance rate")]
    for partner in data.partners:
        yield [partner.name, partner.cycles, partner.sessions_held, round(partner.hours_held, 2),
               partner.participants, partner.present, partner.absent, _percent(partner.attendance_rate)]


def reason_rows(heading: str, reasons: list[tuple[str, int]]) -> Iterator[list]:
    yield [heading, _("Number")]
    yield from ([reason, count] for reason, count in reasons)


def feedback_rows(data: TermIndicators) -> Iterator[list]:
    """What the feedback interviews said, then whether they would come back."""
    yield from reason_rows(_("What made them stop"), data.feedback_topics)
    yield ["", ""]
    yield [_("Would take part again"), _("Number")]
    yield from ([answer, count] for answer, count in data.would_return)


def sheet_rows(data: TermIndicators) -> Iterator[list]:
    """What the participants' evaluation sheets say, per cycle: how many ticked each face or box."""
    faces = [label for _value, label in Rating.choices]
    heading = [_("Cycle"), _("Activity"), _("Enrolled at some point"), _("Sheets")]
    for _name, question in RATED_QUESTIONS:
        heading += [f"{question} {face}" for face in faces] + [f"{question} {_('Happy face')}"]
    heading += [f"{_('The level was')} {label}" for _code, label in Level.choices]
    heading += [f"{_('Would take part again')} {label}" for _code, label in WouldReturn.choices]
    yield heading
    for row in data.cycles:
        if not row.sheets.returned:
            continue
        line = [row.cycle.code, row.cycle.activity.title(), row.enrolled_ever, row.sheets.returned]
        for question in row.sheets.rows():
            line += [question["good"], question["mixed"], question["poor"], _percent(question["share"])]
        line += [count for _label, count in row.sheets.level_counts()]
        line += [count for _label, count in row.sheets.return_counts()]
        yield line


def sheet_word_rows(data: TermIndicators) -> Iterator[list]:
    """The participants' own words on their sheets, a line each."""
    yield [_("Cycle"), _("Activity"), _("Question"), _("In their words")]
    for row in data.cycles:
        for question, texts in ((_("What did you like most?"), row.sheets.liked_most),
                                (_("What should change?"), row.sheets.to_change)):
            yield from ([row.cycle.code, row.cycle.activity.title(), question, text] for text in texts)


def log_rows(data: TermIndicators) -> Iterator[list]:
    """What each session of the term covered (the session logs), in time order: one query."""
    from activities.models import SessionLog

    yield [_("Date"), _("Cycle"), _("Activity"), _("Partner organisation"), _("What we did"),
           _("To prepare for next time")]
    logs = (SessionLog.objects.filter(session__cycle__term=data.term)
            .select_related("session__cycle__activity__partner").order_by("session__starts_at", "pk"))
    for log in logs:
        cycle = log.session.cycle
        yield [timezone.localtime(log.session.starts_at).date(), cycle.code, cycle.activity.title(),
               cycle.activity.partner.name if cycle.activity.partner_id else "", log.done, log.next_time]


def about_rows(data: TermIndicators) -> Iterator[list]:
    term = data.term
    yield [_("Evaluation of the offer"), ""]
    yield from [
        [_("Site"), term.site.name],
        [_("Term"), term.name],
        [_("From"), formats.date_format(term.first_date, "SHORT_DATE_FORMAT")],
        [_("Until"), formats.date_format(term.last_date, "SHORT_DATE_FORMAT")],
        [_("Counted until"), formats.date_format(data.counted_until, "SHORT_DATE_FORMAT")],
        [_("Made on"), formats.date_format(timezone.localtime(), "SHORT_DATETIME_FORMAT")],
        ["", ""],
    ]
    yield from ([label, text] for label, text in definitions())


def definitions() -> list[tuple[str, str]]:
    """What each figure counts, for the page's footnotes and the workbook's first sheet."""
    return [
        (_("Places taken"), _("People enrolled now; once the cycle is finished, everyone who was enrolled.")),
        (_("Places filled"), _("Places taken, out of the cycle's places.")),
        (_("Days to a decision (median)"), _("Days from the request to the decision (waiting list, enrolled or "
                                             "declined), the middle value of the applications decided; answered "
                                             "in writing: the share of applications with a written answer handed "
                                             "out.")),
        (_("Enrolled at some point"), _("People who were enrolled, including those who left since.")),
        (_("Completed"), _("People whose enrolment ended with the leaving reason “Completed”.")),
        (_("Left the prison"), _("People released or transferred to another prison while enrolled: not "
                                 "counted as dropouts.")),
        (_("Dropped out"), _("People who left the cycle after being enrolled, for another reason than "
                             "“Completed”, release or transfer; refusals and withdrawals before enrolment are not "
                             "counted.")),
        (_("Attendance rate"), _("Present, out of the register lines recorded; cancelled sessions are left out.")),
        (_("Held at the site"), _("Detainees held in one of the site's units at some time during the term, "
                                  "up to the day counted.")),
        (_("Reach"), _("Detainees of the group who took part in at least one cycle of the term, out of those "
                       "held at the site.")),
        (_("Interviewed"), _("People who left and were heard in a feedback interview (recorded from the "
                              "follow-up page).")),
        (_("Places open to the group"), _("Places of the term's cycles open to at least one unit where the group "
                                          "is held (a cycle open to men and women counts for both).")),
        (_("Participants' sheets"), _("Anonymous evaluation sheets participants filled in and the coordinators "
                                      "typed in; the happy face share counts those who answered the question.")),
        (_("Target group"), _("Men and women by the population of the unit they were held in; remand, "
                              "sentenced and interned by their legal status today.")),
    ]


def write_indicators_xlsx(data: TermIndicators) -> bytes:
    return write_sheets([
        Sheet(_("About"), about_rows(data), [24.0, 90.0], "A2"),
        Sheet(_("Cycles"), cycle_rows(data), [18.0, 30.0, 14.0, 14.0, *([10.0] * 23), 80.0, 24.0, 30.0, 50.0], "B2"),
        Sheet(_("Target groups"), group_rows(data), [16.0, *([12.0] * 10)], "B2"),
        Sheet(_("Kinds of activity"), kind_rows(data), [16.0, *([12.0] * 5)], "B2"),
        Sheet(_("Partners"), partner_rows(data), [36.0, *([12.0] * 7)], "B2"),
        Sheet(_("Absence reasons"), reason_rows(_("Absence reason"), data.absence_reasons), [36.0, 10.0], "A2"),
        Sheet(_("Leaving reasons"), reason_rows(_("Leaving reason"), data.leaving_reasons), [36.0, 10.0], "A2"),
        Sheet(_("Cancellations"), reason_rows(_("Cancellation reason"), data.cancellation_reasons),
              [50.0, 10.0], "A2"),
        Sheet(_("Feedback"), feedback_rows(data), [40.0, 10.0], "A2"),
        Sheet(_("Participants' sheets"), sheet_rows(data), [18.0, 30.0, *([10.0] * 20)], "C2"),
        Sheet(_("In their words"), sheet_word_rows(data), [18.0, 30.0, 30.0, 80.0], "A2"),
        Sheet(_("Practical problems"), reason_rows(_("Kind of problem"), data.problem_kinds), [50.0, 10.0], "A2"),
        Sheet(_("Session logs"), log_rows(data), [12.0, 18.0, 30.0, 30.0, 70.0, 40.0], "A2"),
    ])


def year_rows(report) -> Iterator[list]:
    """A site's year in figures (`enrolment.year_report`): the key figures, then each table."""
    yield [_("The year in figures"), report.site.name, str(report.year)]
    yield from [
        [_("Counted until"), formats.date_format(report.counted_until, "SHORT_DATE_FORMAT"), None],
        [_("Cycles"), len(report.cycles), None],
        [_("Sessions held"), report.sessions_held, None],
        [_("Hours held"), round(report.hours_held, 2), None],
        [_("Sessions cancelled"), report.sessions_cancelled, None],
        [_("Took part"), len(report.participants), None],
        [_("Attendance rate"), _percent(report.attendance_rate), None],
        [_("Completed"), report.completed, None],
        [_("Dropped out"), report.dropouts, None],
        [_("Dropout rate"), _percent(report.dropout_rate), None],
        [_("Interviewed"), report.interviews, None],
        [_("Left the prison"), report.left_prison, None],
        [_("Participants' sheets"), report.sheets_returned, _percent(report.liked_share)],
        [_("Needs surveys"), report.surveys, report.survey_answers],
    ]


def year_line_rows(heading: str, lines) -> Iterator[list]:
    yield [heading, _("Cycles"), _("Sessions held"), _("Hours held"), _("Took part"), _("Present"), _("Absent"),
           _("Attendance rate")]
    for line in lines:
        yield [line.label, len(line.cycles), line.sessions, round(line.hours, 2), len(line.participants),
               line.present, line.absent, _percent(line.attendance_rate)]


def year_facilitator_rows(report) -> Iterator[list]:
    yield [_("Kind of facilitator"), _("People"), _("Sessions led"), _("Hours")]
    for line in report.facilitators:
        yield [line.label, len(line.people), line.sessions, round(line.hours, 2)]


def write_year_xlsx(report) -> bytes:
    return write_sheets([
        Sheet(_("Year"), year_rows(report), [36.0, 20.0, 12.0], "A2"),
        Sheet(_("Target groups"), iter([[_("Target group"), _("Took part")], *map(list, report.groups)]),
              [24.0, 12.0], "A2"),
        Sheet(_("Kinds of activity"), year_line_rows(_("Kind"), report.kinds), [24.0, *([12.0] * 7)], "B2"),
        Sheet(_("Partners"), year_line_rows(_("Partner organisation"), report.partners), [36.0, *([12.0] * 7)],
              "B2"),
        Sheet(_("Facilitators"), year_facilitator_rows(report), [30.0, 12.0, 12.0, 12.0], "B2"),
        Sheet(_("Cancellations"), reason_rows(_("Cancellation reason"), report.cancellation_reasons),
              [50.0, 10.0], "A2"),
    ])


def filename(data: TermIndicators) -> str:
    term = data.term
    return f"relais-indicators-{term.site.code}-{term.first_date:%Y-%m-%d}"
