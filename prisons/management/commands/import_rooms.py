"""`manage.py import_rooms FILE --site CODE [--dry-run]`: the rooms of a site."""
from prisons.list_import_command import ListImportCommand
from prisons.room_import import apply_room_import, prepare_room_import


class Command(ListImportCommand):
    help = ("Import the rooms of one site (xlsx or CSV): validate every row first, then create and update them in "
            "one transaction; nothing is saved when a row is invalid. Columns as on the import page.")
    prepare = staticmethod(prepare_room_import)
    apply = staticmethod(apply_room_import)
