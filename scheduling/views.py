"""Planning pages: parse, authorise, call a service, show. No planning rule is decided here."""
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from activities.availability import (
    ask_to_confirm,
    confirmation_opens,
    send_availability_questions,
    unconfirmed_and_asked,
)
from activities.models import Facilitator
from core import rules as access
from scheduling.solver import ProblemError

from . import checks, replacements, selectors, services
from .forms import (
    CancelForm,
    DraftMoveForm,
    PlanForm,
    PublishForm,
    SessionCancelForm,
    SessionMoveForm,
)
from .models import DraftSession
from .notices import told_about
from .outbox import refused_about
from .problem_builder import build_problem


def _term_to_plan(request, pk):
    term = get_object_or_404(access.visible_terms(request.user), pk=pk)
    if not request.user.has_perm("scheduling.plan_term", term):
        raise PermissionDenied
    return term


def _error_messages(request, error: ValidationError):
    for message in error.messages:
        messages.error(request, message)


@login_required
def index(request):
    terms = selectors.terms_to_plan(request.user)
    if not access.is_planner(request.user):
        raise PermissionDenied
    return render(request, "scheduling/planning_index.html", {"terms": terms})


@login_required
def term_planning(request, pk):
    term = _term_to_plan(request, pk)
    try:
        built = build_problem(term)
    except ProblemError as error:
        built, problem_error = None, str(error)
    else:
        problem_error = ""
    drafts = list(selectors.draft_sessions(term))
    findings = services.check_draft(term, built, services.draft_rows(term, drafts)) if built and drafts else []
    run = selectors.latest_run(term)
    context = {
        "term": term,
        "run": run,
        "progress": selectors.run_progress(run) if run else None,
        "drafts": drafts,
        "grids": selectors.week_grids(term, drafts),
        "findings": findings,
        "has_errors": checks.has_errors(findings),
        "has_warnings": any(f.severity == checks.WARNING for f in findings),
        "penalties": selectors.penalties_in_words(built.problem, drafts) if built and drafts else [],
        "explanation": selectors.explanation(run, built) if run and built and run.solver_status == "INFEASIBLE" else [],
        "problem_error": problem_error,
        "plan_form": PlanForm(),
        "publish_form": PublishForm(term=term, warnings=any(f.severity == checks.WARNING for f in findings)),
        "publication": term.publications.order_by("-number").first(),
        "hit_by_exceptions": len(checks.sessions_hit_by_exceptions(term, timezone.localdate())),
        "unconfirmed": unconfirmed_and_asked(term),  # whose weekly availability may be stale
        "confirm_since": confirmation_opens(term),
    }
    return render(request, "scheduling/term_planning.html", context)


@login_required
@require_POST
def ask_availability(request, pk):
    """E-mail the term's facilitators who have not confirmed their weekly availability whether it holds."""
    term = _term_to_plan(request, pk)
    try:
        asked = ask_to_confirm(term, by=request.user)
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("planning:term", pk=term.pk)
    sent = send_availability_questions(asked.questions)
    if sent:
        messages.success(request, ngettext("%(count)d facilitator asked by e-mail.",
                                           "%(count)d facilitators asked by e-mail.", sent) % {"count": sent})
    if sent < len(asked.questions):
        messages.warning(request, _("The mail server refused some: they are listed under “E-mails not sent” and "
                                    "tried again every ten minutes."))
    if asked.without_address:
        messages.warning(request, _("No e-mail address, to ask by other means: %(names)s.") % {
            "names": ", ".join(str(person) for person in asked.without_address)})
    return redirect("planning:term", pk=term.pk)


@login_required
@require_POST
def plan(request, pk):
    term = _term_to_plan(request, pk)
    form = PlanForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give a time limit between 5 and 600 seconds."))
        return redirect("planning:term", pk=term.pk)
    try:
        services.request_plan(term, request.user, time_limit=form.cleaned_data["time_limit"])
    except ProblemError as error:
        messages.error(request, _("The term cannot be planned: %(error)s") % {"error": error})
    return redirect("planning:term", pk=term.pk)


