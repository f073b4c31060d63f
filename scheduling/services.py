"""Every write of term planning: solver runs, the draft, publishing, cancelling and moving sessions."""
from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
import zoneinfo
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import (
    CHOSEN_CANCELLATION_REASONS,
    AvailabilityException,
    CancellationReason,
    Session,
    SessionStatus,
    Term,
)
from enrolment import attendance
from enrolment.models import AbsenceReason
from prisons.models import RegimePeriod, Room, RoomClosure, RoomUse, Unit

from . import checks
from .models import (
    Cancellation,
    CancellationScope,
    ChangeKind,
    DraftSession,
    Publication,
    PublicationChange,
    PublishedSlot,
    SolverRun,
    SolverRunStatus,
)
from .problem_builder import (
    BuiltProblem,
    build_problem,
    draft_previous,
    period_id,
    published_previous,
)
from .solver import ProblemError, solve

logger = logging.getLogger(__name__)
LOCAL = zoneinfo.ZoneInfo("Europe/Brussels")
PROGRESS_EVERY = 1.0  # seconds between progress writes while the solver runs


def local_datetime(date: dt.date, time_of_day: dt.time) -> dt.datetime:
    """A local Brussels wall-clock time on `date`, as an aware UTC datetime (DST-correct)."""
    return dt.datetime.combine(date, time_of_day, tzinfo=LOCAL).astimezone(dt.UTC)


# --- solver runs ---------------------------------------------------------------------------------


def plan_problem(term: Term) -> dict:
    """The problem a (re-)plan solves: pins fixed, and the fewest changes to the current draft
    (or, without one, to the last publication)."""
    previous = draft_previous(term) if term.draft_sessions.exists() else published_previous(term)
    return build_problem(term, previous=previous, stability="strict" if previous else "weighted").problem


def request_plan(term: Term, by=None, *, time_limit: int = 60, workers: int = 2) -> SolverRun:
    """Queue a solver run for the term (or return the one already queued or running)."""
    active = term.solver_runs.filter(status__in=[SolverRunStatus.QUEUED, SolverRunStatus.RUNNING]).first()
    if active is not None:
        return active
    run = SolverRun.objects.create(term=term, requested_by=by, time_limit=time_limit, problem=plan_problem(term))
    from .tasks import run_solver

    run_solver.enqueue(run.pk, workers)
    return run


def execute_run(run_id: int, workers: int = 2) -> SolverRun:
    """Solve a queued run, writing progress as it goes; a feasible answer becomes the term's draft."""
    run = SolverRun.objects.select_related("term").get(pk=run_id)
    if run.status != SolverRunStatus.QUEUED:
        return run
    run.status, run.started_at = SolverRunStatus.RUNNING, timezone.now()
    run.save(update_fields=["status", "started_at"])

    progress: dict = {}
    outcome: dict = {}

    def work():
        try:
            outcome["solution"] = solve(run.problem, time_limit=run.time_limit, workers=workers,
                                        on_progress=progress.update)
        except ProblemError as error:
            outcome["error"] = str(error)
        except Exception as error:  # a solver crash must end the run, not leave it "running"
            logger.exception("solver run %s crashed", run.pk)
            outcome["error"] = type(error).__name__

    # The solver runs in its own thread; this one writes progress, so database access stays here.
    worker = threading.Thread(target=work, daemon=True)
    started = time.monotonic()
    worker.start()
    while worker.is_alive():
        worker.join(PROGRESS_EVERY)
        SolverRun.objects.filter(pk=run.pk).update(
            elapsed=round(time.monotonic() - started, 1),
            best_objective=progress.get("objective"), bound=progress.get("bound"),
        )
    run.refresh_from_db()
    run.finished_at = timezone.now()
    run.elapsed = round(time.monotonic() - started, 1)
    if "error" in outcome:
        run.status, run.error = SolverRunStatus.FAILED, outcome["error"]
        run.save()
        return run
    solution = outcome["solution"]
    run.solution = solution
    run.best_objective = solution.get("objective")
    run.bound = solution.get("bound")
    run.status = SolverRunStatus.DONE
    if solution["status"] in ("OPTIMAL", "FEASIBLE"):
        apply_solution(run)
        run.applied = True
    run.save()
    return run


