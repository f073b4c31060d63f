"""The regime of a site as the coordinators keep it up to date: the periods of each weekday in which
activities can run, and for each unit its escort limit and the weekly times its people cannot leave
(meals, counts, the yard, visits, work). The planner reads them; when the prison changes its regime,
the coming sessions that no longer fit are listed to move or cancel.
"""
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core import audit
from core.models import AuditAction

from .models import BlockedPeriod, RegimePeriod, RoomUse, Site, Unit, Weekday

TIME_RANGE = re.compile(r"^\s*(\d{1,2})[:hH.](\d{2})\s*(?:-|–|—|to|à|tot)\s*(\d{1,2})[:hH.](\d{2})\s*(.*)$")
LABEL_MAX = 50
BLOCKED_LABEL_MAX = 80


@dataclass(frozen=True)
class PeriodRow:
    """One period as typed: `where` names it in errors ("line 3", "periods[2]")."""
    start: dt.time | None
    end: dt.time | None
    label: str = ""
    after_break: bool = False
    where: str = ""


@dataclass(frozen=True)
class BlockedRow:
    weekday: int | None
    start: dt.time | None
    end: dt.time | None
    reason: str
    label: str = ""
    where: str = ""


@dataclass(frozen=True)
class OffRegime:
    """A coming session that no longer fits the regime, and why (in words for the coordinator)."""
    session: object
    problems: tuple[str, ...]


def _time(hours: str, minutes: str) -> dt.time | None:
    try:
        return dt.time(int(hours), int(minutes))
    except ValueError:
        return None


def parse_period_lines(text: str) -> list[PeriodRow]:
    """Periods typed one a line, `08:30-10:00 Morning 1`; an empty line between two periods is a break
    a session cannot run across (lunch). Errors name the line."""
    rows, errors, after_break = [], [], False
    for number, line in enumerate((text or "").splitlines(), start=1):
        if not line.strip():
            after_break = bool(rows)
            continue
        where = _("line %(number)d") % {"number": number}
        match = TIME_RANGE.match(line)
        start = end = None
        if match:
            start, end = _time(match[1], match[2]), _time(match[3], match[4])
        if start is None or end is None:
            errors.append(_("%(where)s: write a period as 08:30-10:00, then its name if it has one (“%(line)s”).")
                          % {"where": where, "line": line.strip()})
            continue
        rows.append(PeriodRow(start, end, match[5].strip(), after_break, where))
        after_break = False
    if errors:
        raise ValidationError({"periods": errors})
    return rows


def _check_periods(rows: list[PeriodRow]) -> list[str]:
    errors = []
    previous = None
    for row in rows:
        if row.start is None or row.end is None:
            errors.append(_("%(where)s: give the start and the end.") % {"where": row.where})
            continue
        if row.end <= row.start:
            errors.append(_("%(where)s: the period ends before it starts.") % {"where": row.where})
        elif previous and row.start < previous.end:
            errors.append(_("%(where)s: starts at %(start)s, before the period above ends (%(end)s); "
                            "list the periods in the order of the day, without overlaps.")
                          % {"where": row.where, "start": f"{row.start:%H:%M}", "end": f"{previous.end:%H:%M}"})
        if len(row.label) > LABEL_MAX:
            errors.append(_("%(where)s: keep the name under %(max)d characters.") % {"where": row.where, "max": LABEL_MAX})
        previous = row if row.end > row.start else previous
    return errors


def _indexes(rows: list[PeriodRow]) -> list[int]:
    """Back-to-back periods get consecutive numbers, a break skips one (what the planner reads)."""
    indexes, index = [], 0
    for position, row in enumerate(rows):
        index += 2 if position and row.after_break else 1
        indexes.append(index)
    return indexes


def day_lines(periods) -> str:
    """The periods of one weekday as the text the form shows, an empty line at each break."""
    lines, previous = [], None
    for period in periods:
        if previous is not None and period.index > previous.index + 1:
            lines.append("")
        lines.append(f"{period.start:%H:%M}-{period.end:%H:%M} {period.label}".rstrip())
        previous = period
    return "\n".join(lines)


def _weekday_name(weekday: int) -> str:
    return str(Weekday(weekday).label)


