"""Enrolment pages: a cycle's applications, waiting list and participants; one application; notices.

Views parse, authorise and call a service; the rules are in services.py and checks.py.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core import audit
from core import rules as access
from core.models import AuditAction

from . import notices, selectors, services
from .answers import ANSWERABLE, with_last_answer
from .checks import check_applications, language_needs
from .forms import ApplicationForm, DecisionForm, DeclineForm, EndForm, ImportForm
from .models import EnrolmentStatus


def _require(user, permission, obj=None):
    if not user.has_perm(permission, obj):
        raise PermissionDenied


def _error_text(error: ValidationError) -> str:
    if hasattr(error, "error_dict"):
        return " ".join(str(m) for messages_ in error.message_dict.values() for m in messages_)
    return " ".join(str(m) for m in error.messages)


def _cycle(request, pk, permission="enrolment.view_cycle_enrolment"):
    cycle = get_object_or_404(access.visible_cycles(request.user), pk=pk)
    _require(request.user, permission, cycle)
    return cycle


def _application(request, pk, permission="enrolment.view_application"):
    enrolment = get_object_or_404(
        access.visible_enrolments(request.user).select_related("detainee__unit", "cycle__term", "leaving_reason"), pk=pk
    )
    _require(request.user, permission, enrolment)
    return enrolment


@login_required
def cycle_page(request, pk):
    cycle = _cycle(request, pk)
    enrolments = with_last_answer(access.visible_enrolments(request.user))
    pending = list(selectors.pending_applications_of(cycle, enrolments))
    findings = check_applications(cycle, pending)
    return render(request, "enrolment/cycle.html", {
        "cycle": cycle,
        "capacity": selectors.capacity_of(cycle),
        "participants": list(selectors.participants_of(cycle, enrolments)),
        "waiting": list(selectors.waiting_list_for(cycle, enrolments)),
        "pending": [(e, findings[e.pk]) for e in pending],
        "ended": list(selectors.ended_applications_of(cycle, enrolments)[:50]),
        "slots": selectors.weekly_slots_of(cycle),
        "may_manage": request.user.has_perm("enrolment.manage_applications", cycle),
        "language_needs": language_needs(cycle, enrolments),
    })


@login_required
def application_new(request, pk):
    cycle = _cycle(request, pk, "enrolment.manage_applications")
    form = ApplicationForm(request.POST or None, detainees=access.visible_detainees(request.user).filter(site=cycle.term.site_id))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            enrolment = services.record_application(
                detainee=data["detainee"], cycle=cycle, by=request.user, requested_on=data["requested_on"],
                channel=data["channel"], forwarded_by=data["forwarded_by"], needs_based=data["needs_based"],
            )
        except ValidationError as error:
            form.add_error("prison_number", _error_text(error))
        else:
            messages.success(request, _("Application recorded."))
            return redirect("enrolment:application", enrolment.pk)
    return render(request, "enrolment/application_form.html", {"cycle": cycle, "form": form})


@login_required
def application_import(request, pk):
    cycle = _cycle(request, pk, "enrolment.manage_applications")
    form = ImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            report = services.import_applications(cycle=cycle, filename=upload.name, content=upload.read(), by=request.user)
        except ValidationError as error:
            form.add_error("file", _error_text(error))
        else:
            if report.ok:
                messages.success(request, _("%(count)s applications imported.") % {"count": len(report.created)})
                return redirect("enrolment:cycle", cycle.pk)
    return render(request, "enrolment/application_import.html", {"cycle": cycle, "form": form, "report": report})


@login_required
def application_page(request, pk):
    enrolment = _application(request, pk)
    cycle = enrolment.cycle
    findings = check_applications(cycle, [enrolment])[enrolment.pk] if enrolment.status in (
        EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED) else []
    may_manage = request.user.has_perm("enrolment.manage_applications", enrolment)
    events = enrolment.events.select_related("by", "leaving_reason").order_by("at", "id")
    from screening.selectors import interviews_of_detainee

    interviews = (
        list(interviews_of_detainee(request.user, enrolment.detainee).filter(enrolment=enrolment))
        if request.user.has_perm("screening.view_interview", enrolment.detainee) else None
    )
    return render(request, "enrolment/application.html", {
        "enrolment": enrolment, "cycle": cycle, "findings": findings, "events": events,
        "may_manage": may_manage, "interviews": interviews,
        "decision_form": DecisionForm(findings=findings), "decline_form": DeclineForm(), "end_form": EndForm(),
        "notice_languages": notices.NOTICE_LANGUAGES, "answerable": enrolment.status in ANSWERABLE,
        "told": enrolment.answers.first(),
    })


def _back(request, enrolment):
    target = request.POST.get("next")
    if target == "cycle":
        return redirect("enrolment:cycle", enrolment.cycle_id)
    return redirect("enrolment:application", enrolment.pk)


@require_POST
@login_required
def application_action(request, pk, action):
    enrolment = _application(request, pk, "enrolment.manage_applications")
    findings = check_applications(enrolment.cycle, [enrolment])[enrolment.pk]
    try:
        if action in ("approve", "enrol", "confirm-offer"):
            form = DecisionForm(request.POST, findings=findings)
            form.is_valid()
            confirm = form.cleaned_data.get("confirm", [])
            reason = form.cleaned_data.get("confirmation_reason", "")
            if action == "approve":
                services.approve(enrolment, by=request.user, confirm_codes=confirm, confirmation_reason=reason)
                messages.success(request, _("Approved: on the waiting list."))
            else:
                call = services.confirm_offer if action == "confirm-offer" else services.enrol
                result = call(enrolment, by=request.user, confirm_codes=confirm, confirmation_reason=reason)
                if result.enrolled:
                    messages.success(request, _("Enrolled."))
                else:
                    messages.warning(request, _("The cycle is full: placed on the waiting list."))
        elif action == "decline":
            form = DeclineForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"reason": _("Say why the application is declined.")})
            services.decline(enrolment, by=request.user, reason=form.cleaned_data["reason"])
            messages.success(request, _("Application declined."))
        elif action == "end":
            form = EndForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"leaving_reason": _("Choose a leaving reason.")})
            data = form.cleaned_data
            end = services.withdraw if data["action"] == "withdraw" else services.remove
            end(enrolment, by=request.user, reason=data["leaving_reason"], note=data["note"])
            messages.success(request, _("The application has ended; a freed place is offered to the next person."))
        else:
            raise PermissionDenied
    except ValidationError as error:
        messages.error(request, _error_text(error))
        return redirect("enrolment:application", enrolment.pk)
    return _back(request, enrolment)


@login_required
def certificates(request, pk):
    """Certificates of participation of a cycle, each in its holder's language unless one is chosen."""
    from .certificates import certificates_for

    cycle = _cycle(request, pk, "enrolment.manage_applications")
    cycle = type(cycle).objects.select_related("activity__partner", "term__site").get(pk=cycle.pk)
    chosen = request.GET.get("lang") if request.GET.get("lang") in notices.NOTICE_LANGUAGES else None
    issued = certificates_for(cycle, timezone.now())
    audit.record(request.user, AuditAction.EXPORT, cycle, detail=f"certificates {len(issued)}")
    languages = {id(c): chosen or notices.notice_language(c.enrolment.detainee) for c in issued}
    today = timezone.localdate()
    pages = notices.render_each("enrolment/_certificate.html", issued, language=lambda c: languages[id(c)],
                                context=lambda c: {
                                    "certificate": c, "cycle": cycle, "detainee": c.enrolment.detainee,
                                    "title": cycle.activity.title(languages[id(c)]), "language": languages[id(c)],
                                    "printed_on": today})
    return render(request, "enrolment/certificates.html", {
        "cycle": cycle, "pages": pages, "count": len(issued),
        "languages": notices.NOTICE_LANGUAGES, "chosen": chosen,
    })
