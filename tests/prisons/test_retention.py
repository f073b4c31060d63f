"""Storage limitation: who left long ago is anonymised, old screening notes are erased, counts stay."""
import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from activities.models import Term
from core.demo import load_demo
from core.models import AuditAction, AuditEntry, Role
from enrolment.indicators import term_indicators
from enrolment.models import Attendance, FeedbackInterview
from prisons import retention
from prisons.models import (
    ActivityRestriction,
    Commitment,
    CommitmentKind,
    Detainee,
    DetaineeLanguage,
    NonAssociation,
    Placement,
    RetentionRun,
)
from screening.models import Interview
from tests.factories import (
    DetaineeFactory,
    EnrolmentFactory,
    SessionFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC), tick=False)


def gone(unit, *, left_on, status="released", **fields):
    """A detainee released (or transferred) on `left_on`, with the placement history saying so."""
    detainee = DetaineeFactory(unit=unit, status=status, **fields)
    Placement.objects.create(detainee=detainee, unit=unit, cell="A-12", status="present",
                             valid_from=left_on - dt.timedelta(days=200), valid_until=left_on, source="registry")
    Placement.objects.create(detainee=detainee, unit=None, status=status, valid_from=left_on, source="registry")
    return detainee


def interview(detainee, screener, *, on, notes="Talked about the family; under professional secrecy."):
    return Interview.objects.create(
        detainee=detainee, screener=screener, status="held", outcome="suitable", outcome_reason="motivated",
        notes=notes, scheduled_at=timezone.make_aware(dt.datetime.combine(on, dt.time(10))),
    )


def test_only_people_gone_longer_than_the_period_are_due(unit, settings):
    settings.RELAIS_RETENTION_AFTER_LEAVING_DAYS = 730
    long_gone = gone(unit, left_on=TODAY - dt.timedelta(days=730))
    gone(unit, left_on=TODAY - dt.timedelta(days=729))
    gone(unit, left_on=TODAY - dt.timedelta(days=900), status="transferred")
    DetaineeFactory(unit=unit)  # present: never due, however old the record
    due = list(retention.detainees_due(unit.site, TODAY))
    assert [d.left_on for d in due] == [TODAY - dt.timedelta(days=900), TODAY - dt.timedelta(days=730)]
    assert long_gone in due


def test_anonymising_removes_who_they_were_and_what_was_written(unit, other_site, screener):
    person = gone(unit, left_on=TODAY - dt.timedelta(days=800), last_name="Amrani", first_name="Youssef",
                  birth_date=dt.date(1990, 5, 1), cell="B-204", reads_french=True)
    other = DetaineeFactory(unit=unit, last_name="Staying")
    DetaineeLanguage.objects.create(detainee=person, language="ar")
    Commitment.objects.create(detainee=person, kind=CommitmentKind.COURT, source="registry",
                              starts_at=timezone.now(), ends_at=timezone.now() + dt.timedelta(hours=2))
    ActivityRestriction.objects.create(detainee=person, starts_on=TODAY, ends_on=TODAY, reason="fight")
    first, second = sorted([other, person], key=lambda d: d.pk)  # stored as an ordered pair
    NonAssociation.objects.create(first=first, second=second, scope="site", reason="co-accused")
    enrolment = EnrolmentFactory(detainee=person, status="withdrawn", confirmation_reason="Knows Staying well")
    session = SessionFactory(cycle=enrolment.cycle)
    Attendance.objects.create(session=session, enrolment=enrolment, status="absent", absence_reason="other",
                              reason_text="Said Youssef had a visit")
    FeedbackInterview.objects.create(enrolment=enrolment, held_on=TODAY, topics=["time_slot"], would_return="yes",
                                     what_would_help="Youssef wants mornings")
    kept = interview(person, screener, on=TODAY - dt.timedelta(days=900))

    run = retention.apply_retention(unit.site, today=TODAY, by=screener)

    person.refresh_from_db()
    assert run.detainees_anonymised == 1
    assert person.prison_number == f"ANON-{person.pk}"
    assert (person.first_name, person.last_name, person.cell, person.birth_date) == ("", "", "", None)
    assert person.anonymised_at is not None and not person.reads_french
    assert str(person) == f"ANON-{person.pk}"
    assert not DetaineeLanguage.objects.filter(detainee=person).exists()
    assert not Commitment.objects.filter(detainee=person).exists()
    assert not ActivityRestriction.objects.filter(detainee=person).exists()
    assert not NonAssociation.objects.exists()
    assert set(Placement.objects.filter(detainee=person).values_list("cell", "source")) == {("", "")}
    enrolment.refresh_from_db()
    assert enrolment.confirmation_reason == "" and enrolment.status == "withdrawn"
    assert Attendance.objects.get(enrolment=enrolment).reason_text == "—"  # "other" keeps a mark that it had details
    assert FeedbackInterview.objects.get(enrolment=enrolment).what_would_help == ""
    kept.refresh_from_db()
    assert (kept.notes, kept.outcome_reason, kept.outcome) == ("", "", "suitable")
    # the note was removed with the person, so it is not counted again as an old note
    assert run.notes_erased == 0
    entry = AuditEntry.objects.get(action=AuditAction.ANONYMISE)
    assert (entry.detainee_id, entry.user) == (person.pk, screener)
    assert "Amrani" not in entry.detail and "Youssef" not in entry.detail
    other.refresh_from_db()
    assert other.last_name == "Staying"


