"""`manage.py import_facilitators FILE --site CODE [--dry-run]`: the facilitators kept in a spreadsheet."""
from activities.facilitator_import import apply_facilitator_import, prepare_facilitator_import
from prisons.list_import_command import ListImportCommand


class Command(ListImportCommand):
    help = ("Import facilitators (xlsx or CSV) for one site: validate every row first, then create and update "
            "them in one transaction; nothing is saved when a row is invalid. Columns as on the import page.")
    prepare = staticmethod(prepare_facilitator_import)
    apply = staticmethod(apply_facilitator_import)
