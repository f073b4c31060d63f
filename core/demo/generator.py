"""The synthetic demo prison, built from a seed: the same seed and date always give the same data.

The weekly timetable is feasible by construction: every cycle's sessions are first placed in a
hidden timetable (the *witness*) that keeps every hard rule a solver knows (rooms of the right kind,
reachable from all eligible units and at most ~60 % busy, units' blocked periods and escort limits,
facilitators' half-days, detainees in several cycles never in two places at once); availability,
blocked periods and enrolments are then written so that this timetable stays valid.
"""
from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth.hashers import make_password

from activities import models as act
from core.demo_accounts import DEMO_PASSWORD
from core.models import Role, User
from enrolment.models import Enrolment, EnrolmentEvent, EnrolmentStatus, EventKind
from prisons import models as pr

from . import data

BRUSSELS = ZoneInfo("Europe/Brussels")
ROOM_BUSY_SHARE = 0.6
TERM_WEEKS = 16


# --- scales --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BuildingPlan:
    code: str
    name: str
    population: str
    units: tuple  # (legal regime, regime) per unit
    unit_capacity: int
    escort_limit: int
    section_size: int
    rooms: tuple  # (code suffix, kind, capacity)


@dataclass(frozen=True)
class SitePlan:
    code: str
    name: str
    address: str
    periods: tuple
    buildings: tuple[BuildingPlan, ...]
    central_code: str
    central_name: str
    central_rooms: tuple
    quota: int
    cycles_per_section: int
    teachers: int
    instructors: int


def _units(*spec):
    out = []
    for count, legal, regime in spec:
        out += [(legal, regime)] * count
    return tuple(out)


STD_ROOMS = (("CL1", "classroom", 12), ("CL2", "classroom", 12), ("MP", "multipurpose", 14), ("GYM", "gym", 12))

HAREN_FULL = SitePlan(
    code="haren", name="Haren", address="Demo: Witloofstraat (synthetic), 1130 Haren",
    periods=tuple(data.HAREN_PERIODS),
    buildings=(
        BuildingPlan("A", "Building A – men on remand", "men", _units((10, "remand", "closed")), 33, 2, 3,
                     STD_ROOMS + (("PC", "computer", 10),)),
        BuildingPlan("B", "Building B – men on remand", "men", _units((8, "remand", "closed")), 33, 2, 4,
                     STD_ROOMS),
        BuildingPlan("C", "Building C – sentenced men", "men",
                     _units((6, "sentenced", "closed"), (4, "sentenced", "semi_open")), 32, 2, 3,
                     STD_ROOMS + (("CL3", "classroom", 12), ("PC", "computer", 10), ("WS", "workshop", 10))),
        BuildingPlan("D", "Building D – women", "women",
                     _units((1, "remand", "closed"), (1, "sentenced", "closed"), (1, "sentenced", "semi_open"),
                            (1, "sentenced", "open")), 25, 2, 3,
                     (("CL1", "classroom", 10), ("MP", "multipurpose", 12), ("GYM", "gym", 10),
                      ("WS", "workshop", 8))),
        BuildingPlan("E", "Building E – psychiatric and medical centre", "men",
                     _units((3, "interned", "closed"), (1, "mixed", "closed")), 21, 1, 3,
                     (("CL1", "classroom", 8), ("MP", "multipurpose", 10), ("GYM", "gym", 8),
                      ("INT", "interview", 6))),
    ),
    central_code="Z", central_name="Central building",
    central_rooms=(("SH", "sports_hall", 30), ("LIB", "library", 14), ("STAGE", "stage", 40),
                   ("WS1", "workshop", 10), ("WS2", "workshop", 10), ("PC", "computer", 10),
                   ("CHAP", "chapel", 20), ("INT1", "interview", 8), ("INT2", "interview", 8),
                   ("MP1", "multipurpose", 16), ("MP2", "multipurpose", 16), ("CL1", "classroom", 14),
                   ("CL2", "classroom", 14), ("GYM", "gym", 16)),
    quota=20, cycles_per_section=4, teachers=4, instructors=2,
)

SAINT_GILLES_FULL = SitePlan(
    code="saint-gilles", name="Saint-Gilles", address="Demo: avenue Ducpétiaux (synthetic), 1060 Saint-Gilles",
    periods=tuple(data.SAINT_GILLES_PERIODS),
    buildings=(
        BuildingPlan("WA", "Wing A", "men", _units((1, "remand", "closed")), 110, 3, 1, (("CL", "classroom", 12),)),
        BuildingPlan("WB", "Wing B", "men", _units((1, "remand", "closed")), 110, 3, 1, (("CL", "classroom", 12),)),
        BuildingPlan("WC", "Wing C", "men", _units((1, "sentenced", "closed")), 105, 3, 1,
                     (("CL", "classroom", 12), ("MP", "multipurpose", 14))),
        BuildingPlan("WD", "Wing D", "men", _units((1, "sentenced", "semi_open")), 105, 3, 1,
                     (("CL", "classroom", 12), ("MP", "multipurpose", 14))),
        BuildingPlan("WP", "Psychiatric annex", "men", _units((1, "interned", "closed")), 80, 2, 1,
                     (("CL", "classroom", 8),)),
    ),
    central_code="CTR", central_name="Centre (rotunda)",
    central_rooms=(("SH", "sports_hall", 24), ("LIB", "library", 12), ("CHAP", "chapel", 20),
                   ("STAGE", "stage", 30), ("WS1", "workshop", 10), ("WS2", "workshop", 8), ("PC", "computer", 10),
                   ("GYM", "gym", 14), ("MP1", "multipurpose", 14), ("MP2", "multipurpose", 14),
                   ("CL1", "classroom", 12), ("CL2", "classroom", 12), ("INT1", "interview", 8),
                   ("INT2", "interview", 8)),
    quota=10, cycles_per_section=4, teachers=2, instructors=2,
)

HAREN_SMALL = SitePlan(
    code="haren", name="Haren", address=HAREN_FULL.address, periods=HAREN_FULL.periods,
    buildings=(
        BuildingPlan("A", "Building A – men on remand", "men", _units((2, "remand", "closed")), 16, 2, 2,
                     (("CL1", "classroom", 12), ("MP", "multipurpose", 14))),
        BuildingPlan("D", "Building D – women", "women", _units((1, "sentenced", "closed")), 14, 2, 1,
                     (("CL1", "classroom", 10),)),
    ),
    central_code="Z", central_name="Central building",
    central_rooms=(("SH", "sports_hall", 30), ("WS1", "workshop", 10), ("LIB", "library", 14),
                   ("MP1", "multipurpose", 16)),
    quota=20, cycles_per_section=3, teachers=1, instructors=1,
)

