"""Logins for facilitators and staff: a coordinator invites them, they choose a password from the e-mail's link,
and the login is closed when they leave; everyone changes or gets back their own password. Refused e-mails
are real SMTP connections to a closed port."""
import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from core.models import AuditEntry, LoginInvitation, Role, User
from prisons.models import StaffFunction
from scheduling import outbox
from scheduling.models import UnsentEmail, UnsentEmailKind
from tests.factories import (
    TEST_PASSWORD,
    FacilitatorFactory,
    StaffMemberFactory,
    UnitFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
SERVER_DOWN = override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                                EMAIL_PORT=9)
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
GOOD_PASSWORD = "Lantern-orchard-52"


def _signs_in(client, username: str, password: str) -> bool:
    """Through the sign-in page, as a person would (and as the login throttling sees it)."""
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _link(message) -> str:
    found = re.search(r"http://127\.0\.0\.1:8000(/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture
def ana(site):
    return FacilitatorFactory(first_name="Ana", last_name="Lopez", email="Ana.Lopez@Partner.example",
                              languages=["ar", "nl"], sites=[site])


def test_a_coordinator_invites_a_volunteer_who_chooses_a_password_and_sees_their_own_calendar(
        client, coordinator, ana):
    coordinator.first_name, coordinator.last_name = "Claire", "Dubois"
    coordinator.save()
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("activities:facilitator-detail", args=[ana.pk])).content.decode()
        assert "No login: they see nothing in Relais." in page
        assert '<option value="nl" selected>Nederlands</option>' in page  # the first language of hers Relais speaks
        response = client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "nl"}, follow=True)
        assert "Invitation e-mailed to Ana Lopez." in response.content.decode()

    user = User.objects.get(facilitator=ana)
    assert (user.username, user.email, user.role, user.language) == (
        "ana.lopez@partner.example", "ana.lopez@partner.example", Role.FACILITATOR, "nl")
    assert list(user.sites.all()) == [ana.sites.get()] and not user.has_usable_password()
    [message] = mail.outbox
    assert message.to == ["ana.lopez@partner.example"]
    assert message.subject == "Je toegang tot Relais"  # in her language, not the coordinator's
    assert "Claire Dubois" in message.body and "ana.lopez@partner.example" in message.body
    assert LoginInvitation.objects.get(user=user).sent_at == NOW
    link = _link(message)

    with time_machine.travel(NOW + dt.timedelta(days=2), tick=False):
        client.logout()
        form = client.get(link)
        assert form.status_code == 200 and "ana.lopez@partner.example" in form.content.decode()
        weak = client.post(link, {"new_password1": "12345678", "new_password2": "12345678"})
        assert weak.status_code == 400 and "This password is too short" in weak.content.decode()
        user.refresh_from_db()
        assert not user.has_usable_password()  # nothing saved
        done = client.post(link, {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD}, follow=True)
        assert "Welcome to Relais. Your password is saved" in done.content.decode()
        assert client.get(reverse("calendars:my-calendar")).status_code == 200  # signed in, as a facilitator
        assert client.get(reverse("activities:facilitator-list")).status_code == 403  # and no more
        assert client.get(link).status_code == 410  # the link worked once
        assert "already been used" in client.get(link).content.decode()
        client.logout()
        assert _signs_in(client, "ana.lopez@partner.example", GOOD_PASSWORD)

    assert LoginInvitation.objects.get(user=user).accepted_at == NOW + dt.timedelta(days=2)
    assert AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk)).count() == 2
    client.force_login(coordinator)
    page = client.get(reverse("activities:facilitator-detail", args=[ana.pk])).content.decode()
    assert "Signs in as <code>ana.lopez@partner.example</code>." in page
    assert "Close the login (they left)" in page and "Give a login" not in page


def test_the_link_expires_and_only_the_newest_invitation_works(client, coordinator, ana, settings):
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "en"})
    first = _link(mail.outbox[0])
    with time_machine.travel(NOW + dt.timedelta(days=settings.RELAIS_INVITATION_DAYS, hours=1), tick=False):
        client.force_login(coordinator)
        expired = client.get(first)
        assert expired.status_code == 410 and "This invitation has expired" in expired.content.decode()
        page = client.get(reverse("activities:facilitator-detail", args=[ana.pk])).content.decode()
        assert "Invited as <code>ana.lopez@partner.example</code>: has not chosen a password yet." in page
        client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "en"})
        second = _link(mail.outbox[1])
        assert client.get(second).status_code == 200
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        assert "already been used, or a newer one was sent" in client.get(first).content.decode()
    assert client.get("/welcome/not-a-token/").status_code == 404
    assert User.objects.filter(facilitator=ana).count() == 1


