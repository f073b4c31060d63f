"""Screening rounds: who waits for an interview, a morning planned around each detainee's day, the day's list
for the escorts and the invitations in each detainee's language. The round is on Monday 29 March 2027, the
day after the change to summer time: 09:00 in Brussels is 07:00 UTC."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import SessionStatus
from core.models import AuditEntry, Role
from enrolment.models import Enrolment, EnrolmentStatus
from prisons.models import BlockedPeriod, Commitment, DetaineeLanguage, DetaineeStatus
from screening.models import Interview
from screening.rounds import awaiting_screening
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    RoomFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
DAY = dt.date(2027, 3, 29)
FRIDAY = dt.datetime(2027, 3, 26, 10, 0, tzinfo=dt.UTC)


def utc(hour, minute=0):
    return dt.datetime(2027, 3, 29, hour, minute, tzinfo=dt.UTC)


@pytest.fixture
def term(site):
    return TermFactory(site=site, first_date=dt.date(2027, 3, 1), last_date=dt.date(2027, 6, 25))


@pytest.fixture
def theatre(term, unit):
    return CycleFactory(term=term, code="TH-1", screening_required=True, eligible_units=[unit],
                        activity=ActivityFactory(title_fr="Atelier théâtre", title_nl="Theaterworkshop",
                                                 title_en="Theatre workshop"))


@pytest.fixture
def room(site):
    return RoomFactory(site=site, name="Bureau du service")


def pending(cycle, unit, site, name, **values):
    return EnrolmentFactory(cycle=cycle, status=EnrolmentStatus.PENDING, requested_on=dt.date(2027, 3, 10),
                            detainee=DetaineeFactory(unit=unit, site=site, last_name=name, **values))


def test_those_waiting_are_pending_applications_without_an_interview_planned_or_held(
        site, unit, term, theatre, screener, coordinator):
    waiting = pending(theatre, unit, site, "Waiting")
    planned = pending(theatre, unit, site, "Planned")
    Interview.objects.create(detainee=planned.detainee, enrolment=planned, screener=screener, scheduled_at=utc(9))
    held = pending(theatre, unit, site, "Held")
    Interview.objects.create(detainee=held.detainee, screener=screener, scheduled_at=utc(9) - dt.timedelta(days=20),
                             status="held", outcome="suitable")  # in general, not about this cycle: it counts
    missed = pending(theatre, unit, site, "Missed")  # a missed interview leaves them waiting
    Interview.objects.create(detainee=missed.detainee, enrolment=missed, screener=screener, status="missed",
                             scheduled_at=utc(9) - dt.timedelta(days=5))
    no_screening = CycleFactory(term=term, screening_required=False)
    pending(no_screening, unit, site, "NoScreening")
    EnrolmentFactory(cycle=theatre, status=EnrolmentStatus.APPROVED, detainee=DetaineeFactory(unit=unit, site=site))
    pending(theatre, unit, site, "Released", status=DetaineeStatus.RELEASED)
    with time_machine.travel(FRIDAY, tick=False):
        from core.rules import visible_enrolments

        assert list(awaiting_screening(visible_enrolments(coordinator))) == [waiting, missed]


def test_a_round_gives_each_the_first_slot_they_are_free_and_the_day_list_and_invitations_follow(
        client, site, unit, theatre, screener, room, django_assert_max_num_queries):
    court = pending(theatre, unit, site, "Aaa")  # at court 09:00-10:00
    Commitment.objects.create(detainee=court.detainee, kind="court", source="registry",
                              starts_at=utc(7), ends_at=utc(8))
    other_unit = UnitFactory(building__site=site, code="B2")
    theatre.eligible_units.add(other_unit)
    blocked = pending(theatre, other_unit, site, "Bbb")  # B2 has its count 09:00-09:20 on Mondays
    BlockedPeriod.objects.create(unit=other_unit, weekday=0, start=dt.time(9), end=dt.time(9, 20), reason="count")
    free = pending(theatre, unit, site, "Ccc")
    in_session = pending(theatre, unit, site, "Ddd")  # enrolled in painting, 09:00-09:40
    painting = CycleFactory(term=theatre.term)
    EnrolmentFactory(cycle=painting, detainee=in_session.detainee, status=EnrolmentStatus.ENROLLED)
    SessionFactory(cycle=painting, starts_at=utc(7), ends_at=utc(7, 40), status=SessionStatus.SCHEDULED)
    Interview.objects.create(detainee=DetaineeFactory(unit=unit, site=site), screener=screener,
                             scheduled_at=utc(8, 20))  # the screener is taken at 10:20
    DetaineeLanguage.objects.create(detainee=free.detainee, language="nl", proficiency="native")

    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(screener)
        page = client.get(reverse("screening:to-screen"))
        assert [e.pk for _cycle, rows in page.context["cycles"] for e in rows] == [
            court.pk, blocked.pk, free.pk, in_session.pk]
        response = client.post(reverse("screening:to-screen"), {
            "application": [court.pk, blocked.pk, free.pk, in_session.pk], "day": "2027-03-29", "start": "09:00",
            "end": "11:00", "minutes": "20", "screener": screener.pk, "room": room.pk}, follow=True)
        assert "4 interviews planned." in response.content.decode()
        times = {i.enrolment_id: i.scheduled_at for i in Interview.objects.filter(enrolment__isnull=False)}
        # A1 first by unit then name: Aaa (court until 10:00), Ccc, Ddd (session until 09:40); then B2's Bbb
        assert times == {free.pk: utc(7), in_session.pk: utc(7, 40), court.pk: utc(8), blocked.pk: utc(7, 20)}
        assert AuditEntry.objects.filter(detail="screening round").count() == 4

        with django_assert_max_num_queries(12):
            day = client.get(reverse("screening:day"), {"site": site.pk, "date": "2027-03-29"})
        html = day.content.decode()
        assert [i.scheduled_at.astimezone(dt.timezone(dt.timedelta(hours=2))).strftime("%H:%M")
                for i in day.context["interviews"]] == ["09:00", "09:20", "09:40", "10:00", "10:20"]
        assert "Bureau du service" in html and "Theatre workshop" in html
        invitations = client.get(reverse("screening:invitations"), {"site": site.pk, "date": "2027-03-29"})
        text = invitations.content.decode()
        assert "Uitnodiging voor een gesprek" in text and "maandag 29 maart 2027, 09:00" in text  # Ccc reads Dutch
        assert "Invitation à un entretien" in text and "lundi 29 mars 2027, 10:00" in text
        assert AuditEntry.objects.filter(detail="screening invitation").count() == 5


def test_a_round_too_short_or_wrong_saves_nothing_and_names_the_field_or_row(
        client, site, unit, theatre, screener, coordinator, other_site):
    first, second, third = (pending(theatre, unit, site, name) for name in ("Aaa", "Bbb", "Ccc"))
    elsewhere = pending(CycleFactory(screening_required=True), UnitFactory(building__site=other_site), other_site, "Far")
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(coordinator)
        form = {"day": "2027-03-29", "start": "09:00", "end": "09:40", "minutes": "20", "screener": screener.pk}
        short = client.post(reverse("screening:to-screen"), {**form, "application": [first.pk, second.pk, third.pk]})
        assert "1 of them finds no free slot between 09:00 and 09:40" in short.content.decode()
        assert short.context["ticked"] == {first.pk, second.pk, third.pk}  # what was ticked is kept
        wrong = client.post(reverse("screening:to-screen"), {
            **form, "day": "2027-03-01", "minutes": "5", "end": "08:00", "application": [first.pk]})
        assert set(wrong.context["form"].errors) == {"day", "minutes", "end"}
        api = client.post("/api/v1/screening-interviews/round/", {
            "applications": [first.pk, elsewhere.pk], "day": "2027-03-29", "start": "09:00", "end": "12:00",
            "minutes": 20, "screener": screener.pk}, content_type="application/json")
        assert api.status_code == 400
        assert api.json()["applications"] == [
            f"Row 2: application {elsewhere.pk} is not waiting for a screening interview among those you may see."]
    assert not Interview.objects.exists()


def test_the_api_lists_those_waiting_and_plans_a_round(client, site, unit, theatre, screener, room):
    first = pending(theatre, unit, site, "Aaa")
    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(screener)
        waiting = client.get("/api/v1/screening-interviews/to-screen/", {"site": site.pk}).json()
        assert [(row["application"], row["cycle_code"], row["unit"]) for row in waiting] == [(first.pk, "TH-1", "A1")]
        made = client.post("/api/v1/screening-interviews/round/", {
            "applications": [first.pk], "day": "2027-03-29", "start": "09:00", "end": "12:00", "minutes": 30,
            "screener": screener.pk, "room": room.pk}, content_type="application/json")
        assert made.status_code == 201
        assert [(row["enrolment"], row["status"]) for row in made.json()] == [(first.pk, "scheduled")]
        assert "notes" not in made.json()[0]
        assert client.get("/api/v1/screening-interviews/to-screen/").json() == []


def test_only_screeners_and_coordinators_of_the_site_plan_rounds(client, site, unit, theatre, staff_user,
                                                                facilitator_user, coordinator, other_site):
    first = pending(theatre, unit, site, "Aaa")
    with time_machine.travel(FRIDAY, tick=False):
        for user in (staff_user, facilitator_user):
            client.force_login(user)
            assert client.get(reverse("screening:to-screen")).status_code == 403
            assert client.get(reverse("screening:day"), {"site": site.pk}).status_code in (403, 404)
            assert client.get("/api/v1/screening-interviews/to-screen/").status_code == 403
        client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
        assert client.get(reverse("screening:to-screen")).context["count"] == 0
        assert client.get(reverse("screening:day"), {"site": site.pk}).status_code == 404
        client.force_login(coordinator)
        home = client.get("/").content.decode()
        assert "<strong>1</strong> application waiting for a screening interview to be planned" in home
        assert f'value="{first.pk}"' in client.get(reverse("screening:to-screen")).content.decode()


@pytest.mark.postgres_only
@pytest.mark.serial
@pytest.mark.django_db(transaction=True)
def test_two_rounds_planned_at_once_neither_give_one_application_two_interviews_nor_share_a_slot():
    import threading

    from django.db import connection, connections

    from core.rules import visible_enrolments
    from screening.rounds import plan_round
    from tests.factories import SiteFactory

    if connection.vendor != "postgresql":
        pytest.skip("Row locks and real concurrency need PostgreSQL.")
    site = SiteFactory(code="conc")
    unit = UnitFactory(building__site=site, code="C1")
    cycle = CycleFactory(term=TermFactory(site=site, first_date=dt.date(2027, 3, 1), last_date=dt.date(2027, 6, 25)),
                         screening_required=True, eligible_units=[unit])
    coordinator = UserFactory(role=Role.COORDINATOR, sites=[site])
    sami, camille = (UserFactory(role=Role.SCREENER, sites=[site]) for _ in range(2))
    shared = [pending(cycle, unit, site, f"Shared{n}").pk for n in range(6)]
    mine, yours = ([pending(cycle, unit, site, f"{who}{n}").pk for n in range(6)] for who in ("Mine", "Yours"))
    attempts = [(shared, sami), (shared, camille), (mine, sami), (yours, sami)]
    barrier = threading.Barrier(len(attempts))
    planned, refused = [], []

    def worker(applications, screener):
        try:
            barrier.wait(timeout=30)
            planned.append(len(plan_round(applications=applications, scope=visible_enrolments(coordinator),
                                          day=DAY, start=dt.time(9), end=dt.time(17), minutes=20,
                                          screener=screener, by=coordinator)))
        except Exception as error:  # noqa: BLE001 - a refusal is expected for one of the shared rounds
            refused.append(type(error).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert sorted(planned) == [6, 6, 6] and refused == ["ValidationError"]
    assert Interview.objects.filter(enrolment_id__in=shared).count() == 6
    sami_times = list(Interview.objects.filter(screener=sami).values_list("scheduled_at", flat=True))
    assert len(sami_times) == len(set(sami_times))  # no slot given twice


def test_the_lists_and_invitations_read_in_the_same_queries_for_few_or_many(client, site, unit, theatre, screener,
                                                                          room):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def counts(people: int) -> list[int]:
        for n in range(people):
            enrolment = pending(theatre, unit, site, f"P{people}-{n}")
            Interview.objects.create(detainee=enrolment.detainee, enrolment=None, screener=screener, room=room,
                                     scheduled_at=utc(7) + dt.timedelta(minutes=20 * n))
            pending(theatre, unit, site, f"W{people}-{n}")  # still waiting
        found = []
        for path, params in ((reverse("screening:to-screen"), {}),
                             (reverse("screening:day"), {"site": site.pk, "date": "2027-03-29"}),
                             (reverse("screening:invitations"), {"site": site.pk, "date": "2027-03-29"})):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(path, params).status_code == 200
            found.append(len(queries))
        return found

    with time_machine.travel(FRIDAY, tick=False):
        client.force_login(screener)
        assert counts(2) == counts(12)


def test_the_days_outcomes_are_recorded_at_once_or_not_at_all(client, site, unit, theatre, screener, room, other_site):
    with time_machine.travel(FRIDAY, tick=False):
        first, second, third = (pending(theatre, unit, site, name) for name in ("Aaa", "Bbb", "Ccc"))
        interviews = [Interview.objects.create(detainee=e.detainee, enrolment=e, screener=screener, room=room,
                                               scheduled_at=utc(7) + dt.timedelta(minutes=20 * n))
                      for n, e in enumerate((first, second, third))]
        client.force_login(screener)
        url = f"{reverse('screening:day-outcomes')}?site={site.pk}&date=2027-03-29"
        page = client.get(url)
        assert [row["interview"] for row in page.context["rows"]] == interviews
        wrong = client.post(url, {
            f"status-{interviews[0].pk}": "held", f"outcome-{interviews[0].pk}": "suitable",
            f"status-{interviews[1].pk}": "held", f"outcome-{interviews[1].pk}": "not_suitable",  # no reason
            f"status-{interviews[2].pk}": "missed"})
        assert wrong.status_code == 400
        assert f"Row 2 ({second.detainee.prison_number}): Give the reason for this outcome." in wrong.content.decode()
        assert 'value="suitable" selected' in wrong.content.decode()  # what was typed stays
        assert not Interview.objects.exclude(status="scheduled").exists()  # nothing saved
        done = client.post(url, {
            f"status-{interviews[0].pk}": "held", f"outcome-{interviews[0].pk}": "suitable",
            f"status-{interviews[1].pk}": "held", f"outcome-{interviews[1].pk}": "not_suitable",
            f"reason-{interviews[1].pk}": "Prefers the drawing workshop", f"status-{interviews[2].pk}": ""},
            follow=True)
        assert "2 interviews recorded." in done.content.decode()
        assert [(i.status, i.outcome) for i in Interview.objects.order_by("scheduled_at")] == [
            ("held", "suitable"), ("held", "not_suitable"), ("scheduled", "")]
        assert list(awaiting_screening(Enrolment.objects.all())) == []  # two screened, the third still planned
        api = client.post("/api/v1/screening-interviews/outcomes/", {"outcomes": [
            {"interview": interviews[2].pk, "status": "missed"}]}, content_type="application/json")
        assert api.status_code == 200 and api.json()[0]["status"] == "missed"
        assert list(awaiting_screening(Enrolment.objects.all())) == [third]  # missed: waiting again
        client.force_login(UserFactory(role=Role.COORDINATOR, sites=[other_site]))
        refused = client.post("/api/v1/screening-interviews/outcomes/", {"outcomes": [
            {"interview": interviews[0].pk, "status": "cancelled"}]}, content_type="application/json")
        assert refused.status_code == 400 and "Row 1: no interview" in refused.json()["outcomes"][0]


def test_the_home_page_counts_past_interviews_with_nothing_recorded(client, site, unit, theatre, screener):
    first = pending(theatre, unit, site, "Aaa")
    Interview.objects.create(detainee=first.detainee, enrolment=first, screener=screener, scheduled_at=utc(7))
    with time_machine.travel(dt.datetime(2027, 3, 30, 9, tzinfo=dt.UTC), tick=False):
        client.force_login(screener)
        home = client.get("/").content.decode()
    assert "<strong>1</strong> past screening interview with nothing recorded" in home
    assert f'href="/screening/day/outcomes/?site={site.pk}&amp;date=2027-03-29"' in home
