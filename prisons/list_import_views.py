"""The pages of the list imports (facilitators, prison staff, units, rooms, partners, the catalogue): upload → preview (new, updated, errors
by row and column) → confirm; and the empty template with its column names in the reader's language.
The file waits in the server-side session between the preview and the confirmation, and is checked
again before anything is written: the database may have changed meanwhile."""
import base64
import csv
import io
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from .forms_import import ImportConfirmForm, ListUploadForm


@dataclass
class ListImport:
    name: str  # the URL name of the page, and the session key
    template: str
    help_text: str
    prepare: Callable  # (content, filename, site) -> ListReport
    apply: Callable  # (report, user) -> result with `created` and `updated`
    done: Callable  # (site, result) -> the message once imported
    done_url: str  # the URL name shown afterwards
    columns: list  # (key, label, example)
    required: tuple  # the keys of the columns a row must fill
    template_download: str  # the URL name of the empty template (its argument: xlsx or csv)
    preview_cells: str  # the template of a row's own cells in the preview
    site_bound: bool = True  # False: a list shared by every site (no site to choose; `site` is None)


def import_page(request, spec: ListImport, sites):
    """The upload form, the preview of a checked file, or the import of a confirmed one. `sites`: those the
    user may import for (None when the list is shared by every site)."""
    context = {"spec": spec, "columns": spec.columns, "report": None, "confirm_form": None}
    if request.method == "POST" and "token" in request.POST:
        stored = request.session.get(spec.name)
        form = ImportConfirmForm(request.POST)
        if not stored or not form.is_valid() or not secrets.compare_digest(form.cleaned_data["token"],
                                                                           stored["token"]):
            messages.error(request, _("This import has expired or was already applied: upload the file again."))
            return redirect(spec.name)
        site = get_object_or_404(sites, pk=stored["site"]) if spec.site_bound else None
        report = spec.prepare(base64.b64decode(stored["content"]), stored["filename"], site)
        request.session.pop(spec.name, None)
        if report.ok:
            messages.success(request, spec.done(site, spec.apply(report, request.user)))
            return redirect(spec.done_url)
        upload_form = ListUploadForm(sites=sites, initial={"site": site}, help_text=spec.help_text)
        return render(request, spec.template, {**context, "form": upload_form, "report": report})
    form = ListUploadForm(request.POST or None, request.FILES or None, sites=sites, help_text=spec.help_text,
                          initial={"site": request.GET["site"]} if request.GET.get("site") else {})
    if request.method == "POST" and form.is_valid():
        upload, site = form.cleaned_data["file"], form.cleaned_data.get("site")
        content = upload.read()
        context["report"] = report = spec.prepare(content, upload.name, site)
        if report.ok:
            token = secrets.token_urlsafe(16)
            request.session[spec.name] = {"token": token, "site": site.pk if site else None, "filename": upload.name,
                                          "content": base64.b64encode(content).decode("ascii")}
            context["confirm_form"] = ImportConfirmForm(initial={"token": token})
        else:
            request.session.pop(spec.name, None)
    return render(request, spec.template, {**context, "form": form})


def template_download(columns, extension: str, filename: str, sheet_title: str) -> HttpResponse:
    """The empty list: the column names (in the reader's language) and one synthetic example row."""
    if extension not in ("xlsx", "csv"):
        raise Http404
    header = [str(label) for _key, label, _example in columns]
    example = [str(example) for _key, _label, example in columns]
    if extension == "csv":
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=";").writerows([header, example])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    else:
        from openpyxl import Workbook

        workbook = Workbook()
        sheet = workbook.active
        sheet.title = sheet_title[:31]
        sheet.append(header)
        sheet.append(example)
        binary = io.BytesIO()
        workbook.save(binary)
        response = HttpResponse(binary.getvalue(),
                                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


def site_import_views(spec: ListImport, *, filename: str, sheet_title) -> tuple[Callable, Callable]:
    """The page and the template download of a list imported for one site by its coordinators (staff, units,
    rooms): the page offers the sites the user keeps."""
    from core import rules as access

    @login_required
    def page(request):
        sites = access.visible_sites(request.user)
        sites = sites.filter(pk__in=[site.pk for site in sites
                                     if request.user.has_perm("prisons.change_reference", site)])
        if not sites.exists():
            raise PermissionDenied
        return import_page(request, spec, sites)

    @login_required
    def download(request, extension):
        if not access.is_planner(request.user):
            raise PermissionDenied
        return template_download(spec.columns, extension, filename, str(sheet_title))

    return page, download


def shared_import_views(spec: ListImport, *, filename: str, sheet_title,
                        permission: str) -> tuple[Callable, Callable]:
    """The page and the template download of a list shared by every site (partners, the catalogue), for those
    with `permission`."""

    @login_required
    def page(request):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return import_page(request, spec, None)

    @login_required
    def download(request, extension):
        if not request.user.has_perm(permission):
            raise PermissionDenied
        return template_download(spec.columns, extension, filename, str(sheet_title))

    return page, download