def test_old_screening_notes_are_erased_for_people_still_here(unit, screener, settings):
    settings.RELAIS_SCREENING_NOTES_DAYS = 365
    present = DetaineeFactory(unit=unit)
    old = interview(present, screener, on=TODAY - dt.timedelta(days=366))
    recent = interview(present, screener, on=TODAY - dt.timedelta(days=364))
    run = retention.apply_retention(unit.site, today=TODAY)
    old.refresh_from_db()
    recent.refresh_from_db()
    assert run.notes_erased == 1 and old.notes == "" and recent.notes != ""
    assert old.outcome_reason == "motivated"  # the decision and its reason stay while the person is here
    assert AuditEntry.objects.filter(action=AuditAction.DELETE, object_type="screening.interview",
                                     object_id=str(old.pk)).count() == 1


def test_applying_twice_changes_nothing_more_and_other_sites_are_untouched(unit, other_site):
    here = gone(unit, left_on=TODAY - dt.timedelta(days=800))
    there = gone(UnitFactory(building__site=other_site), left_on=TODAY - dt.timedelta(days=800))
    first = retention.apply_retention(unit.site, today=TODAY)
    second = retention.apply_retention(unit.site, today=TODAY)
    assert (first.detainees_anonymised, second.detainees_anonymised) == (1, 0)
    here.refresh_from_db()
    there.refresh_from_db()
    assert here.anonymised_at is not None and there.anonymised_at is None


def test_anonymising_takes_the_same_number_of_queries_for_one_or_three_people(unit):
    def count_queries(people):
        Detainee.objects.all().delete()
        ids = [gone(unit, left_on=TODAY - dt.timedelta(days=800)).pk for _ in range(people)]
        with CaptureQueriesContext(connection) as queries:
            retention.apply_retention(unit.site, today=TODAY)
        assert Detainee.objects.filter(pk__in=ids, anonymised_at__isnull=False).count() == people
        return len(queries)

    assert count_queries(1) == count_queries(3)


def test_evaluation_figures_are_the_same_after_everyone_who_left_is_anonymised():
    load_demo(seed=3, scale="small", today=TODAY)
    last_terms = [term for term in Term.objects.filter(last_date__lt=TODAY)]
    assert last_terms
    now = timezone.now()
    before = [term_indicators(term, now) for term in last_terms]
    ids = list(Detainee.objects.filter(status__in=retention.GONE).values_list("pk", flat=True))
    assert ids, "the demo has people who left"
    retention.anonymise(ids)
    after = [term_indicators(term, now) for term in last_terms]
    assert after == before


def test_command_dry_run_counts_and_changes_nothing(unit, capsys):
    person = gone(unit, left_on=TODAY - dt.timedelta(days=800))
    call_command("apply_retention", "--dry-run", "--site", unit.site.code)
    assert f"{unit.site.code}: 1 to anonymise, 0 screening notes to erase, 0 volunteer candidates to delete (dry run)." \
        in capsys.readouterr().out
    person.refresh_from_db()
    assert person.anonymised_at is None and not RetentionRun.objects.exists()

    call_command("apply_retention")
    person.refresh_from_db()
    assert person.anonymised_at is not None
    run = RetentionRun.objects.get()
    assert (run.trigger, run.by, run.detainees_anonymised) == ("command", None, 1)


def test_retention_page_lists_what_is_due_and_applies_only_when_confirmed(client, coordinator, unit):
    person = gone(unit, left_on=TODAY - dt.timedelta(days=800), last_name="Popescu")
    client.force_login(coordinator)
    url = reverse("prisons:retention")
    page = client.get(url).content.decode()
    assert "POPESCU" in page and "1 person who left on or before" in page

    refused = client.post(url, {"site": unit.site.pk})
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.content.decode()
    person.refresh_from_db()
    assert person.anonymised_at is None

    done = client.post(url, {"site": unit.site.pk, "confirm": "on"}, follow=True).content.decode()
    assert "1 person anonymised. 0 screening notes erased. 0 volunteer candidates deleted." in done
    assert "POPESCU" not in done and "Nobody's record is due for anonymisation." in done
    person.refresh_from_db()
    assert person.anonymised_at is not None
    detail = client.get(reverse("prisons:detainee-detail", args=[person.pk])).content.decode()
    assert "Anonymised record" in detail and "POPESCU" not in detail