def test_refusals_name_the_reason_and_change_nothing(client, coordinator, ana, site, other_site):
    client.force_login(coordinator)
    url = reverse("activities:facilitator-login", args=[ana.pk])
    no_address = FacilitatorFactory(first_name="Bert", last_name="Maes", email="", sites=[site])
    page = client.post(reverse("activities:facilitator-login", args=[no_address.pk]), follow=True).content.decode()
    assert "Bert Maes has no e-mail address: add one first" in page
    UserFactory(username="someone", email="ana.lopez@partner.example")
    page = client.post(url, {"language": "fr"}, follow=True).content.decode()
    assert "Another login already uses ana.lopez@partner.example: ask an administrator to link it to Ana Lopez." in page
    assert User.objects.filter(role=Role.FACILITATOR).count() == 0 and not mail.outbox

    elsewhere = FacilitatorFactory(email="far@partner.example", sites=[other_site])
    assert client.post(reverse("activities:facilitator-login", args=[elsewhere.pk])).status_code == 404
    volunteer = UserFactory(role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=volunteer, email="vol@partner.example", sites=[site])
    client.force_login(volunteer)
    assert client.post(reverse("activities:facilitator-login", args=[volunteer.facilitator.pk])).status_code == 403
    assert not mail.outbox


def test_closing_a_login_ends_their_session_and_opening_it_again_sends_a_new_invitation(client, coordinator, ana):
    client.force_login(coordinator)
    client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "fr"})
    client.post(_link(mail.outbox[0]), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    ana.refresh_from_db()
    volunteer_client = client.__class__()
    assert _signs_in(volunteer_client, ana.user.username, GOOD_PASSWORD)

    client.force_login(coordinator)
    response = client.post(reverse("activities:facilitator-login-close", args=[ana.pk]), follow=True)
    assert "Ana Lopez can no longer sign in to Relais." in response.content.decode()
    assert volunteer_client.get(reverse("calendars:my-calendar")).status_code == 302  # signed out at once
    assert not _signs_in(volunteer_client, ana.user.username, GOOD_PASSWORD)
    page = client.get(reverse("activities:facilitator-detail", args=[ana.pk])).content.decode()
    assert "is closed: nobody signs in with it" in page and "Open the login again" in page

    client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "fr"})
    ana.user.refresh_from_db()
    assert ana.user.is_active and not ana.user.has_usable_password()  # the old password does not come back
    assert len(mail.outbox) == 2 and mail.outbox[1].subject == "Votre accès à Relais"


def test_a_refused_invitation_is_listed_and_goes_once_the_server_is_back(client, coordinator, ana, site):
    client.force_login(coordinator)
    with SERVER_DOWN:
        page = client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "en"},
                           follow=True).content.decode()
    assert "The mail server refused 1 invitation" in page
    row = UnsentEmail.objects.get()
    assert (row.kind, row.facilitator, row.address) == (UnsentEmailKind.INVITATION, ana, "ana.lopez@partner.example")
    assert "The mail server refused the invitation" in page  # on her page too
    listed = client.get("/calendar/unsent-emails/").content.decode()
    assert "Ana Lopez" in listed and "Their invitation to sign in to Relais" in listed

    with SERVER_DOWN:
        assert outbox.send_pending_emails()[UnsentEmailKind.INVITATION] == 0
    assert UnsentEmail.objects.get().attempts == 2
    assert outbox.send_pending_emails()[UnsentEmailKind.INVITATION] == 1  # the server is back
    assert not UnsentEmail.objects.exists() and len(mail.outbox) == 1
    assert LoginInvitation.objects.get().sent_at is not None
    assert outbox.send_pending_emails()[UnsentEmailKind.INVITATION] == 0  # sent once

    # closed before it could go: nothing left to send, nothing listed
    bert = FacilitatorFactory(first_name="Bert", email="bert@partner.example", sites=[site])
    with SERVER_DOWN:
        client.post(reverse("activities:facilitator-login", args=[bert.pk]), {"language": "en"})
    client.post(reverse("activities:facilitator-login-close", args=[bert.pk]))
    assert not UnsentEmail.objects.exists()
    assert outbox.send_pending_emails()[UnsentEmailKind.INVITATION] == 0 and len(mail.outbox) == 1


