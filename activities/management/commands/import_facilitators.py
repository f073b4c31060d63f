"""`manage.py import_facilitators FILE --site CODE [--dry-run]`: the facilitators kept in a spreadsheet."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from activities.facilitator_import import apply_facilitator_import, prepare_facilitator_import
from prisons.models import Site


class Command(BaseCommand):
    help = ("Import facilitators (xlsx or CSV) for one site: validate every row first, then create and update "
            "them in one transaction; nothing is saved when a row is invalid. Columns as on the import page.")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--site", required=True, help="code of the site they come to, e.g. haren")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; save nothing")

    def handle(self, *args, file, site, dry_run, **options):
        try:
            site_obj = Site.objects.get(code=site)
        except Site.DoesNotExist:
            raise CommandError(f"No site with code {site!r}.") from None
        try:
            content = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from None
        report = prepare_facilitator_import(content, file.name, site_obj)
        self.stdout.write(f"{file.name} for {site_obj.name}: {report.rows_read} rows, {len(report.new)} new, "
                          f"{len(report.updated)} updated, {len(report.errors)} errors.")
        for warning in report.warnings:
            self.stdout.write(f"  warning: {warning.where}: {warning.message}")
        if not report.ok:
            for error in report.errors:
                self.stderr.write(f"  error: {error.where}: {error.message}")
            raise CommandError("Nothing was imported: correct the errors above and run the import again.")
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        result = apply_facilitator_import(report)
        self.stdout.write(self.style.SUCCESS(f"Imported: {result.created} created, {result.updated} updated."))