SAINT_GILLES_SMALL = SitePlan(
    code="saint-gilles", name="Saint-Gilles", address=SAINT_GILLES_FULL.address,
    periods=SAINT_GILLES_FULL.periods,
    buildings=(
        BuildingPlan("WA", "Wing A", "men", _units((1, "remand", "closed")), 18, 2, 1, (("CL", "classroom", 12),)),
        BuildingPlan("WC", "Wing C", "men", _units((1, "sentenced", "closed")), 18, 2, 1, (("CL", "classroom", 12),)),
    ),
    central_code="CTR", central_name="Centre (rotunda)",
    central_rooms=(("SH", "sports_hall", 24), ("WS1", "workshop", 10), ("MP1", "multipurpose", 14)),
    quota=10, cycles_per_section=2, teachers=1, instructors=1,
)

SMALL_ACTIVITIES = ("fle", "nt2", "restorative", "drawing", "football", "computer", "jobsearch", "parenting")

SCALES = {
    "full": {"sites": (HAREN_FULL, SAINT_GILLES_FULL), "activities": None, "extra_volunteers": 70,
             "partners": len(data.PARTNERS), "departed_share": 0.025},
    "small": {"sites": (HAREN_SMALL, SAINT_GILLES_SMALL), "activities": SMALL_ACTIVITIES,
              "extra_volunteers": 12, "partners": 8, "departed_share": 0.05},
}


# --- helpers -------------------------------------------------------------------------------------


def _time(text: str) -> dt.time:
    hours, minutes = text.split(":")
    return dt.time(int(hours), int(minutes))


