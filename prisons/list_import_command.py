"""The command line of the list imports (`manage.py import_facilitators`, `import_staff`)."""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from .models import Site


def site_and_content(site: str, file: Path) -> tuple[Site, bytes]:
    """The site of that code and the file's bytes, or the command's error saying which is wrong."""
    try:
        site_obj = Site.objects.get(code=site)
    except Site.DoesNotExist:
        raise CommandError(f"No site with code {site!r}.") from None
    return site_obj, _read(file)


def _read(file: Path) -> bytes:
    try:
        return file.read_bytes()
    except OSError as exc:
        raise CommandError(f"Cannot read {file}: {exc.strerror}") from None


def stop_on_errors(command: BaseCommand, report) -> None:
    """Print the report's warnings and errors by row and column; refuse to go on when there are errors."""
    for warning in report.warnings:
        command.stdout.write(f"  warning: {warning.where}: {warning.message}")
    if not report.ok:
        for error in report.errors:
            command.stderr.write(f"  error: {error.where}: {error.message}")
        raise CommandError("Nothing was imported: correct the errors above and run the import again.")


class ListImportCommand(BaseCommand):
    """Subclasses set `prepare` (content, filename, site) -> ListReport and `apply` (report) -> result;
    `site_bound = False` for a list shared by every site (no --site; `site` is None)."""

    prepare = None
    apply = None
    site_bound = True

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        if self.site_bound:
            parser.add_argument("--site", required=True, help="code of the site, e.g. haren")
        parser.add_argument("--dry-run", action="store_true", help="validate and report; save nothing")

    def handle(self, *args, file, dry_run, site=None, **options):
        if self.site_bound:
            site_obj, content = site_and_content(site, file)
        else:
            site_obj, content = None, _read(file)
        report = type(self).prepare(content, file.name, site_obj)
        target = f" for {site_obj.name}" if site_obj else ""
        self.stdout.write(f"{file.name}{target}: {report.rows_read} rows, {len(report.new)} new, "
                          f"{len(report.updated)} updated, {len(report.errors)} errors.")
        stop_on_errors(self, report)
        if dry_run:
            self.stdout.write("Dry run: nothing was saved.")
            return
        result = type(self).apply(report)
        self.stdout.write(self.style.SUCCESS(f"Imported: {result.created} created, {result.updated} updated."))
