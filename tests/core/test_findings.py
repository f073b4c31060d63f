"""One finding shape for every app's checks: the order people read them in and what blocks."""
from activities import checks as activity_checks
from core.findings import Finding, Severity, by_severity, has_errors
from enrolment import checks as enrolment_checks
from scheduling import checks as timetable_checks


def test_every_app_reports_the_same_finding_type():
    assert activity_checks.Finding is enrolment_checks.Finding is timetable_checks.Finding is Finding
    assert activity_checks.Severity is enrolment_checks.Severity is Severity
    assert (timetable_checks.ERROR, timetable_checks.WARNING, timetable_checks.INFO) == ("error", "warning", "info")


def test_findings_read_errors_first_and_only_errors_block():
    info = Finding("language_unknown", Severity.INFO, "Languages not recorded")
    warning = Finding("same_day", Severity.WARNING, "Twice on Monday", rows=[3])
    error = Finding("room_clash", Severity.ERROR, "Room taken", rows=[1, 2])
    assert by_severity([info, warning, error]) == [error, warning, info]
    assert has_errors([info, warning, error]) and not has_errors([info, warning])


def test_a_finding_without_rows_or_confirmation_is_a_plain_warning():
    finding = Finding("sanction", Severity.WARNING, "Under sanction")
    assert finding.rows == [] and finding.needs_confirmation is False
    assert len({finding, Finding("sanction", Severity.WARNING, "Under sanction")}) == 1
