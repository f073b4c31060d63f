"""`manage.py apply_retention [--site CODE] [--dry-run] [--today YYYY-MM-DD]`: the nightly retention run."""
import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from prisons import retention
from prisons.models import RetentionTrigger, Site


class Command(BaseCommand):
    help = (
        "Apply the retention policy: anonymise detainees who left more than "
        "RELAIS_RETENTION_AFTER_LEAVING_DAYS ago and erase screening notes older than "
        "RELAIS_SCREENING_NOTES_DAYS and delete volunteer candidates not pursued for "
        "RELAIS_CANDIDATE_RETENTION_DAYS, at every site or one. Prints counts, never names."
    )

    def add_arguments(self, parser):
        parser.add_argument("--site", help="code of one site; every site when left out")
        parser.add_argument("--dry-run", action="store_true", help="count what is due; change nothing")
        parser.add_argument("--today", type=dt.date.fromisoformat, help="the day to count from (default: today)")

    def handle(self, *args, site=None, dry_run=False, today=None, **options):
        today = today or timezone.localdate()
        sites = Site.objects.order_by("code")
        if site:
            sites = sites.filter(code=site)
            if not sites.exists():
                raise CommandError(f"No site with code {site!r}.")
        bounds = retention.cutoffs(today)
        self.stdout.write(f"People who left on or before {bounds.left_before}; notes of interviews before "
                          f"{bounds.notes_before}; candidates not pursued on or before {bounds.candidates_before}.")
        for each in sites:
            if dry_run:
                people, notes, candidates = retention.due_counts(each, today)
                self.stdout.write(f"{each.code}: {people} to anonymise, {notes} screening notes to erase, "
                                  f"{candidates} volunteer candidates to delete (dry run).")
                continue
            run = retention.apply_retention(each, today=today, trigger=RetentionTrigger.COMMAND)
            self.stdout.write(f"{each.code}: {run.detainees_anonymised} anonymised, {run.notes_erased} screening notes "
                              f"erased, {run.candidates_deleted} volunteer candidates deleted.")
