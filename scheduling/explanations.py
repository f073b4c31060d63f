"""The solver's explanation of an infeasible term, in the reader's language.

The solver writes each requirement as an English sentence (relais-timetable-solution/1); its `code`
and references, with the problem the run solved, are enough to write it again with gettext, so a
coordinator reads it in French, Dutch or English and in the application's words (cycle, facilitator).
Units are named without a word before them: their names say it ("Wing A", "Unit WA01").
A code this module does not know keeps the solver's sentence.
"""
from __future__ import annotations

import re
from collections.abc import Callable

from django.utils.dates import WEEKDAYS
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

# Periods listed in one sentence at most, as the solver does.
MAX_LISTED = 8
# The solver's own addition to an activity that cannot fit alone.
AT_MOST = re.compile(r"at most (\d+) can be placed")


class ProblemIndex:
    """Rows of a problem by id, and names in the reader's language where the database has them."""

    def __init__(self, problem: dict, cycle_names: dict[str, str] | None = None):
        self.problem = problem
        self.cycle_names = cycle_names or {}
        self.rows = {kind: {row["id"]: row for row in problem.get(kind) or []}
                     for kind in ("periods", "rooms", "wings", "people", "activities", "cohorts")}
        self.period_order = [row["id"] for row in problem.get("periods") or []]

    def activity(self, ident: str) -> dict:
        return self.rows["activities"][ident]

    def cycle(self, ident: str) -> str:
        return self.cycle_names.get(ident) or _label(self.rows["activities"].get(ident), ident)

    def cycles(self, idents) -> str:
        return ", ".join(self.cycle(ident) for ident in idents)

    def person(self, ident: str) -> str:
        return _label(self.rows["people"].get(ident), ident)

    def room(self, ident: str) -> str:
        return _label(self.rows["rooms"].get(ident), ident)

    def unit(self, ident: str) -> str:
        return _label(self.rows["wings"].get(ident), ident)

    def group(self, ident: str) -> str:
        row = self.rows["cohorts"].get(ident) or {}
        if ident.startswith("enrolled:"):
            return _("participants enrolled in %(cycles)s") % {"cycles": self.cycles(row.get("activities", []))}
        if ident.startswith("unit:"):
            return _("%(unit)s, escorted as one group") % {"unit": self.unit(ident[len("unit:"):])}
        return _label(row, ident)

    def period(self, ident: str) -> str:
        row = self.rows["periods"].get(ident)
        if row is None or "start" not in row or not 0 <= row.get("day", -1) < len(WEEKDAYS):
            return _label(row, ident)
        return f"{WEEKDAYS[row['day']]} {row['start']}–{row['end']}"

    def periods(self, idents) -> str:
        ordered = sorted(set(idents), key=lambda i: self.period_order.index(i) if i in self.period_order else 0)
        names = [self.period(ident) for ident in ordered[:MAX_LISTED]]
        if len(ordered) > MAX_LISTED:
            names.append(_("%(count)d more") % {"count": len(ordered) - MAX_LISTED})
        return ", ".join(names)

    def led_by(self, person: str) -> list[str]:
        return [a["id"] for a in self.problem.get("activities") or []
                if person in a.get("facilitators", []) and a.get("sessions")]

    def open_periods(self, closed) -> list[str]:
        return [ident for ident in self.period_order if ident not in set(closed)]


def _label(row: dict | None, ident: str) -> str:
    return (row or {}).get("label") or ident


def explained(solution: dict | None, problem: dict | None, cycle_names: dict[str, str] | None = None
              ) -> list[dict]:
    """The explanation of a run's `solution`, each line {"code", "message", "refs"} with its
    message in the active language."""
    lines = (solution or {}).get("explanation") or []
    if not lines:
        return []
    index = ProblemIndex(problem or {}, cycle_names)
    return [{"code": line.get("code", ""), "message": sentence(line, index), "refs": line.get("refs", [])}
            for line in lines]


def sentence(line: dict, index: ProblemIndex) -> str:
    """`line` of the solver's explanation written again in the active language."""
    writer = WRITERS.get(line.get("code", ""))
    refs: dict[str, list[str]] = {}
    for ref in line.get("refs", []):
        refs.setdefault(ref["type"], []).append(ref["id"])
    if writer is None:
        return line.get("message", "")
    try:
        return writer(refs, index, line.get("message", ""))
    except (KeyError, IndexError, TypeError, ValueError):  # a problem this run did not solve
        return line.get("message", "")


