"""The detainee list import page: upload → preview (counts, errors, missing) → confirm."""
import base64
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import rules as access

from .forms_import import DetaineeImportConfirmForm, DetaineeImportUploadForm
from .imports import apply_import, prepare_import
from .models import DetaineeStatus

# The uploaded file waits in the server-side session between preview and confirmation.
SESSION_KEY = "detainee_import"
PREVIEW_LIMIT = 200


@login_required
def detainee_import(request):
    if not request.user.has_perm("prisons.import_detainees"):
        raise PermissionDenied
    sites = access.visible_sites(request.user)
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, sites)
    form = DetaineeImportUploadForm(request.POST or None, request.FILES or None, sites=sites,
                                    initial={"site": request.GET["site"]} if request.GET.get("site") else {})
    if request.method == "POST" and form.is_valid():
        upload, site = form.cleaned_data["file"], form.cleaned_data["site"]
        content = upload.read()
        report = prepare_import(content, upload.name, site)
        confirm_form = None
        if report.ok:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {
                "token": token, "site": site.pk, "filename": upload.name,
                "content": base64.b64encode(content).decode("ascii"),
            }
            confirm_form = DetaineeImportConfirmForm(initial={"token": token})
        else:
            request.session.pop(SESSION_KEY, None)
        return _preview(request, report, confirm_form, sites)
    return render(request, "prisons/detainee_import.html", {"form": form})


def _preview(request, report, confirm_form, sites):
    return render(request, "prisons/detainee_import_preview.html", {
        "report": report, "counts": report.counts(), "confirm_form": confirm_form,
        "new_rows": report.new[:PREVIEW_LIMIT], "moved_rows": report.moved[:PREVIEW_LIMIT],
        "missing": report.missing[:PREVIEW_LIMIT], "limit": PREVIEW_LIMIT,
        "form": DetaineeImportUploadForm(sites=sites, initial={"site": report.site}),
    })


def _confirm(request, sites):
    stored = request.session.get(SESSION_KEY)
    form = DetaineeImportConfirmForm(request.POST)
    if not stored or not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"], stored["token"]):
        messages.error(request, _("This import has expired or was already applied: upload the file again."))
        return redirect("prisons:detainee-import")
    site = get_object_or_404(sites, pk=stored["site"])
    # Validate again: the database may have changed since the preview.
    report = prepare_import(base64.b64decode(stored["content"]), stored["filename"], site)
    request.session.pop(SESSION_KEY, None)
    if not report.ok:
        return _preview(request, report, None, sites)
    result = apply_import(report, user=request.user, mark_missing=form.cleaned_data["mark_missing"])
    summary = _("Detainee list imported for %(site)s: %(created)s new, %(updated)s changed, %(moved)s changed unit.") % {
        "site": site.name, "created": result.created, "updated": result.updated, "moved": result.moved}
    if result.marked:
        summary += " " + _("%(marked)s missing from the list marked as: %(status)s.") % {
            "marked": result.marked, "status": DetaineeStatus(result.mark_missing).label}
    messages.success(request, summary)
    return redirect("prisons:detainee-list")
