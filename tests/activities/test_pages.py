import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities.models import (
    Activity,
    ActivityKind,
    CycleStatus,
    Facilitator,
    FacilitatorKind,
    Partner,
)
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    PartnerFactory,
    SiteFactory,
    TermFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db
FROZEN_TODAY = dt.datetime(2027, 3, 1, 10, 0, tzinfo=dt.UTC)


def test_catalogue_filters_by_kind_language_and_target_group(client, coordinator):
    ActivityFactory(title_en="Dutch for beginners", kind=ActivityKind.TRAINING, languages=["nl"],
                    target_groups=["women"])
    ActivityFactory(title_en="Football", kind=ActivityKind.SPORT, languages=["fr", "nl"], target_groups=["men"])
    ActivityFactory(title_en="Theatre", kind=ActivityKind.SOCIOCULTURAL, languages=["fr"], target_groups=[])
    client.force_login(coordinator)
    url = reverse("activities:activity-list")

    client.post("/i18n/setlang/", {"language": "en"})
    by_language = client.get(url, {"language": "nl"}).content.decode()
    assert "Dutch for beginners" in by_language and "Football" in by_language and "Theatre" not in by_language

    by_kind = client.get(url, {"kind": "sport"}).content.decode()
    assert "Football" in by_kind and "Dutch for beginners" not in by_kind

    by_group = client.get(url, {"target_group": "women"}).content.decode()
    assert "Dutch for beginners" in by_group and "Football" not in by_group


def test_catalogue_shows_titles_in_the_interface_language(client, coordinator):
    ActivityFactory(title_fr="Théâtre", title_nl="Toneel", title_en="Theatre")
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "nl"})
    page = client.get(reverse("activities:activity-list")).content.decode()
    assert "Toneel" in page and "Théâtre" not in page
    client.post("/i18n/setlang/", {"language": "fr"})
    assert "Théâtre" in client.get(reverse("activities:activity-list")).content.decode()


def test_catalogue_is_sorted_by_title_in_the_interface_language(client, coordinator):
    ActivityFactory(title_fr="Aquarelle", title_nl="Waterverf", title_en="Watercolour")
    ActivityFactory(title_fr="Yoga", title_nl="Bewegen", title_en="Yoga")
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "nl"})
    page = client.get(reverse("activities:activity-list")).content.decode()
    assert page.index("Bewegen") < page.index("Waterverf")
    client.post("/i18n/setlang/", {"language": "fr"})
    page = client.get(reverse("activities:activity-list")).content.decode()
    assert page.index("Aquarelle") < page.index("Yoga")


def test_coordinator_creates_an_activity_and_sees_validation_messages(client, coordinator):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    url = reverse("activities:activity-create")
    data = {
        "code": "painting", "kind": "sociocultural", "title_fr": "Peinture", "title_nl": "Schilderen",
        "title_en": "Painting", "languages": "fr, ar", "target_groups": ["men"], "room_kinds": ["workshop"],
        "group_min": "6", "group_max": "4", "session_periods": "2", "sessions_per_week": "1", "weeks": "10",
        "active": "on",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "The maximum group size must be at least the minimum (6)." in refused.content.decode()
    assert not Activity.objects.filter(code="painting").exists()

    refused = client.post(url, {**data, "group_max": "10", "languages": "french!"})
    assert "Not a language code: french!" in refused.content.decode()

    saved = client.post(url, {**data, "group_max": "10"})
    activity = Activity.objects.get(code="painting")
    assert saved.url == reverse("activities:activity-detail", args=[activity.pk])
    assert activity.languages == ["fr", "ar"] and activity.target_groups == ["men"]
    detail = client.get(saved.url).content.decode()
    assert "Arabic" in detail and "Workshop" in detail


def test_screener_may_read_but_not_edit_the_catalogue(client, screener):
    activity = ActivityFactory()
    client.force_login(screener)
    assert client.get(reverse("activities:activity-detail", args=[activity.pk])).status_code == 200
    assert client.get(reverse("activities:activity-edit", args=[activity.pk])).status_code == 403
    assert client.get(reverse("activities:partner-create")).status_code == 403


def test_partner_sheet_shows_referral_information_and_a_map_link(client, screener):
    partner = PartnerFactory(
        name="Maison de quartier", themes="literacy, parenting", office_hours="Mon–Fri 9:00–17:00",
        languages=["fr", "ar"], territory="Schaerbeek", public_transport="Tram 92, stop Robiano",
        address="Rue Royale 1, 1000 Bruxelles", latitude=Decimal("50.850000"), longitude=Decimal("4.360000"),
        contact_name="Anne Exemple", email="contact@example.org",
    )
    client.force_login(screener)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("activities:partner-detail", args=[partner.pk])).content.decode()
    for text in ["literacy, parenting", "Mon–Fri 9:00–17:00", "French, Arabic", "Schaerbeek",
                 "Tram 92, stop Robiano", "Rue Royale 1", "Anne Exemple", "contact@example.org"]:
        assert text in page
    assert partner.map_url.replace("&", "&amp;") in page
    assert "openstreetmap.org" in page


