"""Feed tokens: hashed, shown once, revocable and regenerable, dead with their owner's account."""
import datetime as dt
import re

import pytest
from django.urls import reverse

from core.models import Role
from scheduling import feeds
from scheduling.models import FeedKind, FeedToken
from tests.factories import FacilitatorFactory, RoomFactory, SiteFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def volunteer(site):
    user = UserFactory(username="volunteer", role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=user, sites=[site])
    return user


def test_token_is_stored_hashed_and_works_in_the_url(client, volunteer):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)

    stored = FeedToken.objects.get()
    assert stored.token_hash == FeedToken.hash_token(issued.token)
    assert issued.token not in stored.token_hash
    assert not FeedToken.objects.filter(token_hash=issued.token).exists()
    assert issued.path == f"/calendar/feeds/{issued.token}.ics"
    assert client.get(issued.path).status_code == 200
    stored.refresh_from_db()
    assert stored.last_used_at is not None


def test_unknown_token_is_404(client, db):
    assert client.get(reverse("calendars:feed", args=["not-a-token"])).status_code == 404


def test_revoked_token_is_404(client, volunteer):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    feeds.revoke_feed(volunteer, issued.feed)

    assert client.get(issued.path).status_code == 404


def test_deactivating_an_account_revokes_its_feeds_at_once_and_for_good(client, volunteer, site):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    other = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    colleague = UserFactory(role=Role.FACILITATOR, sites=[site])
    kept = feeds.issue_feed(colleague, FeedKind.FACILITATOR, FacilitatorFactory(user=colleague, sites=[site]))
    volunteer.is_active = False
    volunteer.save()

    assert FeedToken.objects.filter(owner=volunteer, revoked_at__isnull=True).count() == 0  # before any fetch
    assert client.get(issued.path).status_code == 404 and client.get(other.path).status_code == 404
    assert client.get(kept.path).status_code == 200
    volunteer.is_active = True
    volunteer.save()
    assert client.get(issued.path).status_code == 404  # expired for good, not paused
    assert client.get(other.path).status_code == 404
    assert not FeedToken.objects.filter(owner=volunteer, revoked_at__isnull=True).exists()


def test_an_account_deactivated_by_a_bulk_update_loses_its_feed_on_first_fetch(client, volunteer):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    type(volunteer).objects.filter(pk=volunteer.pk).update(is_active=False)  # no save signal

    assert client.get(issued.path).status_code == 404
    volunteer.is_active = True
    volunteer.save()
    assert client.get(issued.path).status_code == 404  # expired for good, not paused
    assert FeedToken.objects.get().revoked_at is not None


def test_owner_who_lost_access_gets_404(client, coordinator, site, other_site):
    unit = UnitFactory(building__site=site)
    issued = feeds.issue_feed(coordinator, FeedKind.UNIT, unit)
    coordinator.sites.set([other_site])

    assert client.get(issued.path).status_code == 404


def test_regenerate_kills_the_old_url_and_keeps_owner_and_target(client, volunteer):
    old = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)

    new = feeds.regenerate_feed(volunteer, old.feed)

    assert client.get(old.path).status_code == 404
    assert client.get(new.path).status_code == 200
    assert (new.feed.owner, new.feed.facilitator) == (volunteer, volunteer.facilitator)


def test_facilitator_cannot_subscribe_to_a_unit_or_another_facilitator(volunteer, site):
    other = FacilitatorFactory(sites=[site])
    unit = UnitFactory(building__site=site)
    assert not feeds.may_subscribe(volunteer, FeedKind.UNIT, unit)
    assert not feeds.may_subscribe(volunteer, FeedKind.FACILITATOR, other)
    assert not feeds.may_subscribe(volunteer, FeedKind.ROOM, RoomFactory(site=site))


def test_coordinator_of_the_site_may_revoke_a_volunteers_feed_from_the_page(client, volunteer, coordinator):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    client.force_login(coordinator)

    page = client.get(reverse("calendars:my-feeds"))
    assert "Other people" in page.content.decode()
    response = client.post(reverse("calendars:feed-revoke", args=[issued.feed.pk]))

    assert response.status_code == 302
    assert client.get(issued.path).status_code == 404


