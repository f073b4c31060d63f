"""Logins on paper: a volunteer or an officer without an e-mail address gets a printed letter with their login
name and a one-time code, types both at /welcome/code/, chooses a password and is in. A new letter is also how
they get back a forgotten password."""
import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from core import logins
from core.models import AuditEntry, LoginInvitation, Role, User
from tests.factories import FacilitatorFactory, StaffMemberFactory, UserFactory

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2027, 3, 1, 9, 0, tzinfo=dt.UTC)
GOOD_PASSWORD = "Lantern-orchard-52"


def _signs_in(client, username: str, password: str) -> bool:
    response = client.post(reverse("login"), {"username": username, "password": password})
    return response.status_code == 302


def _letter(page: str) -> tuple[str, str]:
    """The login name and the code, as printed."""
    found = re.findall(r'<code class="letter-secret">([^<]+)</code>', page)
    assert len(found) == 2, page
    return found[0], found[1]


def _type_code(client, username: str, code: str):
    return client.post(reverse("welcome-code"), {"username": username, "code": code})


@pytest.fixture
def eloise(site):
    return FacilitatorFactory(first_name="Éloïse", last_name="Van den Berg", email="", languages=["nl"], sites=[site])


def test_a_volunteer_without_e_mail_gets_a_letter_types_its_code_and_sees_their_calendar(client, coordinator, eloise):
    coordinator.first_name, coordinator.last_name = "Claire", "Dubois"
    coordinator.save()
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        page = client.get(reverse("activities:facilitator-detail", args=[eloise.pk])).content.decode()
        assert "Give a login and print a letter" in page
        response = client.post(reverse("activities:facilitator-login-letter", args=[eloise.pk]), {"language": "nl"})
        assert response.status_code == 200 and response["Cache-Control"] == "no-store"
        letter = response.content.decode()
    username, code = _letter(letter)
    assert username == "eloise.van-den-berg"
    assert re.fullmatch(r"[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}", code)
    assert "Je toegang tot Relais" in letter  # her language, not the coordinator's
    assert "http://127.0.0.1:8000/welcome/code/" in letter
    assert "15 maart 2027" in letter  # valid for RELAIS_INVITATION_DAYS (14)
    assert mail.outbox == []

    user = User.objects.get(facilitator=eloise)
    assert (user.username, user.email, user.role, user.language) == (username, "", Role.FACILITATOR, "nl")
    assert list(user.sites.all()) == [eloise.sites.get()] and not user.has_usable_password()
    invitation = LoginInvitation.objects.get(user=user)
    assert invitation.on_paper and invitation.sent_at == NOW
    assert code not in invitation.code_hash and code.replace("-", "") not in invitation.code_hash
    assert AuditEntry.objects.filter(detail=f"login letter printed for facilitator {eloise.pk}").count() == 1

    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("activities:facilitator-detail", args=[eloise.pk])).content.decode()
    assert "Letter with a code printed on" in page and "has not chosen a password yet" in page

    with time_machine.travel(NOW + dt.timedelta(days=3), tick=False):
        client.logout()
        # typed as people type: small letters, spaces instead of dashes, the name in capitals
        response = _type_code(client, username.upper(), code.lower().replace("-", " "))
        assert response.status_code == 302
        form = client.get(response["Location"])
        assert username in form.content.decode()
        done = client.post(response["Location"], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
        assert done.status_code == 302 and done["Location"] == reverse("home")
        assert client.get(reverse("calendars:my-calendar")).status_code == 200
        client.logout()
        assert _signs_in(client, username, GOOD_PASSWORD)
        client.logout()
        # the code worked once
        again = _type_code(client, username, code)
        assert again.status_code == 400
        assert "do not go together" in again.content.decode()
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_five_wrong_codes_in_a_row_make_the_letter_wait_a_quarter_of_an_hour(client, coordinator, eloise):
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        username, code = _letter(client.post(reverse("activities:facilitator-login-letter", args=[eloise.pk]))
                                 .content.decode())
        client.logout()
        for _wrong_try in range(1, logins.CODE_ATTEMPTS):
            wrong = _type_code(client, username, "AAAA-BBBB-CCCC")
            assert wrong.status_code == 400 and "do not go together" in wrong.content.decode()
        last = _type_code(client, username, "AAAA-BBBB-CCCC")
        assert "Too many wrong codes: wait a quarter of an hour" in last.content.decode()
        right_too_soon = _type_code(client, username, code)
        assert right_too_soon.status_code == 400 and "Too many wrong codes" in right_too_soon.content.decode()
        # an unknown login name reads like a wrong code, and counts against nobody
        unknown = _type_code(client, "nobody.here", code)
        assert unknown.status_code == 400 and "do not go together" in unknown.content.decode()
    with time_machine.travel(NOW + logins.CODE_WAIT - dt.timedelta(seconds=1), tick=False):
        assert _type_code(client, username, code).status_code == 400  # still waiting
    with time_machine.travel(NOW + logins.CODE_WAIT + dt.timedelta(seconds=1), tick=False):
        # one more wrong try waits again; nobody can make the letter useless by typing her name
        assert "Too many wrong codes" in _type_code(client, username, "AAAA-BBBB-CCCC").content.decode()
    with time_machine.travel(NOW + 2 * logins.CODE_WAIT + dt.timedelta(seconds=2), tick=False):
        assert _type_code(client, username, code).status_code == 302


def test_the_letter_expires_and_only_the_newest_letter_or_link_works(client, coordinator, eloise, settings):
    with time_machine.travel(NOW, tick=False):
        client.force_login(coordinator)
        url = reverse("activities:facilitator-login-letter", args=[eloise.pk])
        username, first_code = _letter(client.post(url).content.decode())
        same_name, second_code = _letter(client.post(url).content.decode())
    assert same_name == username and second_code != first_code
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        client.logout()
        assert _type_code(client, username, first_code).status_code == 400
    with time_machine.travel(NOW + dt.timedelta(days=settings.RELAIS_INVITATION_DAYS, minutes=1), tick=False):
        expired = _type_code(client, username, second_code)
        assert expired.status_code == 400 and "This letter has expired" in expired.content.decode()

    # an e-mailed invitation voids the letter too
    eloise.email = "eloise@partner.example"
    eloise.save()
    with time_machine.travel(NOW + dt.timedelta(days=1), tick=False):
        client.force_login(coordinator)
        _, third_code = _letter(client.post(url).content.decode())
        client.post(reverse("activities:facilitator-login", args=[eloise.pk]))
        client.logout()
        assert _type_code(client, username, third_code).status_code == 400
    assert len(mail.outbox) == 1


def test_a_forgotten_password_is_replaced_only_when_the_coordinator_ticks_it(client, coordinator, site, unit):
    officer = StaffMemberFactory(site=site, units=[unit], first_name="Marc", last_name="Peeters", email="")
    client.force_login(coordinator)
    url = reverse("prisons:staff-login-letter", args=[officer.pk])
    username, code = _letter(client.post(url, {"language": "fr"}).content.decode())
    client.logout()
    response = _type_code(client, username, code)
    client.post(response["Location"], {"new_password1": GOOD_PASSWORD, "new_password2": GOOD_PASSWORD})
    client.logout()
    assert User.objects.get(staff_member=officer).role == Role.STAFF

    client.force_login(coordinator)
    page = client.get(reverse("prisons:staff-edit", args=[officer.pk])).content.decode()
    assert "Forgotten password: print a new letter" in page
    refused = client.post(url, {"language": "fr"}, follow=True).content.decode()
    assert "already signs in as marc.peeters" in refused
    client.logout()
    assert _signs_in(client, username, GOOD_PASSWORD)  # nothing changed
    client.logout()

    client.force_login(coordinator)
    _, code = _letter(client.post(url, {"language": "fr", "replace_password": "on"}).content.decode())
    client.logout()
    assert not _signs_in(client, username, GOOD_PASSWORD)
    assert _type_code(client, username, code).status_code == 302


def test_names_taken_are_numbered_and_others_may_not_print_letters(client, coordinator, other_site, site):
    UserFactory(username="ana.lopez")
    ana = FacilitatorFactory(first_name="Ana", last_name="López", email="", sites=[site])
    elsewhere = FacilitatorFactory(first_name="Bo", last_name="Li", email="", sites=[other_site])
    client.force_login(coordinator)
    username, _ = _letter(client.post(reverse("activities:facilitator-login-letter", args=[ana.pk])).content.decode())
    assert username == "ana.lopez2"
    assert client.post(reverse("activities:facilitator-login-letter", args=[elsewhere.pk])).status_code == 404
    assert not User.objects.filter(facilitator=elsewhere).exists()
    ana.active = False
    ana.save()
    refused = client.post(reverse("activities:facilitator-login-letter", args=[ana.pk]), follow=True)
    assert "is no longer active" in refused.content.decode()


def test_closing_the_login_voids_the_letter(client, coordinator, eloise):
    client.force_login(coordinator)
    username, code = _letter(client.post(reverse("activities:facilitator-login-letter", args=[eloise.pk])).content
                             .decode())
    client.post(reverse("activities:facilitator-login-close", args=[eloise.pk]))
    client.logout()
    assert _type_code(client, username, code).status_code == 400


def test_everyone_without_e_mail_nor_login_gets_a_letter_at_once(client, coordinator, site, eloise):
    with_address = FacilitatorFactory(first_name="Ana", last_name="Lopez", email="ana@partner.example", sites=[site])
    FacilitatorFactory(first_name="Gone", last_name="Away", email="", active=False, sites=[site])
    tom = FacilitatorFactory(first_name="Tom", last_name="Janssens", email="", languages=["fr"], sites=[site])
    client.force_login(coordinator)
    listing = client.get(reverse("activities:facilitator-list")).content.decode()
    assert "2 active facilitators without an e-mail address have no login" in listing
    page = client.get(reverse("activities:facilitator-logins")).content.decode()
    assert "JANSSENS Tom" in page and "VAN DEN BERG Éloïse" in page and "AWAY Gone" not in page
    response = client.post(reverse("activities:facilitator-logins"), {"action": "letters"})
    letters = response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert letters.count('class="notice login-letter"') == 2
    assert "Votre accès à Relais" in letters and "Je toegang tot Relais" in letters  # each in their language
    assert mail.outbox == []
    assert not User.objects.filter(facilitator=with_address).exists()  # invited by e-mail, not on paper
    assert set(User.objects.filter(facilitator__in=[eloise, tom]).values_list("username", flat=True)) == {
        "eloise.van-den-berg", "tom.janssens"}


def test_the_api_gives_a_login_letter_with_its_code(client, coordinator, eloise):
    client.force_login(coordinator)
    response = client.post(f"/api/v1/facilitators/{eloise.pk}/login/letter/", {"language": "en"},
                           content_type="application/json")
    assert response.status_code == 201 and response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["username"] == "eloise.van-den-berg" and body["language"] == "en"
    assert body["code_url"] == "http://127.0.0.1:8000/welcome/code/"
    client.logout()
    assert _type_code(client, body["username"], body["code"]).status_code == 302

    client.force_login(coordinator)
    again = client.post(f"/api/v1/facilitators/{eloise.pk}/login/letter/", {"language": "xx"},
                        content_type="application/json")
    assert again.status_code == 400 and "language" in again.json()


def test_the_api_gives_staff_letters_and_tells_the_invitation_was_on_paper(client, coordinator, site, unit):
    officer = StaffMemberFactory(site=site, units=[unit], first_name="Marc", last_name="Peeters", email="")
    client.force_login(coordinator)
    letter = client.post(f"/api/v1/staff-members/{officer.pk}/login/letter/", {}, content_type="application/json")
    assert letter.status_code == 201 and letter.json()["username"] == "marc.peeters"
    closed = client.post(f"/api/v1/staff-members/{officer.pk}/login/close/").json()
    assert closed["state"] == "closed" and closed["invitation_on_paper"] is True
