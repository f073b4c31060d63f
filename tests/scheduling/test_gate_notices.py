"""E-mails to the gate about the outside people expected in the coming week (Django's locmem outbox
holds what was sent): the list as it stood is what the gate knows, and only what differs from it is told."""
import datetime as dt
import io

import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from rest_framework.test import APIClient

from core.models import Role
from prisons.models import RegimePeriod, StaffFunction
from scheduling import replacements, services
from scheduling.gate_notices import GATE_AHEAD_DAYS, send_gate_notices
from scheduling.models import GateNotice, UnsentEmail
from tests.factories import FacilitatorFactory, StaffMemberFactory, UserFactory

from .small_prison import english, session_on  # noqa: F401  (autouse fixture)

pytestmark = pytest.mark.django_db
MONDAY, TUESDAY = dt.date(2027, 3, 22), dt.date(2027, 3, 23)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(dt.datetime(2027, 3, 19, 9, 0, tzinfo=dt.UTC), tick=False):  # a Friday
        yield


@pytest.fixture
def gate(published_prison):
    """Two gate officers of the site (one reads French) and a wing officer, who is not told."""
    site = published_prison.site
    login = UserFactory(username="gate-fr", role=Role.STAFF, sites=[site], language="fr")
    return {
        "en": StaffMemberFactory(site=site, function=StaffFunction.GATE, first_name="Nora", email="nora@prison.example"),
        "fr": StaffMemberFactory(site=site, function=StaffFunction.GATE, first_name="Paul", user=login,
                                 email="paul@prison.example"),
        "wing": StaffMemberFactory(site=site, units=[published_prison.a1], email="wing@prison.example"),
    }


def test_the_gate_is_told_who_comes_now_who_no_longer_and_at_what_times(published_prison, gate, coordinator,
                                                                        django_assert_max_num_queries):
    prison = published_prison
    assert send_gate_notices() == 0  # the week as it stands is the list they print: nothing to tell
    with django_assert_max_num_queries(8):  # runs after every change: a fixed few queries per site
        assert send_gate_notices() == 0
    assert GateNotice.objects.filter(staff_member=gate["en"]).count() == GATE_AHEAD_DAYS
    assert GateNotice.objects.get(staff_member=gate["en"], date=TUESDAY).expected == {
        str(prison.ana.pk): "08:30–10:00", str(prison.bert.pk): "10:15–11:45"}

    cleo = FacilitatorFactory(first_name="Cleo", last_name="Maes", sites=[prison.site])
    replacements.replace(session_on(prison.sport, TUESDAY), [cleo], by=coordinator)
    services.move_session(session_on(prison.french, TUESDAY), day=TUESDAY,
                          period=RegimePeriod.objects.get(site=prison.site, weekday=1, index=3),
                          room=prison.classroom, by=coordinator)
    services.cancel_session(session_on(prison.french, MONDAY), reason="technical", reason_text="Heating", by=coordinator)
    mail.outbox.clear()

    assert send_gate_notices() == 2
    to = {message.to[0]: message for message in mail.outbox}
    assert set(to) == {"nora@prison.example", "paul@prison.example"}  # not the wing officer
    nora = to["nora@prison.example"]
    assert nora.subject == "Relais: changes to the gate list of Haren"
    monday, tuesday = nora.body.split("Monday 22 March 2027")[1].split("Tuesday 23 March 2027")
    assert "- LOPEZ Ana" in monday and "no longer expected" in monday and "Maes" not in monday
    assert "+ MAES Cleo" in tuesday and "now expected, 10:15–11:45" in tuesday
    assert "- PEETERS Bert" in tuesday
    assert "~ LOPEZ Ana" in tuesday and "now 13:30–15:00 (was 08:30–10:00)" in tuesday
    assert "Wednesday" not in nora.body  # days without a change are left out
    assert "/calendar/gate/" in nora.body
    paul = to["paul@prison.example"]
    assert paul.subject == "Relais : changements à la liste de la porte d'entrée de Haren"
    assert "n'est plus attendu·e" in paul.body

    mail.outbox.clear()
    call_command("send_change_notices", stdout=io.StringIO())  # the safety net finds nothing new for the gate
    assert not [m for m in mail.outbox if m.to[0] in ("nora@prison.example", "paul@prison.example")]
    told = GateNotice.objects.get(staff_member=gate["en"], date=TUESDAY)
    assert told.changes == 3 and told.sent_at is not None