@transaction.atomic
def set_day_periods(site: Site, weekdays, rows: list[PeriodRow], *, by) -> dict[int, list[RegimePeriod]]:
    """Give each of `weekdays` the periods `rows` (none: no activities that day).

    A period keeps its identity when its start or its place in the day is kept, so the draft timetable
    placed in it follows the new times; a period dropped while the draft timetable or a coming
    cancellation still uses it is refused, naming the day and the term.
    """
    if not (by and by.has_perm("prisons.change_reference", site)):
        raise PermissionDenied(_("You may not change the regime of this site."))
    weekdays = sorted(set(weekdays))
    if not weekdays:
        raise ValidationError({"weekdays": _("Choose at least one weekday.")})
    if any(day not in Weekday.values for day in weekdays):
        raise ValidationError({"weekdays": _("A weekday is a number from 0 (Monday) to 6 (Sunday).")})
    errors = _check_periods(rows)
    if errors:
        raise ValidationError({"periods": errors})
    indexes = _indexes(rows)
    Site.objects.select_for_update().filter(pk=site.pk).first()  # one change of a site's regime at a time
    existing = defaultdict(list)
    for period in RegimePeriod.objects.filter(site=site, weekday__in=weekdays).order_by("index"):
        existing[period.weekday].append(period)
    plan, refusals = {}, []
    for weekday in weekdays:
        kept = {}
        by_start = {p.start: p for p in existing[weekday]}
        by_index = {p.index: p for p in existing[weekday]}
        for position, row in enumerate(rows):
            match = by_start.get(row.start)
            if match is not None and match.pk not in {p.pk for p in kept.values()}:
                kept[position] = match
        for position, index in enumerate(indexes):
            match = by_index.get(index)
            if position not in kept and match is not None and match.pk not in {p.pk for p in kept.values()}:
                kept[position] = match
        kept_ids = {p.pk for p in kept.values()}
        dropped = [p for p in existing[weekday] if p.pk not in kept_ids]
        refusals += _dropping_refused(weekday, dropped)
        plan[weekday] = (kept, dropped)
    if refusals:
        raise ValidationError({"periods": refusals})
    result = {}
    for weekday, (kept, dropped) in plan.items():
        for period in dropped:
            audit.record(by, AuditAction.DELETE, period)
        RegimePeriod.objects.filter(pk__in=[p.pk for p in dropped]).delete()
        # Out of the way first: the (site, weekday, index) key is unique and the numbers may swap.
        for period in kept.values():
            period.index += 1000
            RegimePeriod.objects.filter(pk=period.pk).update(index=period.index)
        periods = []
        for position, (row, index) in enumerate(zip(rows, indexes, strict=True)):
            period = kept.get(position) or RegimePeriod(site=site, weekday=weekday)
            action = AuditAction.CREATE if period.pk is None else AuditAction.CHANGE
            changed = period.pk is None or (period.start, period.end, period.label, period.index - 1000) != (
                row.start, row.end, row.label, index)
            period.index, period.start, period.end, period.label = index, row.start, row.end, row.label
            period.save()
            if changed:
                audit.record(by, action, period, detail=f"{period.start:%H:%M}-{period.end:%H:%M}")
            periods.append(period)
        result[weekday] = periods
    return result


def _dropping_refused(weekday: int, dropped) -> list[str]:
    from scheduling.models import Cancellation, DraftSession

    if not dropped:
        return []
    refusals = []
    drafts = defaultdict(lambda: defaultdict(int))
    for period_id, term_name in DraftSession.objects.filter(period__in=dropped).values_list("period", "term__name"):
        drafts[period_id][term_name] += 1
    coming = set(Cancellation.objects.filter(periods__in=dropped, last_date__gte=timezone.localdate())
                 .values_list("periods", flat=True))
    for period in dropped:
        when = f"{_weekday_name(weekday)} {period.start:%H:%M}-{period.end:%H:%M}"
        for term_name, count in drafts[period.pk].items():
            refusals.append(ngettext(
                "%(when)s holds %(count)d session of the draft timetable of %(term)s: move it to another period "
                "of the draft first, or keep this period.",
                "%(when)s holds %(count)d sessions of the draft timetable of %(term)s: move them to another period "
                "of the draft first, or keep this period.", count) % {"when": when, "count": count, "term": term_name})
        if period.pk in coming:
            refusals.append(_("%(when)s is named by a coming cancellation: keep this period until it has passed.")
                            % {"when": when})
    return refusals


