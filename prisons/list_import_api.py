"""The API of the list imports (facilitators, staff): check a file for a site, and with `confirm` import it;
nothing is saved unless every row is valid (400 with the errors by row and column)."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope


class ListImportInput(serializers.Serializer):
    site = serializers.IntegerField(help_text="The site the list is for.")
    file = serializers.FileField(help_text="xlsx or CSV, one row a person, columns as on the import page.")
    confirm = serializers.BooleanField(default=False, help_text="Apply when every row is valid; else only check.")


class RowErrorSerializer(serializers.Serializer):
    row = serializers.IntegerField(allow_null=True)
    column = serializers.CharField()
    message = serializers.CharField()


class ListImportSerializer(serializers.Serializer):
    rows_read = serializers.IntegerField()
    new = serializers.IntegerField()
    updated = serializers.IntegerField()
    errors = RowErrorSerializer(many=True)
    warnings = RowErrorSerializer(many=True)
    applied = serializers.BooleanField()


class SharedListImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx or CSV, one row an organisation, columns as on the import page.")
    confirm = serializers.BooleanField(default=False, help_text="Apply when every row is valid; else only check.")


def run_list_import(request, *, permission: str, prepare, apply, site_bound: bool = True) -> Response:
    """`permission` is checked on the site (on nothing for a list shared by every site, whose `site` is
    None); `prepare(content, filename, site)`, `apply(report, user=)`."""
    data = (ListImportInput if site_bound else SharedListImportInput)(data=request.data)
    data.is_valid(raise_exception=True)
    site = None
    if site_bound:
        site = in_scope(access.visible_sites(request.user), data.validated_data["site"], field="site",
                        message=_("No site with this number among yours."))
    if not request.user.has_perm(permission, site):
        raise PermissionDenied(_("You may not import this list for this site.") if site_bound
                               else _("You may not import this list."))
    upload = data.validated_data["file"]
    report = prepare(upload.read(), upload.name, site)
    applied = report.ok and data.validated_data["confirm"]
    if applied:
        apply(report, user=request.user)
    return Response(ListImportSerializer({
        "rows_read": report.rows_read, "new": len(report.new), "updated": len(report.updated),
        "errors": report.errors, "warnings": report.warnings, "applied": applied,
    }).data, status=status.HTTP_200_OK if report.ok else status.HTTP_400_BAD_REQUEST)


def import_action(*, permission: str, prepare, apply, summary: str, site_bound: bool = True):
    """The `POST …/import/` action of a viewset for one list (`prepare`, `apply` as in `run_list_import`)."""

    @extend_schema(request={"multipart/form-data": ListImportInput if site_bound else SharedListImportInput},
                   summary=summary, responses={200: ListImportSerializer, 400: ListImportSerializer})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser])
    def import_list(self, request):
        return run_list_import(request, permission=permission, prepare=prepare, apply=apply, site_bound=site_bound)

    return import_list