def test_a_failed_send_is_told_again_and_who_reads_the_gate_notices(published_prison, gate, coordinator,
                                                                     facilitator_user):
    prison = published_prison
    send_gate_notices()
    services.cancel_session(session_on(prison.sport, TUESDAY), reason="technical", reason_text="Flood", by=coordinator)

    # a real SMTP connection to a closed port: the server refuses, nothing is recorded as told
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=9):
        assert send_gate_notices() == 0
    # kept for the coordinators' list of whom to phone, until the server takes it
    assert {(row.kind, row.staff_member_id) for row in UnsentEmail.objects.all()} == {
        ("gate_changes", gate["fr"].pk), ("gate_changes", gate["en"].pk)}
    mail.outbox.clear()
    assert send_gate_notices() == 2 and "- PEETERS Bert" in mail.outbox[0].body
    assert not UnsentEmail.objects.exists()

    api = APIClient()
    api.force_authenticate(coordinator)
    rows = api.get("/api/v1/gate-notices/").data["results"]
    assert {(row["date"], row["changes"]) for row in rows} == {(TUESDAY.isoformat(), 1)} and len(rows) == 2
    api.force_authenticate(gate["fr"].user)
    assert {row["staff_member"] for row in api.get("/api/v1/gate-notices/").data["results"]} == {gate["fr"].pk}
    api.force_authenticate(facilitator_user)
    assert api.get("/api/v1/gate-notices/").status_code == 403

    client = APIClient()
    client.force_login(coordinator)
    page = client.get(f"/prisons/staff/{gate['en'].pk}/edit/").content.decode()
    assert "gate list of" in page and "1 change" in page


def test_someone_deleted_from_relais_is_not_told_as_a_change(published_prison, gate):
    prison = published_prison
    send_gate_notices()
    bert = prison.bert.pk
    prison.bert.delete()  # sport goes on with nobody from outside: nothing the gate can act on
    assert send_gate_notices() == 0 and not mail.outbox
    assert str(bert) not in GateNotice.objects.get(staff_member=gate["en"], date=TUESDAY).expected


def test_the_session_page_says_who_was_e_mailed(client, published_prison, gate, coordinator):
    from scheduling.notices import send_change_notices
    from scheduling.staff_notices import send_staff_notices

    prison = published_prison
    send_gate_notices()
    sport = session_on(prison.sport, TUESDAY)
    url = f"/planning/sessions/{sport.pk}/"
    client.force_login(coordinator)
    assert "Nobody yet." in client.get(url).content.decode()
    services.cancel_session(sport, reason="technical", reason_text="Flood", by=coordinator)
    send_change_notices(), send_staff_notices(), send_gate_notices()
    told = client.get(url).content.decode().split('id="told"')[1]
    assert "Bert Peeters" in told and "revision 1" in told  # its facilitator
    assert "Gate" in told and "the day&#x27;s gate list: 1 change" in told  # both gate officers
    assert told.count("the day&#x27;s gate list") == 2
    assert "(Security officer)" in told and "session cancelled" in told  # the A1 wing officer


def test_a_gate_officer_stops_the_e_mails_themselves(client, published_prison, gate, coordinator):
    from core.models import AuditEntry

    prison = published_prison
    send_gate_notices()
    services.cancel_session(session_on(prison.sport, TUESDAY), reason="technical", reason_text="Flood", by=coordinator)
    officer = gate["fr"].user
    client.force_login(officer)
    assert "/calendar/emails/" in client.get("/").content.decode()  # beside their name
    page = client.get("/calendar/emails/").content.decode()
    assert "paul@prison.example" in page and 'name="staff_changes" value="1" checked' in page
    client.post("/calendar/emails/", {})  # unticked
    gate["fr"].refresh_from_db()
    assert not gate["fr"].email_cancellations
    assert AuditEntry.objects.filter(user=officer, object_type="prisons.staffmember").exists()
    assert send_gate_notices() == 1 and mail.outbox[0].to == ["nora@prison.example"]
    assert "untick them in Relais (http://127.0.0.1:8000/calendar/emails/)" in mail.outbox[0].body
