"""What a new site still lacks before its first term can be planned, for the home page of those who keep it.

A coordinator starting with Relais has a prison and a few spreadsheets: the checklist says, site by site, which
of the reference lists is still empty and links to the page or import that fills it, and disappears once
every list has something in it. Three queries whatever the number of sites.
"""
from dataclasses import dataclass

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from activities.models import Activity, Facilitator, Partner, Term
from prisons.models import Detainee, RegimePeriod, Room, Site, StaffMember, Unit

from . import rules as access


@dataclass
class SetupItem:
    label: str
    done: bool
    url: str  # the page or import that fills it


@dataclass
class SiteSetup:
    site: Site
    items: list[SetupItem]

    @property
    def done(self) -> int:
        return sum(item.done for item in self.items)


def sites_to_set_up(user) -> list[SiteSetup]:
    """The sites the user keeps (coordinators of the site, administrators) whose reference lists are not all
    filled, each with every item in the order a new site is set up."""
    sites = [site for site in access.visible_sites(user) if user.has_perm("prisons.change_reference", site)]
    if not sites:
        return []
    filled = Site.objects.filter(pk__in=[site.pk for site in sites]).annotate(
        has_regime=Exists(RegimePeriod.objects.filter(site=OuterRef("pk"))),
        has_units=Exists(Unit.objects.filter(site=OuterRef("pk"))),
        has_rooms=Exists(Room.objects.filter(site=OuterRef("pk"), active=True)),
        has_detainees=Exists(Detainee.objects.filter(site=OuterRef("pk"))),
        has_staff=Exists(StaffMember.objects.filter(site=OuterRef("pk"))),
        has_facilitators=Exists(Facilitator.objects.filter(sites=OuterRef("pk"), active=True)),
        has_terms=Exists(Term.objects.filter(site=OuterRef("pk"))),
    ).order_by("name")
    has_catalogue = Activity.objects.filter(active=True).exists()
    has_partners = Partner.objects.exists()
    setups = []
    for site in filled:
        items = [
            SetupItem(_("the regime: the periods of each weekday"), site.has_regime,
                      reverse("prisons:site-regime", args=[site.pk])),
            SetupItem(_("the living units"), site.has_units, f"{reverse('prisons:unit-import')}?site={site.pk}"),
            SetupItem(_("the rooms and the units that reach them"), site.has_rooms,
                      f"{reverse('prisons:room-import')}?site={site.pk}"),
            SetupItem(_("the detainees, from the prison's list"), site.has_detainees,
                      reverse("prisons:detainee-import")),
            SetupItem(_("the prison staff, from the direction's list"), site.has_staff,
                      f"{reverse('prisons:staff-import')}?site={site.pk}"),
            SetupItem(_("the activity catalogue"), has_catalogue, reverse("activities:catalogue-import")),
            SetupItem(_("the partner organisations"), has_partners, reverse("activities:partner-import")),
            SetupItem(_("the facilitators"), site.has_facilitators, reverse("activities:facilitator-import")),
            SetupItem(_("a first term, with its excluded dates"), site.has_terms,
                      f"{reverse('activities:term-create')}?site={site.pk}"),
        ]
        if not all(item.done for item in items):
            setups.append(SiteSetup(site, items))
    return setups
