"""Seeded generator of weekly timetable problems in relais-timetable/1, feasible by construction.

Every instance is built around a hidden timetable: sessions are placed first, in free rooms, within
their facilitators' hours and their wings' escort limits, and every closure, limit and cohort is then
chosen so that this timetable keeps all hard constraints. The same (size, seed, family) always gives
the same problem.

- `prison`: a prison week: wings with blocked periods and escort limits, wing-restricted rooms,
  volunteers who come for one or two half-days, part-time teachers and instructors, cohorts from
  detainees enrolled in several activities.
- `dense`: a school-like week: most sessions belong to compact curricula taken as a block, which
  share most of their courses as a school's programmes do (a course belongs to two or three of
  them, as in the ITC 2007 instances), teachers of one or two courses, rooms 70-90 % occupied,
  soft room capacity, minimum working days.
"""

import copy
import math
import random
from collections import defaultdict

from scheduling.solver.baselines import Instance, Occupancy

PROBLEM_FORMAT = "relais-timetable/1"
SIZES = {"tiny": 10, "small": 40, "medium": 150, "large": 400, "xlarge": 1000}
FAMILIES = ("prison", "dense")
DAY_IDS = ("mon", "tue", "wed", "thu", "fri")
DAY_LABELS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
SLOT_TIMES = {
    0: ("08:30", "10:00"),
    1: ("10:15", "11:45"),
    2: ("12:00", "13:00"),
    3: ("13:30", "15:00"),
    4: ("15:15", "16:45"),
    5: ("17:00", "18:00"),
    6: ("18:00", "19:30"),
}
MORNING = (0, 1, 2)

ROOM_CAPACITY = {
    "classroom": (8, 14),
    "multi-purpose": (10, 20),
    "computer": (8, 12),
    "workshop": (8, 12),
    "gym": (16, 30),
    "stage": (20, 40),
}
# name, room kinds, lengths, participants, sessions per week, who leads it
PRISON_ACTIVITIES = (
    ("French", ("classroom",), (1, 2), (6, 10), (1, 2, 3), "teacher"),
    ("Dutch", ("classroom",), (1, 2), (6, 10), (1, 2, 3), "teacher"),
    ("Literacy", ("classroom", "multi-purpose"), (1,), (4, 8), (2, 3), "teacher"),
    ("Mathematics", ("classroom",), (1, 2), (6, 10), (1, 2), "teacher"),
    ("Computer skills", ("computer",), (2,), (6, 10), (1, 2), "volunteer"),
    ("Woodwork", ("workshop",), (2,), (6, 10), (1, 2), "instructor"),
    ("Cooking", ("workshop",), (2,), (6, 8), (1,), "volunteer"),
    ("Fitness", ("gym",), (1,), (10, 16), (2, 3), "instructor"),
    ("Football", ("gym",), (1, 2), (12, 20), (1, 2), "instructor"),
    ("Theatre", ("stage", "multi-purpose"), (2,), (8, 14), (1, 2), "volunteer"),
    ("Choir", ("stage", "multi-purpose"), (1,), (8, 15), (1,), "volunteer"),
    ("Discussion group", ("multi-purpose", "classroom"), (1,), (6, 10), (1,), "volunteer"),
    ("Yoga", ("multi-purpose", "gym"), (1,), (6, 12), (1, 2), "volunteer"),
    ("Art workshop", ("multi-purpose", "workshop"), (2,), (6, 10), (1,), "volunteer"),
    ("Parenting course", ("classroom", "multi-purpose"), (2,), (6, 8), (1,), "volunteer"),
    ("Job coaching", ("classroom", "computer"), (1,), (4, 8), (1, 2), "volunteer"),
    ("Religious service", ("multi-purpose", "stage"), (1,), (10, 25), (1,), "volunteer"),
    ("Library", ("multi-purpose",), (1,), (6, 12), (1, 2), None),
)
CENTRAL_KINDS = ("gym", "stage", "workshop", "computer", "multi-purpose", "workshop", "gym")
LOCAL_KINDS = ("classroom", "classroom", "multi-purpose", "classroom", "computer")
PRISON_WINGS = {"tiny": 2, "small": 3, "medium": 5, "large": 10, "xlarge": 22}
SUBJECTS = (
    "Algebra", "Biology", "Chemistry", "Databases", "Economics", "French", "Geography", "History",
    "Informatics", "Law", "Literature", "Mechanics", "Networks", "Philosophy", "Physics",
    "Statistics", "Accounting", "Drawing", "Electronics", "Sociology",
)


