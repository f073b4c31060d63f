"""The facilitators' import page: upload → preview (new, updated, errors by row and column) → confirm;
and the empty template to fill in, with its column names in the reader's language."""
import base64
import csv
import io
import secrets

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from core import rules as access
from prisons.forms_import import ImportConfirmForm, ListUploadForm

from .facilitator_import import (
    TEMPLATE_COLUMNS,
    apply_facilitator_import,
    prepare_facilitator_import,
)

# The uploaded file waits in the server-side session between preview and confirmation.
SESSION_KEY = "facilitator_import"


def _sites(user):
    return access.visible_sites(user).filter(pk__in=[site.pk for site in access.visible_sites(user)
                                                     if user.has_perm("activities.import_facilitators", site)])


@login_required
def facilitator_import(request):
    if not request.user.has_perm("activities.view_facilitator_list"):
        raise PermissionDenied
    sites = _sites(request.user)
    if not sites.exists():
        raise PermissionDenied
    if request.method == "POST" and "token" in request.POST:
        return _confirm(request, sites)
    form = ListUploadForm(request.POST or None, request.FILES or None, sites=sites,
                          help_text=_("One row per facilitator; the first row holds the column names."))
    report = confirm_form = None
    if request.method == "POST" and form.is_valid():
        upload, site = form.cleaned_data["file"], form.cleaned_data["site"]
        content = upload.read()
        report = prepare_facilitator_import(content, upload.name, site)
        if report.ok:
            token = secrets.token_urlsafe(16)
            request.session[SESSION_KEY] = {"token": token, "site": site.pk, "filename": upload.name,
                                            "content": base64.b64encode(content).decode("ascii")}
            confirm_form = ImportConfirmForm(initial={"token": token})
        else:
            request.session.pop(SESSION_KEY, None)
    return render(request, "activities/facilitator_import.html", {
        "form": form, "report": report, "confirm_form": confirm_form, "columns": TEMPLATE_COLUMNS})


def _confirm(request, sites):
    stored = request.session.get(SESSION_KEY)
    form = ImportConfirmForm(request.POST)
    if not stored or not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"], stored["token"]):
        messages.error(request, _("This import has expired or was already applied: upload the file again."))
        return redirect("activities:facilitator-import")
    site = get_object_or_404(sites, pk=stored["site"])
    # Validate again: the database may have changed since the preview.
    report = prepare_facilitator_import(base64.b64decode(stored["content"]), stored["filename"], site)
    request.session.pop(SESSION_KEY, None)
    if not report.ok:
        return render(request, "activities/facilitator_import.html", {
            "form": ListUploadForm(sites=sites, initial={"site": site}), "report": report,
            "columns": TEMPLATE_COLUMNS})
    result = apply_facilitator_import(report, user=request.user)
    messages.success(request, _("Facilitators imported for %(site)s: %(created)s new, %(updated)s updated.") % {
        "site": site.name, "created": result.created, "updated": result.updated})
    return redirect("activities:facilitator-list")


@login_required
def facilitator_import_template(request, extension):
    """The empty list to fill in: the column names in the reader's language and one synthetic example."""
    if not request.user.has_perm("activities.view_facilitator_list"):
        raise PermissionDenied
    if extension not in ("xlsx", "csv"):
        raise Http404
    header = [str(label) for _key, label, _example in TEMPLATE_COLUMNS]
    example = [str(example) for _key, _label, example in TEMPLATE_COLUMNS]
    if extension == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows([header, example])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = _("Facilitators")[:31]
        sheet.append(header)
        sheet.append(example)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="relais-facilitators.{extension}"'
    return response
