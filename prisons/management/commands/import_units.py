"""`manage.py import_units FILE --site CODE [--dry-run]`: the living units of a site."""
from prisons.list_import_command import ListImportCommand
from prisons.unit_import import apply_unit_import, prepare_unit_import


class Command(ListImportCommand):
    help = ("Import the living units of one site (xlsx or CSV): validate every row first, then create and update "
            "them (and the buildings they name) in one transaction; nothing is saved when a row is invalid. "
            "Columns as on the import page.")
    prepare = staticmethod(prepare_unit_import)
    apply = staticmethod(apply_unit_import)