def _activity_sessions(refs, index, message) -> str:
    ident = refs["activity"][0]
    row = index.activity(ident)
    count, length = row["sessions"], row.get("length", 1)
    periods = ngettext("%(count)d period", "%(count)d periods", length) % {"count": length}
    parts = [ngettext("%(cycle)s needs %(count)d session of %(periods)s a week.",
                      "%(cycle)s needs %(count)d sessions of %(periods)s a week.", count)
             % {"cycle": index.cycle(ident), "count": count, "periods": periods}]
    if row.get("room_kinds"):
        parts.append(_("It needs a room of kind %(kinds)s.") % {"kinds": ", ".join(row["room_kinds"])})
    if row.get("wings"):
        parts.append(_("Its room must be reachable from %(units)s.")
                     % {"units": ", ".join(index.unit(w) for w in row["wings"])})
    if (index.problem.get("weights") or {}).get("capacity") is None and row.get("participants"):
        parts.append(_("Its room must hold its %(count)d participants.") % {"count": row["participants"]})
    most = AT_MOST.search(message)
    if most:
        parts.append(_("At most %(count)d can be placed.") % {"count": int(most.group(1))})
    return " ".join(parts)


def _availability(closed: list[str], index: ProblemIndex, closed_text: str, only_text: str,
                  never_text: str, names: dict) -> str:
    """The solver's choice: name the open periods when fewer than half are open."""
    if 2 * len(set(closed)) > len(index.period_order):
        open_periods = index.open_periods(closed)
        if not open_periods:
            return never_text % names
        return only_text % {**names, "periods": index.periods(open_periods)}
    return closed_text % {**names, "periods": index.periods(closed)}


def _activity_unavailable(refs, index, message) -> str:
    ident = refs["activity"][0]
    return _("%(cycle)s cannot take place at %(periods)s.") % {
        "cycle": index.cycle(ident), "periods": index.periods(index.activity(ident).get("unavailable", []))}


def _person_unavailable(refs, index, message) -> str:
    ident = refs["person"][0]
    names = {"person": index.person(ident), "cycles": index.cycles(index.led_by(ident))}
    return _availability(index.rows["people"][ident].get("unavailable", []), index,
                         _("%(person)s (leads %(cycles)s) is unavailable at %(periods)s."),
                         _("%(person)s (leads %(cycles)s) is free only at %(periods)s."),
                         _("%(person)s (leads %(cycles)s) is unavailable in every period."), names)


def _person_busy(refs, index, message) -> str:
    ident = refs["person"][0]
    return _("%(person)s cannot lead two sessions at once (leads %(cycles)s).") % {
        "person": index.person(ident), "cycles": index.cycles(refs.get("activity") or index.led_by(ident))}


def _room_unavailable(refs, index, message) -> str:
    ident = refs["room"][0]
    return _availability(index.rows["rooms"][ident].get("unavailable", []), index,
                         _("Room %(room)s is closed at %(periods)s."),
                         _("Room %(room)s is open only at %(periods)s."),
                         _("Room %(room)s is closed in every period."), {"room": index.room(ident)})


def _room_busy(refs, index, message) -> str:
    return _("Room %(room)s holds one session at a time.") % {"room": index.room(refs["room"][0])}


def _room_unsuitable(refs, index, message) -> str:
    room, ident = index.rows["rooms"][refs["room"][0]], refs["activity"][0]
    activity = index.activity(ident)
    reasons = []
    kinds = activity.get("room_kinds")
    if kinds and room.get("kind", "") not in kinds:
        reasons.append(_("it is of kind %(kind)s, not %(kinds)s")
                       % {"kind": room.get("kind", ""), "kinds": ", ".join(kinds)})
    for wing in activity.get("wings", []):
        if room.get("wings") is not None and wing not in room["wings"]:
            reasons.append(_("it cannot be reached from %(unit)s") % {"unit": index.unit(wing)})
    if (index.problem.get("weights") or {}).get("capacity") is None \
            and activity.get("participants", 0) > room.get("capacity", 0):
        reasons.append(_("it holds %(capacity)d, fewer than the %(count)d participants")
                       % {"capacity": room["capacity"], "count": activity["participants"]})
    return _("Room %(room)s does not suit %(cycle)s: %(reasons)s.") % {
        "room": index.room(room["id"]), "cycle": index.cycle(ident), "reasons": "; ".join(reasons)}


