import datetime as dt

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from scheduling import services
from scheduling.models import SolverRun

from ._terms import find_term


class Command(BaseCommand):
    help = "Plan a term's weekly timetable with the solver (in this process) and optionally publish it."

    def add_arguments(self, parser):
        parser.add_argument("term", nargs="?", help="term id, name, or SITE_CODE:name")
        parser.add_argument("--time-limit", type=int, default=60, help="seconds for the solver (default 60)")
        parser.add_argument("--workers", type=int, default=2, help="solver threads (default 2)")
        parser.add_argument("--publish", action="store_true", help="publish the draft when it has no errors")
        parser.add_argument("--effective-date", type=dt.date.fromisoformat,
                            help="first date the publication applies to (default: today or the term's start)")
        parser.add_argument("--demo", action="store_true", help="plan every demo term that has not ended")
        parser.add_argument("--accept-warnings", action="store_true",
                            help="publish even when the draft has warnings (they are printed); errors still refuse")

    def handle(self, *args, **options):
        if options["demo"]:
            from core.demo import demo_terms

            terms = list(demo_terms())
            if not terms:
                raise CommandError("No demo terms: run `manage.py load_demo` first.")
        elif options["term"]:
            terms = [find_term(options["term"])]
        else:
            raise CommandError("Name a term, or use --demo.")
        failed = False
        for term in terms:
            failed |= not self._plan(term, options)
        if failed:
            raise CommandError("Some terms could not be planned or published (see above).")

    def _plan(self, term, options) -> bool:
        run = SolverRun.objects.create(term=term, time_limit=options["time_limit"],
                                       problem=services.plan_problem(term))
        run = services.execute_run(run.pk, options["workers"])
        if run.status == "failed":
            self.stderr.write(f"{term}: the problem is invalid: {run.error}")
            return False
        solution = run.solution
        self.stdout.write(f"{term}: {solution['status']}, penalty {solution['objective']}, "
                          f"{len(solution['assignments'])} weekly sessions, {run.elapsed:.1f} s")
        for line in solution.get("explanation", []):
            self.stdout.write(f"  - {line['message']}")
        if not run.applied:
            return False
        if options["publish"]:
            effective = options["effective_date"] or max(timezone.localdate(), term.first_date)
            if options["accept_warnings"]:
                for finding in services.check_draft(term):
                    if finding.severity == "warning":
                        self.stdout.write(f"  warning accepted: {finding.message}")
            try:
                result = services.publish(term, effective, accept_warnings=options["accept_warnings"])
            except ValidationError as error:
                self.stderr.write(f"{term}: not published: {'; '.join(error.messages)}")
                return False
            if result.changed:
                self.stdout.write(f"{term}: published v{result.publication.number} from {effective}: "
                                  f"{result.created} sessions created, {result.moved} moved, "
                                  f"{result.cancelled} cancelled")
            else:
                self.stdout.write(f"{term}: nothing changed since the last publication")
            for finding in result.warnings:
                self.stdout.write(f"  warning: {finding.message}")
        return True
