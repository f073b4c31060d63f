"""Evaluation of the offer (step 11): a term's indicators on a page and in a workbook."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import rules as access
from core.audit import record_export
from core.forms import add_service_errors

from . import evaluation_sheets, indicator_sheets, indicators, notices, reviews, year_report
from .attendance_forms import CycleReviewForm, EvaluationSheetForm
from .exports import FORMATS


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _term(request, pk):
    """The term, if the user may see it (404 otherwise) and its indicators (403 otherwise)."""
    term = get_object_or_404(access.visible_terms(request.user), pk=pk)
    _require(request.user, "enrolment.view_indicators", term)
    return term


@login_required
def index(request):
    """The newest term that has started, or the one chosen in the term picker."""
    _require(request.user, "enrolment.view_indicator_list")
    terms = indicators.terms_to_evaluate(access.visible_terms(request.user))
    chosen = request.GET.get("term", "")
    term = terms.filter(pk=chosen).first() if chosen.isdigit() else terms.first()
    if term is None:
        return render(request, "enrolment/evaluation.html", {"terms": terms, "data": None})
    return redirect("evaluation:term", pk=term.pk)


@login_required
def term_page(request, pk):
    term = _term(request, pk)
    data = indicators.term_indicators(term)
    return render(request, "enrolment/evaluation.html", {
        "terms": indicators.terms_to_evaluate(access.visible_terms(request.user)),
        "data": data,
        "definitions": indicator_sheets.definitions(),
    })


@login_required
def term_export(request, pk):
    term = _term(request, pk)
    data = indicators.term_indicators(term)
    content = indicator_sheets.write_indicators_xlsx(data)
    record_export(request.user, "enrolment.indicators", detail=f"term={term.pk} cycles={len(data.cycles)} format=xlsx")
    content_type, extension = FORMATS["xlsx"]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{indicator_sheets.filename(data)}.{extension}"'
    return response


@login_required
def partner_report(request, pk, partner_pk):
    """A partner organisation's part of the term, printed or saved as PDF and sent to it."""
    term = _term(request, pk)
    partner = get_object_or_404(access.visible_partners(request.user), pk=partner_pk)
    report = indicators.partner_report(term, partner)
    if report is None:
        raise Http404
    return render(request, "enrolment/partner_report.html", {"report": report, "term": term})


@login_required
def cycle_review(request, pk):
    """Decide what becomes of a cycle, with its numbers and signals in view."""
    cycle = get_object_or_404(access.visible_cycles(request.user).select_related("term__site"), pk=pk)
    _require(request.user, "enrolment.review_cycle", cycle)
    existing = getattr(cycle, "review", None)
    initial = {"decision": existing.decision, "changes": existing.changes, "note": existing.note} if existing else {}
    form = CycleReviewForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            reviews.review_cycle(cycle, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Decision recorded for %(cycle)s.") % {"cycle": cycle})
            return redirect("evaluation:term", pk=cycle.term_id)
    row = next(row for row in indicators.term_indicators(cycle.term).cycles if row.cycle.pk == cycle.pk)
    return render(request, "enrolment/cycle_review.html", {"cycle": cycle, "row": row, "form": form})


def _sheet_cycle(request, pk, permission):
    cycle = get_object_or_404(
        access.visible_cycles(request.user).select_related("activity__partner", "term__site"), pk=pk)
    _require(request.user, permission, cycle)
    return cycle


@login_required
def cycle_sheets(request, pk):
    """What the participants said on their sheets; the coordinators type in each sheet here."""
    cycle = _sheet_cycle(request, pk, "enrolment.view_evaluation_sheets")
    may_enter = request.user.has_perm("enrolment.enter_evaluation_sheets", cycle)
    form = EvaluationSheetForm(request.POST if request.method == "POST" else None) if may_enter else None
    if request.method == "POST":
        _require(request.user, "enrolment.enter_evaluation_sheets", cycle)
        if form.is_valid():
            try:
                evaluation_sheets.record_sheet(cycle, by=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Sheet entered. Next one?"))
                return redirect("evaluation:cycle-sheets", pk=cycle.pk)
    sheets = list(cycle.evaluation_sheets.order_by("-pk")) if may_enter else []
    return render(request, "enrolment/evaluation_sheets.html", {
        "cycle": cycle, "form": form, "sheets": sheets, "summary": evaluation_sheets.summary_of(cycle),
        "participants": evaluation_sheets.participants(cycle), "languages": notices.NOTICE_LANGUAGES,
        "may_review": request.user.has_perm("enrolment.review_cycle", cycle),
        "questions": evaluation_sheets.RATED_QUESTIONS,
    }, status=400 if form is not None and form.errors else 200)


@login_required
@require_POST
def delete_sheet(request, pk):
    sheet = get_object_or_404(access.visible_evaluation_sheets(request.user), pk=pk)
    cycle_pk = sheet.cycle_id
    evaluation_sheets.delete_sheet(sheet, by=request.user)
    messages.success(request, _("Sheet deleted."))
    return redirect("evaluation:cycle-sheets", pk=cycle_pk)


@login_required
def print_sheets(request, pk):
    """Blank sheets to hand out: one per participant in their language, or `copies` in one language."""
    cycle = _sheet_cycle(request, pk, "enrolment.view_evaluation_sheets")
    chosen = request.GET.get("lang") if request.GET.get("lang") in notices.NOTICE_LANGUAGES else None
    if chosen:
        copies_text = request.GET.get("copies", "")
        copies = {chosen: min(int(copies_text), evaluation_sheets.MAX_COPIES) if copies_text.isdigit() else 1}
    else:
        copies = dict(sorted(evaluation_sheets.copies_by_language(cycle, notices.notice_language).items()))
    pages = []
    for language, count in copies.items():
        with translation.override(language):
            page = render_to_string("enrolment/_evaluation_sheet.html", {
                "cycle": cycle, "title": cycle.activity.title(language), "language": language,
                "questions": evaluation_sheets.RATED_QUESTIONS,
            })
        pages.extend([page] * count)
    return render(request, "enrolment/evaluation_sheets_print.html", {
        "cycle": cycle, "pages": mark_safe("".join(pages)),  # noqa: S308 (rendered templates)
        "copies": copies, "count": len(pages), "languages": notices.NOTICE_LANGUAGES, "chosen": chosen,
        "max_copies": evaluation_sheets.MAX_COPIES,
    })


@login_required
def year_page(request):
    """A site's year in figures; `format=xlsx` downloads the same tables as a workbook."""
    sites = [site for site in access.visible_sites(request.user).order_by("name")
             if request.user.has_perm("enrolment.view_year_report", site)]
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site", "")
    site = next((s for s in sites if str(s.pk) == chosen), sites[0])
    years = year_report.years_with_sessions(site)
    year_text = request.GET.get("year", "")
    year = int(year_text) if year_text.isdigit() and int(year_text) in years else year_report.default_year(years)
    report = year_report.year_report(site, year)
    if request.GET.get("format") == "xlsx":
        record_export(request.user, "enrolment.year_report", detail=f"site={site.pk} year={year} format=xlsx")
        content_type, extension = FORMATS["xlsx"]
        response = HttpResponse(indicator_sheets.write_year_xlsx(report), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="relais-year-{site.code}-{year}.{extension}"'
        return response
    return render(request, "enrolment/evaluation_year.html", {
        "report": report, "sites": sites, "years": years,
    })
