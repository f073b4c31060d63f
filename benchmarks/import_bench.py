"""Benchmark of the list imports a coordinator runs on the first day (facilitators, prison staff, living
units, rooms, the activity catalogue).

    .venv/bin/python benchmarks/import_bench.py [--rows 100,1000] [--repeat 3]

For each size it builds, in a temporary SQLite database, a site with twenty units and ten partner
organisations, and a spreadsheet (CSV, French column names) of that many facilitators (partner,
languages, badge, weekly availability), staff members (function, two units each), living units
(building, population, legal regime, regime, escort limit), rooms (kind, capacity,
building, two units each) and activities (kind, two titles, target groups, partner, room kind, sizes).
It prints, best of three, the time and number of queries of checking the file (`prepare_*`, what the
preview shows) and of writing it (`apply_*`, in a transaction rolled back after each run). Checking
reads a fixed number of queries whatever the size; writing grows with the rows (one person at a time,
as the service saves them).
"""
import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ["RELAIS_VAR_DIR"] = tempfile.mkdtemp(prefix="relais-import-bench-")
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def build_site():
    from activities.models import Community, Partner
    from prisons.models import Building, Site, Unit

    site = Site.objects.create(code="bench", name="Bench")
    building = Building.objects.create(site=site, code="B1", name="Building 1")
    for n in range(20):
        Unit.objects.create(site=site, building=building, code=f"U{n}", name=f"Unit {n}")
    for n in range(10):
        Partner.objects.create(name=f"Bench partner {n}", community=Community.BICOMMUNITY)
    return site


def facilitators_file(rows: int) -> bytes:
    lines = ["Nom;Prénom;Type;Partenaire;Courriel;Langues;Badge valable jusqu'au;Disponibilités"]
    for n in range(rows):
        lines.append(f"Bench{n};P{n};bénévole;Bench partner {n % 10};p{n}@example.org;fr, nl;31/12/2027;"
                     '"lun 08:30-12:00; mar 13h30-16h30*"')
    return "\n".join(lines).encode()


def staff_file(rows: int) -> bytes:
    lines = ["Nom;Prénom;Fonction;Unités;Courriel"]
    for n in range(rows):
        lines.append(f'Staff{n};S{n};agent pénitentiaire;"U{n % 20}, U{(n + 1) % 20}";s{n}@prison.example')
    return "\n".join(lines).encode()


def units_file(rows: int) -> bytes:
    lines = ["Code;Nom;Bâtiment;Population;Statut juridique;Régime;Capacité;Limite d'escorte"]
    for n in range(rows):
        lines.append(f"N{n};Unité {n};B1;hommes;condamnés;fermé;30;2")
    return "\n".join(lines).encode()


def rooms_file(rows: int) -> bytes:
    lines = ["Code;Nom;Type de local;Capacité;Bâtiment;Unités de vie"]
    for n in range(rows):
        lines.append(f'R{n};Local {n};classe;{8 + n % 10};B1;"U{n % 20}, U{(n + 1) % 20}"')
    return "\n".join(lines).encode()


def catalogue_file(rows: int) -> bytes:
    lines = ["Code;Catégorie;Titre;Titel;Public cible;Langues;Organisation partenaire;Locaux;Places;Semaines"]
    for n in range(rows):
        lines.append(f"act-{n};socioculturel;Atelier {n};Atelier NL {n};hommes, condamnés;fr, nl;"
                     f"Bench partner {n % 10};classe;12;10")
    return "\n".join(lines).encode()


def measure(call, repeat: int) -> tuple[float, int, object]:
    """Best time of `repeat` runs, each rolled back, and its number of queries (counted as they run: the
    debug log keeps only the last 9,000)."""
    from django.db import connection, transaction

    best, queries, result = None, 0, None
    for _ in range(repeat):
        count = [0]

        def counting(execute, sql, params, many, context, count=count):
            count[0] += 1
            return execute(sql, params, many, context)

        with transaction.atomic(), connection.execute_wrapper(counting):
            start = time.perf_counter()
            result = call()
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)
        if best is None or elapsed < best:
            best, queries = elapsed, count[0]
    return best, queries, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="100,1000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()
    from activities.catalogue_import import apply_catalogue_import, prepare_catalogue_import
    from activities.facilitator_import import apply_facilitator_import, prepare_facilitator_import
    from prisons.room_import import apply_room_import, prepare_room_import
    from prisons.staff_import import apply_staff_import, prepare_staff_import
    from prisons.unit_import import apply_unit_import, prepare_unit_import

    site = build_site()
    print(f"{'rows':>6}  {'what':<28} {'seconds':>8} {'queries':>8}  note")
    for rows in (int(size) for size in args.rows.split(",")):
        for label, content, prepare, apply in (
                ("facilitators", facilitators_file(rows), prepare_facilitator_import, apply_facilitator_import),
                ("staff", staff_file(rows), prepare_staff_import, apply_staff_import),
                ("units", units_file(rows), prepare_unit_import, apply_unit_import),
                ("rooms", rooms_file(rows), prepare_room_import, apply_room_import),
                ("catalogue", catalogue_file(rows), prepare_catalogue_import, apply_catalogue_import)):
            seconds, queries, report = measure(lambda c=content, p=prepare: p(c, "list.csv", site), args.repeat)
            assert report.ok, report.errors[:3]
            print(f"{rows:>6}  {label + ', check':<28} {seconds:>8.3f} {queries:>8}  {len(report.new)} new")
            seconds, queries, result = measure(lambda r=report, a=apply: a(r), args.repeat)
            print(f"{rows:>6}  {label + ', write':<28} {seconds:>8.3f} {queries:>8}  {result.created} created")


if __name__ == "__main__":
    main()