def weekly_time_errors(rows) -> list[str]:
    """The refusals common to weekly times (a unit's blocked times, a room's uses by others), each naming
    its row (`row.where`): no weekday, no start or end, an end before the start, two rows overlapping."""
    errors = []
    by_day = defaultdict(list)
    for row in rows:
        if row.weekday not in Weekday.values:
            errors.append(_("%(where)s: choose the weekday.") % {"where": row.where})
        if row.start is None or row.end is None:
            errors.append(_("%(where)s: give the start and the end.") % {"where": row.where})
        elif row.end <= row.start:
            errors.append(_("%(where)s: the time ends before it starts.") % {"where": row.where})
        elif row.weekday in Weekday.values:
            by_day[row.weekday].append(row)
    for day_rows in by_day.values():
        day_rows.sort(key=lambda row: row.start)
        for first, second in zip(day_rows, day_rows[1:], strict=False):
            if second.start < first.end:
                errors.append(_("%(where)s overlaps %(other)s on the same day: make them one.")
                              % {"where": second.where, "other": first.where})
    return errors


@transaction.atomic
def set_unit_regime(unit: Unit, *, escort_limit: int | None, blocked: list[BlockedRow], by) -> list[BlockedPeriod]:
    """Replace the unit's escort limit and weekly blocked times. Errors name the field or the row."""
    if not (by and by.has_perm("prisons.change_reference", unit.site)):
        raise PermissionDenied(_("You may not change the regime of this site."))
    errors = {}
    if escort_limit is not None and escort_limit < 1:
        errors["escort_limit"] = _("At least 1 session at a time; leave it empty for no limit.")
    rows_errors = weekly_time_errors(blocked)
    reasons = {choice for choice, _label in BlockedPeriod._meta.get_field("reason").choices}
    for row in blocked:
        if row.reason not in reasons:
            rows_errors.append(_("%(where)s: choose why the unit cannot leave then.") % {"where": row.where})
        if len(row.label) > BLOCKED_LABEL_MAX:
            rows_errors.append(_("%(where)s: keep the note under %(max)d characters.")
                               % {"where": row.where, "max": BLOCKED_LABEL_MAX})
    if rows_errors:
        errors["blocked_periods"] = rows_errors
    if errors:
        raise ValidationError(errors)
    Unit.objects.select_for_update().filter(pk=unit.pk).first()
    if unit.max_parallel_sessions != escort_limit:
        unit.max_parallel_sessions = escort_limit
        unit.save(update_fields=["max_parallel_sessions"])
        audit.record(by, AuditAction.CHANGE, unit, detail=f"escort limit {escort_limit or '-'}")
    unit.blocked_periods.all().delete()
    created = BlockedPeriod.objects.bulk_create([
        BlockedPeriod(unit=unit, weekday=row.weekday, start=row.start, end=row.end, reason=row.reason,
                      label=row.label.strip())
        for row in sorted(blocked, key=lambda row: (row.weekday, row.start))
    ])
    audit.record(by, AuditAction.CHANGE, unit, detail=f"blocked periods {len(created)}")
    return created


