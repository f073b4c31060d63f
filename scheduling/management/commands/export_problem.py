import json

from django.core.management.base import BaseCommand

from scheduling.problem_builder import build_problem

from ._terms import find_term


class Command(BaseCommand):
    help = "Write a term's timetable problem (relais-timetable/1 JSON), to reproduce it outside the app."

    def add_arguments(self, parser):
        parser.add_argument("term", help="term id, name, or SITE_CODE:name")
        parser.add_argument("-o", "--output", help="file to write (default: standard output)")

    def handle(self, *args, **options):
        problem = build_problem(find_term(options["term"])).problem
        text = json.dumps(problem, indent=2, ensure_ascii=False) + "\n"
        if options["output"]:
            with open(options["output"], "w", encoding="utf-8") as out:
                out.write(text)
        else:
            self.stdout.write(text, ending="")
