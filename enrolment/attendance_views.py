"""Register pages (phone-first, work without JavaScript), registers on paper and the attendance export page."""
import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from activities.models import SessionLog
from activities.session_logs import previous_log
from core import audit
from core import rules as access
from core.models import AuditAction

from . import attendance, exports, feedback, indicators, missed_notes, notices, register_sheets
from .attendance_forms import ExportForm, FeedbackInterviewForm
from .models import AbsenceReason, AttendanceStatus, LeavingReason


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _register_session(request, pk):
    """The session, if the user may see it (404 otherwise) and take its register (403 otherwise)."""
    session = get_object_or_404(
        access.visible_sessions(request.user).select_related("cycle__term__site"), pk=pk
    )
    _require(request.user, "activities.take_attendance", session)
    return session


@login_required
def my_sessions(request):
    _require(request.user, "enrolment.view_registers")
    return render(request, "enrolment/attendance_sessions.html", {
        "groups": attendance.sessions_for_registers(request.user),
        "now": timezone.now(),
        "may_export": access.is_planner(request.user),
        # Facilitators see how their own groups are doing; coordinators have the evaluation page.
        "own_cycles": indicators.own_cycles(request.user) if access.is_facilitator(request.user) else [],
    })


def entries_from_post(post, lines) -> list[attendance.Entry]:
    """The lines the form filled in; a line with neither present nor absent chosen is left as it was."""
    entries = []
    for line in lines:
        pk = line.enrolment.pk
        status = post.get(f"status-{pk}", "")
        if not status:
            continue
        entries.append(attendance.Entry(
            enrolment_id=pk,
            status=status,
            absence_reason=post.get(f"reason-{pk}", ""),
            reason_text=post.get(f"text-{pk}", ""),
            late=bool(post.get(f"late-{pk}")),
            left_early=bool(post.get(f"left-{pk}")),
        ))
    return entries


def _shown_rows(lines, post=None, errors=None):
    """What each line of the form shows: the submitted values after an error, else what is recorded."""
    errors = errors or {}
    rows = []
    for line in lines:
        pk = line.enrolment.pk
        if post is not None:
            values = {
                "status": post.get(f"status-{pk}", ""), "absence_reason": post.get(f"reason-{pk}", ""),
                "reason_text": post.get(f"text-{pk}", ""), "late": bool(post.get(f"late-{pk}")),
                "left_early": bool(post.get(f"left-{pk}")),
            }
        else:
            values = {name: line.value(name) for name in attendance.TRACKED_FIELDS}
        rows.append({"line": line, "errors": errors.get(f"e{pk}", []), **values})
    return rows


@login_required
def register(request, pk):
    session = _register_session(request, pk)
    may_edit = request.user.has_perm("enrolment.change_attendance", session)
    lines = attendance.register_lines(session, with_history=True)
    post, errors = None, {}
    if request.method == "POST":
        if not may_edit:
            raise PermissionDenied
        try:
            changed = attendance.record_register(
                session, entries_from_post(request.POST, lines), request.user, request.POST.get("note", "")
            )
        except ValidationError as error:
            post, errors = request.POST, error.message_dict
            messages.error(request, _("The register was not saved: please correct the rows marked below."))
        else:
            messages.success(request, _("Register saved (%(count)s lines changed).") % {"count": changed})
            return redirect("attendance:register", pk=session.pk)
    rows = _shown_rows(lines, post, errors)
    return render(request, "enrolment/attendance_register.html", {
        "session": session,
        "rows": rows,
        "errors": errors.get("__all__", []),
        "may_edit": may_edit,
        "closed_because": "" if may_edit else attendance.closed_to_facilitators_because(session),
        "is_correction": any(row["line"].recorded for row in rows),
        "full_names": access.is_coordinator_of_site(request.user, session),
        "not_recorded": sum(1 for row in rows if not row["line"].recorded),
        "reasons": register_sheets.numbered_reasons(),
        "next_register": (attendance.next_register_to_take(request.user, session)
                          if rows and all(row["line"].recorded for row in rows) else None),
        "PRESENT": AttendanceStatus.PRESENT,
        "ABSENT": AttendanceStatus.ABSENT,
        "OTHER": AbsenceReason.OTHER,
        "edit_deadline": attendance.edit_deadline(session),
        "log": SessionLog.objects.filter(session=session).first(),
        "previous_log": previous_log(session),
        "may_write_log": request.user.has_perm("activities.write_session_log", session),
    })


