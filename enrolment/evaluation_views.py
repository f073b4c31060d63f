"""Evaluation of the offer (step 11): a term's indicators on a page and in a workbook."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import rules as access
from core.audit import record_export
from core.forms import add_service_errors

from . import indicator_sheets, indicators, reviews
from .attendance_forms import CycleReviewForm
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
