"""Written answers to applications: which are still to give, the slips, "handed out", the API."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from enrolment.models import ApplicationAnswer, Enrolment, EnrolmentStatus
from prisons.models import DetaineeLanguage, DetaineeStatus
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

TODAY = dt.date(2026, 12, 14)


@pytest.fixture(autouse=True)
def frozen_today(time_machine):
    time_machine.move_to(dt.datetime(2026, 12, 14, 9, 0, tzinfo=dt.UTC), tick=False)


@pytest.fixture
def term(site):
    return TermFactory(site=site)


@pytest.fixture
def theatre(term, unit):
    activity = ActivityFactory(title_fr="Atelier théâtre", title_nl="Theaterworkshop", title_en="Theatre workshop")
    cycle = CycleFactory(term=term, activity=activity, code="TH-1", capacity=1, screening_required=True,
                         eligible_units=[unit])
    room = RoomFactory(site=term.site, name="Salle polyvalente B2")
    start = dt.datetime(2027, 1, 12, 13, 0, tzinfo=dt.UTC)  # Tuesdays 14:00 in Brussels
    for week in range(3):
        SessionFactory(cycle=cycle, room=room, starts_at=start + dt.timedelta(weeks=week),
                       ends_at=start + dt.timedelta(weeks=week, minutes=90))
    return cycle


def apply(cycle, detainee, *, status=EnrolmentStatus.PENDING, days_ago=2, **values):
    return EnrolmentFactory(cycle=cycle, detainee=detainee, status=status,
                            requested_on=TODAY - dt.timedelta(days=days_ago), **values)


def tell(enrolment, status=None, days_ago=1):
    return ApplicationAnswer.objects.create(
        enrolment=enrolment, status=status or enrolment.status, language="fr",
        answered_at=dt.datetime(2026, 12, 14, 8, tzinfo=dt.UTC) - dt.timedelta(days=days_ago))


def test_the_list_holds_every_state_not_yet_told_unit_by_unit_and_the_home_page_counts_the_due_ones(
        client, coordinator, site, unit, theatre, term, django_assert_max_num_queries):
    b2 = UnitFactory(building__site=site, code="B2")
    names = iter(f"Person{n:02d}" for n in range(40))

    def person(unit=unit, **values):
        return DetaineeFactory(unit=unit, site=site, last_name=next(names), **values)

    recent = apply(theatre, person(), days_ago=2)  # listed, not yet due: a decision may come first
    old = apply(theatre, person(unit=b2), days_ago=10)
    waiting = apply(theatre, person(), status=EnrolmentStatus.APPROVED)
    enrolled = apply(theatre, person(), status=EnrolmentStatus.ENROLLED, seat=1)
    refused = apply(theatre, person(), status=EnrolmentStatus.DECLINED, ended_on=TODAY - dt.timedelta(days=5))
    told_then_enrolled = apply(theatre, person(), status=EnrolmentStatus.APPROVED)
    tell(told_then_enrolled)
    told_then_enrolled.status = EnrolmentStatus.ENROLLED  # offered the place later: the notice is due
    told_then_enrolled.seat = None
    told_then_enrolled.save()
    # nothing to tell: already told, refused long ago, withdrawn, gone, an ended term, another site
    tell(apply(theatre, person(), status=EnrolmentStatus.APPROVED))
    apply(theatre, person(), status=EnrolmentStatus.DECLINED, ended_on=TODAY - dt.timedelta(days=40))
    apply(theatre, person(), status=EnrolmentStatus.WITHDRAWN)
    apply(theatre, person(status=DetaineeStatus.RELEASED), status=EnrolmentStatus.APPROVED)
    ended = CycleFactory(term=TermFactory(site=site, first_date=dt.date(2026, 3, 1), last_date=dt.date(2026, 6, 30)))
    apply(ended, person(), status=EnrolmentStatus.APPROVED)
    apply(CycleFactory(), DetaineeFactory(), status=EnrolmentStatus.APPROVED)

    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        page = client.get(reverse("enrolment:answers"))
    listed = [row["enrolment"].pk for _unit, rows in page.context["units"] for row in rows]
    assert listed == [recent.pk, waiting.pk, enrolled.pk, refused.pk, told_then_enrolled.pk, old.pk]  # A1, then B2
    assert [unit.code for unit, _rows in page.context["units"]] == ["A1", "B2"]
    html = page.content.decode()
    assert f'value="{recent.pk}" id="answer-{recent.pk}">' in html  # not ticked
    assert f'value="{old.pk}" id="answer-{old.pk}" checked>' in html
    assert "Waiting list, number 1" in html and "Approved (waiting list)" in html  # what was last told
    assert page.context["overdue"] == 5

    home = client.get(reverse("home")).content.decode()
    assert "<strong>5</strong> written answers to hand to detainees" in home

    by_unit = client.get(reverse("enrolment:answers"), {"unit": unit.pk, "status": "pending"})
    assert [row["enrolment"].pk for _unit, rows in by_unit.context["units"] for row in rows] == [recent.pk]


def test_each_slip_tells_its_state_in_the_detainees_language(client, coordinator, site, unit, theatre):
    pending = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Aaa"), days_ago=9)
    first = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Bbb"), status=EnrolmentStatus.APPROVED,
                  days_ago=9, needs_based=True)
    second = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Ccc"), status=EnrolmentStatus.APPROVED)
    enrolled = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Ddd"), status=EnrolmentStatus.ENROLLED,
                     seat=1)
    DetaineeLanguage.objects.create(detainee=second.detainee, language="nl", proficiency="native")
    DetaineeLanguage.objects.create(detainee=enrolled.detainee, language="en", proficiency="fluent")
    client.force_login(coordinator)

    page = client.get(reverse("enrolment:answers-print"), {"a": [pending.pk, first.pk, second.pk, enrolled.pk]})
    slips = {slip.enrolment.pk: slip for slip in page.context["slips"]}
    assert [slip.enrolment.pk for slip in page.context["slips"]] == [pending.pk, first.pk, second.pk, enrolled.pk]
    assert {pk: (slip.language, slip.waiting_position) for pk, slip in slips.items()} == {
        pending.pk: ("fr", None), first.pk: ("fr", 1), second.pk: ("nl", 2), enrolled.pk: ("en", None)}
    html = page.content.decode()
    assert "Votre demande a bien été reçue" in html and "entretien" in html  # screening comes first
    assert "Vous êtes le numéro 1 sur la liste d'attente." in html
    assert "U staat als nummer 2 op de wachtlijst." in html and "Theaterworkshop" in html
    assert "You are enrolled" in html and "Every Tuesday, from 14:00 to 15:30" in html
    assert "Salle polyvalente B2" in html
    # printing reads detainee data: one audit entry per slip, ids only
    entries = AuditEntry.objects.filter(detail__startswith="answer slip")
    assert sorted(entries.values_list("detainee_id", flat=True)) == sorted(
        e.detainee_id for e in (pending, first, second, enrolled))
    assert not any("Aaa" in entry.detail for entry in entries)

    english = client.get(reverse("enrolment:answers-print"), {"a": [second.pk], "lang": "en"}).content.decode()
    assert "You are number 2 on the waiting list." in english


def test_a_refusal_points_to_what_else_the_unit_can_apply_for(client, coordinator, site, unit, term, theatre):
    detainee = DetaineeFactory(unit=unit, site=site)
    refused = apply(theatre, detainee, status=EnrolmentStatus.DECLINED, ended_on=TODAY)
    painting = CycleFactory(term=term, activity=ActivityFactory(title_fr="Peinture", title_en="Painting"),
                            eligible_units=[unit], capacity=8)
    SessionFactory(cycle=painting, starts_at=dt.datetime(2027, 1, 14, 9, tzinfo=dt.UTC),
                   ends_at=dt.datetime(2027, 1, 14, 11, tzinfo=dt.UTC))
    already = CycleFactory(term=term, activity=ActivityFactory(title_fr="Lecture", title_en="Reading club"),
                           eligible_units=[unit])
    apply(already, detainee)  # asked already: not suggested again
    CycleFactory(term=term, activity=ActivityFactory(title_fr="Yoga", title_en="Yoga"),
                 eligible_units=[UnitFactory(building__site=site)])  # not open to their unit

    client.force_login(coordinator)
    html = client.get(reverse("enrolment:answers-print"), {"a": refused.pk, "lang": "en"}).content.decode()
    assert "We cannot give you a place this time" in html
    assert "Painting" in html and "Thursday 10:00" in html and "8 places left." in html
    assert "Reading club" not in html and "Yoga" not in html
    assert "Theatre workshop" in html  # what they asked for, not among the suggestions
    assert html.count("Theatre workshop") == 1


def test_handed_out_records_what_the_slip_told_so_a_later_decision_is_due_again(client, coordinator, site, unit, theatre):
    waiting = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.APPROVED, days_ago=9)
    pending = apply(theatre, DetaineeFactory(unit=unit, site=site), days_ago=9)
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:answers-print"), {"a": [waiting.pk, pending.pk]})
    tokens = [slip.token for slip in page.context["slips"]]
    assert f'name="answer" value="{tokens[0]}"' in page.content.decode()

    # the place came before the slip went out
    Enrolment.objects.filter(pk=waiting.pk).update(status=EnrolmentStatus.ENROLLED, seat=1)
    response = client.post(reverse("enrolment:answers-handed"), {"answer": tokens}, follow=True)
    assert "2 answers recorded as handed out." in response.content.decode()
    told = {a.enrolment_id: (a.status, a.waiting_position, a.by) for a in ApplicationAnswer.objects.all()}
    assert told == {waiting.pk: ("approved", 1, coordinator), pending.pk: ("pending", None, coordinator)}
    due = client.get(reverse("enrolment:answers")).context["units"]
    assert [row["enrolment"].pk for _unit, rows in due for row in rows] == [waiting.pk]  # now enrolled: its notice

    application = client.get(reverse("enrolment:application", args=[waiting.pk])).content.decode()
    assert "Last answer handed out on 14 December 2026: Approved (waiting list)." in application
    assert "they are waiting for a new answer" in application


def test_handed_out_refuses_a_row_not_theirs_or_not_printed_by_relais_and_saves_nothing(
        client, coordinator, site, unit, theatre):
    mine = apply(theatre, DetaineeFactory(unit=unit, site=site))
    elsewhere = apply(CycleFactory(), DetaineeFactory(), status=EnrolmentStatus.APPROVED)
    client.force_login(coordinator)
    response = client.post(reverse("enrolment:answers-handed"), {
        "answer": [f"{mine.pk}:pending:fr:", f"{elsewhere.pk}:approved:fr:1"]}, follow=True)
    assert f"Row 2: no application {elsewhere.pk} among those you may see." in response.content.decode()
    response = client.post(reverse("enrolment:answers-handed"), {"answer": [f"{mine.pk}:pending:fr:", "junk"]},
                           follow=True)
    assert "Row 2: this is not an answer printed by Relais." in response.content.decode()
    response = client.post(reverse("enrolment:answers-handed"), {"answer": [f"{mine.pk}:withdrawn:fr:"]},
                           follow=True)
    assert "Row 1: an answer cannot tell" in response.content.decode()
    assert not ApplicationAnswer.objects.exists()


def test_one_answer_from_the_application_page_in_any_state(client, coordinator, site, unit, theatre):
    refused = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.DECLINED, ended_on=TODAY)
    DetaineeLanguage.objects.create(detainee=refused.detainee, language="nl", proficiency="native")
    client.force_login(coordinator)
    application = client.get(reverse("enrolment:application", args=[refused.pk])).content.decode()
    assert "No written answer handed out yet." in application
    page = client.get(reverse("enrolment:notice", args=[refused.pk]))
    assert page.context["language"] == "nl" and '<html lang="nl">' in page.content.decode()
    assert "We kunnen u deze keer geen plaats geven" in page.content.decode()
    assert "<script>" not in page.content.decode() and "style=" not in page.content.decode()
    token = page.context["slip"].token
    client.post(reverse("enrolment:answers-handed"), {"answer": token,
                                                      "next": reverse("enrolment:notice", args=[refused.pk])})
    assert ApplicationAnswer.objects.get().status == "declined"
    withdrawn = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.WITHDRAWN)
    assert client.get(reverse("enrolment:notice", args=[withdrawn.pk])).status_code == 403


def test_only_the_sites_coordinators_answer(client, site, unit, theatre, screener, staff_user, facilitator_user,
                                            other_site):
    pending = apply(theatre, DetaineeFactory(unit=unit, site=site), days_ago=9)
    outsider = UserFactory(username="far", role="coordinator", sites=[other_site])
    for user in (screener, staff_user, facilitator_user, outsider):
        client.force_login(user)
        assert client.get(reverse("enrolment:notice", args=[pending.pk])).status_code in (403, 404), user
        response = client.post(reverse("enrolment:answers-handed"), {"answer": f"{pending.pk}:pending:fr:"})
        assert response.status_code == 403 or not ApplicationAnswer.objects.exists(), user
        if user is outsider:
            assert client.get(reverse("enrolment:answers")).context["count"] == 0
            assert client.get(reverse("enrolment:answers-print"), {"a": pending.pk}).context["slips"] == []
        else:
            assert client.get(reverse("enrolment:answers")).status_code == 403
    assert not ApplicationAnswer.objects.exists()


def test_api_lists_the_answers_due_and_records_them_all_or_none(client, coordinator, site, unit, theatre):
    waiting = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.APPROVED)
    recent = apply(theatre, DetaineeFactory(unit=unit, site=site), days_ago=1)
    elsewhere = apply(CycleFactory(), DetaineeFactory(), status=EnrolmentStatus.APPROVED)
    client.force_login(coordinator)
    due = client.get("/api/v1/application-answers/due/", {"site": site.pk}).json()
    assert [(row["application"], row["status"], row["waiting_position"], row["due"]) for row in due] == [
        (waiting.pk, "approved", 1, True), (recent.pk, "pending", None, False)]

    refused = client.post("/api/v1/application-answers/", {"answers": [
        {"application": waiting.pk}, {"application": elsewhere.pk}]}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["answers"] == [f"Row 2: no application {elsewhere.pk} among those you may see."]
    assert not ApplicationAnswer.objects.exists()

    made = client.post("/api/v1/application-answers/", {"answers": [{"application": waiting.pk}]},
                       content_type="application/json")
    assert made.status_code == 201
    assert [(a["application"], a["status"], a["waiting_position"], a["language"]) for a in made.json()] == [
        (waiting.pk, "approved", 1, "fr")]
    assert [row["application"] for row in client.get("/api/v1/application-answers/due/").json()] == [recent.pk]
    given = client.get("/api/v1/application-answers/", {"application": waiting.pk}).json()
    assert [(a["application"], a["status"], a["by"]) for a in given["results"]] == [(waiting.pk, "approved", "coord")]


def test_the_persons_record_lists_the_answers_handed_to_them(client, coordinator, site, unit, theatre):
    waiting = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.APPROVED)
    ApplicationAnswer.objects.create(enrolment=waiting, status="approved", waiting_position=3, language="en")
    client.force_login(coordinator)
    html = client.get(reverse("prisons:detainee-access-record", args=[waiting.detainee.pk]), {"lang": "en"}).content.decode()
    assert "Written answers handed to you:" in html and "number 3 on the waiting list" in html
    record = client.get(f"/api/v1/detainees/{waiting.detainee.pk}/record/").json()
    assert record["enrolments"][0]["answers_handed_out"][0]["waiting_position"] == 3


def test_printing_reads_in_the_same_number_of_queries_for_a_few_slips_or_many(client, coordinator, site, term, theatre):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    units = [UnitFactory(building__site=site, code=f"U{n}") for n in range(4)]
    theatre.eligible_units.add(*units)
    states = [EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED, EnrolmentStatus.ENROLLED, EnrolmentStatus.DECLINED]
    applications = [apply(theatre, DetaineeFactory(unit=units[n % 4], site=site), status=states[n % 4], days_ago=9,
                          ended_on=TODAY if states[n % 4] == EnrolmentStatus.DECLINED else None)
                    for n in range(16)]
    for detainee in {a.detainee for a in applications[:8]}:
        DetaineeLanguage.objects.create(detainee=detainee, language="nl", proficiency="native")
    client.force_login(coordinator)
    counts = []
    for chosen in (applications[:4], applications):
        with CaptureQueriesContext(connection) as queries:
            page = client.get(reverse("enrolment:answers-print"), {"a": [a.pk for a in chosen]})
        assert len(page.context["slips"]) == len(chosen)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 20


def test_a_print_over_the_limit_says_how_many_stay_for_the_next(client, coordinator, site, unit, theatre, monkeypatch):
    from enrolment import answer_views

    monkeypatch.setattr(answer_views, "PRINT_AT_MOST", 2)
    ticked = [apply(theatre, DetaineeFactory(unit=unit, site=site), days_ago=9).pk for _ in range(3)]
    client.force_login(coordinator)
    page = client.get(reverse("enrolment:answers-print"), {"a": ticked})
    assert len(page.context["slips"]) == 2
    assert "2 of the 3 ticked: at most 2 are printed at once" in page.content.decode()


def test_the_evaluation_counts_the_days_to_a_decision_and_the_answers_in_writing(client, coordinator, site, unit,
                                                                                 theatre):
    import datetime as datetime_module

    from enrolment.indicators import term_indicators
    from enrolment.models import EnrolmentEvent

    decided = []
    for days in (2, 6, 30):  # decided 2, 6 and 30 days after the request: the middle value is 6
        enrolment = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.APPROVED,
                          days_ago=40)
        event = EnrolmentEvent.objects.create(enrolment=enrolment, from_status="pending", to_status="approved")
        EnrolmentEvent.objects.filter(pk=event.pk).update(at=datetime_module.datetime.combine(
            enrolment.requested_on + dt.timedelta(days=days), dt.time(10), tzinfo=dt.UTC))
        decided.append(enrolment)
    apply(theatre, DetaineeFactory(unit=unit, site=site), days_ago=3)  # not decided yet: not counted
    tell(decided[0])
    tell(decided[0], status="pending", days_ago=30)  # two answers, one application
    row = next(r for r in term_indicators(theatre.term).cycles if r.cycle == theatre)
    assert (row.median_days_to_decision, row.answered_in_writing, row.answered_rate) == (6, 1, 0.25)
    client.force_login(coordinator)
    page = client.get(reverse("evaluation:term", args=[theatre.term.pk]))
    assert "25% answered in writing" in page.content.decode()
    with time_machine.travel(dt.datetime(2027, 1, 20, 9, tzinfo=dt.UTC), tick=False):  # once the term has started
        client.force_login(coordinator)
        api = client.get(f"/api/v1/indicators/{theatre.term.pk}/").json()
    cycle = next(c for c in api["cycles"] if c["code"] == "TH-1")
    assert (cycle["median_days_to_decision"], cycle["answered_rate"]) == (6, 0.25)


def test_the_cycle_page_marks_who_was_told_and_who_waits_for_an_answer(client, coordinator, site, unit, theatre):
    told = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Told"), status=EnrolmentStatus.APPROVED)
    tell(told)
    untold = apply(theatre, DetaineeFactory(unit=unit, site=site, last_name="Untold"), status=EnrolmentStatus.ENROLLED,
                   seat=1)
    client.force_login(coordinator)
    html = client.get(reverse("enrolment:cycle", args=[theatre.pk])).content.decode()
    assert "TOLD" in html and "told on 13 Dec" in html
    assert f'<a class="badge warn" href="/enrolment/applications/{untold.pk}/notice/">answer to give</a>' in html


def test_an_answer_recorded_by_mistake_is_taken_back_and_due_again(client, coordinator, site, unit, theatre,
                                                                   other_site):
    waiting = apply(theatre, DetaineeFactory(unit=unit, site=site), status=EnrolmentStatus.APPROVED)
    answer = tell(waiting)
    outsider = UserFactory(username="far", role="coordinator", sites=[other_site])
    client.force_login(outsider)
    assert client.post(reverse("enrolment:answer-take-back", args=[answer.pk])).status_code == 404
    assert client.delete(f"/api/v1/application-answers/{answer.pk}/").status_code == 404
    client.force_login(coordinator)
    page = client.post(reverse("enrolment:answer-take-back", args=[answer.pk]), follow=True).content.decode()
    assert "The answer is taken back" in page and "No written answer handed out yet." in page
    assert [row["enrolment"].pk for _unit, rows in client.get(reverse("enrolment:answers")).context["units"]
            for row in rows] == [waiting.pk]
    assert AuditEntry.objects.filter(detail__startswith="answer taken back approved").count() == 1
    again = tell(waiting)
    assert client.delete(f"/api/v1/application-answers/{again.pk}/").status_code == 204
    assert not ApplicationAnswer.objects.exists()