def _easter(year: int) -> dt.date:
    """Gregorian Easter Sunday (anonymous algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


def belgian_public_holidays(year: int) -> dict[dt.date, str]:
    easter = _easter(year)
    return {
        dt.date(year, 1, 1): "New Year's Day",
        easter + dt.timedelta(days=1): "Easter Monday",
        dt.date(year, 5, 1): "Labour Day",
        easter + dt.timedelta(days=39): "Ascension Day",
        easter + dt.timedelta(days=50): "Whit Monday",
        dt.date(year, 7, 21): "National Day",
        dt.date(year, 8, 15): "Assumption Day",
        dt.date(year, 11, 1): "All Saints' Day",
        dt.date(year, 11, 11): "Armistice Day",
        dt.date(year, 12, 25): "Christmas Day",
    }


def aware(day: dt.date, time: str) -> dt.datetime:
    return dt.datetime.combine(day, _time(time), tzinfo=BRUSSELS)


def _slug(text: str) -> str:
    table = str.maketrans("àâäéèêëïîôöùûüçłńśźżşığ", "aaaeeeeiioouuuclnszzsig")
    return "".join(ch for ch in text.lower().translate(table) if ch.isalnum())


@dataclass
class Person:
    """A facilitator while the witness timetable is built."""

    key: int
    kind: str
    partner: int | None
    max_half_days: int
    max_cycles: int
    half_days: dict = field(default_factory=dict)  # (weekday, "am"/"pm") -> site code
    busy: set = field(default_factory=set)  # (weekday, index)
    cycles: int = 0
    sites: list = field(default_factory=list)
    model: act.Facilitator | None = None


@dataclass
class CyclePlan:
    site: SitePlan
    activity: act.Activity
    spec: tuple
    section: list  # unit models
    code: str
    capacity: int
    sessions: int
    length: int
    language: str
    people: list = field(default_factory=list)
    slots: list = field(default_factory=list)  # (weekday, start index, room code)
    model: act.Cycle | None = None

    def covered(self) -> set:
        return {(day, start + i) for day, start, _room in self.slots for i in range(self.length)}


def _half(index: int) -> str:
    return "am" if index < 2 else "pm"


# --- the builder ---------------------------------------------------------------------------------


class DemoBuilder:
    def __init__(self, seed: int, scale: str, today: dt.date):
        if scale not in SCALES:
            raise ValueError(f"scale must be one of {', '.join(SCALES)}")
        self.rng = random.Random(f"relais-demo:{seed}:{scale}")
        self.scale = SCALES[scale]
        self.today = today
        self.monday = today - dt.timedelta(days=today.weekday())
        self.sites: dict[str, pr.Site] = {}
        self.units: dict[str, list[pr.Unit]] = {}
        self.sections: dict[str, list[list[pr.Unit]]] = {}
        self.unit_blocked: dict[int, set] = defaultdict(set)  # unit pk -> {(weekday, index)}
        self.unit_visits: dict[int, int] = {}
        self.escort_use: dict[tuple, int] = defaultdict(int)
        self.rooms: dict[str, list[pr.Room]] = {}
        self.room_reach: dict[int, set | None] = {}
        self.room_busy: dict[int, set] = defaultdict(set)
        self.periods: dict[str, dict[int, list[int]]] = {}
        self.partners: list[act.Partner] = []
        self.activities: dict[str, tuple] = {}
        self.people: list[Person] = []
        self.cycles: list[CyclePlan] = []
        self.terms: dict[str, act.Term] = {}
        self.detainees: dict[str, list[pr.Detainee]] = {}
        self.user_of: dict[str, User] = {}
        self.counter = 0

    # The order matters: each step reads what the previous ones made.
    def build(self) -> None:
        for plan in self.scale["sites"]:
            self._site(plan)
        self._partners()
        self._activities()
        self._terms()
        self._people_pools()
        for plan in self.scale["sites"]:
            self._cycles_for(plan)
        self._write_facilitators()
        self._write_cycles()
        self._write_blocked_periods()
        for plan in self.scale["sites"]:
            self._detainees(plan)
        self._users_and_staff()
        self._enrolments()
        from .answers import build_answers, build_decision_days
        from .gate import (
            build_declared_absence,
            build_interpreter,
            build_materials,
            build_partner_documents,
            build_recruitment,
            build_renewals,
        )
        from .history import build_last_term  # they read this module's helpers
        from .records import build_former_detainees, build_screening
        from .sheets import build_evaluation_sheets
        from .surveys import build_surveys

        build_last_term(self)
        build_surveys(self)
        build_materials(self)
        build_renewals(self)
        build_recruitment(self)
        build_declared_absence(self)
        build_partner_documents(self)
        build_screening(self)  # last: the only steps that draw from the random stream after the others
        build_former_detainees(self)
        build_evaluation_sheets(self)  # after the last step that draws from the random stream
        build_interpreter(self)
        build_answers(self)
        build_decision_days(self)

    # sites, units, rooms, the regime -----------------------------------------------------------

    def _site(self, plan: SitePlan) -> None:
        site = pr.Site.objects.create(
            code=plan.code, name=plan.name, address=f"{plan.address} – {data.DEMO_MARK}",
            daily_outside_quota=plan.quota,
        )
        self.sites[plan.code] = site
        buildings = pr.Building.objects.bulk_create(
            [pr.Building(site=site, code=b.code, name=b.name) for b in plan.buildings]
            + [pr.Building(site=site, code=plan.central_code, name=plan.central_name)]
        )
        by_code = {b.code: b for b in buildings}
        units, sections, unit_building = [], [], {}
        for b in plan.buildings:
            made = []
            for n, (legal, regime) in enumerate(b.units, start=1):
                code = f"{b.code}{n:02d}" if len(b.units) > 1 or plan.code == "haren" else b.code
                kind = "Wing" if plan.code == "saint-gilles" else "Unit"
                made.append(pr.Unit(
                    site=site, building=by_code[b.code], code=code, name=f"{kind} {code}",
                    population=b.population, legal_regime=legal, regime=regime, capacity=b.unit_capacity,
                    max_parallel_sessions=b.escort_limit,
                ))
            units += made
            for start in range(0, len(made), b.section_size):
                sections.append(made[start:start + b.section_size])
            for u in made:
                unit_building[u.code] = b.code
        pr.Unit.objects.bulk_create(units)
        self.units[plan.code] = units
        self.sections[plan.code] = sections

        rooms, reach = [], []
        for b in plan.buildings:
            for suffix, kind, capacity in b.rooms:
                rooms.append(pr.Room(site=site, building=by_code[b.code], code=f"{b.code}-{suffix}",
                                     name=f"{b.name}: {pr.RoomKind(kind).label} {suffix}", kind=kind,
                                     capacity=capacity))
                reach.append([u for u in units if unit_building[u.code] == b.code])
        for suffix, kind, capacity in plan.central_rooms:
            rooms.append(pr.Room(site=site, building=by_code[plan.central_code], code=f"{plan.central_code}-{suffix}",
                                 name=f"{plan.central_name}: {pr.RoomKind(kind).label} {suffix}", kind=kind,
                                 capacity=capacity, reachable_from_all_units=True,
                                 accessibility_notes="Lift; wheelchair accessible." if kind == "library" else ""))
            reach.append(None)
        pr.Room.objects.bulk_create(rooms)
        through = []
        for room, reachable in zip(rooms, reach, strict=True):
            self.room_reach[room.pk] = None if reachable is None else {u.pk for u in reachable}
            for u in reachable or ():
                through.append(pr.Room.reachable_units.through(room_id=room.pk, unit_id=u.pk))
        pr.Room.reachable_units.through.objects.bulk_create(through)
        self.rooms[plan.code] = rooms
        # The rooms others use every week: planned around (Saint-Gilles is planned by the solver).
        by_room_code = {room.code: room for room in rooms}
        pr.RoomUse.objects.bulk_create([
            pr.RoomUse(room=by_room_code[code], weekday=weekday, start=_time(start), end=_time(end), label=label)
            for code, weekday, start, end, label in data.ROOM_USES.get(plan.code, ()) if code in by_room_code])

        periods, days = [], {}
        short = data.SHORT_DAYS.get(plan.code, {})
        for weekday in range(5):
            days[weekday] = []
            for index, start, end, label in plan.periods:
                if index in short.get(weekday, ()):
                    continue
                days[weekday].append(index)
                periods.append(pr.RegimePeriod(site=site, weekday=weekday, index=index, start=_time(start),
                                               end=_time(end), label=label))
        pr.RegimePeriod.objects.bulk_create(periods)
        self.periods[plan.code] = days

        # Walks rotate per section and weekday; visits take one afternoon per building.
        rotation = [0, 3, 1, 4]
        building_order = [b.code for b in plan.buildings]
        for k, section in enumerate(self.sections[plan.code]):
            visits_day = building_order.index(unit_building[section[0].code]) % 5
            visits_day = (visits_day + k) % 5 if plan.code == "saint-gilles" else visits_day
            for u in section:
                self.unit_visits[u.pk] = visits_day
                for weekday, indices in days.items():
                    walk = rotation[(k + weekday) % 4]
                    if walk in indices:
                        self.unit_blocked[u.pk].add((weekday, walk))
                    if weekday == visits_day:
                        self.unit_blocked[u.pk].update((weekday, i) for i in indices if i >= 3)

    def _write_blocked_periods(self) -> None:
        rows = []
        for plan in self.scale["sites"]:
            times = {index: (_time(start), _time(end)) for index, start, end, _l in plan.periods}
            lunch = (times[1][1], times[3][0])
            evening_count = (times[4][1], (dt.datetime.combine(self.today, times[4][1])
                                           + dt.timedelta(minutes=30)).time())
            for u in self.units[plan.code]:
                for weekday in range(5):
                    rows.append(pr.BlockedPeriod(unit=u, weekday=weekday, start=lunch[0], end=lunch[1],
                                                 reason="meal", label="Lunch and count"))
                    rows.append(pr.BlockedPeriod(unit=u, weekday=weekday, start=evening_count[0],
                                                 end=evening_count[1], reason="count", label="Evening count"))
                for weekday, index in sorted(self.unit_blocked[u.pk]):
                    if weekday == self.unit_visits[u.pk] and index >= 3:
                        continue
                    start, end = times[index]
                    rows.append(pr.BlockedPeriod(unit=u, weekday=weekday, start=start, end=end, reason="walk",
                                                 label="Exercise yard"))
                visits_day = self.unit_visits[u.pk]
                rows.append(pr.BlockedPeriod(unit=u, weekday=visits_day, start=times[3][0], end=times[4][1],
                                             reason="visits", label="Family visits"))
        pr.BlockedPeriod.objects.bulk_create(rows)

    # partners and the catalogue ----------------------------------------------------------------

    def _partners(self) -> None:
        rows = []
        for n, (name, community, themes, languages, address, lat, lon, transport) in enumerate(
            data.PARTNERS[: self.scale["partners"]]
        ):
            slug = _slug(name)[:20]
            rows.append(act.Partner(
                name=f"{name}{data.DEMO_PARTNER_SUFFIX}", community=community,
                description=f"{name} works with people in prison in Brussels: {themes}. {data.DEMO_MARK}.",
                themes=themes, office_hours="Mon–Thu 9:00–17:00" if n % 2 else "Tue and Thu 10:00–16:00",
                languages=languages, territory="Brussels-Capital Region",
                contact_name=f"{self.rng.choice(data.FACILITATOR_FIRST_NAMES)} {data.DEMO_NAME_PREFIX}"
                             f"{self.rng.choice(data.FACILITATOR_LAST_NAMES)}",
                email=f"contact@{slug}.demo.invalid", phone=f"+32 2 555 {10 + n:02d} {self.rng.randint(10, 99)}",
                website=f"https://{slug}.demo.invalid/", address=address, latitude=Decimal(lat),
                longitude=Decimal(lon), public_transport=transport,
            ))
        self.partners = act.Partner.objects.bulk_create(rows)

    def _activities(self) -> None:
        wanted = self.scale["activities"]
        rows = []
        for spec in data.ACTIVITIES:
            code, kind, titles, partner, room_kinds, group, length, per_week, weeks, langs, targets, _lead = spec
            if wanted and code not in wanted:
                continue
            partner_model = self.partners[partner] if partner is not None and partner < len(self.partners) else None
            rows.append(act.Activity(
                code=f"{data.DEMO_ACTIVITY_PREFIX}{code}", kind=kind,
                title_fr=titles[0], title_nl=titles[1], title_en=titles[2],
                description_fr=data.DESCRIPTIONS["fr"].format(title=titles[0]),
                description_nl=data.DESCRIPTIONS["nl"].format(title=titles[1]),
                description_en=data.DESCRIPTIONS["en"].format(title=titles[2]),
                objectives=f"Take part regularly; {titles[2].lower()}.", target_groups=targets, languages=langs,
                partner=partner_model, pictogram=data.PICTOGRAMS.get(code, ""), room_kinds=room_kinds,
                group_min=group[0], group_max=group[1],
                session_periods=length, sessions_per_week=per_week, weeks=weeks,
            ))
        made = act.Activity.objects.bulk_create(rows)
        specs = {s[0]: s for s in data.ACTIVITIES}
        for a in made:
            self.activities[a.code.removeprefix(data.DEMO_ACTIVITY_PREFIX)] = (a, specs[a.code.removeprefix(
                data.DEMO_ACTIVITY_PREFIX)])

    def _terms(self) -> None:
        first = self.monday
        last = first + dt.timedelta(weeks=TERM_WEEKS, days=-3)
        holidays = {}
        for year in range(first.year, last.year + 1):
            holidays.update(belgian_public_holidays(year))
        for plan in self.scale["sites"]:
            term = act.Term.objects.create(
                site=self.sites[plan.code], name=f"Demo term {first:%d/%m/%Y} – {last:%d/%m/%Y}",
                first_date=first, last_date=last,
            )
            act.ExcludedDate.objects.bulk_create([
                act.ExcludedDate(term=term, date=day, label=label)
                for day, label in sorted(holidays.items()) if first <= day <= last and day.weekday() < 5
            ])
            self.terms[plan.code] = term

    # facilitators and the witness timetable -----------------------------------------------------

    def _new_person(self, kind: str, partner: int | None, site: str | None) -> Person:
        limits = {"volunteer": (2, 3), "partner_employee": (4, 4), "teacher": (6, 5), "staff": (8, 6)}
        max_half, max_cycles = limits[kind]
        person = Person(key=len(self.people), kind=kind, partner=partner, max_half_days=max_half,
                        max_cycles=max_cycles, sites=[site] if site else [])
        self.people.append(person)
        return person

    def _people_pools(self) -> None:
        self.pools: dict[tuple, list[Person]] = defaultdict(list)
        for plan in self.scale["sites"]:
            for _n in range(plan.teachers):
                self.pools["teacher", plan.code].append(self._new_person("teacher", None, plan.code))
            for _n in range(plan.instructors):
                self.pools["staff", plan.code].append(self._new_person("staff", None, plan.code))

    def _section_fits(self, plan: SitePlan, spec: tuple, section: list) -> bool:
        targets = spec[10]
        population = section[0].population
        legal = {u.legal_regime for u in section}
        if "men" in targets and population != "men":
            return False
        if "sentenced" in targets and legal - {"sentenced"}:
            return False
        return not (spec[0] == "football" and population == "women")

    def _cycles_for(self, plan: SitePlan) -> None:
        codes = list(self.activities)
        used_codes: dict[str, int] = defaultdict(int)
        for k, section in enumerate(self.sections[plan.code]):
            candidates = [c for c in codes if self._section_fits(plan, self.activities[c][1], section)]
            self.rng.shuffle(candidates)
            # A reception class in every remand section: many newcomers speak neither language.
            if section[0].legal_regime == "remand":
                for first in ("nt2", "fle"):
                    if first in candidates:
                        candidates.remove(first)
                        candidates.insert(0, first)
            placed = 0
            for code in candidates:
                if placed >= plan.cycles_per_section:
                    break
                activity, spec = self.activities[code]
                used_codes[code] += 1
                cycle = CyclePlan(
                    site=plan, activity=activity, spec=spec, section=section,
                    code=f"{code}-{section[0].code.lower()}-{used_codes[code]}",
                    capacity=min(spec[5][1], max(spec[5][0] + 2, sum(u.capacity for u in section) // 4)),
                    sessions=spec[7], length=spec[6],
                    language=spec[9][0] if code != "nt2" else "nl",
                )
                if self._place(cycle, k):
                    self.cycles.append(cycle)
                    placed += 1

    def _suitable_rooms(self, cycle: CyclePlan) -> list[pr.Room]:
        unit_ids = {u.pk for u in cycle.section}
        return [
            r for r in self.rooms[cycle.site.code]
            if r.kind in cycle.spec[4] and r.capacity >= cycle.capacity
            and (self.room_reach[r.pk] is None or unit_ids <= self.room_reach[r.pk])
        ]

    def _candidates(self, cycle: CyclePlan) -> list[list[Person | None]]:
        """Who could lead the cycle, best first; None stands for a new person made to fit."""
        kind = cycle.spec[11]
        partner = cycle.spec[3]
        site = cycle.site.code
        if kind in ("teacher", "staff"):
            pool = sorted(self.pools[kind, site], key=lambda p: (p.cycles, p.key))
            return [[p] for p in pool if p.cycles < p.max_cycles] + [[None]]
        existing = [p for p in self.people if p.kind == kind and p.partner == partner and p.cycles < p.max_cycles]
        options = [[p] for p in existing]
        return options + [[None]]

    def _place(self, cycle: CyclePlan, section_index: int) -> bool:
        rooms = self._suitable_rooms(cycle)
        if not rooms:
            return False
        days = self.periods[cycle.site.code]
        starts = [(d, i) for d in sorted(days) for i in days[d]
                  if all(i + j in days[d] for j in range(cycle.length))]
        self.rng.shuffle(starts)
        room_limit = int(ROOM_BUSY_SHARE * sum(len(v) for v in days.values()))
        for people in self._candidates(cycle):
            slots = self._try(cycle, people, starts, rooms, room_limit)
            if slots:
                self._commit(cycle, people, slots)
                return True
        return False

    def _person_ok(self, person: Person | None, site: str, day: int, cover: list, new_halves: set) -> bool:
        if person is None:
            return True
        half = (day, _half(cover[0][1]))
        if any(c in person.busy for c in cover):
            return False
        if half in person.half_days:
            return person.half_days[half] == site
        return len(person.half_days) + len(new_halves | {half}) <= person.max_half_days

    def _try(self, cycle, people, starts, rooms, room_limit):
        site = cycle.site.code
        ordered = sorted(starts, key=lambda s: not any(
            p is not None and (s[0], _half(s[1])) in p.half_days for p in people))
        for distinct_days in (True, False):
            chosen, taken, new_halves = [], set(), set()
            for day, start in ordered:
                if distinct_days and any(c[0] == day for c in chosen):
                    continue
                cover = [(day, start + j) for j in range(cycle.length)]
                if taken & set(cover):
                    continue
                if any(c in self.unit_blocked[u.pk] or self.escort_use[u.pk, c] >= (u.max_parallel_sessions or 99)
                       for u in cycle.section for c in cover):
                    continue
                if not all(self._person_ok(p, site, day, cover, new_halves) for p in people):
                    continue
                free = [r for r in rooms if not (self.room_busy[r.pk] & set(cover))
                        and len(self.room_busy[r.pk]) + len(cover) <= room_limit]
                if not free:
                    continue
                room = min(free, key=lambda r: (len(self.room_busy[r.pk]), r.capacity, r.code))
                chosen.append((day, start, room))
                taken |= set(cover)
                new_halves.add((day, _half(start)))
                if len(chosen) == cycle.sessions:
                    return chosen
        return None

    def _commit(self, cycle: CyclePlan, people: list, slots: list) -> None:
        site = cycle.site.code
        kind = cycle.spec[11]
        resolved = []
        for p in people:
            person = p
            if person is None:
                partner = None if kind in ("teacher", "staff") else cycle.spec[3]
                person = self._new_person(kind, partner, site)
                if kind in ("teacher", "staff"):
                    self.pools[kind, site].append(person)
            resolved.append(person)
        # One cycle in five is led in pairs: a new volunteer who comes on the same half-days.
        if kind in ("volunteer", "partner_employee") and self.rng.random() < 0.2:
            resolved.append(self._new_person("volunteer", cycle.spec[3], site))
        for day, start, room in slots:
            cover = [(day, start + j) for j in range(cycle.length)]
            self.room_busy[room.pk].update(cover)
            for u in cycle.section:
                for c in cover:
                    self.escort_use[u.pk, c] += 1
            for person in resolved:
                person.busy.update(cover)
                person.half_days[day, _half(start)] = site
                if site not in person.sites:
                    person.sites.append(site)
        for person in resolved:
            person.cycles += 1
        cycle.people = resolved
        cycle.slots = [(day, start, room.code) for day, start, room in slots]

    def _write_facilitators(self) -> None:
        rng = self.rng
        # Free volunteers (no cycle yet) make up the pool a coordinator draws on for the next term.
        wanted = self.scale["extra_volunteers"]
        while len(self.people) < wanted:
            partner = rng.randrange(len(self.partners)) if rng.random() < 0.7 else None
            site = rng.choice([p.code for p in self.scale["sites"]])
            self._new_person("volunteer", partner, site)
        for person in self.people:
            # Slack: everyone gets at least the half-days their kind usually offers.
            minimum = {"volunteer": rng.choice((1, 2)), "partner_employee": 3, "teacher": 4, "staff": 6}[person.kind]
            site = person.sites[0] if person.sites else self.scale["sites"][0].code
            if not person.sites:
                person.sites.append(site)
            tries = 0
            while len(person.half_days) < min(minimum, person.max_half_days) and tries < 50:
                tries += 1
                half = (rng.randrange(5), rng.choice(("am", "pm")))
                person.half_days.setdefault(half, site)

        staff_for_instructors = {}
        facilitators, first_names, last_names = [], data.FACILITATOR_FIRST_NAMES, data.FACILITATOR_LAST_NAMES
        for person in self.people:
            first = first_names[(person.key * 7 + rng.randrange(3)) % len(first_names)]
            last = last_names[(person.key * 3 + rng.randrange(5)) % len(last_names)]
            partner = self.partners[person.partner] if person.partner is not None and person.partner < len(
                self.partners) else None
            if person.kind == "teacher":
                partner = None
            outside = person.kind != "staff"
            valid_from, valid_until, number = None, None, ""
            if outside:
                number = f"DEMO-AUTH-{1000 + person.key}"
                valid_from = self.today - dt.timedelta(days=rng.randint(60, 700))
                roll = person.key % 23
                if roll == 5:
                    valid_until = self.today - dt.timedelta(days=rng.randint(3, 20))  # expired
                elif roll in (2, 9, 16):
                    valid_until = self.today + dt.timedelta(days=rng.randint(5, 28))  # expiring soon
                else:
                    valid_until = self.today + dt.timedelta(days=rng.randint(150, 700))
            langs = ["fr"] if rng.random() < 0.6 else ["nl", "fr"]
            if rng.random() < 0.25:
                langs.append(rng.choice(["en", "ar", "es", "ro", "tr"]))
            skills = {
                "teacher": "adult education, languages, literacy",
                "staff": "sport, fitness, first aid",
            }.get(person.kind, partner.themes if partner else "listening, group activities")
            person.model = act.Facilitator(
                kind=person.kind, first_name=first, last_name=f"{data.DEMO_NAME_PREFIX}{last}", partner=partner,
                languages=langs, skills=skills,
                email=f"{_slug(first)}.{_slug(last)}.{person.key}@demo.invalid",
                phone=f"+32 470 {person.key:03d} {rng.randint(100, 999)}", authorisation_number=number,
                authorisation_valid_from=valid_from, authorisation_valid_until=valid_until,
            )
            facilitators.append(person.model)
            if person.kind == "staff":
                staff_for_instructors[person.key] = person
        act.Facilitator.objects.bulk_create(facilitators)
        site_ids = {code: s.pk for code, s in self.sites.items()}
        act.Facilitator.sites.through.objects.bulk_create([
            act.Facilitator.sites.through(facilitator_id=p.model.pk, site_id=site_ids[s])
            for p in self.people for s in p.sites
        ])

        half_times = {k: (_time(v[0]), _time(v[1])) for k, v in data.HALF_DAYS.items()}
        availability = []
        for person in self.people:
            ordered = sorted(person.half_days)
            preferred = ordered[0] if person.kind == "volunteer" and len(ordered) > 1 else None
            for day, half in ordered:
                start, end = half_times[half]
                availability.append(act.Availability(facilitator=person.model, weekday=day, start=start, end=end,
                                                     preferred=(day, half) == preferred))
        act.Availability.objects.bulk_create(availability)

        exceptions = []
        for person in self.people[::9]:
            away = self.monday + dt.timedelta(weeks=rng.randint(2, TERM_WEEKS - 2), days=rng.randrange(5))
            exceptions.append(act.AvailabilityException(facilitator=person.model, date=away, available=False,
                                                        note="Away (holiday)"))
        act.AvailabilityException.objects.bulk_create(exceptions)

        defaults = []
        for code, (activity, _spec) in self.activities.items():
            leaders = sorted({p.key for c in self.cycles if c.spec[0] == code for p in c.people})
            for key in leaders[:2]:
                defaults.append(act.Activity.default_facilitators.through(
                    activity_id=activity.pk, facilitator_id=self.people[key].model.pk))
        act.Activity.default_facilitators.through.objects.bulk_create(defaults)

    def _write_cycles(self) -> None:
        rows = []
        for cycle in self.cycles:
            cycle.model = act.Cycle(
                activity=cycle.activity, term=self.terms[cycle.site.code], code=cycle.code,
                capacity=cycle.capacity, sessions_per_week=cycle.sessions, session_periods=cycle.length,
                language=cycle.language, screening_required=cycle.spec[1] == "psychosocial",
                status=act.CycleStatus.OPEN,
            )
            rows.append(cycle.model)
        act.Cycle.objects.bulk_create(rows)
        act.Cycle.eligible_units.through.objects.bulk_create([
            act.Cycle.eligible_units.through(cycle_id=c.model.pk, unit_id=u.pk) for c in self.cycles for u in c.section
        ])
        act.Cycle.facilitators.through.objects.bulk_create([
            act.Cycle.facilitators.through(cycle_id=c.model.pk, facilitator_id=p.model.pk)
            for c in self.cycles for p in c.people
        ])

    # detainees ----------------------------------------------------------------------------------

    def _origin(self):
        names = list(data.ORIGINS)
        weights = [data.ORIGINS[n][0] for n in names]
        return self.rng.choices(names, weights)[0]

    def _languages(self, origin: str) -> list[tuple[str, str]]:
        rng = self.rng
        spoken = []
        for n, (code, level) in enumerate(data.ORIGINS[origin][4]):
            if n and rng.random() < 0.2:
                continue  # not everyone of an origin speaks its second language
            if n and level == "fluent" and rng.random() < 0.35:
                level = "basic"
            spoken.append((code, level))
        known = {c for c, _l in spoken}
        if "fr" not in known and rng.random() < 0.25:
            spoken.append(("fr", "basic"))
        if "en" not in known and rng.random() < 0.15:
            spoken.append(("en", rng.choice(["basic", "fluent"])))
        return spoken

    def _detainees(self, plan: SitePlan) -> None:
        rng, today = self.rng, self.today
        site = self.sites[plan.code]
        term = self.terms[plan.code]
        people, languages, placements, extras = [], [], [], []
        units = self.units[plan.code]
        for unit in units:
            count = round(unit.capacity * rng.uniform(0.9, 1.0))
            departed = round(count * self.scale["departed_share"] * rng.uniform(0.5, 1.5))
            for n in range(count + departed):
                self.counter += 1
                origin = self._origin()
                _w, men, women, lasts, _langs = data.ORIGINS[origin]
                female = unit.population == "women"
                legal = unit.legal_regime if unit.legal_regime != "mixed" else rng.choice(
                    ["remand", "sentenced", "interned"])
                spoken = self._languages(origin)
                levels = dict(spoken)
                understands = any(levels.get(c) in ("native", "fluent") for c in ("fr", "nl", "en"))
                arrival = today - dt.timedelta(days=rng.randint(5, 400) if legal == "remand" else rng.randint(40, 1500))
                release = None
                if legal == "sentenced" and rng.random() < 0.6:
                    release = today + dt.timedelta(days=rng.randint(20, 1200))
                leaving = n >= count
                status = pr.DetaineeStatus.PRESENT
                if leaving:
                    status = pr.DetaineeStatus.RELEASED if legal != "remand" and rng.random() < 0.5 \
                        else pr.DetaineeStatus.TRANSFERRED
                detainee = pr.Detainee(
                    prison_number=f"{data.DEMO_NUMBER_PREFIX}{self.counter:06d}",
                    last_name=f"{data.DEMO_NAME_PREFIX}{rng.choice(lasts)}",
                    first_name=rng.choice(women if female else men),
                    gender=pr.Gender.FEMALE if female else pr.Gender.MALE, legal_status=legal, site=site,
                    unit=None if leaving else unit, cell="" if leaving else f"{unit.code}-{n + 1:03d}",
                    birth_date=today - dt.timedelta(days=rng.randint(19 * 365, 66 * 365)),
                    needs_interpreter=not understands and rng.random() < 0.6,
                    reads_french=levels.get("fr") in ("native", "fluent") and rng.random() < 0.9,
                    reads_dutch=levels.get("nl") in ("native", "fluent") and rng.random() < 0.9,
                    arrival_date=arrival, expected_release_date=release, status=status,
                )
                people.append(detainee)
                extras.append((detainee, unit, spoken, leaving))
        pr.Detainee.objects.bulk_create(people)

        same_population = defaultdict(list)
        for u in units:
            same_population[u.population, u.legal_regime].append(u)
        for detainee, unit, spoken, leaving in extras:
            for code, level in spoken:
                languages.append(pr.DetaineeLanguage(detainee=detainee, language=code, proficiency=level))
            start = detainee.arrival_date
            moved = rng.random() < 0.15 and len(same_population[unit.population, unit.legal_regime]) > 1
            if moved and (today - start).days > 10:
                before = rng.choice([u for u in same_population[unit.population, unit.legal_regime] if u != unit])
                move = start + dt.timedelta(days=rng.randint(1, (today - start).days - 5))
                placements.append(pr.Placement(detainee=detainee, unit=before, cell=f"{before.code}-{rng.randint(1, 30):03d}",
                                               status="present", valid_from=start, valid_until=move, source="registry"))
                start = move
            if leaving:
                left = today - dt.timedelta(days=rng.randint(1, 30))
                left = max(left, start + dt.timedelta(days=1))
                placements.append(pr.Placement(detainee=detainee, unit=unit, cell=f"{unit.code}-{rng.randint(1, 30):03d}",
                                               status="present", valid_from=start, valid_until=left, source="registry"))
                placements.append(pr.Placement(detainee=detainee, unit=None, status=detainee.status, valid_from=left,
                                               source="registry"))
            else:
                placements.append(pr.Placement(detainee=detainee, unit=unit, cell=detainee.cell, status="present",
                                               valid_from=start, source="registry"))
        pr.DetaineeLanguage.objects.bulk_create(languages)
        pr.Placement.objects.bulk_create(placements)

        present = [d for d in people if d.status == pr.DetaineeStatus.PRESENT]
        self.detainees[plan.code] = present
        commitments = []
        term_days = [term.first_date + dt.timedelta(days=i) for i in range((term.last_date - term.first_date).days + 1)]
        weekdays = [d for d in term_days if d.weekday() < 5]
        for d in present:
            roll = rng.random()
            if d.legal_status == "remand" and roll < 0.3:
                day = rng.choice(weekdays)
                commitments.append(pr.Commitment(detainee=d, kind="court", source="Registry (greffe)",
                                                 starts_at=aware(day, "08:30"), ends_at=aware(day, "12:30")))
            if rng.random() < 0.2:
                day = rng.choice(weekdays)
                commitments.append(pr.Commitment(detainee=d, kind="visit", source="Visits office",
                                                 starts_at=aware(day, "14:00"), ends_at=aware(day, "15:00")))
            if rng.random() < 0.08:
                day = rng.choice(weekdays[:15])
                commitments.append(pr.Commitment(detainee=d, kind="lawyer", source="Registry (greffe)",
                                                 starts_at=aware(day, "10:00"), ends_at=aware(day, "11:00")))
            if d.legal_status == "sentenced" and rng.random() < 0.18:
                commitments.append(pr.Commitment(
                    detainee=d, kind="work", source="Work office", weekday=rng.randrange(5),
                    start_time=dt.time(8, 0), end_time=dt.time(11, 45),
                    valid_from=today - dt.timedelta(days=rng.randint(10, 200)),
                ))
        pr.Commitment.objects.bulk_create(commitments)

        pairs = set()
        for _n in range(max(2, len(present) // 60)):
            a, b = sorted(rng.sample(present, 2), key=lambda x: x.pk)
            if (a.pk, b.pk) in pairs:
                continue
            pairs.add((a.pk, b.pk))
        pr.NonAssociation.objects.bulk_create([
            pr.NonAssociation(first_id=a, second_id=b, scope=rng.choice(["unit", "site", "cell"]),
                              reason="Conflict reported by the unit" if i % 2 else "Co-defendants")
            for i, (a, b) in enumerate(sorted(pairs))
        ])
        restrictions = []
        for d in rng.sample(present, max(2, len(present) // 90)):
            start = today - dt.timedelta(days=rng.randint(0, 5))
            restrictions.append(pr.ActivityRestriction(detainee=d, starts_on=start,
                                                       ends_on=start + dt.timedelta(days=rng.randint(7, 21)),
                                                       reason="Disciplinary sanction"))
        pr.ActivityRestriction.objects.bulk_create(restrictions)

    # people who sign in, staff, enrolments ------------------------------------------------------

    def _users_and_staff(self) -> None:
        rng = self.rng
        password = make_password(DEMO_PASSWORD, salt="relaisdemo")
        haren, saint_gilles = self.sites["haren"], self.sites["saint-gilles"]
        specs = [
            ("admin", Role.ADMINISTRATOR, "Ada", [haren, saint_gilles], True),
            ("coordinator", Role.COORDINATOR, "Camille", [haren, saint_gilles], False),
            ("screener", Role.SCREENER, "Sami", [haren], False),
            ("facilitator", Role.FACILITATOR, "Fleur", [], False),
            ("staff", Role.STAFF, "Stan", [haren], False),
        ]
        lead = max((p for p in self.people if p.kind == "volunteer"), key=lambda p: (p.cycles, -p.key))
        lead_sites = [self.sites[s] for s in lead.sites]
        users = []
        for username, role, first, _sites, superuser in specs:
            users.append(User(username=username, role=role, first_name=first, last_name=f"{data.DEMO_NAME_PREFIX}User",
                              email=f"{username}@demo.invalid", password=password, is_superuser=superuser,
                              is_staff=superuser, language="fr"))
        User.objects.bulk_create(users)
        for user, spec in zip(users, specs, strict=True):
            user.sites.set(spec[3] or lead_sites)
            self.user_of[user.username] = user
        act.Facilitator.objects.filter(pk=lead.model.pk).update(user=self.user_of["facilitator"])
        self.user_of["facilitator"].first_name = lead.model.first_name
        User.objects.filter(pk=self.user_of["facilitator"].pk).update(first_name=lead.model.first_name,
                                                                      last_name=lead.model.last_name)

        staff, unit_links = [], []
        for code, site in self.sites.items():
            for function in ("psychosocial", "management", "gate"):
                staff.append((pr.StaffMember(site=site, first_name=rng.choice(data.STAFF_FIRST_NAMES),
                                             last_name=f"{data.DEMO_NAME_PREFIX}{rng.choice(data.STAFF_LAST_NAMES)}",
                                             function=function,
                                             # the gate is e-mailed changes to the outside people expected
                                             email=f"gate.{code}@demo.invalid" if function == "gate" else ""),
                              []))
            for section in self.sections[code]:
                staff.append((pr.StaffMember(site=site, first_name=rng.choice(data.STAFF_FIRST_NAMES),
                                             last_name=f"{data.DEMO_NAME_PREFIX}{rng.choice(data.STAFF_LAST_NAMES)}",
                                             function="support_worker"), section))
                for u in section:
                    staff.append((pr.StaffMember(site=site, first_name=rng.choice(data.STAFF_FIRST_NAMES),
                                                 last_name=f"{data.DEMO_NAME_PREFIX}{rng.choice(data.STAFF_LAST_NAMES)}",
                                                 function="officer"), [u]))
        login = pr.StaffMember(site=haren, user=self.user_of["staff"], first_name="Stan",
                               last_name=f"{data.DEMO_NAME_PREFIX}Officer", function="officer",
                               email="staff@demo.invalid")
        staff.append((login, self.units["haren"][:2]))
        pr.StaffMember.objects.bulk_create([s for s, _u in staff])
        for member, units in staff:
            for u in units:
                unit_links.append(pr.StaffMember.units.through(staffmember_id=member.pk, unit_id=u.pk))
        pr.StaffMember.units.through.objects.bulk_create(unit_links)
        instructors = [p for p in self.people if p.kind == "staff"]
        for person in instructors:
            member = pr.StaffMember.objects.create(site=self.sites[person.sites[0]], first_name=person.model.first_name,
                                                   last_name=person.model.last_name, function="other")
            act.Facilitator.objects.filter(pk=person.model.pk).update(staff_member=member)

    def _enrolments(self) -> None:
        rng, today = self.rng, self.today
        coordinator = self.user_of["coordinator"]
        fields = {f.name for f in Enrolment._meta.get_fields()}
        channels = ["request_slip", "request_slip", "support_worker", "psychosocial", "coordinator"]
        busy: dict[int, set] = defaultdict(set)  # detainee pk -> covered (weekday, index)
        count: dict[int, int] = defaultdict(int)
        rows, histories = [], []
        for cycle in self.cycles:
            unit_ids = {u.pk for u in cycle.section}
            covered = cycle.covered()
            pool = [d for d in self.detainees[cycle.site.code] if d.unit_id in unit_ids]
            code = cycle.spec[0]
            if code in ("fle", "alpha"):
                pool = [d for d in pool if not d.reads_french] or pool
            if code == "nt2":
                pool = [d for d in pool if not d.reads_dutch] or pool
            fits = [d for d in pool if count[d.pk] < 3 and not (busy[d.pk] & covered)]
            rng.shuffle(fits)
            # People already in a cycle go first half of the time: many take two or three.
            fits.sort(key=lambda d: 0 if count[d.pk] and rng.random() < 0.6 else 1)
            enrolled = min(len(fits), round(cycle.capacity * rng.uniform(0.6, 1.0)))
            if rng.random() < 0.35:
                enrolled = min(len(fits), cycle.capacity)
            waiting = rng.randint(0, 4) if enrolled == cycle.capacity else rng.randint(0, 1)
            pending = rng.randint(0, 4)
            statuses = ["enrolled"] * enrolled + ["approved"] * waiting + ["pending"] * pending
            for seat, (detainee, status) in enumerate(zip(fits, statuses, strict=False), start=1):
                requested = today - dt.timedelta(days=rng.randint(5, 45))
                enrolment = Enrolment(
                    detainee=detainee, cycle=cycle.model, status=status, requested_on=requested,
                    enrolled_on=min(today, requested + dt.timedelta(days=rng.randint(2, 10)))
                    if status == "enrolled" else None,
                    needs_based=rng.random() < 0.1,
                )
                if "seat" in fields and status == "enrolled":
                    enrolment.seat = seat
                if "channel" in fields:
                    enrolment.channel = rng.choice(channels)
                    enrolment.recorded_by = coordinator
                    if enrolment.channel == "support_worker":
                        enrolment.forwarded_by = f"{rng.choice(data.STAFF_FIRST_NAMES)} {data.DEMO_NAME_PREFIX}" \
                                                 f"{rng.choice(data.STAFF_LAST_NAMES)}"
                rows.append(enrolment)
                chain = {"pending": ["pending"], "approved": ["pending", "approved"],
                         "enrolled": ["pending", "approved", "enrolled"]}[status]
                histories.append((enrolment, chain))
                busy[detainee.pk] |= covered
                count[detainee.pk] += 1
        Enrolment.objects.bulk_create(rows)
        events = []
        for enrolment, chain in histories:
            previous = ""
            for status in chain:
                events.append(EnrolmentEvent(enrolment=enrolment, by=coordinator, from_status=previous,
                                             to_status=status,
                                             kind=EventKind.RECORDED if status == EnrolmentStatus.PENDING else ""))
                previous = status
        EnrolmentEvent.objects.bulk_create(events)

    # the witness, for tests and for whoever wants to check a solver against it -------------------

    def witness(self) -> list[dict]:
        return [
            {"site": c.site.code, "cycle": c.code, "weekday": day, "start_index": start, "length": c.length,
             "room": room, "units": [u.code for u in c.section],
             "facilitators": [p.model.email for p in c.people]}
            for c in self.cycles for day, start, room in c.slots
        ]
