"""Checks of a draft timetable: the solver's hard and soft rules, returned as findings.

The editor shows them, the API returns them, and publishing refuses while any has severity
"error". The solver's own independent checker runs last as a safety net.
"""
from __future__ import annotations

import datetime as dt
import zoneinfo
from collections import Counter, defaultdict

from django.utils import formats
from django.utils.translation import gettext_lazy as _

from core.findings import Finding, Severity, by_severity, has_errors
from prisons.models import Weekday

from .solver import check_solution, compute_penalties

__all__ = ["ERROR", "INFO", "WARNING", "Finding", "check_assignments", "has_errors", "mixed_population_findings",
           "overlaps", "sessions_hit_by_exceptions"]

ERROR, WARNING, INFO = Severity.ERROR, Severity.WARNING, Severity.INFO
LOCAL = zoneinfo.ZoneInfo("Europe/Brussels")

def _label(index: dict, key: str) -> str:
    return index[key].get("label") or key if key in index else key


def _when(period: dict) -> str:
    """A period in the reader's language ("mardi 08:30–10:00"); the problem's labels are English."""
    if "start" in period and "end" in period and 0 <= period.get("day", -1) <= 6:
        return f"{Weekday(period['day']).label} {period['start']}–{period['end']}"
    return period.get("label", period["id"])


