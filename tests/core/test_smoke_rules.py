from core import rules as access
from tests.factories import CycleFactory, TermFactory


def test_facilitator_sees_only_the_cycles_they_lead(facilitator_user, site):
    own = CycleFactory(term=TermFactory(site=site), facilitators=[facilitator_user.facilitator])
    CycleFactory(term=TermFactory(site=site))
    assert list(access.visible_cycles(facilitator_user)) == [own]
    assert facilitator_user.has_perm("activities.view_cycle", own)