def test_partner_form_requires_both_coordinates(client, coordinator):
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    response = client.post(reverse("activities:partner-create"), {
        "name": "Half located", "community": "bi", "latitude": "50.85", "longitude": "",
    })
    assert "Give both latitude and longitude, or neither." in response.content.decode()
    assert not Partner.objects.filter(name="Half located").exists()


@time_machine.travel(FROZEN_TODAY, tick=False)
def test_facilitator_list_and_page_warn_about_expiring_and_expired_authorisations(client, coordinator, site):
    soon = FacilitatorFactory(last_name="Soon", sites=[site], authorisation_number="A-1",
                              authorisation_valid_until=dt.date(2027, 3, 20))
    FacilitatorFactory(last_name="Gone", sites=[site], authorisation_number="A-2",
                       authorisation_valid_until=dt.date(2027, 2, 27))
    FacilitatorFactory(last_name="Fine", sites=[site], authorisation_number="A-3",
                       authorisation_valid_until=dt.date(2027, 12, 31))
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    listing = client.get(reverse("activities:facilitator-list")).content.decode()
    assert listing.count('data-code="authorisation_expiring"') == 1
    assert listing.count('data-code="authorisation_expired"') == 1
    assert "(in 19 days)" in listing

    detail = client.get(reverse("activities:facilitator-detail", args=[soon.pk])).content.decode()
    assert 'data-code="authorisation_expiring"' in detail

    expired_only = client.get(reverse("activities:facilitator-list"), {"authorisation": "expired"}).content.decode()
    assert "GONE" in expired_only and "SOON" not in expired_only and "FINE" not in expired_only
    expiring_only = client.get(reverse("activities:facilitator-list"), {"authorisation": "expiring"}).content.decode()
    assert "SOON" in expiring_only and "GONE" not in expiring_only


def test_facilitator_list_filters_by_partner_and_kind(client, coordinator, site):
    red = PartnerFactory(name="Red")
    FacilitatorFactory(last_name="Volunteer", partner=red, sites=[site])
    FacilitatorFactory(last_name="Teacher", kind=FacilitatorKind.TEACHER, sites=[site])
    client.force_login(coordinator)
    url = reverse("activities:facilitator-list")
    by_partner = client.get(url, {"partner": red.pk}).content.decode()
    assert "VOLUNTEER" in by_partner and "TEACHER" not in by_partner
    by_kind = client.get(url, {"kind": "teacher"}).content.decode()
    assert "TEACHER" in by_kind and "VOLUNTEER" not in by_kind


def test_facilitator_list_says_who_has_no_e_mail_address(client, coordinator, site):
    FacilitatorFactory(last_name="Mailed", email="m@partner.example", sites=[site])
    FacilitatorFactory(last_name="Silent", sites=[site])
    FacilitatorFactory(last_name="Gone", sites=[site], active=False)  # no longer comes
    client.force_login(coordinator)
    url = reverse("activities:facilitator-list")
    page = client.get(url).content.decode()
    assert "1 active facilitator has no e-mail address: no change e-mails, no reminders." in page
    listed = client.get(url, {"active": "true", "no_email": "true"}).content.decode()
    assert "SILENT" in listed and "MAILED" not in listed and "GONE" not in listed


@time_machine.travel(FROZEN_TODAY, tick=False)
def test_facilitator_page_shows_weekly_availability_and_exceptions(client, coordinator, site):
    facilitator = FacilitatorFactory(sites=[site])
    facilitator.availabilities.create(weekday=1, start=dt.time(13, 30), end=dt.time(16, 45), preferred=True)
    facilitator.availability_exceptions.create(date=dt.date(2027, 3, 9), note="Holiday abroad")
    facilitator.availability_exceptions.create(date=dt.date(2027, 1, 5), note="Long past")
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    page = client.get(reverse("activities:facilitator-detail", args=[facilitator.pk])).content.decode()
    assert "Tuesday" in page and "13:30" in page and "16:45" in page
    assert "Holiday abroad" in page and "Long past" not in page


