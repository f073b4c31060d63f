"""Needs survey pages: list, create and edit, results with the entry of paper answers, the printable
questionnaire. Business rules live in services; reads in selectors."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import rules as access
from core.audit import record_export
from core.forms import add_service_errors
from enrolment.exports import FORMATS

from . import imports, selectors, services, sheets
from .forms import ResponseForm, SurveyForm
from .models import PreferredTime, Survey, SurveyStatus


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _survey(request, pk, permission="surveys.view_survey"):
    survey = get_object_or_404(access.visible_surveys(request.user), pk=pk)
    _require(request.user, permission, survey)
    return survey


@login_required
def survey_list(request):
    _require(request.user, "surveys.view_survey_list")
    return render(request, "surveys/survey_list.html", {
        "surveys": selectors.surveys_for(request.user),
        "may_add": request.user.has_perm("surveys.add_survey"),
    })


@login_required
def survey_edit(request, pk=None):
    if pk is None:
        _require(request.user, "surveys.add_survey")
        survey = Survey()
    else:
        survey = _survey(request, pk, "surveys.change_survey")
    form = SurveyForm(request.POST or None, instance=survey, sites=access.visible_sites(request.user),
                      units=access.visible_units(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_survey(form.save(commit=False), form.cleaned_data["units"],
                                         form.cleaned_data["options"], request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Survey “%(title)s” saved.") % {"title": saved.title})
            return redirect("surveys:detail", pk=saved.pk)
    if request.method == "POST":
        messages.error(request, _("Please correct the fields marked below; nothing was saved."))
    return render(request, "surveys/survey_form.html", {"form": form, "survey": survey if survey.pk else None})


def _detail(request, survey, response_form=None, import_errors=None):
    may_enter = survey.status == SurveyStatus.OPEN and request.user.has_perm("surveys.enter_response", survey)
    return render(request, "surveys/survey_detail.html", {
        "survey": survey,
        "results": selectors.survey_results(survey),
        "response_form": (response_form or ResponseForm(survey=survey)) if may_enter else None,
        "may_change": request.user.has_perm("surveys.change_survey", survey),
        "statuses": SurveyStatus,
        "import_errors": import_errors or [],
    })


@login_required
def survey_detail(request, pk):
    return _detail(request, _survey(request, pk))


@login_required
@require_POST
def survey_answer(request, pk):
    survey = _survey(request, pk, "surveys.enter_response")
    form = ResponseForm(request.POST, survey=survey)
    if form.is_valid():
        try:
            services.record_response(survey, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Answer saved (%(count)s in all). Ready for the next one.") % {
                "count": survey.responses.count()})
            return redirect(f"{reverse('surveys:detail', args=[survey.pk])}#enter")
    messages.error(request, _("The answer was not saved: please correct the fields marked below."))
    return _detail(request, survey, form)


@login_required
@require_POST
def survey_status(request, pk):
    survey = _survey(request, pk, "surveys.change_survey")
    try:
        services.set_status(survey, request.POST.get("status", ""), request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The survey is now: %(status)s.") % {"status": survey.get_status_display()})
    return redirect("surveys:detail", pk=survey.pk)


@login_required
def questionnaire(request, pk):
    """The questionnaire to print and hand out in the units."""
    survey = _survey(request, pk)
    return render(request, "surveys/questionnaire.html", {
        "survey": survey, "options": survey.options.all(), "times": PreferredTime.choices,
    })


@login_required
def results_export(request, pk):
    survey = _survey(request, pk)
    content = sheets.write_results_xlsx(selectors.survey_results(survey))
    record_export(request.user, "surveys.results", detail=f"survey={survey.pk}")
    content_type, extension = FORMATS["xlsx"]
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="relais-survey-{survey.pk}.{extension}"'
    return response


@login_required
@require_POST
def answers_import(request, pk):
    """A spreadsheet of paper answers: all saved, or none and every error named by row and column."""
    survey = _survey(request, pk, "surveys.enter_response")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to import."))
        return redirect("surveys:detail", pk=survey.pk)
    try:
        report = imports.import_answers(survey, upload.read(), upload.name, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("surveys:detail", pk=survey.pk)
    if report.errors:
        messages.error(request, _("Nothing was imported: please correct the rows listed below."))
        return _detail(request, survey, import_errors=report.errors)
    messages.success(request, _("%(count)s answers imported.") % {"count": report.saved})
    return redirect("surveys:detail", pk=survey.pk)


@login_required
def answers_template(request, pk):
    survey = _survey(request, pk, "surveys.enter_response")
    content_type, extension = FORMATS["xlsx"]
    response = HttpResponse(imports.template(survey), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="relais-survey-{survey.pk}-answers.{extension}"'
    return response
