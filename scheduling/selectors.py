"""Reads of term planning: the draft as week grids, solver progress, publications and their change logs."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _

from core import rules as access
from prisons.models import RegimePeriod, Weekday

from .explanations import explained
from .models import DraftSession, Publication, SolverRun
from .problem_builder import BuiltProblem, period_id
from .solver import compute_penalties

PENALTY_WORDS = {
    "capacity": _("participants beyond room capacity"),
    "min_days": _("cycles meeting on fewer days a week than they should"),
    "isolation": _("sessions of a group not back to back with another of its sessions"),
    "room_stability": _("extra rooms used by a cycle over the week"),
    "preference": _("periods a facilitator would rather not come"),
    "change": _("sessions moved from the previous timetable"),
}

REF_WORDS = {"activity": _("cycle"), "person": _("facilitator"), "room": _("room"), "wing": _("unit"),
             "period": _("period"), "cohort": _("group"), "fixed": _("pinned session")}


def terms_to_plan(user):
    """Terms the user may plan, newest first."""
    return access.terms_to_plan(user).order_by("-first_date", "name")


@dataclass
class Column:
    weekday: int
    index: int
    label: str
    day_label: str


@dataclass
class GridRow:
    label: str
    cells: list = field(default_factory=list)  # one list of draft sessions per column


def _columns(site_id) -> tuple[list[Column], dict]:
    periods = list(RegimePeriod.objects.filter(site=site_id).order_by("weekday", "index"))
    columns = [Column(p.weekday, p.index, f"{p.start:%H:%M}", Weekday(p.weekday).label) for p in periods]
    return columns, {(p.weekday, p.index): n for n, p in enumerate(periods)}


def draft_sessions(term):
    return (
        DraftSession.objects.filter(term=term)
        .select_related("cycle", "cycle__activity", "period", "room")
        .prefetch_related("cycle__eligible_units", "cycle__facilitators")
        .order_by("period__weekday", "period__index", "room__code")
    )


def _occupied(draft: DraftSession, position: dict) -> list[int]:
    found = []
    for offset in range(draft.cycle.session_periods):
        n = position.get((draft.period.weekday, draft.period.index + offset))
        if n is None:
            break
        found.append(n)
    return found


def week_grids(term, drafts) -> dict:
    """The draft as two week grids: rows per room and rows per unit, a column per regime period."""
    columns, position = _columns(term.site_id)
    by_room, by_unit = {}, {}
    for draft in drafts:
        occupied = _occupied(draft, position)
        row = by_room.setdefault(draft.room_id, GridRow(str(draft.room.name), [[] for _c in columns]))
        for n in occupied:
            row.cells[n].append(draft)
        for unit in draft.cycle.eligible_units.all():
            row = by_unit.setdefault(unit.pk, GridRow(f"{unit.code} – {unit.name}", [[] for _c in columns]))
            for n in occupied:
                row.cells[n].append(draft)
    days = []
    for column in columns:
        if days and days[-1][0] == column.weekday:
            days[-1][2] += 1
        else:
            days.append([column.weekday, column.day_label, 1])
    return {
        "columns": columns,
        "days": days,
        "by_room": sorted(by_room.values(), key=lambda r: r.label),
        "by_unit": sorted(by_unit.values(), key=lambda r: r.label),
    }


def penalties_in_words(problem: dict, drafts) -> list[tuple[str, float]]:
    assignments = [{"activity": d.cycle.code, "period": period_id(d.period), "room": d.room.code} for d in drafts]
    try:
        penalties = compute_penalties(problem, assignments)
    except ValueError:
        return []
    return [(PENALTY_WORDS[kind], value) for kind, value in penalties.items() if value]


def _ref_url(ref: dict, built: BuiltProblem) -> str:
    kind, ident = ref["type"], ref["id"]
    try:
        if kind == "activity" and ident in built.cycles:
            return reverse("activities:cycle-detail", args=[built.cycles[ident].pk])
        if kind == "person" and ident in built.facilitators:
            return reverse("activities:facilitator-detail", args=[built.facilitators[ident].pk])
        if kind == "room" and ident in built.rooms:
            return reverse("calendars:room", args=[built.rooms[ident].pk])
        if kind == "wing" and ident in built.units:
            return reverse("calendars:unit", args=[built.units[ident].pk])
    except NoReverseMatch:
        return ""
    return ""


def _ref_label(ref: dict, problem: dict) -> str:
    lists = {"activity": "activities", "person": "people", "room": "rooms", "wing": "wings", "period": "periods",
             "cohort": "cohorts"}
    for item in problem.get(lists.get(ref["type"], ""), []):
        if item["id"] == ref["id"]:
            return item.get("label") or item["id"]
    return ref["id"]


def explanation(run: SolverRun, built: BuiltProblem) -> list[dict]:
    """The solver's explanation of an infeasible term in the reader's language, with links to what it names."""
    cycle_names = {code: f"{cycle.activity.title()} ({code})" for code, cycle in built.cycles.items()}
    lines = []
    for line in explained(run.solution, run.problem, cycle_names):
        refs, seen = [], set()
        for ref in line["refs"]:
            key = (ref["type"], ref["id"])
            if key in seen or ref["type"] in ("period", "fixed"):
                continue
            seen.add(key)
            refs.append({"kind": REF_WORDS.get(ref["type"], ref["type"]), "label": _ref_label(ref, run.problem or {}),
                         "url": _ref_url(ref, built)})
        lines.append({**line, "refs": refs})
    return lines


def week_sessions(user, term, monday):
    """The term's dated sessions of one week (Monday to Sunday, local time), as the user may see them."""
    from .services import LOCAL, local_datetime

    start = local_datetime(monday, dt.time.min)
    end = local_datetime(monday + dt.timedelta(days=7), dt.time.min)
    sessions = (
        access.visible_sessions(user).filter(cycle__term=term, starts_at__gte=start, starts_at__lt=end)
        .select_related("moved_from_room").prefetch_related("cancelled_units").order_by("starts_at", "room__code")
    )
    found = list(sessions)
    for session in found:
        session.local_start = session.starts_at.astimezone(LOCAL)
        session.local_end = session.ends_at.astimezone(LOCAL)
    return found