def check_assignments(problem: dict, rows: list[dict]) -> list[Finding]:
    """Findings for `rows` ({id, activity, period, room}) against `problem`'s rules."""
    periods = {p["id"]: p for p in problem["periods"]}
    rooms = {r["id"]: r for r in problem["rooms"]}
    wings = {w["id"]: w for w in problem.get("wings", [])}
    people = {p["id"]: p for p in problem.get("people", [])}
    activities = {a["id"]: a for a in problem["activities"]}
    slot = {(p["day"], p["index"]): p["id"] for p in problem["periods"]}
    findings: list[Finding] = []

    use = defaultdict(list)  # (what, key, period) -> rows
    starts = defaultdict(list)
    for row in rows:
        activity = activities.get(row["activity"])
        if activity is None or row["period"] not in periods or row["room"] not in rooms:
            findings.append(Finding("unknown_reference", ERROR, _(
                "A draft session refers to a cycle, period or room that is no longer planned (%(what)s).")
                % {"what": f"{row['activity']} / {row['period']} / {row['room']}"}, [row.get("id")]))
            continue
        starts[row["activity"]].append(row)
        room, start = rooms[row["room"]], periods[row["period"]]
        names = {"cycle": activity.get("label", activity["id"]), "room": room.get("label", room["id"]),
                 "period": start.get("label", start["id"])}
        occupied = []
        for offset in range(activity.get("length", 1)):
            following = slot.get((start["day"], start["index"] + offset))
            if following is None:
                findings.append(Finding("too_long", ERROR, _(
                    "%(cycle)s at %(period)s: the session is longer than the periods left before the break.")
                    % names, [row.get("id")]))
                break
            occupied.append(following)
        kinds = activity.get("room_kinds")
        if kinds and room.get("kind", "") not in kinds:
            findings.append(Finding("room_kind", ERROR, _(
                "%(cycle)s is in %(room)s, which is not a room of the kind it needs.") % names, [row.get("id")]))
        reachable = room.get("wings")
        for wing in activity.get("wings", []):
            if reachable is not None and wing not in reachable:
                findings.append(Finding("room_unreachable", ERROR, _(
                    "%(room)s cannot be reached from unit %(unit)s, which takes part in %(cycle)s.")
                    % {**names, "unit": _label(wings, wing)}, [row.get("id")]))
        if activity.get("participants", 0) > room["capacity"]:
            findings.append(Finding("room_capacity", ERROR, _(
                "%(cycle)s has %(n)s places but %(room)s holds %(capacity)s.")
                % {**names, "n": activity["participants"], "capacity": room["capacity"]}, [row.get("id")]))
        for q in occupied:
            when = _when(periods[q])
            use["room", row["room"], q].append(row)
            use["activity", row["activity"], q].append(row)
            if q in room.get("unavailable", []):
                findings.append(Finding("room_closed", ERROR, _("%(room)s is closed on %(when)s.")
                                        % {**names, "when": when}, [row.get("id")]))
            for wing in activity.get("wings", []):
                use["wing", wing, q].append(row)
                if q in wings.get(wing, {}).get("unavailable", []):
                    findings.append(Finding("unit_blocked", ERROR, _(
                        "Unit %(unit)s cannot go to activities on %(when)s (%(cycle)s).")
                        % {**names, "unit": _label(wings, wing), "when": when}, [row.get("id")]))
            for person in activity.get("facilitators", []):
                use["person", person, q].append(row)
                if q in people.get(person, {}).get("unavailable", []):
                    findings.append(Finding("facilitator_unavailable", ERROR, _(
                        "%(person)s is not available on %(when)s (%(cycle)s).")
                        % {**names, "person": _label(people, person), "when": when}, [row.get("id")]))
                preferred = people.get(person, {}).get("preferred", [])
                if preferred and q not in preferred:
                    findings.append(Finding("facilitator_preference", INFO, _(
                        "%(person)s would rather not come on %(when)s (%(cycle)s).")
                        % {**names, "person": _label(people, person), "when": when}, [row.get("id")]))
            for cohort in problem.get("cohorts", []):
                if row["activity"] in cohort["activities"]:
                    use["cohort", cohort["id"], q].append(row)

    cohorts = {c["id"]: c for c in problem.get("cohorts", [])}
    for (what, key, q), together in sorted(use.items(), key=lambda item: (item[0][0], item[0][1], item[0][2])):
        when = _when(periods[q])
        ids = [r.get("id") for r in together]
        cycles = ", ".join(sorted({_label(activities, r["activity"]) for r in together}))
        if what == "wing":
            limit = wings.get(key, {}).get("max_parallel")
            if limit is not None and len(together) > limit:
                findings.append(Finding("escort_limit", ERROR, _(
                    "Unit %(unit)s would have %(n)s sessions on %(when)s but its staff can escort to %(limit)s (%(cycles)s).")
                    % {"unit": _label(wings, key), "n": len(together), "when": when, "limit": limit,
                       "cycles": cycles}, ids))
            continue
        if len(together) < 2:
            continue
        if what == "room":
            message = _("%(room)s holds two sessions on %(when)s: %(cycles)s.") % {
                "room": _label(rooms, key), "when": when, "cycles": cycles}
            findings.append(Finding("room_clash", ERROR, message, ids))
        elif what == "person":
            message = _("%(person)s would lead two sessions on %(when)s: %(cycles)s.") % {
                "person": _label(people, key), "when": when, "cycles": cycles}
            findings.append(Finding("facilitator_clash", ERROR, message, ids))
        elif what == "activity":
            message = _("Two sessions of %(cycles)s overlap on %(when)s.") % {"cycles": cycles, "when": when}
            findings.append(Finding("cycle_overlap", ERROR, message, ids))
        elif what == "cohort":
            message = _("%(group)s would be expected in two places on %(when)s: %(cycles)s.") % {
                "group": cohorts[key].get("label", key), "when": when, "cycles": cycles}
            findings.append(Finding("cohort_clash", ERROR, message, ids))

    for activity in problem["activities"]:
        count = len(starts[activity["id"]])
        names = {"cycle": activity.get("label", activity["id"]), "n": count, "wanted": activity["sessions"]}
        if count != activity["sessions"]:
            findings.append(Finding("session_count", ERROR, _(
                "%(cycle)s has %(n)s weekly sessions in the draft instead of %(wanted)s.") % names,
                [r.get("id") for r in starts[activity["id"]]]))
        days = {periods[r["period"]]["day"] for r in starts[activity["id"]] if r["period"] in periods}
        if count and len(days) < activity.get("min_days", 0):
            findings.append(Finding("same_day", WARNING, _(
                "%(cycle)s meets on %(days)s day(s) a week; it should be spread over %(wanted)s.")
                % {**names, "days": len(days), "wanted": activity["min_days"]},
                [r.get("id") for r in starts[activity["id"]]]))

    if not any(f.severity == ERROR for f in findings):
        # Safety net: the solver's independent checker must agree that the draft is valid.
        assignments = [{k: r[k] for k in ("activity", "period", "room")} for r in rows]
        solution = {"format": "relais-timetable-solution/1", "status": "FEASIBLE", "assignments": assignments,
                    "penalties": compute_penalties(problem, assignments), "explanation": [], "warnings": []}
        for line in check_solution(problem, solution):
            findings.append(Finding("rule_broken", ERROR, _("Timetable rule broken: %(detail)s") % {"detail": line}))
    return by_severity(findings)


def mixed_population_findings(cycles) -> list[Finding]:
    """Cycles whose eligible units mix men and women or legal regimes: a deliberate choice, shown."""
    findings = []
    for cycle in cycles:
        units = list(cycle.eligible_units.all())
        populations = Counter(u.population for u in units)
        regimes = Counter(u.legal_regime for u in units)
        if len(populations) > 1 or len(regimes) > 1:
            findings.append(Finding("mixed_groups", WARNING, _(
                "%(cycle)s brings together units of different populations or legal regimes (%(units)s).")
                % {"cycle": cycle.code, "units": ", ".join(u.code for u in units)}))
    return findings