@transaction.atomic
def apply_solution(run: SolverRun) -> None:
    """Replace the term's draft with the run's assignments; pinned sessions stay as they are."""
    term = run.term
    built = _maps(term)
    pinned = list(term.draft_sessions.filter(pinned=True).select_related("cycle", "period", "room"))
    assignments = [dict(a) for a in run.solution["assignments"]]
    for pin in pinned:
        key = {"activity": pin.cycle.code, "period": period_id(pin.period), "room": pin.room.code}
        if key in assignments:
            assignments.remove(key)
    term.draft_sessions.filter(pinned=False).delete()
    DraftSession.objects.bulk_create([
        DraftSession(term=term, cycle=built.cycles[a["activity"]], period=built.periods[a["period"]],
                     room=built.rooms[a["room"]])
        for a in assignments
    ])


def _maps(term: Term) -> BuiltProblem:
    return build_problem(term, previous=[])


# --- the draft -----------------------------------------------------------------------------------


def draft_rows(term: Term, drafts=None) -> list[dict]:
    drafts = drafts if drafts is not None else term.draft_sessions.select_related("cycle", "period", "room")
    return [{"id": d.pk, "activity": d.cycle.code, "period": period_id(d.period), "room": d.room.code}
            for d in drafts]


def check_draft(term: Term, built: BuiltProblem | None = None, rows: list[dict] | None = None):
    built = built or build_problem(term)
    rows = rows if rows is not None else draft_rows(term)
    return checks.check_assignments(built.problem, rows) + checks.mixed_population_findings(built.cycles.values())


@dataclass
class MoveResult:
    applied: bool
    created: list = field(default_factory=list)  # findings this move would create

    @property
    def needs_confirmation(self) -> bool:
        return not self.applied and bool(self.created)


def _finding_keys(findings) -> set:
    return {(f.code, str(f.message)) for f in findings}


def move_draft_session(draft: DraftSession, period: RegimePeriod, room: Room, *, confirmed: bool = False) -> MoveResult:
    """Move a weekly session. A move that would create findings is applied only once confirmed."""
    term = draft.term
    if period.site_id != term.site_id or room.site_id != term.site_id:
        raise ValidationError(_("The period and the room must belong to the term's site."))
    built = build_problem(term)
    rows = draft_rows(term)
    before = check_draft(term, built, rows)
    moved = [dict(r, period=period_id(period), room=room.code) if r["id"] == draft.pk else r for r in rows]
    after = check_draft(term, built, moved)
    known = _finding_keys(before)
    created = [f for f in after if (f.code, str(f.message)) not in known]
    if created and not confirmed:
        return MoveResult(applied=False, created=created)
    draft.period, draft.room = period, room
    draft.save(update_fields=["period", "room", "updated_at"])
    return MoveResult(applied=True, created=created)


def set_pinned(draft: DraftSession, pinned: bool) -> DraftSession:
    draft.pinned = pinned
    draft.save(update_fields=["pinned", "updated_at"])
    return draft


# --- publishing ----------------------------------------------------------------------------------


@dataclass
class PublishResult:
    publication: Publication | None
    changed: bool
    created: int = 0
    moved: int = 0
    cancelled: int = 0
    warnings: list = field(default_factory=list)  # findings about the published result (gate quota)


def _slot_end(periods_by_day: dict, period: RegimePeriod, length: int) -> dt.time:
    last = period
    for offset in range(1, length):
        following = periods_by_day.get((period.weekday, period.index + offset))
        if following is None:
            break
        last = following
    return last.end


def _describe(weekday: int, start: dt.time, end: dt.time, room: Room) -> dict:
    return {"weekday": weekday, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "room": room.code,
            "room_name": room.name}


def _term_dates(term: Term, weekday: int, first: dt.date) -> list[dt.date]:
    excluded = set(term.excluded_dates.values_list("date", flat=True))
    day = max(first, term.first_date)
    day += dt.timedelta(days=(weekday - day.weekday()) % 7)
    dates = []
    while day <= term.last_date:
        if day not in excluded:
            dates.append(day)
        day += dt.timedelta(days=7)
    return dates