def _no_suitable_room(refs, index, message) -> str:
    ident = refs["activity"][0]
    activity = index.activity(ident)
    kinds = activity.get("room_kinds")
    rooms = [room for room in index.problem.get("rooms") or [] if not kinds or room.get("kind", "") in kinds]
    wings = activity.get("wings", [])
    reachable = [room for room in rooms if room.get("wings") is None or all(w in room["wings"] for w in wings)]
    if not rooms:
        why = _("no room is of kind %(kinds)s") % {"kinds": ", ".join(kinds or [])}
    elif not reachable:
        why = _("no room of the right kind (%(rooms)s) can be reached from %(units)s") % {
            "rooms": ", ".join(index.room(room["id"]) for room in rooms[:MAX_LISTED]),
            "units": ", ".join(index.unit(w) for w in wings)}
    else:
        largest = max(reachable, key=lambda room: room.get("capacity", 0))
        why = _("the largest suitable room, %(room)s, holds %(capacity)d, fewer than its %(count)d participants") % {
            "room": index.room(largest["id"]), "capacity": largest["capacity"],
            "count": activity.get("participants", 0)}
    return _("No room suits %(cycle)s: %(why)s.") % {"cycle": index.cycle(ident), "why": why}


def _wing_unavailable(refs, index, message) -> str:
    ident = refs["wing"][0]
    return _availability(index.rows["wings"][ident].get("unavailable", []), index,
                         _("%(unit)s cannot go out at %(periods)s."),
                         _("%(unit)s can go out only at %(periods)s."),
                         _("%(unit)s cannot go out in any period."), {"unit": index.unit(ident)})


def _wing_limit(refs, index, message) -> str:
    ident = refs["wing"][0]
    wing = index.rows["wings"][ident]
    limits = set((wing.get("max_parallel_by_period") or {}).values())
    if wing.get("max_parallel") is not None:
        limits.add(wing["max_parallel"])
    most = max(limits) if limits else 1
    return ngettext("%(unit)s can escort at most %(limits)s session at a time.",
                    "%(unit)s can escort at most %(limits)s sessions at a time.", most) % {
        "unit": index.unit(ident), "limits": ", ".join(str(n) for n in sorted(limits))}


def _cohort_overlap(refs, index, message) -> str:
    ident = refs["cohort"][0]
    members = refs.get("activity") or index.rows["cohorts"][ident].get("activities", [])
    return _("The cycles of %(group)s (%(cycles)s) cannot overlap.") % {
        "group": index.group(ident), "cycles": index.cycles(members)}


def _activity_overlap(refs, index, message) -> str:
    return _("Sessions of %(cycle)s cannot overlap.") % {"cycle": index.cycle(refs["activity"][0])}


def _fixed(refs, index, message) -> str:
    return _("A session of %(cycle)s is pinned at %(period)s in room %(room)s.") % {
        "cycle": index.cycle(refs["activity"][0]), "period": index.period(refs["period"][0]),
        "room": index.room(refs["room"][0])}


def _overloaded(refs, index, message) -> str:
    cycles = refs["activity"]
    periods = sum(index.activity(a)["sessions"] * index.activity(a).get("length", 1) for a in cycles)
    names = {"count": len(cycles), "periods": periods}
    if "person" in refs:
        text = _("These %(count)d cycles led by %(person)s need %(periods)d periods of sessions in all, "
                 "and cannot all fit in the week.")
        names["person"] = index.person(refs["person"][0])
    elif "cohort" in refs:
        text = _("These %(count)d cycles of %(group)s need %(periods)d periods of sessions in all, "
                 "and cannot all fit in the week.")
        names["group"] = index.group(refs["cohort"][0])
    elif "wing" in refs:
        text = _("These %(count)d cycles of %(unit)s need %(periods)d periods of sessions in all, "
                 "and cannot all fit in the week.")
        names["unit"] = index.unit(refs["wing"][0])
    else:
        text = _("These %(count)d cycles that can only use %(rooms)s need %(periods)d periods of sessions "
                 "in all, and cannot all fit in the week.")
        names["rooms"] = ", ".join(index.room(r) for r in refs["room"])
    return text % names


def _no_timetable(refs, index, message) -> str:
    return _("No timetable satisfies every requirement together (the reason could not be narrowed down in time).")


WRITERS: dict[str, Callable[[dict, ProblemIndex, str], str]] = {
    "activity_sessions": _activity_sessions,
    "activity_unavailable": _activity_unavailable,
    "person_unavailable": _person_unavailable,
    "person_busy": _person_busy,
    "room_unavailable": _room_unavailable,
    "room_busy": _room_busy,
    "room_unsuitable": _room_unsuitable,
    "no_suitable_room": _no_suitable_room,
    "wing_unavailable": _wing_unavailable,
    "wing_limit": _wing_limit,
    "cohort_overlap": _cohort_overlap,
    "activity_overlap": _activity_overlap,
    "fixed": _fixed,
    "overloaded": _overloaded,
    "no_timetable": _no_timetable,
}
