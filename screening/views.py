"""Screening pages: schedule an interview, record what happened, read the notes (audited)."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from core import rules as access
from core.models import Role, User

from . import selectors, services
from .forms import InterviewForm, OutcomeForm


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _interview(request, pk, permission="screening.view_interview"):
    interview = get_object_or_404(access.visible_interviews(request.user), pk=pk)
    _require(request.user, permission, interview)
    return interview


@login_required
def interview_list(request):
    if not (access.is_screener(request.user) or access.is_planner(request.user)):
        raise PermissionDenied
    since = timezone.now() - timezone.timedelta(hours=12)
    return render(request, "screening/interview_list.html", {
        "interviews": list(selectors.upcoming_interviews(request.user, since)[:200]),
        "sites": list(access.visible_sites(request.user).order_by("name")),
    })


@login_required
def interview_new(request):
    enrolment = None
    if request.GET.get("application"):
        enrolment = get_object_or_404(access.visible_enrolments(request.user), pk=request.GET["application"])
        detainee = enrolment.detainee
    elif request.GET.get("detainee"):
        detainee = get_object_or_404(access.visible_detainees(request.user), pk=request.GET["detainee"])
    else:
        raise Http404
    _require(request.user, "screening.change_interview", detainee)
    screeners = User.objects.filter(
        role__in=[Role.SCREENER, Role.COORDINATOR], sites=detainee.site_id, is_active=True
    ).order_by("last_name", "first_name")
    form = InterviewForm(request.POST or None, screeners=screeners,
                         rooms=access.visible_rooms(request.user).filter(site=detainee.site_id, active=True),
                         initial={"screener": request.user if request.user.role == Role.SCREENER else None})
    if request.method == "POST" and form.is_valid():
        try:
            interview = services.schedule_interview(detainee=detainee, enrolment=enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, _("Interview scheduled."))
            return redirect("screening:interview", interview.pk)
    return render(request, "screening/interview_form.html", {"form": form, "detainee": detainee, "enrolment": enrolment})


@login_required
def interview_page(request, pk):
    interview = _interview(request, pk)
    may_read = services.may_read_notes(request.user, interview)
    notes = None
    if may_read and request.GET.get("notes") == "1":
        notes = services.read_notes(interview, request.user)
    return render(request, "screening/interview.html", {
        "interview": interview, "may_read_notes": may_read, "notes": notes,
        "may_change": request.user.has_perm("screening.change_interview", interview),
    })


@login_required
def interview_outcome(request, pk):
    interview = _interview(request, pk, "screening.change_interview")
    may_read = services.may_read_notes(request.user, interview)
    if request.method == "POST":
        form = OutcomeForm(request.POST, with_notes=may_read)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_outcome(interview, status=data["status"], outcome=data["outcome"],
                                        reason=data["reason"], notes=data.get("notes"), by=request.user)
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error({"outcome_reason": "reason"}.get(field, field) if field != "__all__" else None, errors)
            else:
                messages.success(request, _("Interview updated."))
                return redirect("screening:interview", interview.pk)
    else:
        # Pre-filling the notes is a read of confidential data: it is logged like any other.
        form = OutcomeForm(with_notes=may_read, initial={
            "status": interview.status if interview.status != "scheduled" else "held", "outcome": interview.outcome,
            "reason": interview.outcome_reason,
            "notes": services.read_notes(interview, request.user) if may_read and interview.notes else "",
        })
    return render(request, "screening/interview_outcome.html", {"form": form, "interview": interview})