def sessions_off_regime(site: Site, now: dt.datetime | None = None, *, term=None) -> list[OffRegime]:
    """The site's (or one term's) scheduled sessions from now on that no longer start and end on its
    periods, that fall in a blocked time of a unit still going to them or in a time their room is used by
    others, or that ask a unit to escort to more sessions at once than its escort limit (all the site's
    sessions count). Nine queries whatever the sessions; they are read as plain rows, and only the
    sessions found become objects."""
    from activities.models import Cycle, Session, SessionStatus
    from scheduling.checks import LOCAL, overlaps

    now = now or timezone.now()
    periods = defaultdict(list)
    for period in RegimePeriod.objects.filter(site=site).order_by("weekday", "index"):
        periods[period.weekday].append(period)
    chains = {weekday: _chains(day) for weekday, day in periods.items()}
    blocked = defaultdict(list)
    for row in BlockedPeriod.objects.filter(unit__site=site).keeping_people_in():
        blocked[row.unit_id, row.weekday].append(row)
    uses = defaultdict(list)
    for use in RoomUse.objects.filter(room__site=site).select_related("room"):
        uses[use.room_id, use.weekday].append(use)
    codes, limits = {}, {}
    for unit_id, code, limit in Unit.objects.filter(site=site).values_list("pk", "code", "max_parallel_sessions"):
        codes[unit_id] = code
        if limit is not None:
            limits[unit_id] = limit
    coming = Session.objects.filter(cycle__term__site=site, status=SessionStatus.SCHEDULED, starts_at__gte=now)
    units_of_cycle = defaultdict(list)
    not_coming = defaultdict(set)
    if blocked or limits:
        for cycle_id, unit_id in Cycle.eligible_units.through.objects.filter(
                cycle__term__site=site).values_list("cycle_id", "unit_id"):
            units_of_cycle[cycle_id].append(unit_id)
        for session_id, unit_id in Session.cancelled_units.through.objects.filter(
                session__in=coming).values_list("session_id", "unit_id"):
            not_coming[session_id].add(unit_id)
    rows, rooms = [], {}
    for pk, starts_at, ends_at, cycle_id, term_id, room_id in coming.values_list(
            "pk", "starts_at", "ends_at", "cycle_id", "cycle__term_id", "room_id"):
        rows.append((pk, starts_at.astimezone(LOCAL), ends_at.astimezone(LOCAL), cycle_id, term_id))
        rooms[pk] = room_id
    going = {pk: [u for u in units_of_cycle[cycle_id] if u not in not_coming[pk]]
             for pk, _start, _end, cycle_id, _term in rows}
    overloads = _escort_overloads(rows, going, limits)
    problems_of = {}
    for pk, start, end, _cycle_id, term_id in rows:
        if term is not None and term_id != term.pk:
            continue
        weekday = start.weekday()
        problems = []
        # A site with no period at all does not keep its regime in Relais: only blocked times count.
        if chains and (start.time(), end.time()) not in chains.get(weekday, set()):
            problems.append(_("%(start)s–%(end)s is no longer on the periods of %(day)s")
                            % {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}", "day": _weekday_name(weekday)})
        for unit_id in going[pk]:
            for row in blocked[unit_id, weekday]:
                if overlaps(row.start, row.end, start.time(), end.time()):
                    problems.append(_("%(unit)s cannot leave %(start)s–%(end)s (%(reason)s)") % {
                        "unit": codes[unit_id], "start": f"{row.start:%H:%M}", "end": f"{row.end:%H:%M}",
                        "reason": row.get_reason_display()})
        for use in uses[rooms[pk], weekday]:
            if overlaps(use.start, use.end, start.time(), end.time()):
                problems.append(_("%(room)s is used by others %(start)s–%(end)s (%(label)s)") % {
                    "room": use.room.name, "start": f"{use.start:%H:%M}", "end": f"{use.end:%H:%M}",
                    "label": use.label})
        for unit_id, at_once in overloads.get(pk, []):
            problems.append(_("%(unit)s would escort to %(count)d sessions at once (its limit is %(limit)d)") % {
                "unit": codes[unit_id], "count": at_once, "limit": limits[unit_id]})
        if problems:
            problems_of[pk] = tuple(problems)
    if not problems_of:
        return []
    sessions = (Session.objects.filter(pk__in=list(problems_of)).select_related("cycle__activity", "cycle__term", "room")
                .order_by("starts_at", "pk"))
    return [OffRegime(session, problems_of[session.pk]) for session in sessions]


def _escort_overloads(rows, going: dict, limits: dict) -> dict[int, list[tuple[int, int]]]:
    """{session id: [(unit id, most sessions of that unit running at once during it)]} where that is over
    the unit's escort limit."""
    by_unit_day = defaultdict(list)
    for pk, start, end, _cycle_id, _term_id in rows:
        for unit_id in going[pk]:
            if unit_id in limits:
                by_unit_day[unit_id, start.date()].append((start, end, pk))
    overloads = defaultdict(list)
    for (unit_id, _day), sessions in by_unit_day.items():
        if len(sessions) <= limits[unit_id]:
            continue
        for start, end, pk in sessions:
            during = [(max(s, start), min(e, end)) for s, e, _pk in sessions if s < end and start < e]
            # The most at once is reached at one of their starts.
            at_once = max(sum(1 for s, e in during if s <= moment < e) for moment, _e in during)
            if at_once > limits[unit_id]:
                overloads[pk].append((unit_id, at_once))
    return overloads


def _chains(day: list[RegimePeriod]) -> set[tuple[dt.time, dt.time]]:
    """Every (start, end) a session of back-to-back periods of that day can have."""
    spans = set()
    for position, first in enumerate(day):
        last = first
        spans.add((first.start, first.end))
        for following in day[position + 1:]:
            if following.index != last.index + 1:
                break
            last = following
            spans.add((first.start, last.end))
    return spans


def regime_of_site(site: Site):
    """Periods by weekday and units with their blocked times, for the page and the API (three queries)."""
    from django.db.models import Prefetch

    periods = defaultdict(list)
    for period in RegimePeriod.objects.filter(site=site).order_by("weekday", "index"):
        periods[period.weekday].append(period)
    units = list(Unit.objects.filter(site=site).select_related("building").prefetch_related(
        Prefetch("blocked_periods", queryset=BlockedPeriod.objects.order_by("weekday", "start"))).order_by("code"))
    return periods, units
