import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from enrolment import services
from enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus, LeavingReason
from prisons.models import DetaineeStatus
from tests.factories import CycleFactory, DetaineeFactory, EnrolmentFactory, TermFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC), tick=False)


def test_leaving_reasons_are_seeded_in_order():
    codes = list(LeavingReason.objects.values_list("code", flat=True))
    assert codes == ["completed", "released", "transferred", "withdrew", "withdrawn_by_coordinator",
                     "health", "security", "clash_work_training", "other"]


def test_departure_ends_every_open_application_with_that_reason_and_offers_the_freed_place(site, unit, coordinator):
    cycle = CycleFactory(term=TermFactory(site=site), capacity=1, screening_required=False)
    other_cycle = CycleFactory(term=TermFactory(site=site), screening_required=False)
    leaving = DetaineeFactory(unit=unit)
    enrolled = EnrolmentFactory(detainee=leaving, cycle=cycle, status=EnrolmentStatus.ENROLLED, seat=1)
    pending = EnrolmentFactory(detainee=leaving, cycle=other_cycle, status=EnrolmentStatus.PENDING)
    waiting = EnrolmentFactory(detainee=DetaineeFactory(unit=unit), cycle=cycle, status=EnrolmentStatus.APPROVED)
    done = EnrolmentFactory(detainee=leaving, cycle=CycleFactory(term=TermFactory(site=site)), status=EnrolmentStatus.DECLINED)

    ended = services.end_enrolments_for_departure(leaving, DetaineeStatus.TRANSFERRED, by=coordinator)

    assert {e.pk for e in ended} == {enrolled.pk, pending.pk}
    enrolled.refresh_from_db()
    pending.refresh_from_db()
    assert enrolled.status == EnrolmentStatus.REMOVED and enrolled.seat is None
    assert pending.status == EnrolmentStatus.WITHDRAWN
    assert enrolled.leaving_reason.code == pending.leaving_reason.code == "transferred"
    assert enrolled.ended_on == dt.date(2026, 12, 1)
    last = enrolled.events.last()
    assert (last.from_status, last.to_status, last.by, last.leaving_reason.code) == ("enrolled", "removed", coordinator, "transferred")
    waiting.refresh_from_db()
    assert waiting.offered_at is not None and waiting.status == EnrolmentStatus.APPROVED
    done.refresh_from_db()
    assert done.status == EnrolmentStatus.DECLINED and done.leaving_reason is None


def test_departure_of_someone_without_applications_changes_nothing(unit):
    assert services.end_enrolments_for_departure(DetaineeFactory(unit=unit), DetaineeStatus.RELEASED) == []


def test_withdraw_frees_the_place_and_remove_needs_an_open_application(site, unit, coordinator):
    cycle = CycleFactory(term=TermFactory(site=site), capacity=2)
    enrolment = EnrolmentFactory(detainee=DetaineeFactory(unit=unit), cycle=cycle, seat=1)
    services.withdraw(enrolment, by=coordinator, note="Prefers the football workshop")
    enrolment.refresh_from_db()
    assert enrolment.status == EnrolmentStatus.WITHDRAWN
    assert enrolment.leaving_reason.code == "withdrew"
    assert enrolment.events.last().reason == "Prefers the football workshop"
    assert enrolment.events.last().why == "Withdrew (own request) · Prefers the football workshop"
    assert Enrolment.objects.filter(cycle=cycle, status="enrolled").count() == 0
    with pytest.raises(ValidationError, match="already ended"):
        services.remove(enrolment, by=coordinator)


def test_the_history_reads_in_each_readers_language_whoever_wrote_it(client, site, unit, coordinator):
    """A French-speaking coordinator records and ends an application; their Dutch-speaking colleague reads
    what Relais said, and the leaving reason, in Dutch; only the words typed stay as typed."""
    cycle = CycleFactory(term=TermFactory(site=site), capacity=2, screening_required=False)
    with translation.override("fr"):
        enrolment = services.record_application(detainee=DetaineeFactory(unit=unit), cycle=cycle, by=coordinator)
        services.enrol(enrolment, by=coordinator)
        services.withdraw(enrolment, by=coordinator, note="Préfère le foot")
    client.force_login(coordinator)
    dutch = client.get(f"/enrolment/applications/{enrolment.pk}/", HTTP_ACCEPT_LANGUAGE="nl").content.decode()
    assert "Aanvraag geregistreerd (Rapportbriefje)" in dutch
    assert "Afgehaakt (eigen verzoek) · Préfère le foot" in dutch
    assert "Demande enregistrée" not in dutch
    english = client.get(f"/enrolment/applications/{enrolment.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Application recorded (Request slip)" in english and "Withdrew (own request) · Préfère le foot" in english


def test_texts_stored_before_became_kinds(site, unit, coordinator):
    """The migration's conversion: texts in any language become kinds, a copied leaving label goes."""
    from importlib import import_module

    from django.apps import apps

    cycle = CycleFactory(term=TermFactory(site=site), capacity=2)
    enrolment = EnrolmentFactory(detainee=DetaineeFactory(unit=unit), cycle=cycle, status=EnrolmentStatus.WITHDRAWN)
    withdrew = LeavingReason.objects.get(code="withdrew")
    old = [("Demande enregistrée (Billet de rapport)", None), ("Reeks volzet: op de wachtlijst geplaatst", None),
           (withdrew.label_fr, withdrew), ("Préfère le foot", withdrew)]
    events = [EnrolmentEvent.objects.create(enrolment=enrolment, to_status="pending", reason=text, leaving_reason=why)
              for text, why in old]
    import_module("enrolment.migrations.0009_event_kinds").texts_to_kinds(apps, None)
    assert [(e.kind, e.reason) for e in EnrolmentEvent.objects.filter(pk__in=[e.pk for e in events]).order_by("pk")] \
        == [("recorded", ""), ("waiting_list", ""), ("", ""), ("", "Préfère le foot")]
