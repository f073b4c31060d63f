"""`manage.py import_staff FILE --site CODE [--dry-run]`: the prison staff list of a site."""
from prisons.list_import_command import ListImportCommand
from prisons.staff_import import apply_staff_import, prepare_staff_import


class Command(ListImportCommand):
    help = ("Import the prison staff of one site (xlsx or CSV): validate every row first, then create and update "
            "them in one transaction; nothing is saved when a row is invalid. Columns as on the import page.")
    prepare = staticmethod(prepare_staff_import)
    apply = staticmethod(apply_staff_import)
