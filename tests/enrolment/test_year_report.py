"""A site's year in figures: sessions by the day they took place in Brussels, whatever their term;
each person counted once; volunteers' hours; the page, the workbook and the API."""
import datetime as dt
import io
from zoneinfo import ZoneInfo

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from activities.models import ActivityKind, CycleStatus, FacilitatorKind, SessionStatus
from core.models import AuditEntry, Role
from enrolment import year_report
from enrolment.models import (
    Attendance,
    EnrolmentStatus,
    EvaluationSheet,
    FeedbackInterview,
    LeavingReason,
)
from prisons.models import Gender, LegalStatus
from tests.factories import (
    ActivityFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    PartnerFactory,
    SessionFactory,
    TermFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db
BRUSSELS = ZoneInfo("Europe/Brussels")


@pytest.fixture(autouse=True)
def frozen_today():
    with time_machine.travel(dt.datetime(2028, 1, 15, 10, 0, tzinfo=dt.UTC), tick=False):
        yield


def local(year, month, day, hour, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=BRUSSELS)


def session(cycle, starts_at, minutes, status=SessionStatus.HELD, reason=""):
    return SessionFactory(cycle=cycle, starts_at=starts_at, ends_at=starts_at + dt.timedelta(minutes=minutes),
                          status=status, cancellation_code=reason)


def mark(session, enrolment, present=True):
    return Attendance.objects.create(session=session, enrolment=enrolment, status="present" if present else "absent",
                                     absence_reason="" if present else "sick")


@pytest.fixture
def year_of(site):
    """A term across New Year and one in spring; reading (no partner, a teacher) and theatre (a
    partner's volunteer, replaced once)."""
    autumn = TermFactory(site=site, first_date=dt.date(2026, 9, 7), last_date=dt.date(2027, 1, 29))
    spring = TermFactory(site=site, first_date=dt.date(2027, 2, 1), last_date=dt.date(2027, 6, 25))
    teacher = FacilitatorFactory(kind=FacilitatorKind.TEACHER, partner=None, sites=[site])
    compagnie = PartnerFactory(name="Compagnie")
    volunteer, stand_in = (FacilitatorFactory(kind=FacilitatorKind.VOLUNTEER, partner=compagnie, sites=[site])
                           for _ in range(2))
    reading = CycleFactory(term=autumn, code="reading", status=CycleStatus.FINISHED, facilitators=[teacher],
                           activity=ActivityFactory(kind=ActivityKind.TRAINING, partner=None))
    theatre = CycleFactory(term=spring, code="theatre", status=CycleStatus.FINISHED, facilitators=[volunteer],
                           activity=ActivityFactory(kind=ActivityKind.SOCIOCULTURAL, partner=volunteer.partner))
    man = DetaineeFactory(gender=Gender.MALE, legal_status=LegalStatus.REMAND, unit__building__site=site)
    woman = DetaineeFactory(gender=Gender.FEMALE, legal_status=LegalStatus.SENTENCED, unit=man.unit)
    interned = DetaineeFactory(gender=Gender.FEMALE, legal_status=LegalStatus.INTERNED, unit=man.unit)
    only_2026 = DetaineeFactory(unit=man.unit)
    completed, withdrew = LeavingReason.objects.get(code="completed"), LeavingReason.objects.get(code="withdrew")
    enrolled = dict(enrolled_on=dt.date(2026, 9, 10))
    r_man = EnrolmentFactory(cycle=reading, detainee=man, status=EnrolmentStatus.REMOVED, leaving_reason=completed,
                             ended_on=dt.date(2027, 1, 29), **enrolled)
    r_woman = EnrolmentFactory(cycle=reading, detainee=woman, status=EnrolmentStatus.WITHDRAWN,
                               leaving_reason=withdrew, ended_on=dt.date(2027, 1, 20), **enrolled)
    r_2026 = EnrolmentFactory(cycle=reading, detainee=only_2026, status=EnrolmentStatus.REMOVED,
                              leaving_reason=completed, ended_on=dt.date(2026, 12, 20), **enrolled)
    t_man = EnrolmentFactory(cycle=theatre, detainee=man, enrolled_on=dt.date(2027, 2, 1))
    t_interned = EnrolmentFactory(cycle=theatre, detainee=interned, enrolled_on=dt.date(2027, 2, 1))

    december = session(reading, local(2026, 12, 15, 10), 90)  # 2026: not this year's
    mark(december, r_2026)
    new_year = session(reading, local(2027, 1, 1, 0, 30), 90)  # 31 December 23:30 UTC: 2027 in Brussels
    mark(new_year, r_man)
    mark(new_year, r_woman, present=False)
    january = session(reading, local(2027, 1, 12, 10), 90)
    mark(january, r_man)
    mark(january, r_woman)
    before_dst = session(theatre, local(2027, 3, 2, 14), 120)
    mark(before_dst, t_man)
    mark(before_dst, t_interned)
    strike = session(theatre, local(2027, 3, 16, 14), 120, SessionStatus.CANCELLED, "strike")
    Attendance.objects.create(session=strike, enrolment=t_man, status="absent", absence_reason="session_cancelled")
    after_dst = session(theatre, local(2027, 3, 30, 14), 120)  # summer time since 28 March: still two hours
    after_dst.facilitators.set([stand_in])
    mark(after_dst, t_man, present=False)
    mark(after_dst, t_interned)
    session(theatre, local(2028, 2, 1, 14), 120)  # next year's
    FeedbackInterview.objects.create(enrolment=r_woman, held_on=dt.date(2027, 1, 25), topics=["time_slot"],
                                     would_return="yes")
    with time_machine.travel(local(2027, 1, 29, 15), tick=False):
        EvaluationSheet.objects.create(cycle=reading, liked=3)
        EvaluationSheet.objects.create(cycle=reading, level="right")
    return site


def test_the_year_counts_sessions_people_and_hours_by_the_day_in_brussels(year_of):
    report = year_report.year_report(year_of, 2027)
    assert (report.sessions_held, report.sessions_cancelled, report.hours_held) == (4, 1, 7.0)
    assert len(report.cycles) == 2 and len(report.participants) == 3
    assert (report.present, report.absent) == (6, 2)
    assert dict(report.groups) == {"Men": 1, "Women": 2, "Remand": 1, "Sentenced": 1, "Interned": 1}
    lines = {line.label: (len(line.cycles), line.sessions, line.hours, len(line.participants)) for line in report.kinds}
    assert lines == {"Training": (1, 2, 3.0, 2), "Sociocultural": (1, 2, 4.0, 2)}
    assert [(p.label, p.sessions, p.hours, len(p.participants)) for p in report.partners] == [("Compagnie", 2, 4.0, 2)]
    led = {line.label: (len(line.people), line.sessions, line.hours) for line in report.facilitators}
    assert led == {"Volunteer": (2, 2, 4.0), "Adult-education teacher": (1, 2, 3.0)}
    assert report.cancellation_reasons == [("Strike", 1)]
    assert (report.completed, report.dropouts, report.interviews) == (1, 1, 1)
    assert (report.sheets_returned, report.liked_share) == (2, 1.0)

    previous = year_report.year_report(year_of, 2026)
    assert (previous.sessions_held, len(previous.participants), previous.completed) == (1, 1, 1)


def test_a_year_under_way_counts_what_happened_so_far(year_of):
    with time_machine.travel(local(2027, 3, 20, 12), tick=False):
        years = year_report.years_with_sessions(year_of)
        assert (years, year_report.default_year(years)) == ([2028, 2027, 2026], 2027)
        report = year_report.year_report(year_of, 2027)
    assert (report.sessions_held, report.sessions_cancelled, report.counted_until) == (3, 1, dt.date(2027, 3, 20))


def test_the_page_the_workbook_and_the_api(client, coordinator, year_of, django_assert_max_num_queries):
    client.force_login(coordinator)
    url = reverse("evaluation:year")
    client.get(url)
    with django_assert_max_num_queries(16):
        page = client.get(url, {"site": year_of.pk, "year": 2027})
    html = page.content.decode()
    assert page.context["report"].year == 2027
    assert "3 people, present at least once" in html and "2 sheets, 100% liked it" in html
    assert reverse("evaluation:year") in client.get(reverse("evaluation:index"), follow=True).content.decode()
    # More sessions and people do not mean more queries.
    theatre = year_of.terms.get(first_date=dt.date(2027, 2, 1)).cycles.get()
    for day in range(5):
        held = session(theatre, local(2027, 5, 3 + day, 14), 120)
        mark(held, EnrolmentFactory(cycle=theatre, detainee=DetaineeFactory(unit__building__site=year_of),
                                    enrolled_on=dt.date(2027, 2, 1)))
    with django_assert_max_num_queries(16):
        assert client.get(url, {"site": year_of.pk, "year": 2027}).context["report"].sessions_held == 9

    book = openpyxl.load_workbook(io.BytesIO(client.get(url, {"site": year_of.pk, "year": 2027,
                                                               "format": "xlsx"}).content))
    assert book.sheetnames == ["Year", "Target groups", "Kinds of activity", "Partners", "Facilitators",
                               "Cancellations"]
    figures = {row[0]: row[1] for row in book["Year"].iter_rows(min_row=2, values_only=True)}
    assert (figures["Sessions held"], figures["Hours held"], figures["Took part"]) == (9, 17.0, 8)
    assert AuditEntry.objects.filter(object_type="enrolment.year_report", action="export").count() == 1

    api = api_as(coordinator)
    data = api.get("/api/v1/year-report/", {"site": year_of.pk, "year": 2026}).data
    assert (data["sessions_held"], data["participants"], data["kinds"][0]["label"]) == (1, 1, "Training")
    assert api.get("/api/v1/year-report/", {"site": year_of.pk, "year": "last"}).status_code == 400


def api_as(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_only_the_sites_coordinators_read_it(client, year_of, facilitator_user, staff_user,
                                             other_site):
    url = reverse("evaluation:year")
    for user in (facilitator_user, staff_user):
        client.force_login(user)
        assert client.get(url).status_code == 403
    elsewhere = UserFactory(username="coord2", role=Role.COORDINATOR, sites=[other_site])
    client.force_login(elsewhere)
    page = client.get(url, {"site": year_of.pk})
    assert page.context["report"].site == other_site  # never the other site's figures
    assert page.context["years"] == [2028]  # this year, as the site has no session yet
    assert api_as(elsewhere).get("/api/v1/year-report/", {"site": year_of.pk}).status_code == 404
    assert api_as(staff_user).get("/api/v1/year-report/", {"site": year_of.pk}).status_code == 403
