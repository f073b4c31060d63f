"""What a check found: one shape for the checks of every app (activities, enrolment, scheduling).

Checks return findings instead of raising; pages show them, the API returns them, services and the
publish step refuse on errors, and warnings that need it ask for an explicit confirmation.
"""
from dataclasses import dataclass, field


class Severity:
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"

    choices = [ERROR, WARNING, INFO]


@dataclass(frozen=True)
class Finding:
    code: str
    severity: str
    message: str  # translatable (lazy) text, rendered in the reader's language
    rows: list = field(default_factory=list, hash=False)  # draft session ids concerned (timetable checks)
    needs_confirmation: bool = False  # a warning that needs an explicit confirmation with a reason


def by_severity(findings) -> list[Finding]:
    """Errors first, then warnings, then information; the checks' own order within each."""
    return sorted(findings, key=lambda f: Severity.choices.index(f.severity))


def has_errors(findings) -> bool:
    return any(f.severity == Severity.ERROR for f in findings)
