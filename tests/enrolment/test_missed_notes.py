"""Notes to participants who missed their last sessions: printed in their language, handed out, and their
reply (continue, or stop: the place goes to the next person on the waiting list)."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from core.models import AuditEntry
from enrolment.models import Attendance, Enrolment, EnrolmentStatus, MissedSessionsNote
from prisons.models import DetaineeLanguage
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    SessionFactory,
    TermFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 18, 9, 0, tzinfo=dt.UTC)  # a Thursday


@pytest.fixture
def cycle(site, unit):
    activity = ActivityFactory(title_fr="Atelier peinture", title_nl="Schilderatelier", title_en="Painting workshop")
    return CycleFactory(term=TermFactory(site=site), activity=activity, capacity=2, eligible_units=[unit])


@pytest.fixture
def tuesdays(cycle):
    """Three Tuesdays at 14:00 in Brussels, the last across the change to summer time (28 March is later)."""
    return [SessionFactory(cycle=cycle, starts_at=dt.datetime(2027, 3, day, 13, 0, tzinfo=dt.UTC),
                           ends_at=dt.datetime(2027, 3, day, 15, 0, tzinfo=dt.UTC)) for day in (2, 9, 16)]


def participant(cycle, unit, site, marks, tuesdays, **values):
    seat = values.pop("seat", None)
    enrolment = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, site=site, **values),
                                 enrolled_on=dt.date(2027, 2, 1), seat=seat)
    for session, mark in zip(tuesdays, marks, strict=True):
        if mark:
            Attendance.objects.create(session=session, enrolment=enrolment, status=mark,
                                      absence_reason="refused" if mark == "absent" else "")
    return enrolment


def test_a_note_in_their_language_lists_the_sessions_missed_and_is_recorded_handed_out(
        client, coordinator, site, unit, cycle, tuesdays):
    away = participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, last_name="Aaa", seat=1)
    longer = participant(cycle, unit, site, ["absent", "absent", "absent"], tuesdays, last_name="Bbb", seat=2)
    participant(cycle, unit, site, ["absent", "absent", "present"], tuesdays, last_name="Ccc")  # came back
    DetaineeLanguage.objects.create(detainee=longer.detainee, language="nl", proficiency="native")
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("attendance:follow-up"))
        html = page.content.decode()
        assert [(run.enrolment.pk, len(run.missed)) for run in page.context["runs"]] == [(longer.pk, 3), (away.pk, 2)]
        assert f'name="e" value="{away.pk}" id="note-{away.pk}" checked>' in html

        printed = client.get(reverse("attendance:missed-notes"), {"e": [away.pk, longer.pk]})
        slips = printed.context["slips"]
        assert [(slip.enrolment.pk, slip.language) for slip in slips] == [(away.pk, "fr"), (longer.pk, "nl")]
        text = printed.content.decode()
        assert "Nous ne vous avons pas vu·e" in text and "Atelier peinture" in text
        assert "mardi 9 mars, 14:00" in text and "mardi 16 mars, 14:00" in text and "mardi 2 mars" not in text
        assert "We hebben u gemist" in text and "dinsdag 2 maart, 14:00" in text
        assert AuditEntry.objects.filter(detail__startswith="missed sessions note").count() == 2

        response = client.post(reverse("attendance:missed-notes-handed"),
                               {"note": [slip.token for slip in slips]}, follow=True)
        assert "2 notes recorded as handed out." in response.content.decode()
        notes = {note.enrolment_id: note for note in MissedSessionsNote.objects.all()}
        assert (notes[away.pk].absences, notes[away.pk].first_missed_at, notes[away.pk].language) == (
            2, tuesdays[1].starts_at, "fr")
        html = response.content.decode()
        assert f'name="e" value="{away.pk}" id="note-{away.pk}">' in html  # asked: no longer ticked
        assert "handed out on 18 March" in html and "They continue" in html


def test_the_reply_continue_is_kept_and_stop_ends_the_enrolment_and_offers_the_place(
        client, coordinator, site, unit, cycle, tuesdays):
    staying = participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, seat=1)
    leaving = participant(cycle, unit, site, ["absent", "absent", "absent"], tuesdays, seat=2)
    waiting = EnrolmentFactory(cycle=cycle, detainee=DetaineeFactory(unit=unit, site=site),
                               status=EnrolmentStatus.APPROVED)
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        client.post("/api/v1/missed-sessions-notes/", {"enrolments": [staying.pk, leaving.pk]},
                    content_type="application/json")
        notes = {note.enrolment_id: note for note in MissedSessionsNote.objects.all()}
        client.post(reverse("attendance:missed-note-reply", args=[notes[staying.pk].pk]), {"reply": "continue"})
        response = client.post(reverse("attendance:missed-note-reply", args=[notes[leaving.pk].pk]),
                               {"reply": "stop"}, follow=True)
        assert "Their place is offered to the next person on the waiting list." in response.content.decode()
        again = client.post(reverse("attendance:missed-note-reply", args=[notes[staying.pk].pk]), {"reply": "stop"},
                            follow=True)
        assert "Their reply is already recorded." in again.content.decode()
    assert MissedSessionsNote.objects.get(enrolment=staying).reply == "continue"
    assert Enrolment.objects.get(pk=staying.pk).status == EnrolmentStatus.ENROLLED
    left = Enrolment.objects.get(pk=leaving.pk)
    assert (left.status, left.leaving_reason.code) == (EnrolmentStatus.WITHDRAWN, "withdrew")
    assert "Answered the note about missed sessions: stops" in left.events.last().why
    assert Enrolment.objects.get(pk=waiting.pk).offered_at is not None  # the freed place goes to the next


def test_refusals_name_the_row_and_save_nothing(client, coordinator, site, unit, cycle, tuesdays, other_site):
    away = participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, seat=1)
    present = participant(cycle, unit, site, ["absent", "absent", "present"], tuesdays, seat=2)
    elsewhere = CycleFactory(term=TermFactory(site=other_site))
    far = EnrolmentFactory(cycle=elsewhere, detainee=DetaineeFactory(unit=UnitFactory(building__site=other_site)))
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        refused = client.post("/api/v1/missed-sessions-notes/", {"enrolments": [away.pk, present.pk, far.pk]},
                              content_type="application/json")
        assert refused.status_code == 400
        assert refused.json()["notes"] == [
            f"Row 2: enrolment {present.pk} has not missed its last two sessions, or you may not see it.",
            f"Row 3: enrolment {far.pk} has not missed its last two sessions, or you may not see it."]
        forged = client.post(reverse("attendance:missed-notes-handed"),
                             {"note": [f"{away.pk}:2:1:fr", f"{far.pk}:2:1:fr", "junk"]}, follow=True)
        page = forged.content.decode()
        assert f"Row 2: no enrolment {far.pk} among those you may see." in page
        assert "Row 3: this is not a note printed by Relais." in page
    assert not MissedSessionsNote.objects.exists()


def test_only_the_sites_coordinators_print_and_record_and_the_api_lists_their_notes(
        client, coordinator, site, unit, cycle, tuesdays, facilitator_user, screener, other_site):
    away = participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, seat=1)
    with time_machine.travel(NOW, tick=False):
        for user in (facilitator_user, screener):
            client.force_login(user)
            assert client.get(reverse("attendance:missed-notes"), {"e": away.pk}).status_code == 403
            assert client.post("/api/v1/missed-sessions-notes/", {"enrolments": [away.pk]},
                               content_type="application/json").status_code == 403
        client.force_login(UserFactory(role="coordinator", sites=[other_site]))
        assert client.get(reverse("attendance:missed-notes"), {"e": away.pk}).context["slips"] == []
        client.force_login(coordinator)
        made = client.post("/api/v1/missed-sessions-notes/", {"enrolments": [away.pk], "language": "en"},
                           content_type="application/json")
        assert made.status_code == 201 and made.json()[0]["absences"] == 2 and made.json()[0]["language"] == "en"
        note_id = made.json()[0]["id"]
        replied = client.post(f"/api/v1/missed-sessions-notes/{note_id}/reply/", {"reply": "continue"},
                              content_type="application/json")
        assert replied.json()["reply"] == "continue" and replied.json()["reply_by"] == "coord"
        listed = client.get("/api/v1/missed-sessions-notes/", {"enrolment": away.pk}).json()["results"]
        assert [row["id"] for row in listed] == [note_id]
        record = client.get(f"/api/v1/detainees/{away.detainee.pk}/record/").json()
        assert record["enrolments"][0]["missed_sessions_notes"][0]["reply"] == "continue"
        html = client.get(reverse("prisons:detainee-access-record", args=[away.detainee.pk]),
                          {"lang": "en"}).content.decode()
        assert "Notes about missed sessions handed to you:" in html and "wants to continue" in html


def test_printing_notes_reads_in_the_same_queries_for_few_or_many(client, coordinator, site, unit, cycle, tuesdays):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    cycle.capacity = 40
    cycle.save()
    away = [participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays) for _ in range(12)]
    for enrolment in away[:6]:
        DetaineeLanguage.objects.create(detainee=enrolment.detainee, language="nl", proficiency="native")
    counts = []
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        for chosen in (away[:2], away):
            with CaptureQueriesContext(connection) as queries:
                page = client.get(reverse("attendance:missed-notes"), {"e": [e.pk for e in chosen]})
            assert len(page.context["slips"]) == len(chosen)
            counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_note_recorded_by_mistake_is_taken_back_until_a_reply(client, coordinator, site, unit, cycle, tuesdays):
    away = participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, seat=1)
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        client.post("/api/v1/missed-sessions-notes/", {"enrolments": [away.pk]}, content_type="application/json")
        note = MissedSessionsNote.objects.get()
        page = client.post(reverse("attendance:missed-note-take-back", args=[note.pk]), follow=True)
        assert "The note is taken back" in page.content.decode()
        assert f'name="e" value="{away.pk}" id="note-{away.pk}" checked>' in page.content.decode()  # to print again
        client.post("/api/v1/missed-sessions-notes/", {"enrolments": [away.pk]}, content_type="application/json")
        note = MissedSessionsNote.objects.get()
        client.post(reverse("attendance:missed-note-reply", args=[note.pk]), {"reply": "continue"})
        refused = client.delete(f"/api/v1/missed-sessions-notes/{note.pk}/")
        assert refused.status_code == 400 and "already recorded" in refused.json()["note"][0]
    assert MissedSessionsNote.objects.count() == 1


def test_the_home_page_counts_the_notes_waiting_for_a_reply(client, coordinator, site, unit, cycle, tuesdays):
    waiting, answered = (participant(cycle, unit, site, ["present", "absent", "absent"], tuesdays, seat=n)
                         for n in (1, 2))
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        client.post("/api/v1/missed-sessions-notes/", {"enrolments": [waiting.pk, answered.pk]},
                    content_type="application/json")
        client.post(f"/api/v1/missed-sessions-notes/{MissedSessionsNote.objects.get(enrolment=answered).pk}/reply/",
                    {"reply": "continue"}, content_type="application/json")
        home = client.get("/").content.decode()
    assert "<strong>1</strong> note about missed sessions waiting for a reply" in home
