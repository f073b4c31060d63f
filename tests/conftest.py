import pytest
from django.utils import translation

from core.models import Role

from .factories import FacilitatorFactory, SiteFactory, StaffMemberFactory, UnitFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Real hashing costs seconds per user on a loaded CI machine; tests don't test its strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def english_interface(settings):
    """Tests read the English source strings unless they choose a language themselves."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def site(db):
    return SiteFactory(code="haren", name="Haren")


@pytest.fixture
def other_site(db):
    return SiteFactory(code="st-gilles", name="Saint-Gilles")


@pytest.fixture
def coordinator(site):
    return UserFactory(username="coord", role=Role.COORDINATOR, sites=[site])


@pytest.fixture
def screener(site):
    return UserFactory(username="screen", role=Role.SCREENER, sites=[site])


@pytest.fixture
def administrator(db):
    return UserFactory(username="root", role=Role.ADMINISTRATOR, is_staff=True, is_superuser=True)


@pytest.fixture
def facilitator_user(site):
    user = UserFactory(username="vol", role=Role.FACILITATOR, sites=[site])
    FacilitatorFactory(user=user, sites=[site])
    return user


@pytest.fixture
def unit(site):
    return UnitFactory(building__site=site, code="A1")


@pytest.fixture
def staff_user(site, unit):
    user = UserFactory(username="officer", role=Role.STAFF, sites=[site])
    StaffMemberFactory(user=user, site=site, units=[unit])
    return user