def _management(prefix, total=0, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def test_coordinator_edits_a_facilitator_only_at_own_sites(client, coordinator, site, other_site):
    facilitator = FacilitatorFactory(sites=[site])
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    url = reverse("activities:facilitator-edit", args=[facilitator.pk])
    data = {"kind": "volunteer", "first_name": "Nora", "last_name": "Nieuw", "sites": [site.pk],
            "authorisation_valid_from": "2027-03-01", "authorisation_valid_until": "2027-02-01",
            **_management("availability"), **_management("exceptions")}
    refused = client.post(url, data)
    assert "The authorisation must end after it starts." in refused.content.decode()
    other = client.post(url, {**data, "authorisation_valid_until": "2027-09-01", "sites": [other_site.pk]})
    assert other.status_code == 200 and "sites" in other.context["form"].errors
    saved = client.post(url, {**data, "authorisation_valid_until": "2027-09-01"})
    assert saved.status_code == 302
    assert Facilitator.objects.get(pk=facilitator.pk).last_name == "Nieuw"


def test_facilitator_availability_is_edited_with_the_facilitator_all_or_nothing(client, coordinator, site):
    facilitator = FacilitatorFactory(sites=[site], last_name="Before")
    client.force_login(coordinator)
    client.post("/i18n/setlang/", {"language": "en"})
    url = reverse("activities:facilitator-edit", args=[facilitator.pk])
    data = {"kind": "volunteer", "first_name": "Nora", "last_name": "After", "sites": [site.pk],
            **_management("availability", total=2), **_management("exceptions", total=1),
            "availability-0-weekday": "1", "availability-0-start": "13:30", "availability-0-end": "16:45",
            "availability-1-weekday": "3", "availability-1-start": "10:00", "availability-1-end": "09:00",
            "exceptions-0-date": "2027-04-06", "exceptions-0-note": "Easter holiday"}
    refused = client.post(url, data).content.decode()
    assert "Row 2, Until: The end must be after the start." in refused
    facilitator.refresh_from_db()
    assert facilitator.last_name == "Before" and not facilitator.availabilities.exists()

    saved = client.post(url, {**data, "availability-1-end": "11:45"})
    assert saved.status_code == 302
    facilitator.refresh_from_db()
    assert facilitator.last_name == "After"
    assert [(a.weekday, f"{a.start:%H:%M}", f"{a.end:%H:%M}") for a in facilitator.availabilities.all()] == [
        (1, "13:30", "16:45"), (3, "10:00", "11:45")]
    assert facilitator.availability_exceptions.get().note == "Easter holiday"


def test_cycle_list_filters_by_term_status_and_activity(client, coordinator, site):
    spring = TermFactory(site=site, name="Spring")
    autumn = TermFactory(site=site, name="Autumn", first_date=dt.date(2027, 9, 1), last_date=dt.date(2027, 12, 20))
    yoga = ActivityFactory(title_en="Yoga", title_fr="Yoga", title_nl="Yoga")
    CycleFactory(code="yoga-spring", activity=yoga, term=spring, status=CycleStatus.RUNNING)
    CycleFactory(code="chess-autumn", term=autumn, status=CycleStatus.DRAFT)
    client.force_login(coordinator)
    url = reverse("activities:cycle-list")
    assert "chess-autumn" not in client.get(url, {"term": spring.pk}).content.decode()
    assert "yoga-spring" not in client.get(url, {"status": "draft"}).content.decode()
    by_activity = client.get(url, {"activity": yoga.pk}).content.decode()
    assert "yoga-spring" in by_activity and "chess-autumn" not in by_activity


def test_cycle_page_shows_participants_in_full_to_coordinators_and_by_first_name_to_facilitators(
    client, coordinator, facilitator_user, site
):
    cycle = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    EnrolmentFactory(cycle=cycle, detainee__unit=UnitFactory(building__site=site),
                     detainee__first_name="Karim", detainee__last_name="Secretname", detainee__prison_number="P777")
    url = reverse("activities:cycle-detail", args=[cycle.pk])

    client.force_login(coordinator)
    full = client.get(url).content.decode()
    assert "SECRETNAME" in full and "P777" in full

    client.force_login(facilitator_user)
    short = client.get(url).content.decode()
    assert "Karim (P777)" in short and "secretname" not in short.lower()


def test_term_pages_show_excluded_dates_and_cycles(client, coordinator, site):
    term = TermFactory(site=site, name="Spring 2027")
    term.excluded_dates.create(date=dt.date(2027, 4, 5), label="Easter Monday")
    CycleFactory(term=term, code="spring-choir")
    client.force_login(coordinator)
    assert "Spring 2027" in client.get(reverse("activities:term-list")).content.decode()
    page = client.get(reverse("activities:term-detail", args=[term.pk])).content.decode()
    assert "Easter Monday" in page and "spring-choir" in page
    other_term = TermFactory(site=SiteFactory(code="elsewhere"))
    assert client.get(reverse("activities:term-detail", args=[other_term.pk])).status_code == 404


def _three_of_each(site, count):
    partner = PartnerFactory()
    term = TermFactory(site=site)
    unit = UnitFactory(building__site=site)
    for _ in range(count):
        activity = ActivityFactory(partner=partner)
        facilitator = FacilitatorFactory(partner=partner, sites=[site],
                                         authorisation_valid_until=dt.date(2027, 3, 10))
        cycle = CycleFactory(activity=activity, term=term, facilitators=[facilitator], eligible_units=[unit])
        EnrolmentFactory(cycle=cycle, detainee__unit=unit)
        PartnerFactory()


@pytest.mark.parametrize("url_name", [
    "activities:activity-list", "activities:partner-list", "activities:facilitator-list",
    "activities:cycle-list", "activities:term-list",
])
def test_list_pages_make_as_many_queries_for_three_rows_as_for_one(
    client, coordinator, site, url_name, django_assert_max_num_queries, django_assert_num_queries
):
    client.force_login(coordinator)
    _three_of_each(site, 1)
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse(url_name)).status_code == 200
    _three_of_each(site, 2)
    with django_assert_num_queries(len(one.captured_queries)):
        assert client.get(reverse(url_name)).status_code == 200
    with django_assert_max_num_queries(12):
        client.get(reverse(url_name))
