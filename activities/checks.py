"""Checks that return findings (code, severity, translatable message) about partners and facilitators.

They warn, never block: pages and the API show them, the planner can read them.
"""
import datetime as dt

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.findings import Finding, Severity


class AuthorisationState:
    """Where a facilitator's access authorisation stands on a given day (used by filters too)."""

    NOT_NEEDED = "not_needed"
    MISSING = "missing"
    VALID = "valid"
    EXPIRING = "expiring"
    EXPIRED = "expired"

    choices = [
        (VALID, _("Valid")),
        (EXPIRING, _("Expires within 30 days")),
        (EXPIRED, _("Expired")),
        (MISSING, _("No authorisation recorded")),
        (NOT_NEEDED, _("Not needed (prison staff)")),
    ]


def covers(facilitator, day: dt.date) -> bool:
    """Whether the facilitator's access authorisation lets them in on that day."""
    until, since = facilitator.authorisation_valid_until, facilitator.authorisation_valid_from
    return until is not None and day <= until and (since is None or since <= day)


def authorisation_state(facilitator, today: dt.date) -> str:
    if not facilitator.is_outside_person:
        return AuthorisationState.NOT_NEEDED
    until = facilitator.authorisation_valid_until
    if until is None:
        return AuthorisationState.MISSING
    if until < today:
        return AuthorisationState.EXPIRED
    if until <= today + dt.timedelta(days=settings.RELAIS_AUTHORISATION_WARNING_DAYS):
        return AuthorisationState.EXPIRING
    return AuthorisationState.VALID


def authorisation_findings(facilitator, today: dt.date) -> list[Finding]:
    """Warn when an outside facilitator's access authorisation has expired or expires soon."""
    state = authorisation_state(facilitator, today)
    until = facilitator.authorisation_valid_until
    if state == AuthorisationState.EXPIRED:
        return [Finding(
            "authorisation_expired", Severity.WARNING,
            _("The access authorisation expired on %(date)s.") % {"date": formats.date_format(until)},
        )]
    if state == AuthorisationState.EXPIRING:
        days = (until - today).days
        return [Finding(
            "authorisation_expiring", Severity.WARNING,
            _("The access authorisation expires on %(date)s (in %(days)s days).")
            % {"date": formats.date_format(until), "days": days},
        )]
    if state == AuthorisationState.MISSING:
        return [Finding(
            "authorisation_missing", Severity.INFO,
            _("No access authorisation is recorded for this outside facilitator."),
        )]
    return []