@login_required
def register_sheet(request, pk):
    """One session's register on paper, for a facilitator who may not take a phone inside."""
    session = _register_session(request, pk)
    return _sheets_page(request, access.visible_sessions(request.user).filter(pk=session.pk), day=None,
                        audit_detail=f"session={session.pk}")


@login_required
def day_sheets(request):
    """Every register of a day on paper: a coordinator's sites' (`site` narrows it), a facilitator's own;
    cancelled sessions left out."""
    _require(request.user, "enrolment.view_registers")
    try:
        day = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        day = timezone.localdate()
    site = request.GET.get("site", "")
    sessions = register_sheets.sessions_of_day(request.user, day, int(site) if site.isdigit() else None)
    return _sheets_page(request, sessions, day=day,
                        audit_detail=f"date={day.isoformat()}" + (f" site={site}" if site.isdigit() else ""))


def _sheets_page(request, sessions, *, day, audit_detail: str):
    sheets = register_sheets.register_sheets(sessions)
    # a sheet names participants (first name and number): printed like a movement list, so recorded
    audit.record_export(request.user, "register_sheets", detail=audit_detail)
    return render(request, "enrolment/register_sheets.html", {
        "sheets": sheets, "day": day, "reasons": register_sheets.paper_legend(),
        "sites": access.visible_sites(request.user).order_by("name") if access.is_planner(request.user) else [],
        "chosen_site": request.GET.get("site", ""),
        "previous": day - dt.timedelta(days=1) if day else None, "next": day + dt.timedelta(days=1) if day else None,
        "edit_days": settings.RELAIS_ATTENDANCE_EDIT_DAYS,
    })


@login_required
@require_POST
def all_present(request, pk):
    session = _register_session(request, pk)
    changed = attendance.mark_all_present(session, request.user)
    messages.success(request, _("%(count)s participants marked present.") % {"count": changed})
    return redirect("attendance:register", pk=session.pk)


@login_required
def follow_up(request):
    _require(request.user, "enrolment.view_attendance_follow_up")
    enrolments = access.visible_enrolments(request.user)
    return render(request, "enrolment/attendance_follow_up.html", {
        "runs": missed_notes.runs_to_follow(enrolments.select_related("detainee__unit")),
        "notice_languages": notices.NOTICE_LANGUAGES,
        "leaving_reasons": LeavingReason.objects.filter(active=True),
        "stop_reason": missed_notes.STOP_REASON_CODE,
        "dropouts": feedback.dropouts_to_interview(enrolments),
    })


@login_required
def feedback_interview(request, pk):
    """Record a feedback interview with someone who left a cycle or keeps missing it."""
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("cycle__term", "leaving_reason"), pk=pk,
    )
    _require(request.user, "enrolment.record_feedback", enrolment)
    if request.method == "GET":
        audit.record(request.user, AuditAction.VIEW, enrolment, detail="feedback interviews")
    form = FeedbackInterviewForm(request.POST or None, initial={"held_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            feedback.record_feedback_interview(enrolment, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            for field, messages_ in error.message_dict.items():
                form.add_error(field if field in form.fields else None, messages_)
        else:
            messages.success(request, _("Feedback interview recorded."))
            return redirect("attendance:follow-up")
    return render(request, "enrolment/feedback_interview.html", {
        "form": form,
        "enrolment": enrolment,
        "counts": attendance.attendance_counts(enrolment),
        "interviews": enrolment.feedback_interviews.select_related("held_by"),
    })


@login_required
def export(request):
    _require(request.user, "enrolment.view_attendance_follow_up")
    form = ExportForm(request.GET or None, user=request.user)
    if not request.GET or not form.is_valid():
        return render(request, "enrolment/attendance_export.html", {"form": form})
    scope = form.cleaned_data["scope"]
    _require(request.user, "enrolment.export_attendance", scope.permission_object)
    data = exports.load_attendance(request.user, scope, pseudonymise=form.cleaned_data["pseudonymise"])
    fmt = form.cleaned_data["format"]
    content, content_type, extension = exports.render(data, fmt)
    exports.record(request.user, data, fmt)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{data.filename}.{extension}"'
    return response