def test_coordinator_of_another_site_and_other_volunteers_cannot_revoke(client, volunteer, site):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    elsewhere = UserFactory(username="coord-elsewhere", role=Role.COORDINATOR, sites=[SiteFactory(code="elsewhere")])
    other_volunteer = UserFactory(username="other-vol", role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=other_volunteer, sites=[site])

    for intruder in (elsewhere, other_volunteer):
        client.force_login(intruder)
        assert client.post(reverse("calendars:feed-revoke", args=[issued.feed.pk])).status_code == 404
        assert client.post(reverse("calendars:feed-regenerate", args=[issued.feed.pk])).status_code == 404
    assert client.get(issued.path).status_code == 200


def test_feeds_page_shows_the_address_once(client, volunteer):
    client.force_login(volunteer)

    response = client.post(reverse("calendars:my-feeds"), {"kind": "facilitator", "target": volunteer.facilitator.pk})

    assert response.status_code == 200
    body = response.content.decode()
    feed = FeedToken.objects.get()
    [token] = re.findall(r"/calendar/feeds/([A-Za-z0-9_-]+)\.ics", body)
    assert FeedToken.hash_token(token) == feed.token_hash
    assert token not in client.get(reverse("calendars:my-feeds")).content.decode()


def test_feeds_page_refuses_a_unit_feed_to_a_volunteer(client, volunteer, site):
    client.force_login(volunteer)
    unit = UnitFactory(building__site=site)

    response = client.post(reverse("calendars:my-feeds"), {"kind": "unit", "target": unit.pk})

    assert response.status_code == 404
    assert not FeedToken.objects.exists()


# --- API --------------------------------------------------------------------------------------------

API = "/api/v1/calendar-feeds/"


def test_api_issues_a_token_once_and_lists_own_feeds_without_it(client, staff_user, unit):
    client.force_login(staff_user)

    created = client.post(API, {"kind": "unit", "target": unit.pk, "language": "nl"}, content_type="application/json")

    assert created.status_code == 201, created.content
    data = created.json()
    assert data["url"].endswith(f"/calendar/feeds/{data['token']}.ics")
    assert data["language"] == "nl"
    listed = client.get(API).json()
    assert [row["id"] for row in listed["results"]] == [data["id"]]
    assert "token" not in listed["results"][0]
    assert client.get(data["url"]).status_code == 200


def test_api_refuses_a_target_the_user_may_not_see_with_a_message(client, volunteer, unit):
    client.force_login(volunteer)

    response = client.post(API, {"kind": "unit", "target": unit.pk}, content_type="application/json")

    assert response.status_code == 400
    assert "target" in response.json()


def test_api_revokes_and_regenerates(client, volunteer):
    client.force_login(volunteer)
    data = client.post(API, {"kind": "facilitator", "target": volunteer.facilitator.pk}, content_type="application/json").json()

    regenerated = client.post(f"{API}{data['id']}/regenerate/")
    assert regenerated.status_code == 201
    new = regenerated.json()
    assert client.get(data["url"]).status_code == 404
    assert client.delete(f"{API}{new['id']}/").status_code == 204
    assert client.get(new["url"]).status_code == 404
    assert client.get(API).json()["results"] == []


def test_api_does_not_list_or_revoke_other_peoples_feeds(client, volunteer, staff_user, unit):
    issued = feeds.issue_feed(staff_user, FeedKind.UNIT, unit)
    client.force_login(volunteer)

    assert client.get(API).json()["results"] == []
    assert client.delete(f"{API}{issued.feed.pk}/").status_code == 404
    assert FeedToken.objects.get().revoked_at is None


def test_feeds_of_terms_long_over_are_empty_but_valid(client, volunteer):
    issued = feeds.issue_feed(volunteer, FeedKind.FACILITATOR, volunteer.facilitator)
    assert feeds.feed_sessions(issued.feed, today=dt.date(2030, 1, 1)).count() == 0
    assert b"BEGIN:VCALENDAR" in client.get(issued.path).content
