"""Pages about the prison: detainee list and record, units with their blocked periods, rooms."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import audit
from core import rules as access
from core.forms import add_service_errors
from core.models import AuditAction

from . import closures, retention, selectors, subject_access
from .forms import DetaineeSearchForm, RetentionConfirmForm, RoomClosureForm, SiteChoiceForm
from .models import RetentionRun, Room, RoomClosure

PAGE_SIZE = 50
RETENTION_ROWS_SHOWN = 200


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
    context = {"detainee": detainee, "details": request.user.has_perm("prisons.view_detainee_details", detainee),
               "may_produce_record": request.user.has_perm("prisons.produce_access_record", detainee)}
    if context["details"]:
        context.update(selectors.detainee_record(request.user, detainee))
    return render(request, "prisons/detainee_detail.html", context)


@login_required
def unit_list(request):
    _require(request.user, "prisons.view_reference_pages")
    form = SiteChoiceForm(request.GET or None, sites=access.visible_sites(request.user))
    site = form.cleaned_data["site"] if form.is_valid() else None
    units = selectors.units_with_blocked_periods(request.user, site)
    may_import = any(request.user.has_perm("prisons.change_reference", s) for s in form.fields["site"].queryset)
    return render(request, "prisons/unit_list.html", {"form": form, "units": units, "may_import": may_import})


@login_required
def room_list(request):
    _require(request.user, "prisons.view_reference_pages")
    form = SiteChoiceForm(request.GET or None, sites=access.visible_sites(request.user))
    site = form.cleaned_data["site"] if form.is_valid() else None
    rooms = selectors.rooms_by_site(request.user, site)
    sites_to_change = [s for s in access.visible_sites(request.user).order_by("name")
                       if request.user.has_perm("prisons.change_reference", s)]
    return render(request, "prisons/room_list.html", {
        "form": form, "rooms": rooms, "may_close": bool(sites_to_change), "sites_to_change": sites_to_change,
        "site_ids_to_change": {s.pk for s in sites_to_change}})


@login_required
def room_closures(request):
    """Rooms closed on coming dates, the sessions each closure hits, and a form to close a room."""
    sites = [site for site in access.visible_sites(request.user).order_by("name")
             if request.user.has_perm("prisons.change_reference", site)]
    if not sites:
        raise PermissionDenied
    chosen = request.POST.get("site") or request.GET.get("site", "")
    site = next((s for s in sites if str(s.pk) == chosen), sites[0])
    rooms = Room.objects.filter(site=site, active=True).order_by("code")
    form = RoomClosureForm(request.POST or None, rooms=rooms)
    if request.method == "POST" and form.is_valid():
        try:
            closures.close_room(by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Closure recorded. The sessions it hits are listed below."))
            return redirect(f"{reverse('prisons:room-closures')}?site={site.pk}")
    upcoming = list(closures.upcoming_closures(Room.objects.filter(site=site), timezone.localdate()))
    hits = closures.sessions_hit(upcoming)
    return render(request, "prisons/room_closures.html", {
        "sites": sites, "site": site, "form": form,
        "closures": [(closure, hits.get(closure.pk, [])) for closure in upcoming],
    }, status=400 if form.errors else 200)


@login_required
@require_POST
def room_reopen(request, pk):
    closure = get_object_or_404(RoomClosure.objects.filter(room__site__in=access.visible_sites(request.user)), pk=pk)
    try:
        closures.reopen(closure, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Closure taken back: the room is open that day."))
    return redirect(f"{reverse('prisons:room-closures')}?site={closure.room.site_id}")


@login_required
def retention_page(request):
    """What the retention policy removes at a site today, the button that applies it, and past runs."""
    _require(request.user, "prisons.view_retention")
    sites = list(access.visible_sites(request.user).order_by("name"))
    if not sites:
        raise PermissionDenied
    chosen = request.POST.get("site") or request.GET.get("site", "")
    site = next((s for s in sites if str(s.pk) == chosen), sites[0])
    today = timezone.localdate()
    form = RetentionConfirmForm(request.POST or None)
    if request.method == "POST":
        _require(request.user, "prisons.apply_retention", site)
        if form.is_valid():
            run = retention.apply_retention(site, today=today, by=request.user)
            people = ngettext("%(count)d person anonymised.", "%(count)d people anonymised.",
                              run.detainees_anonymised) % {"count": run.detainees_anonymised}
            notes = ngettext("%(count)d screening note erased.", "%(count)d screening notes erased.",
                             run.notes_erased) % {"count": run.notes_erased}
            candidates = ngettext("%(count)d volunteer candidate deleted.", "%(count)d volunteer candidates deleted.",
                                  run.candidates_deleted) % {"count": run.candidates_deleted}
            messages.success(request, f"{people} {notes} {candidates}")
            return redirect(f"{reverse('prisons:retention')}?site={site.pk}")
    due = retention.detainees_due(site, today).select_related("unit")
    notes = retention.notes_due(site, today).select_related("detainee").order_by("scheduled_at", "pk")
    due_count, notes_count = due.count(), notes.count()
    candidates = retention.candidates_due(site, today).order_by("withdrawn_on", "pk")
    return render(request, "prisons/retention.html", {
        "sites": sites, "site": site, "today": today, "form": form, "cutoffs": retention.cutoffs(today),
        "after_leaving_days": settings.RELAIS_RETENTION_AFTER_LEAVING_DAYS,
        "notes_days": settings.RELAIS_SCREENING_NOTES_DAYS,
        "candidate_days": settings.RELAIS_CANDIDATE_RETENTION_DAYS, "candidates": list(candidates),
        "due": due[:RETENTION_ROWS_SHOWN], "due_count": due_count,
        "notes": notes[:RETENTION_ROWS_SHOWN], "notes_count": notes_count,
        "may_apply": request.user.has_perm("prisons.apply_retention", site),
        "runs": RetentionRun.objects.filter(site=site).select_related("by")[:20],
    }, status=400 if form.is_bound and not form.is_valid() else 200)


@login_required
def detainee_access_record(request, pk):
    """Everything Relais holds about one person, to print for them in their language (access request)."""
    from enrolment.notices import NOTICE_LANGUAGES, notice_language

    detainee = get_object_or_404(access.visible_detainees(request.user), pk=pk)
    _require(request.user, "prisons.produce_access_record", detainee)
    language = notice_language(detainee, request.GET.get("lang"))
    audit.record(request.user, AuditAction.EXPORT, detainee, detail=f"access record {language}")
    with translation.override(language):
        return render(request, "prisons/access_record.html", {
            "record": subject_access.person_record(detainee, timezone.localdate()), "language": language,
            "languages": NOTICE_LANGUAGES, "retention_days": settings.RELAIS_RETENTION_AFTER_LEAVING_DAYS,
        })
