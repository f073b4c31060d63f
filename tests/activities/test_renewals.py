"""Access authorisations to renew: who is not covered for their planned sessions, the request to
the direction, its answer moving the validity date, the list for the direction, who may do what."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import AuthorisationRenewal, FacilitatorKind, RenewalStatus
from activities.renewals import renewals_due
from core.models import AuditEntry, Role
from tests.factories import (
    CycleFactory,
    FacilitatorFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")
TODAY = dt.date(2027, 3, 1)  # a Monday
NOW = dt.datetime(2027, 3, 1, 8, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


def person(site, last_name, valid_until, kind=FacilitatorKind.VOLUNTEER, valid_from=None):
    return FacilitatorFactory(last_name=last_name, kind=kind, sites=[site], authorisation_number=f"B-{last_name}",
                              authorisation_valid_until=valid_until, authorisation_valid_from=valid_from)


def weekly_sessions(site, facilitators, weeks=8, first=TODAY + dt.timedelta(days=1)):
    """A cycle led by `facilitators` with a session every Tuesday at 14:00 for `weeks` weeks."""
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=list(facilitators))
    for week in range(weeks):
        start = dt.datetime.combine(first + dt.timedelta(weeks=week), dt.time(14), tzinfo=BRUSSELS)
        SessionFactory(cycle=cycle, starts_at=start, ends_at=start + dt.timedelta(hours=2))
    return cycle


def test_who_is_not_covered_and_from_when(site, other_site):
    covered = person(site, "Covered", TODAY + dt.timedelta(days=400))
    ending = person(site, "Ending", TODAY + dt.timedelta(days=20))  # three Tuesdays left, then five not covered
    expired = person(site, "Expired", TODAY - dt.timedelta(days=2))
    missing = person(site, "Missing", None)
    staff = person(site, "Staff", None, kind=FacilitatorKind.STAFF)
    weekly_sessions(site, [covered, ending, expired, staff])
    weekly_sessions(site, [missing], weeks=2, first=TODAY + dt.timedelta(days=30))
    weekly_sessions(other_site, [person(other_site, "Elsewhere", None)])

    rows = renewals_due(site, TODAY)

    assert [(r.facilitator.last_name, r.state, r.sessions_not_covered, r.first_not_covered) for r in rows] == [
        ("Expired", "expired", 8, dt.date(2027, 3, 2)),
        ("Ending", "expiring", 5, dt.date(2027, 3, 23)),
        ("Missing", "missing", 2, dt.date(2027, 3, 31)),
    ]
    assert rows[0].last_session == dt.date(2027, 4, 20)


def test_ask_the_direction_then_record_its_answer(client, site, coordinator):
    ending = person(site, "Ending", TODAY + dt.timedelta(days=20))
    refused = person(site, "Refused", None)
    weekly_sessions(site, [ending, refused])
    client.force_login(coordinator)
    page = client.get(reverse("activities:renewal-list"))
    assert [r.facilitator.last_name for r in page.context["rows"]] == ["Refused", "Ending"]  # the sooner first
    assert "<strong>2</strong> outside facilitators whose authorisation does not cover their sessions" in \
        client.get(reverse("home")).content.decode()

    ask = reverse("activities:renewal-request", args=[site.pk, ending.pk])
    client.post(ask, {"note": "Sent with the term's list"})
    again = client.post(ask, {"note": ""}, follow=True)
    assert "The direction was already asked for" in again.content.decode()
    renewal = AuthorisationRenewal.objects.get()
    assert (renewal.requested_on, renewal.requested_by, renewal.status) == (TODAY, coordinator, "requested")
    assert "Asked on" in client.get(reverse("activities:renewal-list")).content.decode()

    answer = reverse("activities:renewal-answer", args=[renewal.pk])
    past = client.post(answer, {"outcome": "granted", "valid_until": "2027-02-01"}, follow=True)
    assert "The new authorisation must run beyond today." in past.content.decode()
    client.post(answer, {"outcome": "granted", "valid_until": "2028-02-29", "number": "B-2028-17"})
    ending.refresh_from_db()
    renewal.refresh_from_db()
    assert (ending.authorisation_valid_until, ending.authorisation_number) == (dt.date(2028, 2, 29), "B-2028-17")
    assert (renewal.status, renewal.answered_on, renewal.answered_by) == ("granted", TODAY, coordinator)

    client.post(reverse("activities:renewal-request", args=[site.pk, refused.pk]))
    other = AuthorisationRenewal.objects.get(facilitator=refused)
    no_reason = client.post(reverse("activities:renewal-answer", args=[other.pk]), {"outcome": "refused"}, follow=True)
    assert "Say why the direction refused" in no_reason.content.decode()
    client.post(reverse("activities:renewal-answer", args=[other.pk]),
                {"outcome": "refused", "note": "Security screening not passed"})
    page = client.get(reverse("activities:renewal-list"))
    assert [r.facilitator.last_name for r in page.context["rows"]] == ["Refused"]  # still not covered
    assert page.context["rows"][0].open_request is None  # asking again is possible
    assert [a.status for a in page.context["answers"]] == [RenewalStatus.REFUSED, RenewalStatus.GRANTED]
    assert "Security screening not passed" in page.content.decode()


def test_the_list_for_the_direction_is_a_spreadsheet_and_is_audited(client, site, coordinator):
    ending = person(site, "Ending", TODAY + dt.timedelta(days=20))
    weekly_sessions(site, [ending])
    AuthorisationRenewal.objects.create(facilitator=ending, site=site, requested_on=TODAY, requested_by=coordinator)
    client.force_login(coordinator)

    response = client.get(reverse("activities:renewal-list"), {"site": site.pk, "format": "xlsx"})

    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    record = dict(zip(rows[0], rows[1], strict=True))
    assert record["Last name"] == "Ending" and record["Authorisation number"] == "B-Ending"
    assert record["Valid until"].date() == TODAY + dt.timedelta(days=20)
    assert record["First session not covered"].date() == dt.date(2027, 3, 23)
    assert (record["Sessions not covered"], record["Asked of the direction on"].date()) == (5, TODAY)
    assert AuditEntry.objects.get().object_type == "authorisations_to_renew"


def test_only_the_sites_coordinators_ask_and_answer(client, site, other_site, coordinator, staff_user, facilitator_user):
    ending = person(site, "Ending", TODAY + dt.timedelta(days=20))
    weekly_sessions(site, [ending])
    for user in (staff_user, facilitator_user):
        client.force_login(user)
        assert client.get(reverse("activities:renewal-list")).status_code == 403
    stranger = UserFactory(role=Role.COORDINATOR, sites=[other_site])
    client.force_login(stranger)
    assert client.post(reverse("activities:renewal-request", args=[site.pk, ending.pk])).status_code == 404
    assert client.get(reverse("activities:renewal-list"), {"site": site.pk}).context["site"] == other_site
    renewal = AuthorisationRenewal.objects.create(facilitator=ending, site=site, requested_on=TODAY)
    assert client.post(reverse("activities:renewal-answer", args=[renewal.pk]),
                       {"outcome": "granted", "valid_until": "2028-01-01"}).status_code == 404
    ending.refresh_from_db()
    assert ending.authorisation_valid_until == TODAY + dt.timedelta(days=20)


def test_the_api_lists_what_is_due_asks_and_answers(client, site, coordinator):
    ending = person(site, "Ending", TODAY + dt.timedelta(days=20))
    weekly_sessions(site, [ending])
    client.force_login(coordinator)
    due = client.get("/api/v1/authorisation-renewals/due/", {"site": site.pk}).json()
    assert [(row["facilitator"], row["sessions_not_covered"], row["first_not_covered"]) for row in due] == [
        (ending.pk, 5, "2027-03-23")]
    made = client.post("/api/v1/authorisation-renewals/", {"facilitator": ending.pk, "site": site.pk},
                       content_type="application/json")
    assert made.status_code == 201, made.content
    twice = client.post("/api/v1/authorisation-renewals/", {"facilitator": ending.pk, "site": site.pk},
                        content_type="application/json")
    assert twice.status_code == 400 and "facilitator" in twice.json()
    url = f"/api/v1/authorisation-renewals/{made.json()['id']}/answer/"
    missing_date = client.post(url, {"outcome": "granted"}, content_type="application/json")
    assert missing_date.status_code == 400 and "valid_until" in missing_date.json()
    granted = client.post(url, {"outcome": "granted", "valid_until": "2028-03-01"}, content_type="application/json")
    assert granted.status_code == 200 and granted.json()["status"] == "granted"
    assert client.get("/api/v1/authorisation-renewals/due/", {"site": site.pk}).json() == []


def test_the_page_takes_the_same_queries_for_one_facilitator_or_twelve(client, site, coordinator,
                                                                      django_assert_max_num_queries):
    client.force_login(coordinator)
    weekly_sessions(site, [person(site, "First", None)])
    client.get(reverse("activities:renewal-list"))
    with CaptureQueriesContext(connection) as captured:
        assert len(client.get(reverse("activities:renewal-list")).context["rows"]) == 1
    for n in range(11):
        weekly_sessions(site, [person(site, f"P{n}", TODAY + dt.timedelta(days=n))])
    with django_assert_max_num_queries(len(captured)):
        assert len(client.get(reverse("activities:renewal-list")).context["rows"]) == 12
