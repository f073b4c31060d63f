"""Screening rounds: the applications waiting for an interview and a morning planned for several at once;
the day's interviews to print for the escorts, and the detainees' invitations. Rules in `screening.rounds`."""
import datetime as dt

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core import rules as access
from core.models import Role, User
from enrolment import notices

from . import rounds


class RoundForm(forms.Form):
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    minutes = forms.IntegerField(label=_("Minutes an interview"), initial=20)
    screener = forms.ModelChoiceField(label=_("Screener"), queryset=None)
    room = forms.ModelChoiceField(label=_("Room"), queryset=None, required=False)

    def __init__(self, user, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sites = access.visible_sites(user)
        self.fields["screener"].queryset = User.objects.filter(
            role__in=[Role.SCREENER, Role.COORDINATOR], sites__in=sites, is_active=True).distinct().order_by(
            "last_name", "first_name")
        self.fields["screener"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["room"].queryset = access.visible_rooms(user).filter(active=True).select_related("site").order_by(
            "site__name", "name")


def _scope(user):
    if not user.has_perm("screening.plan_rounds"):
        raise PermissionDenied
    return access.visible_enrolments(user)


@login_required
def to_screen(request):
    """The applications waiting for a screening interview, by cycle; tick some and plan a round."""
    enrolments = _scope(request.user)
    waiting = rounds.awaiting_screening(enrolments)
    if request.GET.get("site", "").isdigit():
        waiting = waiting.filter(cycle__term__site_id=int(request.GET["site"]))
    if request.GET.get("cycle", "").isdigit():
        waiting = waiting.filter(cycle_id=int(request.GET["cycle"]))
    initial = {"screener": request.user if request.user.role == Role.SCREENER else None,
               "day": timezone.localdate() + dt.timedelta(days=1), "start": dt.time(9), "end": dt.time(11, 30)}
    form = RoundForm(request.user, request.POST or None, initial=initial)
    ticked = {int(pk) for pk in request.POST.getlist("application") if pk.isdigit()}
    if request.method == "POST" and form.is_valid():
        try:
            interviews = rounds.plan_round(applications=[int(pk) for pk in request.POST.getlist("application")
                                                         if pk.isdigit()], scope=enrolments, by=request.user,
                                           **form.cleaned_data)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, ngettext("%(count)d interview planned.", "%(count)d interviews planned.",
                                               len(interviews)) % {"count": len(interviews)})
            site = interviews[0].detainee.site_id
            return redirect(f"{reverse('screening:day')}?site={site}&date={form.cleaned_data['day'].isoformat()}")
    waiting = list(waiting)
    cycles = {}
    for enrolment in waiting:
        cycles.setdefault(enrolment.cycle_id, (enrolment.cycle, []))[1].append(enrolment)
    return render(request, "screening/to_screen.html", {
        "cycles": list(cycles.values()), "count": len(waiting), "form": form,
        "ticked": ticked if request.method == "POST" else None,
    })


def _day(request):
    if not request.user.has_perm("screening.plan_rounds"):
        raise PermissionDenied
    site = get_object_or_404(access.visible_sites(request.user), pk=request.GET.get("site") or 0)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    interviews = list(rounds.interviews_on(access.visible_interviews(request.user), site, day))
    return site, day, interviews


@login_required
def day_list(request):
    """A site's screening interviews of a day, for the escorts: time, unit, who, room, screener."""
    site, day, interviews = _day(request)
    rounds.record_printed(request.user, interviews, "screening day list")
    return render(request, "screening/day.html", {
        "site": site, "day": day, "interviews": interviews,
        "previous": day - dt.timedelta(days=1), "next": day + dt.timedelta(days=1),
    })


@login_required
def invitations(request):
    """One invitation a page for each of the day's interviews, in the detainee's language unless `lang`."""
    site, day, interviews = _day(request)
    chosen = request.GET.get("lang") if request.GET.get("lang") in notices.NOTICE_LANGUAGES else None
    rounds.record_printed(request.user, interviews, "screening invitation")
    languages = {interview.pk: notices.notice_language(interview.detainee, chosen) for interview in interviews}
    today = timezone.localdate()
    pages = notices.render_each(
        "screening/_invitation.html", interviews, language=lambda interview: languages[interview.pk],
        context=lambda interview: {
            "interview": interview, "language": languages[interview.pk], "printed_on": today,
            "title": interview.enrolment.cycle.activity.title(languages[interview.pk]) if interview.enrolment else ""})
    return render(request, "screening/invitations.html", {
        "site": site, "day": day, "count": len(interviews), "pages": pages,
        "languages": notices.NOTICE_LANGUAGES, "chosen": chosen,
    })


@login_required
def day_outcomes(request):
    """What happened at each of the day's interviews, recorded at once after the round (notes stay on each
    interview's page)."""
    from .models import InterviewStatus, Outcome

    site, day, interviews = _day(request)
    interviews = [i for i in interviews if request.user.has_perm("screening.change_interview", i)]
    errors, typed = [], {}
    if request.method == "POST":
        typed = request.POST
        chosen = [rounds.DayOutcome(i.pk, request.POST.get(f"status-{i.pk}", ""), request.POST.get(f"outcome-{i.pk}", ""),
                                    request.POST.get(f"reason-{i.pk}", "")) for i in interviews
                  if request.POST.get(f"status-{i.pk}")]
        if not chosen:
            errors = [_("Say for at least one interview whether it was held, missed or cancelled.")]
        else:
            try:
                saved = rounds.record_day_outcomes(request.user, access.visible_interviews(request.user), chosen)
            except ValidationError as error:
                errors = error.messages
            else:
                messages.success(request, ngettext("%(count)d interview recorded.", "%(count)d interviews recorded.",
                                                   len(saved)) % {"count": len(saved)})
                return redirect(f"{reverse('screening:day')}?site={site.pk}&date={day.isoformat()}")
    rows = [{"interview": i, "status": typed.get(f"status-{i.pk}", ""), "outcome": typed.get(f"outcome-{i.pk}", ""),
             "reason": typed.get(f"reason-{i.pk}", "")} for i in interviews]  # what was typed stays
    return render(request, "screening/day_outcomes.html", {
        "site": site, "day": day, "rows": rows, "errors": errors,
        "statuses": [c for c in InterviewStatus.choices if c[0] != InterviewStatus.SCHEDULED],
        "outcomes": Outcome.choices,
    }, status=400 if errors else 200)