def test_retention_page_is_for_coordinators_and_administrators_only(client, screener, staff_user, facilitator_user, site):
    for user in (screener, staff_user, facilitator_user):
        client.force_login(user)
        assert client.get(reverse("prisons:retention")).status_code == 403


def test_a_coordinator_of_another_site_cannot_apply_it_here(client, unit, other_site):
    stranger = UserFactory(role=Role.COORDINATOR, sites=[other_site])
    person = gone(unit, left_on=TODAY - dt.timedelta(days=800))
    client.force_login(stranger)
    client.post(reverse("prisons:retention"), {"site": unit.site.pk, "confirm": "on"})
    person.refresh_from_db()
    assert person.anonymised_at is None


def test_home_page_counts_what_the_policy_removes(client, coordinator, unit, screener):
    gone(unit, left_on=TODAY - dt.timedelta(days=800))
    interview(DetaineeFactory(unit=unit), screener, on=TODAY - dt.timedelta(days=400))
    client.force_login(coordinator)
    page = client.get(reverse("home")).content.decode()
    assert "2 records or notes past their retention period" in page


def test_api_shows_what_is_due_and_applies_with_confirmation(client, coordinator, unit, other_site):
    person = gone(unit, left_on=TODAY - dt.timedelta(days=800))
    client.force_login(coordinator)
    due = client.get("/api/v1/retention-runs/due/", {"site": unit.site.pk}).json()
    assert [row["id"] for row in due["detainees"]] == [person.pk] and due["screening_notes"] == 0

    missing = client.post("/api/v1/retention-runs/", {"site": unit.site.pk, "confirm": False},
                          content_type="application/json")
    assert missing.status_code == 400 and "confirm" in missing.json()
    elsewhere = client.post("/api/v1/retention-runs/", {"site": other_site.pk, "confirm": True},
                            content_type="application/json")
    assert elsewhere.status_code == 400 and "site" in elsewhere.json()

    created = client.post("/api/v1/retention-runs/", {"site": unit.site.pk, "confirm": True},
                          content_type="application/json")
    assert created.status_code == 201 and created.json()["detainees_anonymised"] == 1
    assert client.get("/api/v1/retention-runs/").json()["results"][0]["trigger"] == "api"
    record = client.get(f"/api/v1/detainees/{person.pk}/").json()
    assert record["prison_number"] == f"ANON-{person.pk}" and record["last_name"] == ""


def test_retention_page_takes_the_same_queries_for_one_person_due_or_ten(client, coordinator, unit, screener,
                                                                         django_assert_max_num_queries):
    client.force_login(coordinator)
    gone(unit, left_on=TODAY - dt.timedelta(days=800))
    interview(DetaineeFactory(unit=unit), screener, on=TODAY - dt.timedelta(days=400))
    with CaptureQueriesContext(connection) as captured:
        client.get(reverse("prisons:retention"))
    for _ in range(9):
        gone(unit, left_on=TODAY - dt.timedelta(days=800))
        interview(DetaineeFactory(unit=unit), screener, on=TODAY - dt.timedelta(days=400))
    with django_assert_max_num_queries(len(captured)):
        assert "10 people who left on or before" in client.get(reverse("prisons:retention")).content.decode()


def test_candidates_not_pursued_for_a_year_are_deleted_others_stay(unit, coordinator, settings):
    from activities.models import RecruitmentStage, VolunteerCandidate

    settings.RELAIS_CANDIDATE_RETENTION_DAYS = 365

    def candidate(name, stage, withdrawn_days_ago=None):
        return VolunteerCandidate.objects.create(
            site=unit.site, first_name=name, last_name="Candidate", email=f"{name}@example.org", stage=stage,
            contacted_on=TODAY - dt.timedelta(days=500),
            withdrawn_on=TODAY - dt.timedelta(days=withdrawn_days_ago) if withdrawn_days_ago else None)

    candidate("old", RecruitmentStage.WITHDRAWN, 365)
    candidate("recent", RecruitmentStage.WITHDRAWN, 300)
    candidate("waiting", RecruitmentStage.CLEARANCE)
    assert retention.due_counts(unit.site, TODAY) == (0, 0, 1)
    run = retention.apply_retention(unit.site, today=TODAY, by=coordinator)
    assert run.candidates_deleted == 1
    assert sorted(VolunteerCandidate.objects.values_list("first_name", flat=True)) == ["recent", "waiting"]