@login_required
def run_status(request, pk, run_pk):
    term = _term_to_plan(request, pk)
    run = get_object_or_404(term.solver_runs, pk=run_pk)
    return JsonResponse(selectors.run_progress(run))


@login_required
def draft_move(request, pk, draft_pk):
    term = _term_to_plan(request, pk)
    draft = get_object_or_404(DraftSession.objects.select_related("cycle", "period", "room"), term=term, pk=draft_pk)
    created = []
    if request.method == "POST":
        form = DraftMoveForm(request.POST, user=request.user, term=term)
        if form.is_valid():
            try:
                result = services.move_draft_session(draft, form.cleaned_data["period"], form.cleaned_data["room"],
                                                     confirmed=form.cleaned_data["confirmed"])
            except ValidationError as error:
                _error_messages(request, error)
            else:
                if result.applied:
                    messages.success(request, _("The session was moved."))
                    return redirect("planning:term", pk=term.pk)
                created = result.created
                form = DraftMoveForm(
                    initial={**form.cleaned_data, "confirmed": True}, user=request.user, term=term)
    else:
        form = DraftMoveForm(initial={"period": draft.period, "room": draft.room}, user=request.user, term=term)
    return render(request, "scheduling/draft_move.html", {
        "term": term, "draft": draft, "form": form, "created": created,
        "blocks_publishing": checks.has_errors(created),
    })


@login_required
@require_POST
def draft_pin(request, pk, draft_pk):
    term = _term_to_plan(request, pk)
    draft = get_object_or_404(DraftSession, term=term, pk=draft_pk)
    services.set_pinned(draft, request.POST.get("pinned") == "1")
    return redirect("planning:term", pk=term.pk)


@login_required
@require_POST
def publish(request, pk):
    term = _term_to_plan(request, pk)
    form = PublishForm(request.POST, term=term, warnings=True)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return redirect("planning:term", pk=term.pk)
    try:
        result = services.publish(term, form.cleaned_data["effective_date"], request.user,
                                  accept_warnings=form.cleaned_data["accept_warnings"])
    except ValidationError as error:
        _error_messages(request, error)
        return redirect("planning:term", pk=term.pk)
    if not result.changed:
        messages.info(request, _("Nothing changed since the last publication: nothing was published."))
        return redirect("planning:term", pk=term.pk)
    messages.success(request, _(
        "Published version %(number)s: %(created)s sessions created, %(moved)s moved, %(cancelled)s cancelled.")
        % {"number": result.publication.number, "created": result.created, "moved": result.moved,
           "cancelled": result.cancelled})
    for finding in result.warnings:
        messages.warning(request, finding.message)
    return redirect("planning:publications", pk=term.pk)


@login_required
def publications(request, pk):
    term = _term_to_plan(request, pk)
    return render(request, "scheduling/publications.html", {"term": term, "log": selectors.change_log(term)})


@login_required
def cancel(request):
    if not access.is_planner(request.user):
        raise PermissionDenied
    form = CancelForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not request.user.has_perm("scheduling.plan_term", data["site"]):
            raise PermissionDenied
        try:
            done = services.cancel_sessions(
                site=data["site"], building=data["building"], unit=data["unit"], first_date=data["first_date"],
                last_date=data["last_date"], periods=data["periods"], reason=data["reason"],
                reason_text=data["reason_text"], by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _(
                "%(cancelled)s sessions cancelled; %(reduced)s go on without the units concerned "
                "(%(absences)s participants marked absent). The facilitators concerned are told by e-mail.")
                % {"cancelled": done.sessions_cancelled, "reduced": done.sessions_reduced,
                   "absences": done.absences_recorded})
            return redirect("planning:cancel")
    return render(request, "scheduling/cancel.html", {"form": form})