def generate(size: str, seed: int = 0, family: str = "prison") -> dict:
    """A weekly timetable problem of about SIZES[size] sessions with a known feasible timetable."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {', '.join(SIZES)}, not {size!r}")
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {', '.join(FAMILIES)}, not {family!r}")
    rng = random.Random(f"{family}/{size}/{seed}")
    builder = _PrisonBuilder(size, seed, rng) if family == "prison" else _DenseBuilder(size, seed, rng)
    return builder.build()


class _Week:
    """Periods of a week and the hidden timetable being built on them."""

    def __init__(self, slots_per_day):
        self.periods = []
        for day, slots in enumerate(slots_per_day):
            for index in slots:
                start, end = SLOT_TIMES[index]
                self.periods.append({
                    "id": f"{DAY_IDS[day]}-{start.replace(':', '')}",
                    "day": day,
                    "index": index,
                    "start": start,
                    "end": end,
                    "label": f"{DAY_LABELS[day]} {start}",
                })
        slot = {(p["day"], p["index"]): i for i, p in enumerate(self.periods)}
        self.next = {i: slot.get((p["day"], p["index"] + 1)) for i, p in enumerate(self.periods)}
        self.busy = defaultdict(set)
        self.sessions = defaultdict(list)

    def day(self, p):
        return self.periods[p]["day"]

    def cover(self, start, length):
        periods = [start]
        while len(periods) < length:
            nxt = self.next[periods[-1]]
            if nxt is None:
                return None
            periods.append(nxt)
        return periods

    def starts(self, length):
        return [p for p in range(len(self.periods)) if self.cover(p, length)]

    def free(self, keys, periods):
        return not any(p in self.busy[k] for k in keys for p in periods)

    def take(self, keys, periods):
        for k in keys:
            self.busy[k].update(periods)

    def pid(self, p):
        return self.periods[p]["id"]


class _PrisonBuilder:
    def __init__(self, size, seed, rng):
        self.size, self.seed, self.rng = size, seed, rng
        self.target = SIZES[size]

    def build(self):
        rng = self.rng
        evening = [self.size not in ("tiny", "small") and rng.random() < 0.5 for _ in range(5)]
        self.week = week = _Week([(0, 1, 3, 4, 6) if eve else (0, 1, 3, 4) for eve in evening])
        n_periods = len(week.periods)
        self.half_days = []
        for day in range(5):
            for indices in ((0, 1), (3, 4), (6,)):
                half = [i for i, p in enumerate(week.periods)
                        if p["day"] == day and p["index"] in indices]
                if half:
                    self.half_days.append(half)

        self._make_wings()
        self._make_rooms(n_periods)
        self._make_staff()
        self.volunteers = []
        self.activities = []
        placed, attempts = 0, 0
        while placed < self.target and attempts < self.target * 20:
            attempts += 1
            placed += self._add_activity(self.target - placed)
        return self._problem()

    def _make_wings(self):
        rng = self.rng
        n = PRISON_WINGS[self.size]
        names = [chr(ord("A") + i) if i < 26 else f"A{i}" for i in range(n)]
        self.wings = []
        for i, name in enumerate(names):
            visits = rng.choice(self.half_days)
            blocked = set(visits) if rng.random() < 0.6 else set()
            blocked.add(rng.randrange(len(self.week.periods)))
            self.wings.append({
                "id": f"wing-{name.lower()}",
                "label": f"Wing {name}",
                "blocked": blocked,
                "cap": rng.choice((2, 2, 3, 3, 4)),
                "index": i,
            })
        self.load = defaultdict(int)

    def _make_rooms(self, n_periods):
        rng = self.rng
        demand = self.target * 1.45
        total = max(4, round(demand / (n_periods * rng.uniform(0.5, 0.6))))
        n_central = max(2, round(total * 0.4))
        self.rooms = []
        kinds = list(CENTRAL_KINDS)
        for i in range(n_central):
            kind = kinds[i % len(kinds)]
            self._add_room(kind, None, f"Central {kind} {i + 1}")
        n_local = max(len(self.wings), total - n_central)
        for i in range(n_local):
            home = self.wings[i % len(self.wings)]
            kind = LOCAL_KINDS[(i // len(self.wings)) % len(LOCAL_KINDS)]
            reach = [home["id"]]
            if rng.random() < 0.25 and len(self.wings) > 1:
                reach.append(self.wings[(home["index"] + 1) % len(self.wings)]["id"])
            self._add_room(kind, reach, f"{home['label']} {kind} {i // len(self.wings) + 1}")

    def _add_room(self, kind, wings, label):
        low, high = ROOM_CAPACITY[kind]
        self.rooms.append({
            "id": f"room-{len(self.rooms) + 1}",
            "label": label,
            "kind": kind,
            "capacity": self.rng.randint(low, high),
            "wings": wings,
        })

    def _make_staff(self):
        rng = self.rng
        self.staff = {"teacher": [], "instructor": []}
        # about half of each staff member's week goes to sessions
        counts = (("teacher", round(self.target * 0.03) + 1),
                  ("instructor", round(self.target * 0.025) + 1))
        for role, count in counts:
            for i in range(count):
                days = sorted(rng.sample(range(5), rng.choice((3, 4, 4, 5))))
                available = {p for p, period in enumerate(self.week.periods)
                             if period["day"] in days}
                person = {"id": f"{role}-{i + 1}", "label": f"{role.title()} {i + 1}",
                          "available": available, "preferred": set()}
                if rng.random() < 0.3:
                    mornings = [d for d in days if rng.random() < 0.5]
                    person["preferred"] = {p for p in available
                                           if self.week.periods[p]["index"] in MORNING
                                           or self.week.periods[p]["day"] in mornings}
                self.staff[role].append(person)

    def _new_volunteer(self, sessions, length):
        """A volunteer who comes for one or two half-days (more when the activity needs them)."""
        rng = self.rng
        usable = rng.sample([h for h in self.half_days if len(h) >= length],
                            len([h for h in self.half_days if len(h) >= length]))
        needed = sessions if length > 1 else math.ceil(sessions / 2)
        wanted = max(rng.choice((1, 1, 2)), needed)
        halves, days = [], set()
        for half in usable:
            if self.week.day(half[0]) not in days and len(halves) < wanted:
                halves.append(half)
                days.add(self.week.day(half[0]))
        for half in usable:
            if len(halves) < wanted and half not in halves:
                halves.append(half)
        number = len(self.volunteers) + 1
        person = {"id": f"volunteer-{number}", "label": f"Volunteer {number}",
                  "available": {p for h in halves for p in h}, "preferred": set()}
        if len(halves) > 1 and rng.random() < 0.4:
            person["preferred"] = set(halves[0])
        return person

    def _add_activity(self, remaining):
        rng = self.rng
        week = self.week
        wings = [rng.choice(self.wings)]
        if rng.random() < 0.15 and len(self.wings) > 1:
            other = rng.choice(self.wings)
            if other is not wings[0]:
                wings.append(other)
        wing_ids = {w["id"] for w in wings}
        reachable = [r for r in self.rooms
                     if r["wings"] is None or wing_ids <= set(r["wings"])]
        kinds_here = {r["kind"] for r in reachable}
        templates = [t for t in PRISON_ACTIVITIES if kinds_here & set(t[1])]
        name, kinds, lengths, (low, high), counts, lead = rng.choice(templates)
        length = rng.choice(lengths)
        sessions = min(remaining, rng.choice(counts))
        rooms = [r for r in reachable if r["kind"] in kinds]
        participants = min(rng.randint(low, high), max(r["capacity"] for r in rooms))
        rooms = [r for r in rooms if r["capacity"] >= participants]

        if lead is None:
            people = [None]
        elif lead == "volunteer":
            reuse = [v for v in self.volunteers if len(week.busy[v["id"]]) < len(v["available"])]
            people = [self._new_volunteer(sessions, length)]
            if reuse and rng.random() < 0.3:
                people.insert(0, rng.choice(reuse))
        else:
            people = rng.sample(self.staff[lead], min(3, len(self.staff[lead])))

        for person in people:
            chosen = self._place(sessions, length, rooms, wings, person)
            if chosen is None:
                continue
            if person is not None and person["id"].startswith("volunteer-") and \
                    person not in self.volunteers:
                self.volunteers.append(person)
            self._commit(name, kinds, length, participants, wings, person, chosen)
            return sessions
        return 0

    def _place(self, sessions, length, rooms, wings, person):
        rng, week = self.rng, self.week
        blocked = set().union(*(w["blocked"] for w in wings))
        candidates = []
        for start in week.starts(length):
            periods = week.cover(start, length)
            if blocked.intersection(periods):
                continue
            if person is not None and not person["available"].issuperset(periods):
                continue
            for room in rooms:
                candidates.append((start, room, periods))
        rng.shuffle(candidates)
        chosen, days, own = [], set(), set()
        for _ in range(sessions):
            first_room = chosen[0][1]["id"] if chosen else None
            candidates.sort(key=lambda c: (week.day(c[0]) in days, c[1]["id"] != first_room))
            for start, room, periods in candidates:
                keys = [room["id"]] + ([person["id"]] if person else [])
                if own.intersection(periods) or not week.free(keys, periods):
                    continue
                if any(self.load[w["id"], p] >= w["cap"] for w in wings for p in periods):
                    continue
                chosen.append((start, room, periods))
                days.add(week.day(start))
                own.update(periods)
                week.take(keys, periods)
                for w in wings:
                    for p in periods:
                        self.load[w["id"], p] += 1
                break
            else:
                for _, room, periods in chosen:
                    keys = [room["id"]] + ([person["id"]] if person else [])
                    for k in keys:
                        week.busy[k].difference_update(periods)
                    for w in wings:
                        for p in periods:
                            self.load[w["id"], p] -= 1
                return None
        return chosen

    def _commit(self, name, kinds, length, participants, wings, person, chosen):
        rng = self.rng
        number = len(self.activities) + 1
        activity = {
            "id": f"act-{number}",
            "label": f"{name} ({', '.join(w['label'] for w in wings)})",
            "sessions": len(chosen),
            "length": length,
            "participants": participants,
            "room_kinds": list(kinds),
            "wings": [w["id"] for w in wings],
            "facilitators": [person["id"]] if person else [],
            "min_days": len(chosen) if len(chosen) > 1 and rng.random() < 0.8 else 0,
        }
        if name == "Religious service" or rng.random() < 0.03:
            start, room, _ = chosen[0]
            activity["fixed"] = [{"period": self.week.pid(start), "room": room["id"]}]
        self.activities.append((activity, chosen))

    def _problem(self):
        rng, week = self.rng, self.week
        n_periods = len(week.periods)
        used = defaultdict(set)
        for activity, chosen in self.activities:
            for _, _, periods in chosen:
                used[activity["id"]].update(periods)

        wings = []
        for w in self.wings:
            entry = {"id": w["id"], "label": w["label"],
                     "unavailable": [week.pid(p) for p in sorted(w["blocked"])],
                     "max_parallel": w["cap"]}
            by_period = {}
            for p in rng.sample(range(n_periods), min(3, n_periods)):
                if p not in w["blocked"] and self.load[w["id"], p] < w["cap"]:
                    by_period[week.pid(p)] = max(1, self.load[w["id"], p])
            if by_period:
                entry["max_parallel_by_period"] = dict(sorted(by_period.items()))
            wings.append(entry)

        rooms = []
        for r in self.rooms:
            entry = {"id": r["id"], "label": r["label"], "kind": r["kind"],
                     "capacity": r["capacity"]}
            if r["wings"] is not None:
                entry["wings"] = r["wings"]
            free = [p for p in range(n_periods) if p not in week.busy[r["id"]]]
            if free and rng.random() < 0.25:
                closed = rng.sample(free, min(len(free), rng.randint(1, 3)))
                entry["unavailable"] = [week.pid(p) for p in sorted(closed)]
            rooms.append(entry)

        people = []
        for person in self.staff["teacher"] + self.staff["instructor"] + self.volunteers:
            if not week.busy[person["id"]]:
                continue
            entry = {"id": person["id"], "label": person["label"]}
            closed = [week.pid(p) for p in range(n_periods) if p not in person["available"]]
            if closed:
                entry["unavailable"] = closed
            if person["preferred"]:
                entry["preferred"] = [week.pid(p) for p in sorted(person["preferred"])]
            people.append(entry)

        activities = []
        for activity, _ in self.activities:
            free = [p for p in range(n_periods) if p not in used[activity["id"]]]
            if rng.random() < 0.15:
                closed = rng.sample(free, min(len(free), rng.randint(1, 2)))
                activity["unavailable"] = [week.pid(p) for p in sorted(closed)]
            activities.append(activity)

        return {
            "format": PROBLEM_FORMAT,
            "name": f"prison-{self.size}-{self.seed}",
            "periods": week.periods,
            "rooms": rooms,
            "wings": wings,
            "people": people,
            "activities": activities,
            "cohorts": self._cohorts(used),
            "weights": {"min_days": 5, "isolation": 2, "room_stability": 1, "preference": 1},
        }

    def _cohorts(self, used):
        """Each sampled detainee's enrolments form a cohort: their activities must not overlap."""
        rng = self.rng
        by_wing = defaultdict(list)
        for activity, _ in self.activities:
            for w in activity["wings"]:
                by_wing[w].append(activity["id"])
        seen, cohorts = set(), []
        for _ in range(len(self.activities) // 2 + 1):
            wing = rng.choice(self.wings)["id"]
            offer = by_wing.get(wing, [])
            if len(offer) < 2:
                continue
            chosen, taken, wanted = [], set(), rng.choice((2, 3, 3))
            for aid in rng.sample(offer, len(offer)):
                if not taken.intersection(used[aid]):
                    chosen.append(aid)
                    taken.update(used[aid])
                if len(chosen) == wanted:
                    break
            key = tuple(sorted(chosen))
            if len(chosen) < 2 or key in seen:
                continue
            seen.add(key)
            cohorts.append({
                "id": f"cohort-{len(cohorts) + 1}",
                "activities": list(key),
                "compact": rng.random() < 0.08,
            })
        return cohorts


class _DenseBuilder:
    def __init__(self, size, seed, rng):
        self.size, self.seed, self.rng = size, seed, rng
        self.target = SIZES[size]

    def build(self):
        rng = self.rng
        if self.size == "tiny":
            self.week = _Week([(0, 1, 3, 4)] * 3)
        elif self.size == "small":
            self.week = _Week([(0, 1, 2, 4, 5)] * 5)
        else:
            self.week = _Week([(0, 1, 2, 4, 5, 6)] * 5)
        week = self.week
        n_periods = len(week.periods)
        demand = self.target * 1.04
        wanted = rng.uniform(0.74, 0.86)
        n_rooms = min(
            (max(1, math.floor(demand / (n_periods * wanted))),
             math.ceil(demand / (n_periods * wanted))),
            key=lambda n: (not 0.72 <= demand / (n_periods * n) <= 0.88,
                           abs(demand / (n_periods * n) - wanted)),
        )
        self.rooms = []
        for i in range(n_rooms):
            lab = n_rooms > 2 and i % 5 == 4
            capacity = rng.choice((40, 60, 80) if lab else (30, 50, 80, 120, 200))
            self.rooms.append({"id": f"room-{i + 1}", "kind": "lab" if lab else "lecture",
                               "capacity": capacity, "label": f"Room {i + 1}"})
        self.teachers = []
        self.curricula = []
        self.courses = []
        placed, attempts = 0, 0
        while placed < self.target and attempts < self.target * 30:
            attempts += 1
            placed += self._add_course(self.target - placed)
        return self._problem()

    def _curriculum(self):
        rng = self.rng
        open_ones = [c for c in self.curricula if c["load"] < c["limit"]]
        if not open_ones or rng.random() < 0.15:
            return self._new_curriculum()
        return rng.choice(open_ones)

    def _new_curriculum(self):
        """A new curriculum, most often a variant of an earlier one that shares all but one or two
        of its courses: a school's programmes share their core courses and differ by an option,
        which is what makes ITC 2007's instances hard (a course there belongs to about three
        curricula of about four courses each)."""
        rng, week = self.rng, self.week
        limit = round(len(week.periods) * rng.uniform(0.35, 0.6))
        curriculum = {"id": f"curriculum-{len(self.curricula) + 1}", "load": 0,
                      "limit": limit, "courses": []}
        bases = [c for c in self.curricula if len(c["courses"]) >= 2]
        if bases and rng.random() < 0.8:
            base = rng.choice(bases)
            kept = rng.sample(base["courses"], len(base["courses"]) - rng.choice((1, 1, 2)))
            periods_of = {course["id"]: own for course, own in self.courses}
            for course_id in kept:
                week.take([curriculum["id"]], periods_of[course_id])
                curriculum["load"] += len(periods_of[course_id])
            curriculum["courses"] = kept
        self.curricula.append(curriculum)
        return curriculum

    def _teacher(self):
        # Most teachers give one or two courses (ITC 2007: about 1.2 courses per teacher).
        rng = self.rng
        if not self.teachers or rng.random() < 0.7:
            self.teachers.append({"id": f"teacher-{len(self.teachers) + 1}",
                                  "label": f"Teacher {len(self.teachers) + 1}"})
        return rng.choice(self.teachers[-3:])

    def _add_course(self, remaining):
        rng, week = self.rng, self.week
        elective = rng.random() < 0.1
        curriculum = None if elective else self._curriculum()
        lab = any(r["kind"] == "lab" for r in self.rooms) and rng.random() < 0.15
        length = 2 if lab and rng.random() < 0.6 else 1
        sessions = min(remaining, rng.choice((1, 2, 2, 3, 3, 4, 5)))
        teacher = self._teacher()
        rooms = [r for r in self.rooms if not lab or r["kind"] == "lab"]
        keys = [teacher["id"]] + ([curriculum["id"]] if curriculum else [])
        neighbours = set()
        if curriculum:
            for p in week.busy[curriculum["id"]]:
                if week.next[p] is not None:
                    neighbours.add(week.next[p])
                neighbours.update(q for q, n in week.next.items() if n == p)
        candidates = []
        for start in week.starts(length):
            for room in rooms:
                candidates.append((start, room, week.cover(start, length)))
        rng.shuffle(candidates)
        chosen, days, own = [], set(), set()
        for _ in range(sessions):
            first_room = chosen[0][1]["id"] if chosen else None
            candidates.sort(key=lambda c: (week.day(c[0]) in days, c[0] not in neighbours,
                                           c[1]["id"] != first_room))
            for start, room, periods in candidates:
                if own.intersection(periods) or not week.free(keys + [room["id"]], periods):
                    continue
                chosen.append((start, room, periods))
                days.add(week.day(start))
                own.update(periods)
                break
            else:
                break
        if len(chosen) < sessions:
            return 0
        for _, room, periods in chosen:
            week.take(keys + [room["id"]], periods)
        course_id = f"course-{len(self.courses) + 1}"
        members = [curriculum] if curriculum else []
        if curriculum:
            curriculum["load"] += len(own)
            for other in rng.sample(self.curricula, len(self.curricula)):
                if other is not curriculum and rng.random() < 0.2 and \
                        not own.intersection(week.busy[other["id"]]):
                    week.take([other["id"]], own)
                    other["load"] += len(own)
                    members.append(other)
                    break
        for c in members:
            c["courses"].append(course_id)
        participants = max(5, round(chosen[0][1]["capacity"] * rng.uniform(0.45, 1.05)))
        self.courses.append(({
            "id": course_id,
            "label": f"{rng.choice(SUBJECTS)} {len(self.courses) + 1}",
            "sessions": sessions,
            "length": length,
            "participants": participants,
            "room_kinds": ["lab"] if lab else [],
            "facilitators": [teacher["id"]],
            "min_days": sessions if rng.random() < 0.7 else max(1, sessions - 1),
        }, own))
        return sessions

    def _problem(self):
        rng, week = self.rng, self.week
        n_periods = len(week.periods)
        people = []
        for teacher in self.teachers:
            busy = week.busy[teacher["id"]]
            if not busy:
                continue
            free = [p for p in range(n_periods) if p not in busy]
            entry = dict(teacher)
            closed = rng.sample(free, min(len(free), rng.randint(0, n_periods // 5)))
            if closed:
                entry["unavailable"] = [week.pid(p) for p in sorted(closed)]
            people.append(entry)
        activities = []
        for course, _ in self.courses:
            if not course["room_kinds"]:
                del course["room_kinds"]
            activities.append(course)
        cohorts = [
            {"id": c["id"], "label": f"Curriculum {i + 1}", "activities": c["courses"],
             "compact": True}
            for i, c in enumerate(self.curricula) if len(c["courses"]) > 0
        ]
        return {
            "format": PROBLEM_FORMAT,
            "name": f"dense-{self.size}-{self.seed}",
            "periods": week.periods,
            "rooms": self.rooms,
            "people": people,
            "activities": activities,
            "cohorts": cohorts,
            "weights": {"capacity": 1, "min_days": 5, "isolation": 2, "room_stability": 1},
        }


def disrupt(problem: dict, solution: dict, k: int, seed: int = 0) -> dict:
    """Re-planning input: `solution` becomes `previous`, and k volunteers each lose a whole day.

    Each lost day is one on which the person led sessions in the solution, and is only kept when a
    repaired timetable still exists, so the disrupted problem stays feasible: first one with the
    other sessions left in place and the displaced ones put back first-fit, else one the solver
    finds (see _Searched). Raises ValueError when fewer than k such disruptions are found.
    """
    rng = random.Random(f"disrupt/{problem.get('name', '')}/{k}/{seed}")
    disrupted = copy.deepcopy(problem)
    disrupted["previous"] = [
        {"activity": a["activity"], "period": a["period"], "room": a["room"]}
        for a in solution["assignments"]
    ]
    disrupted["stability"] = "strict"
    weights = disrupted.setdefault("weights", {})
    if not weights.get("change"):
        weights["change"] = 10
    people = {p["id"]: p for p in disrupted.setdefault("people", [])}
    periods_of_day = defaultdict(list)
    for p in disrupted["periods"]:
        periods_of_day[p["day"]].append(p["id"])
    day_of = {p["id"]: p["day"] for p in disrupted["periods"]}

    timetable = [(a["activity"], a["period"], a["room"]) for a in solution["assignments"]]
    facilitators = {a["id"]: a.get("facilitators", []) for a in disrupted["activities"]}
    leads = sorted({
        (person, day_of[period])
        for aid, period, _ in timetable
        for person in facilitators[aid]
    })
    rng.shuffle(leads)
    lost = set()

    def lose_a_day(repair) -> bool:
        """Take the first day of `leads` not yet lost after which `repair()` finds a timetable."""
        nonlocal timetable
        for person, day in leads:
            if (person, day) in lost:
                continue
            entry = people.setdefault(person, {"id": person})
            before = list(entry.get("unavailable", []))
            entry["unavailable"] = sorted(set(before) | set(periods_of_day[day]))
            repaired = repair()
            if repaired is not None:
                timetable = repaired
                lost.add((person, day))
                return True
            entry["unavailable"] = before
            if not before:
                del entry["unavailable"]
        return False

    for _ in range(k):
        # First a day whose sessions move alone (first fit, the rest in place); failing that,
        # one of the first few days for which a search finds a timetable that moves more.
        if not (lose_a_day(lambda: _repair(disrupted, timetable, rng))
                or lose_a_day(_Searched(disrupted))):
            raise ValueError(f"only {len(lost)} of {k} disruptions keep the week feasible")
    return disrupted


class _Searched:
    """A timetable of the disrupted week found by the solver itself, for at most SEARCHES
    calls: in a crowded week's optimal timetable, the first fit often finds no room for a lost
    day's sessions with every other session in place (generated 150-session week: none of the
    days left after two disruptions), where moving a few more sessions does."""

    SEARCHES = 3

    def __init__(self, problem: dict):
        self.problem, self.left = problem, self.SEARCHES

    def __call__(self) -> list[tuple[str, str, str]] | None:
        if self.left <= 0:
            return None
        self.left -= 1
        from scheduling.solver import solve  # the solver imports nothing from here

        week = {**copy.deepcopy(self.problem), "previous": [], "stability": "weighted"}
        solution = solve(week, time_limit=10, workers=1, deterministic_time=2)
        if solution["status"] not in ("OPTIMAL", "FEASIBLE"):
            return None
        return [(a["activity"], a["period"], a["room"]) for a in solution["assignments"]]


def _repair(problem, timetable, rng, attempts=20):
    """A feasible timetable keeping every session of `timetable` that still fits, or None."""
    inst = Instance(problem)
    keep, displaced = [], []
    state = Occupancy(inst)
    options = {}
    for aid, pid, rid in timetable:
        a, p, r = inst.activity_pos[aid], inst.period_pos[pid], inst.room_pos[rid]
        if a not in options:
            options[a] = inst.options(a)
            options[a, "set"] = set(options[a])
        if (p, r) in options[a, "set"] and state.fits(a, p, r):
            state.place(a, p, r)
            keep.append((a, p, r))
        else:
            displaced.append(a)
    if any(inst.fixed[a] for a in displaced):
        return None
    for _ in range(attempts):
        trial = Occupancy(inst)
        for session in keep:
            trial.place(*session)
        for a in rng.sample(displaced, len(displaced)):
            spots = rng.sample(options[a], len(options[a]))
            spot = next((s for s in spots if trial.fits(a, *s)), None)
            if spot is None:
                break
            trial.place(a, *spot)
        else:
            return [(inst.activities[a], inst.periods[p], inst.rooms[r])
                    for a, p, r in trial.placed]
    return None