@transaction.atomic
def publish(term: Term, effective_date: dt.date, by=None, *, accept_warnings: bool = False) -> PublishResult:
    """Freeze the draft as a publication and bring the dated sessions in line from `effective_date`.

    Refused while the draft has errors, and while it has warnings that were not accepted.
    Sessions before that date, held ones, and ones moved by hand since, never change.
    """
    term = Term.objects.select_for_update().get(pk=term.pk)
    if effective_date > term.last_date:
        raise ValidationError({"effective_date": _("The effective date is after the end of the term.")})
    findings = check_draft(term)
    errors = [f for f in findings if f.severity == checks.ERROR]
    if errors:
        raise ValidationError([str(f.message) for f in errors])
    warnings = [str(f.message) for f in findings if f.severity == checks.WARNING]
    if warnings and not accept_warnings:
        raise ValidationError({"accept_warnings": [_("Confirm that you have read the warnings."), *warnings]})
    if not term.draft_sessions.exists():
        raise ValidationError(_("The draft timetable is empty: plan the term first."))

    periods_by_day = {(p.weekday, p.index): p for p in RegimePeriod.objects.filter(site=term.site_id)}
    wanted = []
    for d in term.draft_sessions.select_related("cycle", "period", "room"):
        end = _slot_end(periods_by_day, d.period, d.cycle.session_periods)
        wanted.append({"cycle": d.cycle, "weekday": d.period.weekday, "start": d.period.start, "end": end,
                       "period": d.period, "room": d.room, "pinned": d.pinned})
    last = term.publications.order_by("-number").first()
    old_slots = list(last.slots.select_related("room", "cycle")) if last else []

    groups_new, groups_old = defaultdict(list), defaultdict(list)
    for slot in wanted:
        groups_new[slot["cycle"].pk, slot["weekday"]].append(slot)
    for slot in old_slots:
        groups_old[slot.cycle_id, slot.weekday].append(slot)
    matched, added, removed = [], [], []
    for key in set(groups_new) | set(groups_old):
        new = sorted(groups_new.get(key, []), key=lambda s: (s["start"], s["room"].code))
        old = sorted(groups_old.get(key, []), key=lambda s: (s.start, s.room.code))
        matched += list(zip(old, new, strict=False))
        added += new[len(old):]
        removed += old[len(new):]
    changed_pairs = [(o, n) for o, n in matched if (o.start, o.end, o.room_id) != (n["start"], n["end"], n["room"].pk)]
    pin_changed = any(o.pinned != n["pinned"] for o, n in matched)
    if last is not None and not added and not removed and not changed_pairs and not pin_changed:
        return PublishResult(publication=last, changed=False)

    publication = Publication.objects.create(
        term=term, number=(last.number + 1) if last else 1, effective_date=effective_date, published_by=by
    )
    for old, new in matched:
        new["key"] = old.key
    for new in added:
        new["key"] = uuid.uuid4()
    PublishedSlot.objects.bulk_create([
        PublishedSlot(publication=publication, key=s["key"], cycle=s["cycle"], weekday=s["weekday"], start=s["start"],
                      end=s["end"], period=s["period"], room=s["room"], pinned=s["pinned"])
        for s in wanted
    ])

    now = timezone.now()
    cutoff = max(local_datetime(max(effective_date, term.first_date), dt.time.min), now)
    future = Session.objects.select_for_update().filter(cycle__term=term, status=SessionStatus.SCHEDULED,
                                                        starts_at__gte=cutoff)
    result = PublishResult(publication=publication, changed=True)
    changes = []

    for old, new in changed_pairs:
        updated = []
        for session in future.filter(slot_key=old.key, room=old.room_id):
            local = session.starts_at.astimezone(LOCAL)
            if local.time() != old.start:
                continue  # moved by hand on that date: a dated exception the new pattern leaves alone
            session.move_to(local_datetime(local.date(), new["start"]), local_datetime(local.date(), new["end"]),
                            new["room"], new["period"])
            session.updated_at = now  # bulk_update leaves auto_now alone; the change notices read it
            updated.append(session)
        Session.objects.bulk_update(updated, ["starts_at", "ends_at", "room", "regime_period", "sequence",
                                              "moved_from_starts_at", "moved_from_room", "updated_at"])
        result.moved += len(updated)
        changes.append(PublicationChange(
            publication=publication, kind=ChangeKind.MOVED, cycle=new["cycle"], slot_key=old.key,
            before=_describe(old.weekday, old.start, old.end, old.room),
            after=_describe(new["weekday"], new["start"], new["end"], new["room"]), dated_sessions=len(updated)))

    for old in removed:
        gone = list(future.filter(slot_key=old.key))
        for session in gone:
            session.status = SessionStatus.CANCELLED
            session.cancellation_code, session.cancellation_details = CancellationReason.REMOVED, ""
            session.sequence += 1
            session.updated_at = now
        Session.objects.bulk_update(gone, ["status", "cancellation_code", "cancellation_details", "sequence",
                                           "updated_at"])
        result.cancelled += len(gone)
        changes.append(PublicationChange(
            publication=publication, kind=ChangeKind.CANCELLED, cycle=old.cycle, slot_key=old.key,
            before=_describe(old.weekday, old.start, old.end, old.room), dated_sessions=len(gone)))

    existing = defaultdict(set)
    for key, starts_at in Session.objects.filter(cycle__term=term, slot_key__in=[s["key"] for s in wanted]).values_list(
        "slot_key", "starts_at"
    ):
        existing[key].add(starts_at.astimezone(LOCAL).date())
    fresh = []
    created_per_key = defaultdict(int)
    for slot in wanted:
        for day in _term_dates(term, slot["weekday"], effective_date):
            starts_at = local_datetime(day, slot["start"])
            if day in existing[slot["key"]] or starts_at < cutoff:
                continue
            fresh.append(Session(cycle=slot["cycle"], starts_at=starts_at, ends_at=local_datetime(day, slot["end"]),
                                 room=slot["room"], regime_period=slot["period"], slot_key=slot["key"]))
            created_per_key[slot["key"]] += 1
    Session.objects.bulk_create(fresh)
    result.created = len(fresh)
    for new in added:
        changes.append(PublicationChange(
            publication=publication, kind=ChangeKind.NEW, cycle=new["cycle"], slot_key=new["key"],
            after=_describe(new["weekday"], new["start"], new["end"], new["room"]),
            dated_sessions=created_per_key[new["key"]]))
    PublicationChange.objects.bulk_create(changes)
    publication.sessions_created, publication.sessions_changed = result.created, result.moved
    publication.sessions_cancelled = result.cancelled
    Publication.objects.filter(pk=publication.pk).update(
        sessions_created=result.created, sessions_changed=result.moved, sessions_cancelled=result.cancelled
    )
    from .lists import gate_quota_findings

    first = max(effective_date, term.first_date)
    result.warnings = gate_quota_findings(
        term.site, [first + dt.timedelta(days=n) for n in range((term.last_date - first).days + 1)])
    if result.moved or result.cancelled:
        tell_facilitators()
    return result