def test_the_facilitators_without_a_login_are_invited_at_once_each_in_their_language(
        client, coordinator, site, other_site, django_assert_max_num_queries):
    FacilitatorFactory(first_name="Ana", last_name="Lopez", email="ana@partner.example", languages=["nl"], sites=[site])
    FacilitatorFactory(first_name="Jean", last_name="Petit", email="jean@partner.example", languages=["ar"],
                       sites=[site])
    FacilitatorFactory(first_name="Nomail", email="", sites=[site])
    FacilitatorFactory(first_name="Gone", email="gone@partner.example", active=False, sites=[site])
    FacilitatorFactory(first_name="Far", email="far@partner.example", sites=[other_site])
    signed_in = UserFactory(role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(first_name="Has", user=signed_in, email="has@partner.example", sites=[site])
    for number in range(12):
        FacilitatorFactory(email=f"more{number}@partner.example", sites=[site],
                           user=UserFactory(role=Role.FACILITATOR, sites=[site]))
    client.force_login(coordinator)
    with django_assert_max_num_queries(14):
        listing = client.get(reverse("activities:facilitator-list")).content.decode()
    assert "2 active facilitators with an e-mail address have no login" in listing
    home = client.get("/").content.decode()
    assert ('<a href="/activities/facilitators/logins/"><strong>2</strong> active facilitators with an e-mail address '
            'and no login</a>') in home
    assert "signs in" in listing and "no login" in listing
    invited_filter = client.get(reverse("activities:facilitator-list") + "?login=none").content.decode()
    assert "LOPEZ Ana" in invited_filter and "TESTER Has" not in invited_filter

    url = reverse("activities:facilitator-logins")
    page, without_address = client.get(url).content.decode().split('id="to-print"')
    assert "LOPEZ Ana" in page and "PETIT Jean" in page and "TESTER Has" in listing
    assert "Nomail" not in page and "Gone" not in page and "Far" not in page and "TESTER Has" not in page
    assert "Nomail" in without_address  # a letter for them, further down
    response = client.post(url, follow=True)
    assert "2 of 2 invitations e-mailed." in response.content.decode()
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("ana@partner.example", "Je toegang tot Relais"), ("jean@partner.example", "Your login to Relais")]
    assert "have no login" not in client.get(reverse("activities:facilitator-list")).content.decode()
    assert "Everyone here with an e-mail address already has a login." in client.get(url).content.decode()


def test_staff_get_logins_from_their_page_or_all_at_once_and_removing_them_closes_it(client, coordinator, site, unit):
    member = StaffMemberFactory(site=site, first_name="Olga", last_name="Peeters", email="olga@justice.example",
                                units=[unit])
    StaffMemberFactory(site=site, first_name="Gate", function=StaffFunction.GATE, email="gate@justice.example")
    StaffMemberFactory(site=site, first_name="Noaddress", email="")
    client.force_login(coordinator)
    edit = client.get(reverse("prisons:staff-edit", args=[member.pk])).content.decode()
    assert "Give a login and e-mail the invitation" in edit
    client.post(reverse("prisons:staff-login", args=[member.pk]), {"language": "fr"})
    user = User.objects.get(staff_member=member)
    assert (user.role, list(user.sites.all())) == (Role.STAFF, [site])
    officer = client.__class__()
    officer.post(_link(mail.outbox[0]), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    schedules = officer.get(reverse("calendars:movement-list", args=[unit.pk]))
    assert schedules.status_code == 200  # an officer sees their unit's movement list

    listing = client.get(reverse("prisons:staff-list") + f"?site={site.pk}").content.decode()
    assert "1 staff member with an e-mail address has no login" in listing and "signs in" in listing
    client.post(reverse("prisons:staff-logins") + f"?site={site.pk}")
    assert User.objects.filter(role=Role.STAFF).count() == 2 and len(mail.outbox) == 2
    assert client.get(reverse("prisons:staff-logins") + f"?site={site.pk}").status_code == 200

    client.post(reverse("prisons:staff-remove", args=[member.pk]))
    user.refresh_from_db()
    assert not user.is_active
    assert officer.get(reverse("calendars:movement-list", args=[unit.pk])).status_code == 302


def test_a_forgotten_password_is_e_mailed_in_the_login_s_language_whatever_the_address(client, site):
    UserFactory(username="claire", email="claire@relais.example", language="fr", first_name="Claire",
                       role=Role.COORDINATOR, sites=[site])
    invited = UserFactory(username="ben", email="ben@partner.example", language="en", role=Role.FACILITATOR)
    invited.set_unusable_password()
    invited.save()
    for address in ("Claire@Relais.example", "nobody@relais.example", "ben@partner.example"):
        response = client.post(reverse("password_reset"), {"email": address}, follow=True)
        assert "If this address belongs to a login" in response.content.decode()
    assert [(m.to[0], m.subject) for m in mail.outbox] == [
        ("claire@relais.example", "Votre mot de passe pour Relais"), ("ben@partner.example", "Your password for Relais")]
    link = _link(mail.outbox[0])
    form = client.get(link, follow=True)
    done = client.post(form.redirect_chain[-1][0], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD},
                       follow=True)
    assert "Your new password is saved." in done.content.decode()
    client.logout()
    assert _signs_in(client, "claire", GOOD_PASSWORD)
    with SERVER_DOWN:  # the page says the same; the refusal is logged with the login's id only
        assert client.post(reverse("password_reset"), {"email": "claire@relais.example"}).status_code == 302


