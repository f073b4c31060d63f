"""Answers to applications: the list of answers still to give, unit by unit, the slips to print, and
"handed out". The rules are in `enrolment.answers`."""
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import rules as access
from core.redirects import next_or

from . import answers, notices
from .models import EnrolmentStatus

# at most this many slips in one print run (a unit's answers fit easily; the browser stays quick)
PRINT_AT_MOST = 300


class AnswersFilter(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False)
    cycle = forms.ModelChoiceField(label=_("Cycle"), queryset=None, required=False)
    status = forms.ChoiceField(label=_("To tell"), required=False, choices=[
        ("", _("everything")), *[(status.value, status.label) for status in answers.ANSWERABLE]])

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = access.visible_sites(user).order_by("name")
        self.fields["unit"].queryset = access.visible_units(user).select_related("site").order_by("site__name", "code")
        self.fields["cycle"].queryset = access.visible_cycles(user).select_related("activity").filter(
            term__last_date__gte=timezone.localdate()).order_by("code")

    def narrow(self, enrolments):
        if not self.is_valid():
            return enrolments.none()
        data = self.cleaned_data
        if data["site"]:
            enrolments = enrolments.filter(cycle__term__site=data["site"])
        if data["unit"]:
            enrolments = enrolments.filter(detainee__unit=data["unit"])
        if data["cycle"]:
            enrolments = enrolments.filter(cycle=data["cycle"])
        if data["status"]:
            enrolments = enrolments.filter(status=data["status"])
        return enrolments


def _answerable(user):
    """The applications the user may answer: those of the sites they coordinate."""
    if not user.has_perm("enrolment.view_answers_to_give"):
        raise PermissionDenied
    return access.visible_enrolments(user)


@login_required
def answers_to_give(request):
    enrolments = _answerable(request.user)
    filter_form = AnswersFilter(request.user, request.GET or None)
    today = timezone.localdate()
    due = list(answers.answers_to_give(filter_form.narrow(enrolments) if request.GET else enrolments, today))
    positions = answers.waiting_positions({e.cycle_id for e in due if e.status == EnrolmentStatus.APPROVED})
    rows = [{"enrolment": e, "overdue": answers.is_overdue(e, today), "position": positions.get(e.pk),
             "days": (today - e.requested_on).days,
             "told_label": EnrolmentStatus(e.told_status).label if e.told_status else ""} for e in due]
    units = {}
    for row in rows:
        unit = row["enrolment"].detainee.unit
        units.setdefault(unit.pk if unit else None, (unit, []))[1].append(row)
    return render(request, "enrolment/answers.html", {
        "filter": type("Filter", (), {"form": filter_form}), "units": list(units.values()), "count": len(rows),
        "overdue": sum(row["overdue"] for row in rows), "notice_languages": notices.NOTICE_LANGUAGES,
        "acknowledge_after": answers.ACKNOWLEDGE_AFTER_DAYS, "print_at_most": PRINT_AT_MOST,
    })


@login_required
def print_answers(request):
    """The slips ticked on the list (`a`), each in the detainee's language unless `lang` is chosen."""
    enrolments = _answerable(request.user)
    ticked = list(dict.fromkeys(int(value) for value in request.GET.getlist("a") if value.isdigit()))
    ids = ticked[:PRINT_AT_MOST]
    chosen = request.GET.get("lang") if request.GET.get("lang") in notices.NOTICE_LANGUAGES else None
    chosen_ones = [
        e for e in enrolments.filter(pk__in=ids, status__in=answers.ANSWERABLE)
        .select_related("detainee__unit", "cycle__activity", "cycle__term").prefetch_related("detainee__languages")
        .order_by("detainee__unit__code", "detainee__last_name", "detainee__first_name", "cycle__code", "id")
        if request.user.has_perm("enrolment.manage_applications", e)
    ]
    slips = answers.slips_for(chosen_ones, chosen)
    answers.record_slips_printed(request.user, slips)
    today = timezone.localdate()
    pages = notices.render_each("enrolment/_answer_slip.html", slips, language=lambda slip: slip.language,
                                context=lambda slip: {"slip": slip, "printed_on": today})
    return render(request, "enrolment/answers_print.html", {
        "slips": slips, "pages": pages,
        "languages": notices.NOTICE_LANGUAGES, "chosen": chosen,
        "ticked": len(ticked), "print_at_most": PRINT_AT_MOST,
        "ids_query": "&".join(f"a={slip.enrolment.pk}" for slip in slips),
    })


@require_POST
@login_required
def answers_handed(request):
    enrolments = _answerable(request.user)
    try:
        recorded = answers.record_answers(request.user, enrolments, answers.read_tokens(request.POST.getlist("answer")))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(next_or(request, "enrolment:answers"))
    messages.success(request, ngettext(
        "%(count)d answer recorded as handed out.", "%(count)d answers recorded as handed out.",
        len(recorded)) % {"count": len(recorded)})
    return redirect(next_or(request, "enrolment:answers"))


@login_required
def notice(request, pk):
    """One application's answer (the enrolment notice once enrolled), the whole page in the detainee's
    language unless another is chosen."""
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("detainee__unit", "cycle__activity", "cycle__term")
        .prefetch_related("detainee__languages"), pk=pk)
    if not request.user.has_perm("enrolment.manage_applications", enrolment):
        raise PermissionDenied
    if enrolment.status not in answers.ANSWERABLE:
        raise PermissionDenied
    language = notices.notice_language(enrolment.detainee, request.GET.get("lang"))
    slip = answers.slips_for([enrolment], language)[0]
    answers.record_slips_printed(request.user, [slip])
    # The whole page, dates and weekday names included, in the detainee's language.
    with translation.override(language):
        return render(request, "enrolment/notice.html", {
            "slip": slip, "language": language, "printed_on": timezone.localdate(),
            "notice_languages": notices.NOTICE_LANGUAGES, "may_record": True,
            "told": enrolment.answers.first(), "detainee": enrolment.detainee,
        })


@require_POST
@login_required
def take_back(request, pk):
    """"Not handed out after all": the last answer recorded by mistake goes, and the application is due again."""
    from .models import ApplicationAnswer

    answer = get_object_or_404(ApplicationAnswer.objects.select_related("enrolment__cycle__term").filter(
        enrolment__in=_answerable(request.user)), pk=pk)
    try:
        answers.take_back(answer, by=request.user)
    except ValidationError as error:
        raise PermissionDenied(" ".join(error.messages)) from None
    messages.success(request, _("The answer is taken back: the application is among the answers to give again."))
    return redirect("enrolment:application", answer.enrolment_id)