def tell_facilitators() -> None:
    """Once the change is committed, e-mail the facilitators concerned (`scheduling.notices`)."""
    from .tasks import send_change_notices

    # robust: a task queue that cannot be reached must not undo a cancellation already committed;
    # `manage.py send_change_notices` catches up
    transaction.on_commit(send_change_notices.enqueue, robust=True)


# --- cancelling and moving dated sessions ----------------------------------------------------------

UNIT_ABSENCE = {
    CancellationReason.STRIKE: AbsenceReason.NOT_ESCORTED,
    CancellationReason.STAFF_SHORTAGE: AbsenceReason.NOT_ESCORTED,
    CancellationReason.LOCKDOWN: AbsenceReason.NOT_ESCORTED,
    CancellationReason.TECHNICAL: AbsenceReason.SESSION_CANCELLED,
    CancellationReason.OTHER: AbsenceReason.SESSION_CANCELLED,
}


def _clean_reason(reason: str, text: str) -> None:
    if reason not in dict(CHOSEN_CANCELLATION_REASONS):
        raise ValidationError({"reason": _("Choose a reason for the cancellation.")})
    if reason == CancellationReason.OTHER and not text.strip():
        raise ValidationError({"reason_text": _("Say why when the reason is “other”.")})


@transaction.atomic
def cancel_sessions(*, site, first_date: dt.date, last_date: dt.date, reason: str, reason_text: str = "",
                    building=None, unit=None, periods=(), by=None) -> Cancellation:
    """Cancel everything of a site, building or unit for a date range, optionally some periods only.

    A session shared with units outside the scope goes on without them: their participants are
    recorded absent; it is cancelled once no participating unit is left.
    """
    _clean_reason(reason, reason_text)
    if last_date < first_date:
        raise ValidationError({"last_date": _("The last date is before the first date.")})
    if unit is not None:
        scope, scope_units = CancellationScope.UNIT, {unit.pk}
    elif building is not None:
        scope = CancellationScope.BUILDING
        scope_units = set(Unit.objects.filter(building=building).values_list("pk", flat=True))
    else:
        scope, scope_units = CancellationScope.SITE, None
    cancellation = Cancellation.objects.create(
        site=site, scope=scope, building=building, unit=unit, first_date=first_date, last_date=last_date,
        reason=reason, reason_text=reason_text, created_by=by)
    periods = list(periods)
    cancellation.periods.set(periods)
    windows = defaultdict(list)
    for p in periods:
        windows[p.weekday].append((p.start, p.end))

    sessions = (
        Session.objects.select_for_update(of=("self",))
        .filter(cycle__term__site=site, status=SessionStatus.SCHEDULED,
                starts_at__gte=local_datetime(first_date, dt.time.min),
                starts_at__lt=local_datetime(last_date + dt.timedelta(days=1), dt.time.min))
        .select_related("room")
        .prefetch_related("cycle__eligible_units", "cancelled_units")
    )
    details = reason_text.strip()[:200]
    for session in sessions:
        start, end = session.starts_at.astimezone(LOCAL), session.ends_at.astimezone(LOCAL)
        if periods and not any(s < end.time() and start.time() < e for s, e in windows[start.weekday()]):
            continue
        participating = {u.pk for u in session.cycle.eligible_units.all()} - {u.pk for u in session.cancelled_units.all()}
        whole = scope_units is None or (building is not None and session.room.building_id == building.pk)
        hit = participating if whole else participating & scope_units
        if not whole and not hit:
            continue
        if whole or hit == participating:
            session.status = SessionStatus.CANCELLED
            session.cancellation_code, session.cancellation_details = reason, details
            session.sequence += 1
            session.save(update_fields=["status", "cancellation_code", "cancellation_details", "sequence",
                                        "updated_at"])
            cancellation.absences_recorded += attendance.mark_session_cancelled(session, by)
            cancellation.sessions_cancelled += 1
            continue
        session.cancelled_units.add(*hit)
        session.sequence += 1
        session.save(update_fields=["sequence", "updated_at"])
        for unit_left_out in Unit.objects.filter(pk__in=hit):
            cancellation.absences_recorded += attendance.mark_unit_absent(
                session, unit_left_out, UNIT_ABSENCE[reason], by)
        cancellation.sessions_reduced += 1
    cancellation.save(update_fields=["sessions_cancelled", "sessions_reduced", "absences_recorded"])
    if cancellation.sessions_cancelled or cancellation.sessions_reduced:
        tell_facilitators()
    return cancellation


