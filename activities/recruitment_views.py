"""Pages for recruiting volunteers: the board of candidates by step, their record, the next step."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import rules as access
from core.forms import add_service_errors

from . import recruitment
from .forms import CandidateForm, CandidateStepForm, CandidateWithdrawForm
from .models import RecruitmentStage


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _board_page(request, *, failed=None, status=200):
    """The board; `failed`: (candidate id, form) of a step or withdrawal refused, shown with its errors
    and what was typed."""
    _require(request.user, "activities.view_recruitment")
    sites = list(access.visible_sites(request.user).order_by("name"))
    if not sites:
        raise PermissionDenied
    chosen = request.GET.get("site", "")
    site = next((s for s in sites if str(s.pk) == chosen), None)
    candidates = recruitment.candidates_for(request.user)
    if site is not None:
        candidates = candidates.filter(site=site)
    steps, closed = recruitment.board(candidates, timezone.localdate())
    return render(request, "activities/recruitment_board.html", {
        "sites": sites, "site": site, "steps": steps, "closed": closed, "today": timezone.localdate(),
        "failed_step": failed[0] if failed and isinstance(failed[1], CandidateStepForm) else 0,
        "failed_withdrawal": failed[0] if failed and isinstance(failed[1], CandidateWithdrawForm) else 0,
        "failed_form": failed[1] if failed else None, "failed_errors": _error_lines(failed[1]) if failed else [],
        "may_add": any(request.user.has_perm("activities.manage_recruitment", s) for s in sites),
        "granting": RecruitmentStage.INDUCTION, "thresholds": recruitment.WAITING_TOO_LONG,
    }, status=status)


def _error_lines(form) -> list[str]:
    """Each error with the field it is about, for a form shown inline in a table row."""
    return [f"{form.fields[name].label}: {message}" if name in form.fields else message
            for name, messages_ in form.errors.items() for message in messages_]


@login_required
def recruitment_board(request):
    return _board_page(request)


@login_required
def candidate_edit(request, pk=None):
    candidate = get_object_or_404(recruitment.candidates_for(request.user), pk=pk) if pk else None
    if candidate is not None:
        _require(request.user, "activities.manage_recruitment", candidate)
    else:
        _require(request.user, "activities.view_recruitment")
    form = CandidateForm(request.POST or None, instance=candidate, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            saved = recruitment.record_candidate(form.cleaned_data, by=request.user, candidate=candidate)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s: record saved.") % {"name": saved})
            return redirect(f"{reverse('activities:recruitment')}?site={saved.site_id}")
    return render(request, "activities/candidate_form.html", {"form": form, "candidate": candidate},
                  status=400 if form.is_bound else 200)


@login_required
@require_POST
def candidate_advance(request, pk):
    candidate = get_object_or_404(recruitment.candidates_for(request.user), pk=pk)
    _require(request.user, "activities.manage_recruitment", candidate)
    form = CandidateStepForm(request.POST)
    if form.is_valid():
        try:
            candidate = recruitment.advance(candidate, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if candidate.stage == RecruitmentStage.READY:
                messages.success(request, _("%(name)s is ready: their facilitator record is made; give them cycles.") % {
                    "name": candidate})
            else:
                messages.success(request, _("%(name)s: %(stage)s.") % {
                    "name": candidate, "stage": candidate.get_stage_display().lower()})
            return redirect(f"{reverse('activities:recruitment')}?site={candidate.site_id}")
    return _board_page(request, failed=(candidate.pk, form), status=400)


@login_required
@require_POST
def candidate_withdraw(request, pk):
    candidate = get_object_or_404(recruitment.candidates_for(request.user), pk=pk)
    _require(request.user, "activities.manage_recruitment", candidate)
    form = CandidateWithdrawForm(request.POST)
    if form.is_valid():
        try:
            recruitment.withdraw(candidate, by=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("%(name)s: not pursued.") % {"name": candidate})
            return redirect(f"{reverse('activities:recruitment')}?site={candidate.site_id}")
    return _board_page(request, failed=(candidate.pk, form), status=400)
