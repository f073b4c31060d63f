"""factory_boy factories: the smallest valid objects; tests set only what their behaviour needs."""
import datetime as dt

import factory
from django.utils import timezone

from activities import models as act
from core.models import Role, User
from enrolment.models import Enrolment, EnrolmentStatus
from prisons import models as pr

TEST_PASSWORD = "a-long-test-password"  # noqa: S105 (every test user's, signed in through the page)


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.Site
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"site{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())


class BuildingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.Building

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"B{n}")
    name = factory.LazyAttribute(lambda o: f"Building {o.code}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.Unit

    building = factory.SubFactory(BuildingFactory)
    site = factory.LazyAttribute(lambda o: o.building.site)
    code = factory.Sequence(lambda n: f"U{n}")
    name = factory.LazyAttribute(lambda o: f"Unit {o.code}")
    population = pr.Population.MEN
    legal_regime = pr.LegalRegime.SENTENCED
    capacity = 30


class RoomFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.Room

    site = factory.SubFactory(SiteFactory)
    code = factory.Sequence(lambda n: f"R{n}")
    name = factory.LazyAttribute(lambda o: f"Room {o.code}")
    kind = pr.RoomKind.CLASSROOM
    capacity = 12
    reachable_from_all_units = True


class DetaineeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.Detainee

    prison_number = factory.Sequence(lambda n: f"T{n:06d}")
    last_name = factory.Sequence(lambda n: f"Testlast{n}")
    first_name = factory.Sequence(lambda n: f"Testfirst{n}")
    gender = pr.Gender.MALE
    legal_status = pr.LegalStatus.SENTENCED
    unit = factory.SubFactory(UnitFactory)
    site = factory.LazyAttribute(lambda o: o.unit.site)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    role = Role.COORDINATOR
    password = factory.django.Password(TEST_PASSWORD)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    community = act.Community.BICOMMUNITY


class FacilitatorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Facilitator
        skip_postgeneration_save = True

    kind = act.FacilitatorKind.VOLUNTEER
    first_name = factory.Sequence(lambda n: f"Vol{n}")
    last_name = "Tester"
    partner = factory.SubFactory(PartnerFactory)

    @factory.post_generation
    def sites(self, create, extracted, **kwargs):
        if create and extracted:
            self.sites.set(extracted)


class ActivityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Activity

    code = factory.Sequence(lambda n: f"activity-{n}")
    kind = act.ActivityKind.SOCIOCULTURAL
    title_fr = factory.Sequence(lambda n: f"Atelier {n}")
    title_nl = factory.Sequence(lambda n: f"Workshop NL {n}")
    title_en = factory.Sequence(lambda n: f"Workshop {n}")
    languages = ["fr"]
    room_kinds = ["classroom"]


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Term

    site = factory.SubFactory(SiteFactory)
    name = "Spring"
    first_date = dt.date(2027, 1, 11)
    last_date = dt.date(2027, 6, 25)


class CycleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Cycle
        skip_postgeneration_save = True

    activity = factory.SubFactory(ActivityFactory)
    term = factory.SubFactory(TermFactory)
    code = factory.Sequence(lambda n: f"cycle-{n}")
    capacity = 10
    status = act.CycleStatus.OPEN

    @factory.post_generation
    def facilitators(self, create, extracted, **kwargs):
        if create and extracted:
            self.facilitators.set(extracted)

    @factory.post_generation
    def eligible_units(self, create, extracted, **kwargs):
        if create and extracted:
            self.eligible_units.set(extracted)


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = act.Session

    cycle = factory.SubFactory(CycleFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0) + dt.timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(minutes=90))
    room = factory.SubFactory(RoomFactory, site=factory.SelfAttribute("..cycle.term.site"))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enrolment

    detainee = factory.SubFactory(DetaineeFactory)
    cycle = factory.SubFactory(CycleFactory)
    status = EnrolmentStatus.ENROLLED
    requested_on = dt.date(2026, 12, 1)


class StaffMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = pr.StaffMember
        skip_postgeneration_save = True

    site = factory.SubFactory(SiteFactory)
    first_name = "Officer"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    function = pr.StaffFunction.OFFICER

    @factory.post_generation
    def units(self, create, extracted, **kwargs):
        if create and extracted:
            self.units.set(extracted)


def units_with_officer(site, *, officer="officer-a1", a1_limit=None) -> dict:
    """Units A1 and A2 of one building at `site`, a term, and a prison officer of both units: what the
    movement lists, weekly slips and site movements are read for."""
    from core.models import Role

    building = BuildingFactory(site=site, code="H1", name="Building H1")
    a1 = UnitFactory(building=building, code="A1", max_parallel_sessions=a1_limit)
    a2 = UnitFactory(building=building, code="A2")
    user = UserFactory(username=officer, role=Role.STAFF, sites=[site])
    StaffMemberFactory(user=user, site=site, units=[a1, a2])
    return {"site": site, "building": building, "a1": a1, "a2": a2, "term": TermFactory(site=site), "officer": user}
