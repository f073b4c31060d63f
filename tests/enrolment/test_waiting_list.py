import datetime as dt

import pytest
from django.urls import reverse

from enrolment import services
from enrolment.models import EnrolmentStatus
from enrolment.selectors import waiting_list_for
from prisons.models import ActivityRestriction
from tests.factories import CycleFactory, DetaineeFactory, EnrolmentFactory, TermFactory

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
    return CycleFactory(term=TermFactory(site=site), capacity=1, screening_required=False)


def _waiting(cycle, unit, requested_on, needs_based=False, number=None):
    extra = {"prison_number": number} if number else {}
    return EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, **extra), status=EnrolmentStatus.APPROVED,
                            requested_on=requested_on, needs_based=needs_based)


def test_waiting_list_puts_needs_based_first_then_oldest_application(cycle, unit):
    late = _waiting(cycle, unit, dt.date(2026, 11, 20))
    early = _waiting(cycle, unit, dt.date(2026, 11, 1))
    priority = _waiting(cycle, unit, dt.date(2026, 11, 25), needs_based=True)
    assert list(waiting_list_for(cycle)) == [priority, early, late]


def test_a_freed_place_is_offered_to_the_next_eligible_person_and_the_coordinator_confirms(cycle, unit, coordinator):
    holder = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), seat=1)
    sanctioned = _waiting(cycle, unit, dt.date(2026, 11, 1), needs_based=True)
    # sanctions warn but do not block; someone no longer in prison cannot be offered a place
    sanctioned.detainee.status = "released"
    sanctioned.detainee.save()
    next_one = _waiting(cycle, unit, dt.date(2026, 11, 2))
    ActivityRestriction.objects.create(detainee=next_one.detainee, starts_on=dt.date(2026, 11, 1), ends_on=dt.date(2026, 11, 2))
    last = _waiting(cycle, unit, dt.date(2026, 11, 3))

    services.withdraw(holder, by=coordinator)

    for e in (sanctioned, next_one, last):
        e.refresh_from_db()
    assert sanctioned.offered_at is None and last.offered_at is None
    assert next_one.offered_at is not None and next_one.status == EnrolmentStatus.APPROVED
    assert next_one.events.last().why == "A place was freed and offered"

    result = services.confirm_offer(next_one, by=coordinator)
    assert result.enrolled
    next_one.refresh_from_db()
    assert (next_one.status, next_one.seat, next_one.offered_at) == ("enrolled", 1, None)


def test_cycle_page_shows_the_offer_and_the_coordinator_confirms_it(client, cycle, unit, coordinator):
    waiting = _waiting(cycle, unit, dt.date(2026, 11, 2), number="W000001")
    services.offer_free_places(cycle, by=coordinator)
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:cycle", args=[cycle.pk])).content.decode()
    assert "W000001" in page and "place offered" in page and "Confirm the offer" in page
    response = client.post(reverse("enrolment:application-action", args=[waiting.pk, "confirm-offer"]), {"next": "cycle"})
    assert response.status_code == 302 and response.url == reverse("enrolment:cycle", args=[cycle.pk])
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.ENROLLED


def test_offers_never_exceed_the_free_places(cycle, unit):
    first = _waiting(cycle, unit, dt.date(2026, 11, 1))
    second = _waiting(cycle, unit, dt.date(2026, 11, 2))
    services.offer_free_places(cycle)
    services.offer_free_places(cycle)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.offered_at is not None and second.offered_at is None
