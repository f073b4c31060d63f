"""`manage.py import_catalogue FILE [--dry-run]`: the activity catalogue kept in a spreadsheet."""
from activities.catalogue_import import apply_catalogue_import, prepare_catalogue_import
from prisons.list_import_command import ListImportCommand


class Command(ListImportCommand):
    help = ("Import the activity catalogue (xlsx or CSV), shared by every site: validate every row first, then "
            "create and update the activities in one transaction; nothing is saved when a row is invalid. Columns "
            "as on the import page.")
    prepare = staticmethod(prepare_catalogue_import)
    apply = staticmethod(apply_catalogue_import)
    site_bound = False