@transaction.atomic
def cancel_session(session: Session, *, reason: str, reason_text: str = "", by=None) -> Session:
    _clean_reason(reason, reason_text)
    session = Session.objects.select_for_update().select_related("cycle__term").get(pk=session.pk)
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be cancelled."))
    local = session.starts_at.astimezone(LOCAL).date()
    Cancellation.objects.create(
        site_id=session.cycle.term.site_id, scope=CancellationScope.SESSION, first_date=local, last_date=local,
        reason=reason, reason_text=reason_text, created_by=by, sessions_cancelled=1)
    session.status = SessionStatus.CANCELLED
    session.cancellation_code, session.cancellation_details = reason, reason_text.strip()[:200]
    session.sequence += 1
    session.save(update_fields=["status", "cancellation_code", "cancellation_details", "sequence", "updated_at"])
    attendance.mark_session_cancelled(session, by)
    tell_facilitators()
    return session


@dataclass(frozen=True)
class FreeSlot:
    period: RegimePeriod
    room: Room
    starts_at: dt.datetime
    ends_at: dt.datetime


def free_slots(session: Session, day: dt.date | None = None) -> list[FreeSlot]:
    """Periods and rooms on that day where the room (not closed, nor used by others), the facilitators
    (not away) and the units are all free."""
    cycle = session.cycle
    site_id = cycle.term.site_id
    day = day or session.starts_at.astimezone(LOCAL).date()
    periods = list(RegimePeriod.objects.filter(site=site_id, weekday=day.weekday()).order_by("index"))
    by_index = {p.index: p for p in periods}
    units = list(cycle.eligible_units.all())
    unit_ids = {u.pk for u in units}
    own, of_cycle = set(session.facilitators.values_list("pk", flat=True)), set(cycle.facilitators.values_list("pk", flat=True))
    facilitators = own | of_cycle
    kinds = set(cycle.activity.room_kinds)
    rooms = [
        r for r in Room.objects.filter(site=site_id, active=True).prefetch_related("reachable_units").order_by("code")
        if (not kinds or r.kind in kinds) and r.capacity >= cycle.capacity
        and (r.reachable_from_all_units or unit_ids <= {u.pk for u in r.reachable_units.all()})
    ]
    others = list(
        Session.objects.filter(status=SessionStatus.SCHEDULED, cycle__term__site=site_id,
                               starts_at__lt=local_datetime(day + dt.timedelta(days=1), dt.time.min),
                               ends_at__gt=local_datetime(day, dt.time.min))
        .exclude(pk=session.pk).prefetch_related("cycle__eligible_units", "cycle__facilitators", "facilitators")
    )
    # As in checks.sessions_hit_by_exceptions: the session's own facilitators replace the cycle's.
    away = list(AvailabilityException.objects.filter(facilitator__in=own or of_cycle, date=day, available=False))
    closed = defaultdict(list)
    for closure in RoomClosure.objects.filter(room__site=site_id, date=day):
        closed[closure.room_id].append(closure)
    for use in RoomUse.objects.filter(room__site=site_id, weekday=day.weekday()):
        closed[use.room_id].append(use)  # a weekly use by others keeps the room as a closure does
    blocked = defaultdict(list)
    for unit in units:
        for b in unit.blocked_periods.filter(weekday=day.weekday()).keeping_people_in():
            blocked[unit.pk].append((b.start, b.end))
    options = []
    for period in periods:
        last = by_index.get(period.index + cycle.session_periods - 1)
        if last is None or any(by_index.get(period.index + k) is None for k in range(cycle.session_periods)):
            continue
        starts_at, ends_at = local_datetime(day, period.start), local_datetime(day, last.end)
        overlapping = [o for o in others if o.starts_at < ends_at and starts_at < o.ends_at]
        if any(s < last.end and period.start < e for u in units for s, e in blocked[u.pk]):
            continue
        if any(facilitators & ({f.pk for f in o.cycle.facilitators.all()} | {f.pk for f in o.facilitators.all()})
               for o in overlapping):
            continue
        if any(checks.overlaps(e.start, e.end, period.start, last.end) for e in away):
            continue
        busy_units = defaultdict(int)
        for o in overlapping:
            for u in o.cycle.eligible_units.all():
                busy_units[u.pk] += 1
        if any(u.max_parallel_sessions is not None and busy_units[u.pk] >= u.max_parallel_sessions for u in units):
            continue
        taken = {o.room_id for o in overlapping} | {
            room_id for room_id, closures in closed.items()
            if any(checks.overlaps(c.start, c.end, period.start, last.end) for c in closures)}
        options += [FreeSlot(period, room, starts_at, ends_at) for room in rooms if room.pk not in taken]
    return options


@transaction.atomic
def move_session(session: Session, *, day: dt.date, period: RegimePeriod, room: Room, by=None) -> Session:
    """Move one dated session to a free period and room (of the same or another day)."""
    session = Session.objects.select_for_update(of=("self",)).select_related("cycle__term", "cycle__activity").get(
        pk=session.pk)
    term = session.cycle.term
    if session.status != SessionStatus.SCHEDULED:
        raise ValidationError(_("Only a scheduled session can be moved."))
    if not (term.first_date <= day <= term.last_date):
        raise ValidationError({"day": _("The new date is outside the term.")})
    if period.weekday != day.weekday():
        raise ValidationError({"period": _("This period is not on the chosen date's weekday.")})
    choice = next((s for s in free_slots(session, day) if s.period.pk == period.pk and s.room.pk == room.pk), None)
    if choice is None:
        raise ValidationError({"room": _("The room, a facilitator or a unit is not free then: choose a suggested slot.")})
    session.move_to(choice.starts_at, choice.ends_at, room, period)
    session.save(update_fields=["starts_at", "ends_at", "room", "regime_period", "sequence", "moved_from_starts_at",
                                "moved_from_room", "updated_at"])
    tell_facilitators()
    return session
