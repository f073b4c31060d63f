import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from enrolment import services
from enrolment.models import Enrolment, EnrolmentStatus
from screening.models import Interview
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def cycle(site):
    return CycleFactory(term=TermFactory(site=site), capacity=5, screening_required=False)


def test_approval_waits_for_a_suitable_screening_when_the_cycle_requires_one(cycle, unit, coordinator, screener):
    cycle.screening_required = True
    cycle.save()
    application = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status=EnrolmentStatus.PENDING)
    with pytest.raises(services.EligibilityError, match="screening interview"):
        services.approve(application, by=coordinator)
    Interview.objects.create(detainee=application.detainee, enrolment=application, screener=screener, status="held",
                             outcome="suitable", scheduled_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC))
    approved = services.approve(application, by=coordinator, reason="Motivated")
    assert approved.status == EnrolmentStatus.APPROVED
    history = [(e.from_status, e.to_status, e.by, e.reason) for e in approved.events.all()]
    assert ("pending", "approved", coordinator, "Motivated") in history
    # a place is free: it is offered at once, the coordinator confirms it
    assert approved.offered_at is not None


def test_mixing_populations_needs_a_confirmed_reason_which_is_stored(client, cycle, unit, coordinator):
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, legal_status="sentenced"), seat=1)
    application = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, legal_status="remand"),
                                   status=EnrolmentStatus.PENDING)
    client.force_login(coordinator)
    url = reverse("enrolment:application-action", args=[application.pk, "enrol"])

    refused = client.post(url, follow=True)
    assert "Confirm these warnings with a reason first" in refused.content.decode()
    application.refresh_from_db()
    assert application.status == EnrolmentStatus.PENDING

    without_reason = client.post(url, {"confirm": ["population_mixing_legal"]}, follow=True)
    assert "Give the reason for going ahead despite the warnings." in without_reason.content.decode()

    client.post(url, {"confirm": ["population_mixing_legal"], "confirmation_reason": "Open-unit pilot agreed with management"})
    application.refresh_from_db()
    assert application.status == EnrolmentStatus.ENROLLED
    assert application.confirmed_findings == ["population_mixing_legal"]
    assert application.confirmation_reason == "Open-unit pilot agreed with management"
    assert application.events.last().reason == "Open-unit pilot agreed with management"


def test_decline_needs_a_reason_and_is_recorded(cycle, unit, coordinator):
    application = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status=EnrolmentStatus.PENDING)
    with pytest.raises(ValidationError):
        services.decline(application, by=coordinator, reason=" ")
    services.decline(application, by=coordinator, reason="Already followed this module")
    application.refresh_from_db()
    assert application.status == EnrolmentStatus.DECLINED
    assert application.events.last().reason == "Already followed this module"


def test_coordinator_removes_a_participant_with_a_reason_from_the_list(client, cycle, unit, coordinator):
    from enrolment.models import LeavingReason

    participant = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), seat=1)
    client.force_login(coordinator)
    client.post(reverse("enrolment:application-action", args=[participant.pk, "end"]), {
        "action": "remove", "leaving_reason": LeavingReason.objects.get(code="health").pk, "note": "Hospitalised"})
    participant.refresh_from_db()
    assert (participant.status, participant.leaving_reason.code, participant.seat) == ("removed", "health", None)
    page = client.get(reverse("enrolment:application", args=[participant.pk])).content.decode()
    assert "Hospitalised" in page


def _cycle_with(site, unit, n):
    cycle = CycleFactory(term=TermFactory(site=site), capacity=10, screening_required=False)
    for status in ("enrolled", "approved", "pending"):
        for _ in range(n):
            EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), status=status)
    return cycle


def test_cycle_page_query_count_does_not_grow_with_applications(client, site, unit, coordinator, django_assert_max_num_queries):
    client.force_login(coordinator)
    counts = []
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for n in (1, 3):
        cycle = _cycle_with(site, unit, n)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(reverse("enrolment:cycle", args=[cycle.pk]))
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1]
    with django_assert_max_num_queries(counts[0]):
        client.get(reverse("enrolment:cycle", args=[cycle.pk]))


