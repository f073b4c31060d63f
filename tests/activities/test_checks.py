import datetime as dt

import pytest
from django.utils import translation

from activities.checks import AuthorisationState, authorisation_findings, authorisation_state
from activities.models import Facilitator, FacilitatorKind

TODAY = dt.date(2027, 3, 1)


def facilitator(until=None, kind=FacilitatorKind.VOLUNTEER):
    return Facilitator(kind=kind, first_name="Ana", last_name="Test", authorisation_valid_until=until)


@pytest.mark.parametrize("until, state, code", [
    (dt.date(2027, 2, 28), AuthorisationState.EXPIRED, "authorisation_expired"),
    (TODAY, AuthorisationState.EXPIRING, "authorisation_expiring"),
    (dt.date(2027, 3, 31), AuthorisationState.EXPIRING, "authorisation_expiring"),
    (dt.date(2027, 4, 1), AuthorisationState.VALID, None),
    (None, AuthorisationState.MISSING, "authorisation_missing"),
])
def test_authorisation_warns_within_thirty_days_and_after_expiry(until, state, code):
    assert authorisation_state(facilitator(until), TODAY) == state
    findings = authorisation_findings(facilitator(until), TODAY)
    assert [finding.code for finding in findings] == ([code] if code else [])


def test_expiry_findings_are_warnings_not_errors():
    with translation.override("en"):
        (finding,) = authorisation_findings(facilitator(dt.date(2027, 3, 10)), TODAY)
    assert finding.severity == "warning"
    assert "expires on" in str(finding.message) and "in 9 days" in str(finding.message)


def test_prison_staff_need_no_authorisation():
    assert authorisation_findings(facilitator(None, FacilitatorKind.STAFF), TODAY) == []
