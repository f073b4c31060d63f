"""Pages about the prison: detainee list and record, units with their blocked periods, rooms."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from core import audit
from core import rules as access
from core.models import AuditAction

from . import selectors
from .forms import DetaineeSearchForm, SiteChoiceForm

PAGE_SIZE = 50


def query_string_without_page(request) -> str:
    """The list's filters, to keep them when moving between pages."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


@login_required
def detainee_list(request):
    _require(request.user, "prisons.view_detainee_list")
    form = DetaineeSearchForm(request.GET or None)
    valid = form.is_valid()
    query = form.cleaned_data["q"] if valid else ""
    detainees = selectors.search_detainees(request.user, query)
    if valid and form.cleaned_data["status"]:
        detainees = detainees.filter(status=form.cleaned_data["status"])
    page = Paginator(detainees, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "prisons/detainee_list.html", {
        "form": form, "page": page, "query": query, "query_string": query_string_without_page(request),
        "details": request.user.has_perm("prisons.view_detainee_details"),
    })


@login_required
def detainee_detail(request, pk):
    detainee = get_object_or_404(access.visible_detainees(request.user), pk=pk)
    _require(request.user, "prisons.view_detainee", detainee)
    audit.record(request.user, AuditAction.VIEW, detainee)
    context = {"detainee": detainee, "details": request.user.has_perm("prisons.view_detainee_details", detainee)}
    if context["details"]:
        context.update(selectors.detainee_record(request.user, detainee))
    return render(request, "prisons/detainee_detail.html", context)


@login_required
def unit_list(request):
    _require(request.user, "prisons.view_reference_pages")
    form = SiteChoiceForm(request.GET or None, sites=access.visible_sites(request.user))
    site = form.cleaned_data["site"] if form.is_valid() else None
    units = selectors.units_with_blocked_periods(request.user, site)
    return render(request, "prisons/unit_list.html", {"form": form, "units": units})


@login_required
def room_list(request):
    _require(request.user, "prisons.view_reference_pages")
    form = SiteChoiceForm(request.GET or None, sites=access.visible_sites(request.user))
    site = form.cleaned_data["site"] if form.is_valid() else None
    rooms = selectors.rooms_by_site(request.user, site)
    return render(request, "prisons/room_list.html", {"form": form, "rooms": rooms})
