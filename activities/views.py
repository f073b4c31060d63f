"""Coordinator pages: catalogue, partners, facilitators, terms and cycles. Reads go through selectors."""
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import audit
from core import rules as access
from core.forms import add_service_errors
from core.login_views import login_section
from core.logins import with_login_states
from core.redirects import next_or
from enrolment.reviews import reviews_of_activity
from prisons.views import query_string_without_page
from scheduling import lists

from . import (
    availability,
    carry_over,
    offer,
    partner_documents,
    renewals,
    selectors,
    services,
    session_logs,
)
from . import cycles as cycle_service
from . import materials as materials_module
from . import problems as problems_module
from . import terms as term_service
from .checks import authorisation_findings
from .forms import (
    ActivityFilter,
    ActivityForm,
    AvailabilityExceptionFormSet,
    AvailabilityFormSet,
    CycleFilter,
    CycleForm,
    FacilitatorFilter,
    FacilitatorForm,
    MaterialForm,
    PartnerDocumentForm,
    PartnerFilter,
    PartnerForm,
    ProblemForm,
    RenewalAnswerForm,
    ResolutionForm,
    SessionLogForm,
    TermForm,
)
from .models import AuthorisationRenewal, CycleStatus, MaterialStatus, PartnerDocument, SessionLog

PAGE_SIZE = 50


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _list_page(request, template, filterset, **context):
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, template, {
        "filter": filterset, "page": page, "query_string": query_string_without_page(request), **context,
    })


