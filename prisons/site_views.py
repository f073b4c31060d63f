"""Pages of the sites and their buildings. Rules in `prisons.sites`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from core import rules as access
from core.forms import add_service_errors

from . import sites
from .forms import BuildingForm, SiteForm


@login_required
def site_list(request):
    if not request.user.has_perm("prisons.view_site_list"):
        raise PermissionDenied
    found = list(sites.sites_with_counts(request.user))
    for site in found:
        site.may_change = request.user.has_perm("prisons.change_reference", site)
    return render(request, "prisons/site_list.html", {
        "sites": found, "may_add": request.user.has_perm("prisons.add_site")})


@login_required
def site_form(request, pk=None):
    """Open a site (administrators) or change one (its coordinators)."""
    site = None if pk is None else get_object_or_404(access.visible_sites(request.user), pk=pk)
    allowed = (request.user.has_perm("prisons.add_site") if site is None
               else request.user.has_perm("prisons.change_reference", site))
    if not allowed:
        raise PermissionDenied
    may_recode = request.user.has_perm("prisons.add_site")
    initial = {"kind": "prison"} if site is None else {
        "code": site.code, "name": site.name, "kind": site.kind, "address": site.address,
        "daily_outside_quota": site.daily_outside_quota}
    form = SiteForm(request.POST or None, initial=initial, may_recode=may_recode)
    if request.method == "POST" and form.is_valid():
        try:
            saved = sites.save_site(by=request.user, site=site, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect("prisons:site-edit", pk=saved.pk)
    buildings = [] if site is None else list(site.buildings.order_by("code"))
    return render(request, "prisons/site_form.html", {
        "form": form, "site": site, "buildings": buildings, "building_form": BuildingForm(prefix="building") if site else None},
        status=400 if form.errors else 200)


@login_required
def building_form(request, site_pk, pk=None):
    """Add a building to a site, or rename one (the site's coordinators)."""
    site = get_object_or_404(access.visible_sites(request.user), pk=site_pk)
    if not request.user.has_perm("prisons.change_reference", site):
        raise PermissionDenied
    building = None if pk is None else get_object_or_404(site.buildings, pk=pk)
    initial = {} if building is None else {"code": building.code, "name": building.name}
    form = BuildingForm(request.POST or None, initial=initial, prefix="building")
    if request.method == "POST" and form.is_valid():
        try:
            saved = sites.save_building(site, by=request.user, building=building, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s saved.") % {"name": saved.name})
            return redirect(f"{reverse('prisons:site-edit', args=[site.pk])}#buildings")
    return render(request, "prisons/building_form.html", {"form": form, "site": site, "building": building},
                  status=400 if form.errors else 200)
