import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction

from enrolment import services
from enrolment.models import Enrolment, EnrolmentStatus
from tests.factories import (
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    TermFactory,
    UnitFactory,
)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


def _cycle(site, capacity):
    return CycleFactory(term=TermFactory(site=site), capacity=capacity, screening_required=False)


@pytest.mark.django_db
def test_enrol_puts_eleventh_applicant_on_waiting_list(site, unit, coordinator):
    cycle = _cycle(site, 10)
    applications = [services.record_application(detainee=DetaineeFactory(unit=unit), cycle=cycle, by=coordinator)
                    for _ in range(11)]
    results = [services.enrol(a, by=coordinator) for a in applications]
    assert [r.enrolled for r in results] == [True] * 10 + [False]
    assert sorted(Enrolment.objects.filter(cycle=cycle, status="enrolled").values_list("seat", flat=True)) == list(range(1, 11))
    eleventh = Enrolment.objects.get(pk=applications[-1].pk)
    assert eleventh.status == EnrolmentStatus.APPROVED and eleventh.seat is None
    assert eleventh.events.last().why == "Cycle full: placed on the waiting list"


@pytest.mark.django_db
def test_two_enrolments_cannot_share_a_place(site, unit):
    cycle = _cycle(site, 2)
    EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), seat=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit), seat=1)


@pytest.mark.django_db
def test_the_same_person_cannot_apply_twice_and_is_told_why(site, unit, coordinator):
    cycle = _cycle(site, 2)
    detainee = DetaineeFactory(unit=unit, prison_number="P000123")
    services.record_application(detainee=detainee, cycle=cycle, by=coordinator)
    with pytest.raises(ValidationError) as raised:
        services.record_application(detainee=detainee, cycle=cycle, by=coordinator)
    assert raised.value.message_dict == {"detainee": ["P000123 already has an open application for this cycle."]}
    # the database refuses it too, whatever the code path
    with pytest.raises(IntegrityError), transaction.atomic():
        EnrolmentFactory(cycle=cycle, detainee=detainee, status=EnrolmentStatus.PENDING)
    assert Enrolment.objects.filter(cycle=cycle, detainee=detainee).count() == 1


@pytest.mark.postgres_only
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_enrolments_fill_ten_places_exactly():
    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    from tests.factories import SiteFactory

    site = SiteFactory(code="conc")
    unit = UnitFactory(building__site=site)
    cycle = _cycle(site, 10)
    applications = [services.record_application(detainee=DetaineeFactory(unit=unit), cycle=cycle) for _ in range(50)]
    barrier = threading.Barrier(50)
    outcomes, errors = [], []

    def worker(application):
        try:
            barrier.wait(timeout=30)
            outcomes.append(services.enrol(application).enrolled)
        except Exception as exc:  # noqa: BLE001 - any error fails the test below
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(a,)) for a in applications]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sorted(outcomes) == [False] * 40 + [True] * 10
    statuses = list(Enrolment.objects.filter(cycle=cycle).values_list("status", flat=True))
    assert statuses.count("enrolled") == 10
    assert statuses.count("approved") == 40
    assert sorted(Enrolment.objects.filter(cycle=cycle, status="enrolled").values_list("seat", flat=True)) == list(range(1, 11))
