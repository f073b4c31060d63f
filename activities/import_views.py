"""The import pages of facilitators, partner organisations and the activity catalogue, and their templates
(`prisons.list_import_views` does the work)."""
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import rules as access
from prisons.list_import_views import (
    ListImport,
    import_page,
    shared_import_views,
    template_download,
)

from .catalogue_import import TEMPLATE_COLUMNS as CATALOGUE_COLUMNS
from .catalogue_import import apply_catalogue_import, prepare_catalogue_import
from .facilitator_import import (
    REQUIRED,
    TEMPLATE_COLUMNS,
    apply_facilitator_import,
    prepare_facilitator_import,
)
from .partner_import import REQUIRED as PARTNER_REQUIRED
from .partner_import import TEMPLATE_COLUMNS as PARTNER_COLUMNS
from .partner_import import apply_partner_import, prepare_partner_import

FACILITATORS = ListImport(
    name="activities:facilitator-import", template="activities/facilitator_import.html",
    help_text=gettext_lazy("One row per facilitator; the first row holds the column names."),
    prepare=prepare_facilitator_import, apply=lambda report, user: apply_facilitator_import(report, user=user),
    done=lambda site, result: _("Facilitators imported for %(site)s: %(created)s new, %(updated)s updated.") % {
        "site": site.name, "created": result.created, "updated": result.updated},
    done_url="activities:facilitator-list", columns=TEMPLATE_COLUMNS, required=REQUIRED,
    template_download="activities:facilitator-import-template",
    preview_cells="activities/_facilitator_import_row.html")


def _sites(user):
    sites = access.visible_sites(user)
    return sites.filter(pk__in=[site.pk for site in sites if user.has_perm("activities.import_facilitators", site)])


@login_required
def facilitator_import(request):
    if not request.user.has_perm("activities.view_facilitator_list"):
        raise PermissionDenied
    sites = _sites(request.user)
    if not sites.exists():
        raise PermissionDenied
    return import_page(request, FACILITATORS, sites)


@login_required
def facilitator_import_template(request, extension):
    if not request.user.has_perm("activities.view_facilitator_list"):
        raise PermissionDenied
    return template_download(TEMPLATE_COLUMNS, extension, "relais-facilitators", _("Facilitators"))


PARTNERS = ListImport(
    name="activities:partner-import", template="activities/partner_import.html",
    help_text=gettext_lazy("One row per organisation; the first row holds the column names."),
    prepare=prepare_partner_import, apply=lambda report, user: apply_partner_import(report, user=user),
    done=lambda _site, result: _("Partner organisations imported: %(created)s new, %(updated)s updated.") % {
        "created": result.created, "updated": result.updated},
    done_url="activities:partner-list", columns=PARTNER_COLUMNS, required=PARTNER_REQUIRED,
    template_download="activities:partner-import-template", preview_cells="activities/_partner_import_row.html",
    site_bound=False)


partner_import, partner_import_template = shared_import_views(
    PARTNERS, filename="relais-partners", sheet_title=gettext_lazy("Partner organisations"),
    permission="activities.change_catalogue")


CATALOGUE = ListImport(
    name="activities:catalogue-import", template="activities/catalogue_import.html",
    help_text=gettext_lazy("One row per activity; the first row holds the column names."),
    prepare=prepare_catalogue_import, apply=lambda report, user: apply_catalogue_import(report, user=user),
    done=lambda _site, result: _("Activities imported: %(created)s new, %(updated)s updated.") % {
        "created": result.created, "updated": result.updated},
    done_url="activities:activity-list", columns=CATALOGUE_COLUMNS, required=(),
    template_download="activities:catalogue-import-template",
    preview_cells="activities/_catalogue_import_row.html", site_bound=False)


catalogue_import, catalogue_import_template = shared_import_views(
    CATALOGUE, filename="relais-catalogue", sheet_title=gettext_lazy("Activities"),
    permission="activities.change_catalogue")