def test_everyone_changes_their_own_password(client, coordinator):
    client.force_login(coordinator)
    url = reverse("password_change")
    assert 'href="/password/"' in client.get("/").content.decode()
    wrong = client.post(url, {"old_password": "nope", "new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert "Your old password was entered incorrectly" in wrong.content.decode()
    done = client.post(url, {"old_password": TEST_PASSWORD, "new_password1": GOOD_PASSWORD,
                             "new_password2": GOOD_PASSWORD}, follow=True)
    assert "Your new password is saved." in done.content.decode()
    assert client.get("/").status_code == 200  # still signed in
    client.logout()
    assert _signs_in(client, coordinator.username, GOOD_PASSWORD)


def test_the_api_gives_and_closes_logins(client, coordinator, ana, site):
    unit = UnitFactory(building__site=site, code="B1")
    member = StaffMemberFactory(site=site, email="olga@justice.example", units=[unit])
    client.force_login(coordinator)
    response = client.post(f"/api/v1/facilitators/{ana.pk}/login/", {"language": "nl"},
                           content_type="application/json")
    assert response.status_code == 200, response.content
    assert response.json()["state"] == "invited" and response.json()["invitation_sent_at"]
    assert mail.outbox[0].subject == "Je toegang tot Relais"
    response = client.post(f"/api/v1/facilitators/{ana.pk}/login/", {"language": "xx"}, content_type="application/json")
    assert response.status_code == 400 and "language" in response.json()
    response = client.post(f"/api/v1/staff-members/{member.pk}/login/", {}, content_type="application/json")
    assert response.status_code == 200 and response.json()["username"] == "olga@justice.example"
    response = client.post(f"/api/v1/staff-members/{member.pk}/login/close/")
    assert response.json()["state"] == "closed"
    response = client.post(f"/api/v1/staff-members/{member.pk}/login/close/")
    assert response.status_code == 400 and "has no login to close" in str(response.json())


def test_administrators_review_every_login_and_invite_a_coordinator(client, administrator, coordinator, site,
                                                                    other_site, ana,
                                                                    django_assert_max_num_queries):
    administrator.first_name = "Root"
    administrator.save()
    for _ in range(10):
        UserFactory(role=Role.SCREENER, sites=[site, other_site])
    client.force_login(coordinator)
    assert client.get(reverse("logins")).status_code == 403
    client.force_login(administrator)
    client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "en"})
    with django_assert_max_num_queries(12):
        page = client.get(reverse("logins")).content.decode()
    assert f'href="/activities/facilitators/{ana.pk}/"' in page and "invited, no password yet" in page

    url = reverse("logins")
    refused = client.post(url, {"first_name": "Nora", "last_name": "Janssens", "email": "nora@relais.example",
                                "role": "coordinator", "language": "nl"})
    assert refused.status_code == 400 and "Tick the sites they work for" in refused.content.decode()
    refused = client.post(url, {"first_name": "Nora", "last_name": "Janssens", "email": "ana.lopez@partner.example",
                                "role": "coordinator", "sites": [site.pk], "language": "nl"})
    assert "Another login already uses ana.lopez@partner.example." in refused.content.decode()
    done = client.post(url, {"first_name": "Nora", "last_name": "Janssens", "email": "Nora@Relais.example",
                             "role": "coordinator", "sites": [site.pk], "language": "nl"}, follow=True)
    assert "Invitation e-mailed to Nora Janssens." in done.content.decode()
    nora = User.objects.get(username="nora@relais.example")
    assert (nora.role, list(nora.sites.all()), nora.language) == (Role.COORDINATOR, [site], "nl")
    message = mail.outbox[-1]
    assert message.subject == "Je toegang tot Relais" and "Root" in message.body

    client.logout()
    client.post(_link(message), {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    assert client.get(reverse("planning:index")).status_code == 200  # a coordinator of her site

    client.force_login(administrator)
    own = client.post(reverse("login-close", args=[administrator.pk]), follow=True).content.decode()
    assert "You cannot close your own login." in own
    client.post(reverse("login-close", args=[nora.pk]))
    nora.refresh_from_db()
    assert not nora.is_active
    again = client.post(reverse("login-invite", args=[nora.pk]), follow=True).content.decode()
    assert "Invitation e-mailed to Nora Janssens." in again
    nora.refresh_from_db()
    assert nora.is_active and not nora.has_usable_password() and list(nora.sites.all()) == [site]


def test_logins_unused_for_long_are_marked_for_the_administrators(client, administrator, coordinator, site):
    with time_machine.travel(NOW, tick=False):
        asleep = UserFactory(role=Role.SCREENER, sites=[site], first_name="Sleepy", last_login=NOW)
        UserFactory(role=Role.SCREENER, sites=[site], first_name="Busy", last_login=NOW + dt.timedelta(days=80))
    with time_machine.travel(NOW + dt.timedelta(days=95), tick=False):
        client.force_login(administrator)
        page = client.get(reverse("logins") + "?dormant=on").content.decode()
    assert "Sleepy" in page and "Busy" not in page and "unused for a long time" in page
    assert asleep.is_active


def test_the_api_lists_invites_and_closes_logins_for_administrators(client, administrator, coordinator, site):
    client.force_login(coordinator)
    assert client.get("/api/v1/logins/").status_code == 403
    client.force_login(administrator)
    response = client.post("/api/v1/logins/", {"first_name": "Nora", "last_name": "Janssens",
                                               "email": "nora@relais.example", "role": "facilitator",
                                               "sites": [site.pk], "language": "fr"}, content_type="application/json")
    assert response.status_code == 400 and "role" in response.json()
    response = client.post("/api/v1/logins/", {"first_name": "Nora", "last_name": "Janssens",
                                               "email": "nora@relais.example", "role": "screener",
                                               "sites": [], "language": "fr"}, content_type="application/json")
    assert response.json() == {"sites": ["Tick the sites they work for: they see nothing of the others."]}
    response = client.post("/api/v1/logins/", {"first_name": "Nora", "last_name": "Janssens",
                                               "email": "nora@relais.example", "role": "screener",
                                               "sites": [site.pk], "language": "fr"}, content_type="application/json")
    assert response.status_code == 201 and response.json()["state"] == "invited"
    assert mail.outbox[-1].subject == "Votre accès à Relais"
    nora = response.json()["id"]
    assert {row["username"] for row in client.get("/api/v1/logins/?role=screener").json()} == {"nora@relais.example"}
    assert client.post(f"/api/v1/logins/{nora}/close/").json()["state"] == "closed"
    assert client.post(f"/api/v1/logins/{nora}/invite/").json()["state"] == "invited"
    assert client.post(f"/api/v1/logins/{administrator.pk}/close/").status_code == 400


def test_a_forgotten_password_is_e_mailed_at_most_three_times_an_hour(client, site, caplog):
    UserFactory(username="claire", email="claire@relais.example", role=Role.COORDINATOR, sites=[site])
    with time_machine.travel(NOW, tick=False):
        for _ in range(5):
            response = client.post(reverse("password_reset"), {"email": "claire@relais.example"})
            assert response.status_code == 302  # the page says the same every time
    assert len(mail.outbox) == 3
    assert "not e-mailed: asked 3 times this hour" in caplog.text and "claire" not in caplog.text
    with time_machine.travel(NOW + dt.timedelta(minutes=61), tick=False):
        client.post(reverse("password_reset"), {"email": "claire@relais.example"})
    assert len(mail.outbox) == 4


def test_a_new_address_on_the_record_is_where_a_forgotten_password_goes(client, coordinator, ana):
    client.force_login(coordinator)
    client.post(reverse("activities:facilitator-login", args=[ana.pk]), {"language": "en"})
    ana.refresh_from_db()
    ana.email = "Ana@New-Partner.example"
    ana.save()  # as the facilitator's form or an import does
    ana.user.refresh_from_db()
    assert (ana.user.username, ana.user.email) == ("ana.lopez@partner.example", "ana@new-partner.example")
    client.logout()
    client.post(reverse("password_reset"), {"email": "ana.lopez@partner.example"})
    client.post(reverse("password_reset"), {"email": "ana@new-partner.example"})
    assert [m.to for m in mail.outbox[1:]] == [["ana@new-partner.example"]]
