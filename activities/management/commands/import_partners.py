"""`manage.py import_partners FILE [--dry-run]`: the partner organisations kept in a spreadsheet."""
from activities.partner_import import apply_partner_import, prepare_partner_import
from prisons.list_import_command import ListImportCommand


class Command(ListImportCommand):
    help = ("Import partner organisations (xlsx or CSV), shared by every site: validate every row first, then "
            "create and update them in one transaction; nothing is saved when a row is invalid. Columns as on "
            "the import page.")
    prepare = staticmethod(prepare_partner_import)
    apply = staticmethod(apply_partner_import)
    site_bound = False
