"""`manage.py import_detainees FILE --site CODE [--mark-missing transferred|released] [--dry-run]`."""
from pathlib import Path

from django.core.management.base import BaseCommand

from prisons.imports import apply_import, prepare_import
from prisons.list_import_command import site_and_content, stop_on_errors
from prisons.models import DetaineeStatus


class Command(BaseCommand):
    help = (
        "Import the prison's list of detainees (xlsx or CSV) for one site: validate every row first, "
        "then create and update detainees in one transaction. Nothing is saved when a row is invalid. "
        "Format: docs/detainee-import-format.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--site", required=True, help="code of the site the list comes from, e.g. haren")
        parser.add_argument("--mark-missing", choices=[DetaineeStatus.TRANSFERRED, DetaineeStatus.RELEASED],
                            default="", help="mark the site's present detainees missing from the file as this")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; save nothing")

    def handle(self, *args, file, site, mark_missing, dry_run, **options):
        site_obj, content = site_and_content(site, file)

        report = prepare_import(content, file.name, site_obj)
        counts = report.counts()
        self.stdout.write(
            f"{file.name} for {site_obj.name}: {counts['rows']} rows, {counts['new']} new, "
            f"{counts['updated']} updated, {counts['moved']} changing unit, {counts['missing']} present "
            f"detainees missing from the file, {counts['errors']} errors."
        )
        stop_on_errors(self, report)
        if report.missing and not mark_missing:
            self.stdout.write("  The missing detainees stay as they are (use --mark-missing to mark them).")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        result = apply_import(report, user=None, mark_missing=mark_missing)
        self.stdout.write(self.style.SUCCESS(
            f"Imported: {result.created} created, {result.updated} updated, {result.moved} changed unit, "
            f"{result.marked} marked {mark_missing or 'nothing'}."
        ))