def latest_run(term) -> SolverRun | None:
    return term.solver_runs.select_related("requested_by").order_by("-created_at", "-id").first()


def run_progress(run: SolverRun) -> dict:
    percent = min(100, round(100 * run.elapsed / run.time_limit)) if run.time_limit else 0
    if not run.is_active:
        percent = 100
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": str(run.get_status_display()),
        "solver_status": run.solver_status,
        "elapsed": run.elapsed,
        "time_limit": run.time_limit,
        "best_objective": run.best_objective,
        "bound": run.bound,
        "percent": percent,
        "active": run.is_active,
    }


def publications(term):
    return (
        Publication.objects.filter(term=term)
        .select_related("published_by")
        .prefetch_related("changes__cycle__activity", "changes__cycle__facilitators", "changes__cycle__eligible_units__staff")
        .order_by("-number")
    )


def affected_people(change) -> dict:
    """Who a change concerns: the cycle's facilitators and the staff of its units."""
    staff = {m for unit in change.cycle.eligible_units.all() for m in unit.staff.all()}
    return {"facilitators": sorted(change.cycle.facilitators.all(), key=str), "staff": sorted(staff, key=str)}


def _slot_words(slot: dict | None) -> dict | None:
    return {**slot, "day": Weekday(slot["weekday"]).label} if slot else None


def change_log(term) -> list[dict]:
    return [
        {"publication": publication,
         "changes": [{"change": change, "before": _slot_words(change.before), "after": _slot_words(change.after),
                      **affected_people(change)} for change in publication.changes.all()]}
        for publication in publications(term)
    ]