def overlaps(start: dt.time | None, end: dt.time | None, from_: dt.time, until: dt.time) -> bool:
    """Whether a dated exception's hours (empty = the start / the end of the day) meet [from_, until)."""
    return (start is None or start < until) and (end is None or from_ < end)


def sessions_hit_by_exceptions(scope, from_date: dt.date) -> list[Finding]:
    """Scheduled sessions from `from_date` (of a term or a whole site) whose facilitator is away or no longer
    available then by their weekly availability, whose room is closed at that local date and time, or that
    no longer fit the site's regime (its periods or a unit's blocked times changed after planning). Each
    finding's rows hold the session's id."""
    from activities.availability import sessions_outside_availability
    from activities.models import AvailabilityException, Session, SessionStatus, Term
    from prisons.models import RoomClosure
    from prisons.regime import sessions_off_regime

    first = dt.datetime.combine(from_date, dt.time.min, tzinfo=LOCAL)
    sessions = Session.objects.filter(status=SessionStatus.SCHEDULED, starts_at__gte=first)
    sessions = sessions.filter(cycle__term=scope) if isinstance(scope, Term) else sessions.filter(cycle__term__site=scope)
    sessions = list(sessions.select_related("cycle__activity", "room")
                    .prefetch_related("facilitators", "cycle__facilitators").order_by("starts_at", "room__code"))
    if not sessions:
        return []
    people = {f.pk for s in sessions for f in (*s.facilitators.all(), *s.cycle.facilitators.all())}
    away = defaultdict(list)
    for exception in AvailabilityException.objects.filter(
            available=False, date__gte=from_date, facilitator__in=people).select_related("facilitator"):
        away[exception.facilitator_id, exception.date].append(exception)
    closed = defaultdict(list)
    for closure in RoomClosure.objects.filter(date__gte=from_date, room__in={s.room_id for s in sessions}):
        closed[closure.room_id, closure.date].append(closure)

    findings = []
    for session in sessions:
        start, end = session.starts_at.astimezone(LOCAL), session.ends_at.astimezone(LOCAL)
        day, until = start.date(), end.time() if end.date() == start.date() else dt.time.max
        words = {"date": formats.date_format(day, "SHORT_DATE_FORMAT"), "time": f"{start:%H:%M}–{end:%H:%M}",
                 "session": f"{session.cycle.activity.title()} ({session.cycle.code})", "room": session.room.name}
        # Facilitators named on the session replace the cycle's for that date.
        leaders = list(session.facilitators.all()) or list(session.cycle.facilitators.all())
        for person in leaders:
            if any(overlaps(e.start, e.end, start.time(), until) for e in away[person.pk, day]):
                findings.append(Finding("facilitator_away", WARNING, _(
                    "%(person)s is away on %(date)s: %(session)s at %(time)s needs moving or cancelling.")
                    % {**words, "person": str(person)}, [session.pk]))
        if any(overlaps(c.start, c.end, start.time(), until) for c in closed[session.room_id, day]):
            findings.append(Finding("room_closed", WARNING, _(
                "%(room)s is closed on %(date)s: %(session)s at %(time)s needs moving or cancelling.")
                % words, [session.pk]))
    site, term = (scope.site, scope) if isinstance(scope, Term) else (scope, None)
    for outside in sessions_outside_availability(site=site, term=term, now=first):
        start, end = outside.session.starts_at.astimezone(LOCAL), outside.session.ends_at.astimezone(LOCAL)
        findings.append(Finding("facilitator_outside_availability", WARNING, _(
            "%(person)s's weekly availability no longer covers %(session)s on %(date)s at %(time)s: find someone "
            "else, move or cancel it.") % {
                "person": str(outside.facilitator),
                "session": f"{outside.session.cycle.activity.title()} ({outside.session.cycle.code})",
                "date": formats.date_format(start.date(), "SHORT_DATE_FORMAT"),
                "time": f"{start:%H:%M}–{end:%H:%M}"}, [outside.session.pk]))
    for off in sessions_off_regime(site, first, term=term):
        start, end = off.session.starts_at.astimezone(LOCAL), off.session.ends_at.astimezone(LOCAL)
        findings.append(Finding("off_regime", WARNING, _(
            "%(session)s on %(date)s at %(time)s no longer fits the regime (%(why)s): it needs moving or cancelling.")
            % {"session": f"{off.session.cycle.activity.title()} ({off.session.cycle.code})",
               "date": formats.date_format(start.date(), "SHORT_DATE_FORMAT"), "time": f"{start:%H:%M}–{end:%H:%M}",
               "why": "; ".join(off.problems)}, [off.session.pk]))
    return findings
