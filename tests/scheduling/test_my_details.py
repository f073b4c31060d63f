"""A facilitator keeps their own phone, languages, skills and e-mail address; the rest stays the coordinators'."""
import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from activities.models import Facilitator
from core.models import AuditEntry, Role
from tests.factories import TEST_PASSWORD, FacilitatorFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def volunteer(site):
    user = UserFactory(username="ana@partner.example", email="ana@partner.example", role=Role.FACILITATOR,
                       sites=[site])
    return FacilitatorFactory(user=user, first_name="Ana", last_name="Lopez", email="ana@partner.example",
                              phone="02 555 12 12", languages=["fr"], sites=[site],
                              authorisation_number="B-17", authorisation_valid_until=dt.date(2027, 1, 20))


@time_machine.travel(dt.datetime(2026, 12, 14, 9, tzinfo=dt.UTC), tick=False)
def test_a_volunteer_changes_their_phone_and_languages_and_a_wrong_field_is_named_with_nothing_saved(
        client, volunteer):
    client.force_login(volunteer.user)
    page = client.get(reverse("calendars:my-details")).content.decode()
    assert "B-17" in page and "It ends in 37 days" in page  # the badge, kept by the coordinators
    wrong = client.post(reverse("calendars:my-details"), {"form": "details", "phone": "call me", "languages": "fr, arabic",
                                                          "skills": "Theatre"})
    assert wrong.status_code == 400
    html = wrong.content.decode()
    assert "Not a phone number" in html and "Not a language code: arabic." in html
    assert 'value="call me"' in html  # what was typed is kept
    assert Facilitator.objects.get(pk=volunteer.pk).phone == "02 555 12 12"
    client.post(reverse("calendars:my-details"), {"form": "details", "phone": "+32 470 12 34 56",
                                                  "languages": "fr; AR, ar", "skills": "Theatre, drawing"})
    volunteer.refresh_from_db()
    assert (volunteer.phone, volunteer.languages, volunteer.skills) == ("+32 470 12 34 56", ["fr", "ar"],
                                                                        "Theatre, drawing")
    assert AuditEntry.objects.filter(object_id=str(volunteer.pk), detail="own details").count() == 1


def test_a_new_e_mail_address_needs_their_password_and_an_address_no_other_login_has(client, volunteer):
    UserFactory(username="taken@partner.example", email="taken@partner.example")
    client.force_login(volunteer.user)
    url = reverse("calendars:my-details")
    bad_password = client.post(url, {"form": "email", "email": "ana.lopez@mail.example", "password": "wrong"})
    assert "This is not your password." in bad_password.content.decode()
    taken = client.post(url, {"form": "email", "email": "taken@partner.example", "password": TEST_PASSWORD})
    assert "Another login already uses taken@partner.example." in taken.content.decode()
    assert Facilitator.objects.get(pk=volunteer.pk).email == "ana@partner.example"
    done = client.post(url, {"form": "email", "email": "Ana.Lopez@Mail.example", "password": TEST_PASSWORD},
                       follow=True)
    assert "Your e-mail address is changed" in done.content.decode()
    volunteer.refresh_from_db()
    volunteer.user.refresh_from_db()
    assert volunteer.email == volunteer.user.email == "ana.lopez@mail.example"  # the login's address follows
    assert volunteer.user.username == "ana@partner.example"  # the login name stays


def test_only_the_facilitator_keeps_them_and_the_api_does_the_same(client, volunteer, coordinator, site):
    client.force_login(coordinator)
    assert client.get(reverse("calendars:my-details")).status_code == 404
    assert client.get("/api/v1/my-details/").status_code == 404
    client.force_login(volunteer.user)
    details = client.get("/api/v1/my-details/").json()
    assert (details["first_name"], details["languages"], details["authorisation_valid_until"]) == (
        "Ana", ["fr"], "2027-01-20")
    refused = client.patch("/api/v1/my-details/", {"languages": ["fr", "x1"]}, content_type="application/json")
    assert refused.status_code == 400 and "languages" in refused.json()
    changed = client.patch("/api/v1/my-details/", {"languages": ["fr", "ro"], "first_name": "Anna"},
                           content_type="application/json")
    assert changed.json()["languages"] == ["fr", "ro"] and changed.json()["first_name"] == "Ana"  # not theirs
    moved = client.post("/api/v1/my-details/email/", {"email": "ana@new.example", "password": TEST_PASSWORD},
                        content_type="application/json")
    assert moved.status_code == 200 and moved.json()["email"] == "ana@new.example"
    wrong = client.post("/api/v1/my-details/email/", {"email": "ana@other.example", "password": "nope"},
                        content_type="application/json")
    assert wrong.status_code == 400 and "password" in wrong.json()