@login_required
def term_sessions(request, pk):
    """One week of the term's dated sessions, each with a link to cancel or move it; above, the upcoming
    sessions a facilitator's absence, a room closure or a regime change hits."""
    term = _term_to_plan(request, pk)
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = min(max(timezone.localdate(), term.first_date), term.last_date)
    monday = day - dt.timedelta(days=day.weekday())
    return render(request, "scheduling/term_sessions.html", {
        "term": term, "monday": monday, "sunday": monday + dt.timedelta(days=6),
        "previous": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7),
        "sessions": selectors.week_sessions(request.user, term, monday),
        "hit_by_exceptions": checks.sessions_hit_by_exceptions(term, timezone.localdate()),
    })


@login_required
def programme_download(request, pk):
    """The term's programme as a workbook: the weekly timetable and every dated session (audited)."""
    from django.http import HttpResponse
    from django.utils import translation

    from core import audit

    from .lists import XLSX_CONTENT_TYPE
    from .programme import programme_xlsx, term_programme

    term = _term_to_plan(request, pk)
    programme = term_programme(term, language=(translation.get_language() or "fr")[:2])
    audit.record_export(request.user, "term_programme", detail=f"term={term.pk} sessions={len(programme.dated)}")
    response = HttpResponse(programme_xlsx(programme), content_type=XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="programme-{term.site.code}-{term.first_date}.xlsx"'
    return response


def _session_to_plan(request, pk):
    session = get_object_or_404(access.visible_sessions(request.user), pk=pk)
    if not request.user.has_perm("scheduling.plan_term", session):
        raise PermissionDenied
    return session


@login_required
def session_change(request, pk):
    """Cancel one dated session, or move it to a free period and room."""
    session = _session_to_plan(request, pk)
    day = session.starts_at.astimezone(services.LOCAL).date()
    try:
        day = dt.date.fromisoformat(request.POST.get("move-day") or request.GET.get("day") or day.isoformat())
    except ValueError:
        messages.error(request, _("The date is not valid."))
    slots = services.free_slots(session, day) if session.status == "scheduled" else []
    cancel_form = SessionCancelForm(prefix="cancel")
    move_form = SessionMoveForm(initial={"day": day}, slots=slots, prefix="move")
    if request.method == "POST" and "cancel-reason" in request.POST:
        cancel_form = SessionCancelForm(request.POST, prefix="cancel")
        if cancel_form.is_valid():
            try:
                services.cancel_session(session, reason=cancel_form.cleaned_data["reason"],
                                        reason_text=cancel_form.cleaned_data["reason_text"], by=request.user)
            except ValidationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("The session was cancelled; its facilitators and the units' staff are told by e-mail."))
                return redirect("planning:session", pk=session.pk)
    elif request.method == "POST" and "replace" in request.POST:
        chosen = [int(v) for v in request.POST.getlist("facilitators") if v.isdigit()]
        try:
            replacements.replace(session, Facilitator.objects.filter(pk__in=chosen), by=request.user)
        except ValidationError as error:
            _error_messages(request, error)
        else:
            messages.success(request, _("Who leads the session is saved; it is in their calendar and on the gate list."))
            return redirect("planning:session", pk=session.pk)
    elif request.method == "POST":
        move_form = SessionMoveForm(request.POST, slots=slots, prefix="move")
        if move_form.is_valid() and move_form.cleaned_data["slot"]:
            slot = move_form.cleaned_data["slot"]
            try:
                services.move_session(session, day=move_form.cleaned_data["day"], period=slot.period, room=slot.room,
                                      by=request.user)
            except ValidationError as error:
                _error_messages(request, error)
            else:
                messages.success(request, _("The session was moved; its facilitators and the units' staff are told by e-mail."))
                return redirect("planning:session", pk=session.pk)
    own = list(session.facilitators.all())
    return render(request, "scheduling/session_change.html", {
        "session": session, "day": day, "slots": slots, "cancel_form": cancel_form, "move_form": move_form,
        "leaders": own or list(session.cycle.facilitators.all()), "replaced": bool(own),
        "replacement_choices": list(dict.fromkeys([*own, *replacements.candidates(session)]))
        if session.status == "scheduled" else [],
        "told": told_about(session),
        "refused": refused_about(session),
    })