def test_cycle_page_lists_participants_waiting_and_pending_with_findings(client, site, unit, coordinator):
    cycle = CycleFactory(term=TermFactory(site=site), capacity=3, screening_required=False, language="nl")
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, prison_number="E000001"), seat=1)
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, prison_number="W000001"), status="approved", needs_based=True)
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, prison_number="P000001", reads_french=True), status="pending")
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:cycle", args=[cycle.pk])).content.decode()
    for text in ("E000001", "W000001", "needs-based", "P000001", "language_not_spoken", "Free places"):
        assert text in page


def test_cycle_page_counts_who_needs_an_interpreter_and_who_on_the_cycle_speaks_their_language(
        client, site, unit, coordinator):
    from activities.models import FacilitatorKind
    from prisons.models import DetaineeLanguage
    from tests.factories import FacilitatorFactory

    cycle = CycleFactory(term=TermFactory(site=site), capacity=10, screening_required=False, language="fr")
    for number, languages, status in (("A1", ["ar"], "enrolled"), ("A2", ["ar", "fr"], "enrolled"),
                                      ("A3", ["ar"], "approved"), ("R1", ["ro", "ar"], "pending"),
                                      ("R2", ["ro"], "pending"), ("X1", ["ar"], "declined")):
        detainee = DetaineeFactory(unit=unit, prison_number=number)
        for rank, code in enumerate(languages):
            DetaineeLanguage.objects.create(detainee=detainee, language=code,
                                            proficiency="native" if rank == 0 else "basic")
        EnrolmentFactory(cycle=cycle, detainee=detainee, status=status)
    client.force_login(coordinator)
    url = reverse("enrolment:cycle", args=[cycle.pk])
    needs = client.get(url).context["language_needs"]
    assert [(n.language, n.people, n.speakers) for n in needs] == [("ar", 2, []), ("ro", 2, [])]
    assert "nobody on the cycle speaks it: find an interpreter" in client.get(url).content.decode()

    # With an Arabic interpreter on the cycle, the Romanian speaker who also speaks Arabic counts there.
    interpreter = FacilitatorFactory(kind=FacilitatorKind.INTERPRETER, first_name="Samira", last_name="Demo",
                                     languages=["ar"])
    cycle.facilitators.add(interpreter)
    page = client.get(url)
    assert [(n.language, n.people) for n in page.context["language_needs"]] == [("ar", 3), ("ro", 1)]
    html = page.content.decode()
    assert "Arabic: 3 people" in html and "spoken on the cycle by Samira Demo" in html


def test_other_site_coordinator_and_facilitators_cannot_open_enrolment_pages(client, site, unit, other_site, facilitator_user):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    enrolment = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit))
    outsider = UserFactory(sites=[other_site])
    for user in (outsider, facilitator_user):
        client.force_login(user)
        for url in (reverse("enrolment:cycle", args=[cycle.pk]), reverse("enrolment:application", args=[enrolment.pk]),
                    reverse("enrolment:notice", args=[enrolment.pk])):
            assert client.get(url).status_code in (403, 404), (user.username, url)
        response = client.post(reverse("enrolment:application-action", args=[enrolment.pk, "end"]), {"action": "remove"})
        assert response.status_code in (403, 404)
    assert Enrolment.objects.get(pk=enrolment.pk).status == "enrolled"


def test_detainee_page_shows_applications_history_and_screenings_to_those_allowed(client, site, unit, coordinator, staff_user, screener):
    detainee = DetaineeFactory(unit=unit)
    cycle = CycleFactory(term=TermFactory(site=site), screening_required=False)
    application = services.record_application(detainee=detainee, cycle=cycle, by=coordinator, forwarded_by="Psychosocial service")
    Interview.objects.create(detainee=detainee, enrolment=application, screener=screener, status="held", outcome="suitable",
                             scheduled_at=dt.datetime(2026, 11, 30, 9, tzinfo=dt.UTC), notes="SECRET-NOTE")
    url = reverse("prisons:detainee-detail", args=[detainee.pk])
    client.force_login(coordinator)
    page = client.get(url).content.decode()
    assert cycle.code in page and "Application recorded" in page and "Screening interviews" in page
    assert "SECRET-NOTE" not in page
    client.force_login(staff_user)
    page = client.get(url).content.decode()
    assert cycle.code in page and "Screening interviews" not in page
