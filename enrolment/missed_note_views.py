"""Notes to participants who missed their last sessions: print them from the follow-up page, record them
handed out, record the reply. The rules are in `enrolment.missed_notes`."""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from core import rules as access
from core.redirects import next_or

from . import missed_notes, notices
from .models import LeavingReason, MissedSessionsNote


def _followed(user):
    if not user.has_perm("enrolment.view_attendance_follow_up"):
        raise PermissionDenied
    return access.visible_enrolments(user)


@login_required
def print_notes(request):
    """The notes of the participants ticked on the follow-up page (`e`), each in their language unless
    `lang` is chosen."""
    enrolments = _followed(request.user)
    ids = {int(value) for value in request.GET.getlist("e") if value.isdigit()}
    chosen = request.GET.get("lang") if request.GET.get("lang") in notices.NOTICE_LANGUAGES else None
    scope = enrolments.filter(pk__in=ids).select_related("detainee__unit", "cycle__term").prefetch_related(
        "detainee__languages")
    runs = [run for run in missed_notes.runs_to_follow(scope)
            if request.user.has_perm("enrolment.record_feedback", run.enrolment)]
    slips = missed_notes.slips_for(runs, chosen)
    missed_notes.record_printed(request.user, slips)
    today = timezone.localdate()
    pages = notices.render_each("enrolment/_missed_note.html", slips, language=lambda slip: slip.language,
                                context=lambda slip: {"slip": slip, "printed_on": today})
    return render(request, "enrolment/missed_notes_print.html", {
        "slips": slips, "pages": pages,
        "languages": notices.NOTICE_LANGUAGES, "chosen": chosen,
        "ids_query": "&".join(f"e={slip.enrolment.pk}" for slip in slips),
    })


@require_POST
@login_required
def notes_handed(request):
    enrolments = _followed(request.user)
    try:
        recorded = missed_notes.record_handed(request.user, enrolments, request.POST.getlist("note"))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect(next_or(request, "attendance:follow-up"))
    messages.success(request, ngettext("%(count)d note recorded as handed out.", "%(count)d notes recorded as handed out.",
                                       len(recorded)) % {"count": len(recorded)})
    return redirect("attendance:follow-up")


@require_POST
@login_required
def note_reply(request, pk):
    note = get_object_or_404(MissedSessionsNote.objects.filter(enrolment__in=_followed(request.user)), pk=pk)
    reason = LeavingReason.objects.filter(active=True, pk=request.POST.get("leaving_reason") or 0).first()
    try:
        note = missed_notes.record_reply(note, request.POST.get("reply", ""), by=request.user, leaving_reason=reason)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        if note.reply == "stop":
            messages.success(request, _("Recorded: they stop. Their place is offered to the next person on the waiting list."))
        else:
            messages.success(request, _("Recorded: they want to continue."))
    return redirect("attendance:follow-up")


@require_POST
@login_required
def note_take_back(request, pk):
    note = get_object_or_404(MissedSessionsNote.objects.select_related("enrolment__cycle__term").filter(
        enrolment__in=_followed(request.user)), pk=pk)
    try:
        missed_notes.take_back(note, by=request.user)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("The note is taken back: it can be printed again."))
    return redirect("attendance:follow-up")
