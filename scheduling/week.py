"""A site's week at a glance, for the weekly meeting with the direction and the prison's services
(step 7): per day the sessions (and how many of them moved), the cancellations, the participants leaving their units, the outside
people expected against the daily quota and the rooms in use; the cycles starting and ending; and what
waits on someone (material to decide, badges not covering sessions, practical problems open, sessions
hit by an absence, a room closure or a regime change). A fixed number of queries whatever the week holds.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min, Q

from activities.models import Cycle, MaterialStatus, SessionStatus
from core import rules as access
from enrolment.models import Enrolment, EnrolmentStatus

from .calendars import BRUSSELS, local_day_bounds, session_facilitators


@dataclass
class Day:
    date: dt.date
    sessions: int = 0
    cancelled: int = 0
    moved: int = 0  # of `sessions`: at another time or room than first planned (the printed week is wrong)
    participants: int = 0
    outside_people: int = 0
    rooms: int = 0
    over_quota: bool = False


@dataclass
class WeekSummary:
    site: object
    monday: dt.date
    days: list[Day]
    starting: list = field(default_factory=list)  # cycles whose first session is this week
    ending: list = field(default_factory=list)  # cycles whose last session is this week
    material_to_decide: int = 0
    badges_not_covering: int = 0
    problems_open: int = 0
    sessions_hit: int = 0

    @property
    def totals(self) -> Day:
        return Day(date=self.monday, sessions=sum(d.sessions for d in self.days),
                   cancelled=sum(d.cancelled for d in self.days), moved=sum(d.moved for d in self.days),
                   participants=sum(d.participants for d in self.days),
                   outside_people=sum(d.outside_people for d in self.days))


def monday_of(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_summary(user, site, day: dt.date) -> WeekSummary:
    from activities.models import CycleMaterial, SessionProblem
    from activities.renewals import renewals_due

    from .checks import sessions_hit_by_exceptions

    monday = monday_of(day)
    sunday = monday + dt.timedelta(days=6)
    start, end = local_day_bounds(monday, sunday)
    sessions = list(
        access.visible_gate_sessions(user).filter(cycle__term__site=site, starts_at__gte=start, starts_at__lt=end)
        .select_related("cycle").prefetch_related("facilitators", "cycle__facilitators", "cancelled_units")
        .order_by("starts_at", "pk")
    )
    enrolled = defaultdict(dict)  # cycle -> unit -> participants living there
    for cycle_id, unit_id, count in (Enrolment.objects.filter(cycle__in={s.cycle_id for s in sessions},
                                                             status=EnrolmentStatus.ENROLLED)
                                     .values_list("cycle_id", "detainee__unit_id").annotate(n=Count("pk"))
                                     .values_list("cycle_id", "detainee__unit_id", "n")):
        enrolled[cycle_id][unit_id] = count
    days = {monday + dt.timedelta(days=n): Day(monday + dt.timedelta(days=n)) for n in range(7)}
    people, rooms = defaultdict(set), defaultdict(set)
    for session in sessions:
        today = days[session.starts_at.astimezone(BRUSSELS).date()]
        if session.status == SessionStatus.CANCELLED:
            today.cancelled += 1
            continue
        today.sessions += 1
        today.moved += session.is_moved
        not_coming = {unit.pk for unit in session.cancelled_units.all()}
        today.participants += sum(n for unit_id, n in enrolled[session.cycle_id].items() if unit_id not in not_coming)
        people[today.date].update(f.pk for f in session_facilitators(session) if f.is_outside_person)
        rooms[today.date].add(session.room_id)
    for date, entry in days.items():
        entry.outside_people, entry.rooms = len(people[date]), len(rooms[date])
        entry.over_quota = site.daily_outside_quota is not None and entry.outside_people > site.daily_outside_quota

    spans = (Cycle.objects.filter(term__site=site, sessions__status=SessionStatus.SCHEDULED)
             .annotate(first=Min("sessions__starts_at"), last=Max("sessions__starts_at"))
             .filter(Q(first__gte=start, first__lt=end) | Q(last__gte=start, last__lt=end))
             .select_related("activity").order_by("code"))
    spans = list(spans)
    hit = [f for f in sessions_hit_by_exceptions(site, monday) if f.rows]
    hit_ids = {pk for f in hit for pk in f.rows} & {s.pk for s in sessions}
    return WeekSummary(
        site=site, monday=monday, days=list(days.values()),
        starting=[c for c in spans if start <= c.first < end], ending=[c for c in spans if start <= c.last < end],
        material_to_decide=CycleMaterial.objects.filter(cycle__term__site=site, status=MaterialStatus.REQUESTED).count(),
        badges_not_covering=len(renewals_due(site, monday)),
        problems_open=SessionProblem.objects.filter(session__cycle__term__site=site, resolved_at__isnull=True).count(),
        sessions_hit=len(hit_ids),
    )