def _save_form(request, form, template, success_message, detail_url_name, **context):
    """Save a valid ModelForm in one transaction and go to the object's page; show errors otherwise."""
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            obj = form.save()
        messages.success(request, success_message % {"name": obj})
        return redirect(detail_url_name, pk=obj.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the fields marked below; nothing was saved."))
    return render(request, template, {"form": form, **context})


# --- catalogue ---------------------------------------------------------------------------------------


@login_required
def activity_list(request):
    _require(request.user, "activities.view_catalogue")
    filterset = ActivityFilter(request.GET or None, queryset=selectors.catalogue(request.user), request=request)
    return _list_page(request, "activities/activity_list.html", filterset)


@login_required
def activity_detail(request, pk):
    _require(request.user, "activities.view_catalogue")
    activity = get_object_or_404(access.visible_activities(request.user), pk=pk)
    may_evaluate = request.user.has_perm("enrolment.view_indicator_list")
    return render(request, "activities/activity_detail.html", {
        "activity": activity,
        "default_facilitators": list(access.visible_facilitators(request.user).filter(default_activities=activity)),
        # What was decided about its past cycles, for whoever designs the next ones.
        "reviews": list(reviews_of_activity(activity, access.visible_cycles(request.user))) if may_evaluate else None,
    })


@login_required
def activity_edit(request, pk=None):
    _require(request.user, "activities.change_catalogue")
    activity = get_object_or_404(access.visible_activities(request.user), pk=pk) if pk else None
    form = ActivityForm(request.POST or None, instance=activity, user=request.user)
    return _save_form(
        request, form, "activities/activity_form.html", _("Activity “%(name)s” saved."),
        "activities:activity-detail", activity=activity,
    )


# --- partners ----------------------------------------------------------------------------------------


@login_required
def partner_list(request):
    _require(request.user, "activities.view_partner")
    filterset = PartnerFilter(request.GET or None, queryset=selectors.partners(request.user), request=request)
    to_chase = set(partner_documents.partners_to_chase(timezone.localdate()).values_list("pk", flat=True)) \
        if request.user.has_perm("activities.view_partner_documents") else set()
    return _list_page(request, "activities/partner_list.html", filterset, to_chase=to_chase)


@login_required
def partner_detail(request, pk):
    _require(request.user, "activities.view_partner")
    partner = get_object_or_404(access.visible_partners(request.user), pk=pk)
    context = {"partner": partner, **selectors.partner_record(request.user, partner)}
    if request.user.has_perm("activities.view_partner_documents"):
        form = PartnerDocumentForm(request.POST or None, user=request.user)
        if request.method == "POST" and form.is_valid():
            try:
                partner_documents.record_document(partner, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Document recorded."))
                return redirect("activities:partner-detail", pk=partner.pk)
        documents = list(partner.documents.select_related("site", "recorded_by"))
        today = timezone.localdate()
        context.update({
            "document_form": form, "documents": [(d, partner_documents.state_of(d, today)) for d in documents],
            "document_status": partner_documents.status_by_kind(documents, today),
            "state_labels": partner_documents.STATE_LABELS,
        })
    elif request.method == "POST":
        raise PermissionDenied
    return render(request, "activities/partner_detail.html", context,
                  status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def partner_document_remove(request, pk):
    document = get_object_or_404(PartnerDocument.objects.select_related("partner", "site"), pk=pk)
    _require(request.user, "activities.manage_partner_documents", document.site)
    partner_documents.remove_document(document, by=request.user)
    messages.success(request, _("Document removed."))
    return redirect("activities:partner-detail", pk=document.partner_id)


@login_required
def partner_edit(request, pk=None):
    _require(request.user, "activities.change_catalogue")
    partner = get_object_or_404(access.visible_partners(request.user), pk=pk) if pk else None
    form = PartnerForm(request.POST or None, instance=partner)
    return _save_form(
        request, form, "activities/partner_form.html", _("Partner organisation “%(name)s” saved."),
        "activities:partner-detail", partner=partner,
    )


# --- facilitators ------------------------------------------------------------------------------------


@login_required
def facilitator_list(request):
    _require(request.user, "activities.view_facilitator_list")
    filterset = FacilitatorFilter(request.GET or None, queryset=selectors.facilitators(request.user), request=request)
    page = Paginator(filterset.qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = with_login_states(selectors.with_authorisation_findings(page.object_list))
    to_invite, to_print = selectors.to_invite(request.user)
    return render(request, "activities/facilitator_list.html", {
        "filter": filterset, "page": page, "rows": rows, "query_string": query_string_without_page(request),
        "without_email": selectors.active_without_email(request.user),
        "to_invite": to_invite, "to_print": to_print,
    })


@login_required
def facilitator_detail(request, pk):
    facilitator = get_object_or_404(access.visible_facilitators(request.user), pk=pk)
    _require(request.user, "activities.view_facilitator", facilitator)
    today = timezone.localdate()
    return render(request, "activities/facilitator_detail.html", {
        "facilitator": facilitator,
        "findings": authorisation_findings(facilitator, today),
        "facilitator_cycles": list(access.visible_cycles(request.user).filter(facilitators=facilitator)),
        "can_edit": request.user.has_perm("activities.change_facilitator", facilitator),
        "renewals": list(facilitator.renewals.filter(site__in=access.visible_sites(request.user))
                         .select_related("site")[:5]) if request.user.has_perm("activities.view_renewals") else [],
        "change_notices": list(access.visible_change_notices(request.user).filter(facilitator=facilitator)[:3]),
        **selectors.facilitator_schedule(facilitator, today),
        **login_section(request.user, facilitator),
        "outside_availability": availability.sessions_outside_availability(facilitator=facilitator)
        if request.user.has_perm("activities.change_facilitator", facilitator) else [],
    })


@login_required
def facilitator_edit(request, pk=None):
    if pk:
        facilitator = get_object_or_404(access.visible_facilitators(request.user), pk=pk)
        _require(request.user, "activities.change_facilitator", facilitator)
    else:
        facilitator = None
        _require(request.user, "activities.change_catalogue")
    data = request.POST if request.method == "POST" else None
    form = FacilitatorForm(data, instance=facilitator, user=request.user)
    availability = AvailabilityFormSet(data, instance=facilitator, prefix="availability")
    exceptions = AvailabilityExceptionFormSet(data, instance=facilitator, prefix="exceptions")
    if data is not None:
        if form.is_valid() and availability.is_valid() and exceptions.is_valid():
            saved = services.save_facilitator(form, availability, exceptions)
            messages.success(request, _("Facilitator “%(name)s” saved.") % {"name": saved})
            return redirect("activities:facilitator-detail", pk=saved.pk)
        messages.error(request, _("Please correct the fields marked below; nothing was saved."))
    return render(request, "activities/facilitator_form.html", {
        "form": form, "availability": availability, "exceptions": exceptions, "facilitator": facilitator,
    })


# --- terms and cycles --------------------------------------------------------------------------------


@login_required
def term_list(request):
    return render(request, "activities/term_list.html", {"terms": selectors.terms(request.user)})


@login_required
def term_detail(request, pk):
    term = get_object_or_404(access.visible_terms(request.user), pk=pk)
    _require(request.user, "activities.view_term", term)
    return render(request, "activities/term_detail.html", {
        "term": term, "may_prepare": request.user.has_perm("activities.change_cycle", term),
        **selectors.term_record(request.user, term),
    })


@login_required
def term_edit(request, pk=None):
    """Create a term of a site or edit one, with its excluded dates."""
    term = get_object_or_404(access.visible_terms(request.user).select_related("site"), pk=pk) if pk else None
    if term is not None:
        _require(request.user, "activities.change_cycle", term)
        initial = {"site": term.site, "name": term.name, "first_date": term.first_date,
                   "last_date": term.last_date, "excluded_dates": term_service.format_excluded(term)}
    else:
        _require(request.user, "activities.change_catalogue")
        initial = {"site": request.GET["site"]} if request.GET.get("site") else {}  # from the setup checklist
    form = TermForm(request.POST or None, initial=initial, user=request.user, term=term)
    if request.method == "POST" and form.is_valid():
        values = dict(form.cleaned_data)
        try:
            saved = term_service.save_term(term, by=request.user, site=values["site"], name=values["name"],
                                           first_date=values["first_date"], last_date=values["last_date"],
                                           excluded=values["excluded_dates"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Term “%(name)s” saved.") % {"name": saved.name})
            return redirect("activities:term-detail", pk=saved.pk)
    return render(request, "activities/term_form.html", {"form": form, "term": term},
                  status=400 if form.errors else 200)


@login_required
def term_carry_over(request, pk):
    """Prepare this term's cycles from an earlier term's, ticked where the decision was to run again."""
    term = get_object_or_404(access.visible_terms(request.user).select_related("site"), pk=pk)
    _require(request.user, "activities.change_cycle", term)
    sources = list(carry_over.earlier_terms(term))
    chosen = request.POST.get("source") or request.GET.get("source", "")
    source = next((t for t in sources if str(t.pk) == chosen), sources[0] if sources else None)
    errors = []
    if request.method == "POST" and source is not None:
        ids = [int(value) for value in request.POST.getlist("cycles") if value.isdigit()]
        try:
            created = carry_over.carry_over(source, term, ids, by=request.user)
        except ValidationError as error:
            errors = [str(m) for messages_ in error.message_dict.values() for m in messages_]
        else:
            messages.success(request, ngettext(
                "%(count)s cycle prepared in draft: adjust it, then plan the term.",
                "%(count)s cycles prepared in draft: adjust them, then plan the term.", len(created),
            ) % {"count": len(created)})
            return redirect("activities:term-detail", pk=term.pk)
    ticked = {int(v) for v in request.POST.getlist("cycles") if v.isdigit()} if request.method == "POST" else None
    rows = carry_over.candidates(source, term) if source else []
    return render(request, "activities/term_carry_over.html", {
        "term": term, "sources": sources, "source": source, "errors": errors,
        "rows": [(row, row.cycle.pk in ticked if ticked is not None else row.proposed) for row in rows],
    }, status=400 if errors else 200)


@login_required
def cycle_list(request):
    filterset = CycleFilter(request.GET or None, queryset=selectors.cycles(request.user), request=request)
    return _list_page(request, "activities/cycle_list.html", filterset)


@login_required
def cycle_edit(request, pk=None):
    """Create a cycle of a term (`?term=`, `&activity=` to start from its catalogue entry) or edit one."""
    if pk is not None:
        cycle = get_object_or_404(access.visible_cycles(request.user).select_related("term__site"), pk=pk)
        term = cycle.term
    else:
        cycle = None
        term_id = request.POST.get("term") or request.GET.get("term", "")
        term = get_object_or_404(access.visible_terms(request.user).select_related("site"),
                                 pk=term_id if term_id.isdigit() else 0)
    _require(request.user, "activities.change_cycle", term)
    if cycle is not None:
        initial = {name: getattr(cycle, name) for name in (
            "activity", "code", "capacity", "sessions_per_week", "session_periods", "language",
            "screening_required", "status")}
        initial.update(eligible_units=list(cycle.eligible_units.all()), facilitators=list(cycle.facilitators.all()))
    else:
        activity_id = request.GET.get("activity", "")
        activity = access.visible_activities(request.user).filter(
            pk=activity_id if activity_id.isdigit() else 0, active=True).first()
        initial = {"status": CycleStatus.DRAFT, "screening_required": False,
                   **(cycle_service.defaults_from(activity) if activity else {})}
    form = CycleForm(request.POST or None, initial=initial, term=term, cycle=cycle)
    if request.method == "POST" and form.is_valid():
        try:
            saved = cycle_service.save_cycle(cycle, by=request.user, term=term, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Cycle “%(name)s” saved.") % {"name": saved})
            return redirect("activities:cycle-detail", pk=saved.pk)
    return render(request, "activities/cycle_form.html", {"form": form, "cycle": cycle, "term": term},
                  status=400 if form.errors else 200)


@login_required
def cycle_detail(request, pk):
    cycle = get_object_or_404(access.visible_cycles(request.user), pk=pk)
    _require(request.user, "activities.view_cycle", cycle)
    return render(request, "activities/cycle_detail.html", {
        "cycle": cycle,
        # Facilitators see participants by first name and prison number only.
        "full_names": request.user.has_perm("prisons.view_detainee_list"),
        "may_edit": request.user.has_perm("activities.change_cycle", cycle),
        "show_logs": request.user.has_perm("activities.view_session_log", cycle),
        "show_sheets": cycle.status in (CycleStatus.RUNNING, CycleStatus.FINISHED)
        and request.user.has_perm("enrolment.view_evaluation_sheets", cycle),
        "may_request_material": request.user.has_perm("activities.request_material", cycle)
        and cycle.status not in materials_module.ENDED,
        **selectors.cycle_record(request.user, cycle),
    })


# --- publicising the offer ---------------------------------------------------------------------------


@login_required
def offer_sheet(request):
    """The offer sheet of one unit, to print and post there, in French, Dutch or English."""
    _require(request.user, "activities.print_offer_sheets")
    units = access.visible_units(request.user).order_by("site__name", "code")
    chosen = request.GET.get("unit", "")
    unit = get_object_or_404(units, pk=chosen) if chosen.isdigit() else None
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = (translation.get_language() or "fr")[:2]
    context = {"units": units, "unit": unit, "language": language, "languages": settings.LANGUAGES}
    if unit is None:
        return render(request, "activities/offer_sheet.html", context)
    _require(request.user, "activities.print_offer", unit)
    # The sheet itself, weekday names and dates included, in the language chosen for the unit.
    with translation.override(language):
        return render(request, "activities/offer_sheet.html", {
            **context, "items": offer.offer_for_unit(unit, language), "printed_on": timezone.localdate(),
        })


@login_required
def offer_slip(request):
    """The application slip of one unit: a box to tick and a picture per activity, lines for the
    name, number and cell; detainees hand it to an officer. Same choices as the offer sheet."""
    _require(request.user, "activities.print_offer_sheets")
    chosen = request.GET.get("unit", "")
    if not chosen.isdigit():
        return redirect("activities:offer-sheet")
    unit = get_object_or_404(access.visible_units(request.user), pk=chosen)
    _require(request.user, "activities.print_offer", unit)
    language = request.GET.get("lang", "")
    if language not in dict(settings.LANGUAGES):
        language = (translation.get_language() or "fr")[:2]
    with translation.override(language):
        return render(request, "activities/offer_slip.html", {
            "unit": unit, "language": language, "items": offer.offer_for_unit(unit, language),
        })


# --- practical problems at sessions ------------------------------------------------------------------


@login_required
def problem_list(request):
    _require(request.user, "activities.view_problem_list")
    show_all = request.GET.get("all") == "1"
    problems = problems_module.problems_for(request.user, include_resolved=show_all)
    return render(request, "activities/problem_list.html", {
        "problems": problems[:200], "show_all": show_all, "resolution_form": ResolutionForm(),
    })


@login_required
def problem_report(request, pk):
    session = get_object_or_404(access.visible_sessions(request.user), pk=pk)
    _require(request.user, "activities.report_problem", session)
    form = ProblemForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            problems_module.report_problem(session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Problem reported; the coordinators will follow it up."))
            return redirect("activities:problem-list")
    return render(request, "activities/problem_form.html", {"session": session, "form": form})


@login_required
@require_POST
def problem_resolve(request, pk):
    problem = get_object_or_404(problems_module.problems_for(request.user), pk=pk)
    _require(request.user, "activities.resolve_problem", problem)
    try:
        problems_module.resolve_problem(problem, resolution=request.POST.get("resolution", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, _("Not resolved: %(reason)s") % {"reason": " ".join(error.messages)})
    else:
        messages.success(request, _("Problem marked as resolved."))
    return redirect("activities:problem-list")


# --- material brought in for a cycle -----------------------------------------------------------------


def _back(request, default):
    """Where a form posted from several pages returns: the page it came from, if it is ours."""
    return redirect(next_or(request, default))


@login_required
def material_list(request):
    _require(request.user, "activities.view_material_list")
    show_all = request.GET.get("all") == "1"
    status = None if show_all else MaterialStatus.REQUESTED
    materials = list(materials_module.materials_for(request.user, status=status)[:300])
    return render(request, "activities/material_list.html", {
        "materials": materials, "show_all": show_all,
        "withdrawable": materials_module.withdrawable(request.user, materials),
    })


@login_required
def material_request(request, pk):
    cycle = get_object_or_404(access.visible_cycles(request.user), pk=pk)
    _require(request.user, "activities.request_material", cycle)
    form = MaterialForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            materials_module.request_material(cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Item added to the list; the coordinators will record the direction's decision."))
            return redirect("activities:cycle-detail", pk=cycle.pk)
    return render(request, "activities/material_form.html", {"cycle": cycle, "form": form})


@login_required
@require_POST
def material_decide(request, pk):
    material = get_object_or_404(materials_module.materials_for(request.user), pk=pk)
    _require(request.user, "activities.decide_material", material)
    try:
        materials_module.decide_material(material, decision=request.POST.get("decision", ""),
                                         note=request.POST.get("decision_note", ""), by=request.user)
    except ValidationError as error:
        messages.error(request, _("“%(item)s”: decision not recorded. %(reason)s") % {
            "item": material.item, "reason": " ".join(error.messages)})
    else:
        messages.success(request, _("“%(item)s”: %(status)s.") % {
            "item": material.item, "status": material.get_status_display().lower()})
    return _back(request, "activities:material-list")


@login_required
@require_POST
def material_withdraw(request, pk):
    material = get_object_or_404(materials_module.materials_for(request.user), pk=pk)
    _require(request.user, "activities.withdraw_material", material)
    materials_module.withdraw_material(material, by=request.user)
    messages.success(request, _("“%(item)s” taken off the list.") % {"item": material.item})
    return _back(request, "activities:material-list")


# --- access authorisations to renew -----------------------------------------------------------------


def _renewal_sites(user):
    return [site for site in access.visible_sites(user).order_by("name")
            if user.has_perm("activities.request_renewal", site)]


@login_required
def renewal_list(request):
    """Outside facilitators whose planned sessions their badge does not cover, per site, with the
    requests sent to the direction; the list to send it, as a spreadsheet."""
    _require(request.user, "activities.view_renewals")
    sites = _renewal_sites(request.user)
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site", "")
    site = next((s for s in sites if str(s.pk) == chosen), sites[0])
    today = timezone.localdate()
    rows = renewals.renewals_due(site, today)
    if request.GET.get("format") == "xlsx":
        audit.record_export(request.user, "authorisations_to_renew", detail=f"site={site.pk} rows={len(rows)}")
        response = HttpResponse(renewals.renewals_xlsx(rows, site=site, today=today), content_type=lists.XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="authorisations-{site.code}-{today.isoformat()}.xlsx"'
        return response
    return render(request, "activities/renewal_list.html", {
        "sites": sites, "site": site, "rows": rows, "today": today,
        "answers": renewals.recent_answers(site, today)[:100],
    })


@login_required
@require_POST
def renewal_request(request, site_pk, facilitator_pk):
    site = get_object_or_404(access.visible_sites(request.user), pk=site_pk)
    facilitator = get_object_or_404(access.visible_facilitators(request.user), pk=facilitator_pk)
    _require(request.user, "activities.request_renewal", site)
    try:
        renewals.request_renewal(facilitator, site, by=request.user, note=request.POST.get("note", ""))
    except ValidationError as error:
        messages.error(request, _("%(name)s: not recorded. %(reason)s") % {
            "name": facilitator, "reason": " ".join(error.messages)})
    else:
        messages.success(request, _("%(name)s: request to the direction recorded.") % {"name": facilitator})
    return redirect(f"{reverse('activities:renewal-list')}?site={site.pk}")


@login_required
@require_POST
def renewal_answer(request, pk):
    renewal = get_object_or_404(AuthorisationRenewal.objects.filter(site__in=access.visible_sites(request.user))
                                .select_related("facilitator", "site"), pk=pk)
    _require(request.user, "activities.answer_renewal", renewal)
    form = RenewalAnswerForm(request.POST)
    values = form.cleaned_data if form.is_valid() else None
    try:
        if values is None:
            raise ValidationError({name: errors for name, errors in form.errors.items()})
        renewals.record_answer(renewal, by=request.user, **values)
    except ValidationError as error:
        messages.error(request, _("%(name)s: answer not recorded. %(reason)s") % {
            "name": renewal.facilitator, "reason": " ".join(error.messages)})
    else:
        messages.success(request, _("%(name)s: the direction's answer is recorded.") % {"name": renewal.facilitator})
    return redirect(f"{reverse('activities:renewal-list')}?site={renewal.site_id}")


# --- session logs ------------------------------------------------------------------------------------


@login_required
def session_log(request, pk):
    session = get_object_or_404(access.visible_sessions(request.user), pk=pk)
    _require(request.user, "activities.write_session_log", session)
    current = SessionLog.objects.filter(session=session).first()
    initial = {"done": current.done, "next_time": current.next_time} if current else None
    form = SessionLogForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            session_logs.write_log(session, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Session log saved."))
            return redirect("attendance:register", pk=session.pk)
    return render(request, "activities/session_log_form.html", {
        "session": session, "form": form, "previous_log": session_logs.previous_log(session),
    })
