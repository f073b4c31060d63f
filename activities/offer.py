"""Publicising the offer (step 5): the sheet posted in a unit, listing the cycles its detainees can
apply for, with when, in which language, how many places are left and how to apply.

Three queries (the cycles, the units they are open to, their sessions), however many cycles and units.
"""
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils import timezone

from enrolment.models import EnrolmentStatus
from prisons.models import Weekday
from prisons.selectors import language_name

from .models import Cycle, CycleStatus, Session, SessionStatus


@dataclass
class OfferItem:
    cycle: Cycle
    title: str
    description: str
    language: str
    slots: list[dict]
    first_date: dt.date | None
    places_left: int


def weekly_slots(sessions) -> list[dict]:
    """Distinct weekday/time/room combinations of `sessions` (scheduled ones, in time order), local time."""
    slots = {}
    for session in sessions:
        start, end = timezone.localtime(session.starts_at), timezone.localtime(session.ends_at)
        key = (start.weekday(), start.time(), end.time(), session.room_id)
        slot = slots.setdefault(key, {"weekday": start.weekday(), "weekday_name": Weekday(start.weekday()).label,
                                      "start": start.time(), "end": end.time(),
                                      "room": session.room, "first": start.date(), "last": start.date(), "count": 0})
        slot["last"] = start.date()
        slot["count"] += 1
    return sorted(slots.values(), key=lambda s: (s["weekday"], s["start"]))


def offer_for_unit(unit, language: str, now: dt.datetime | None = None) -> list[OfferItem]:
    """Cycles open for applications that the unit's detainees may join, soonest first."""
    return offers_for_units([unit], language, now)[unit.pk]


def offers_for_units(units, language: str, now: dt.datetime | None = None) -> dict[int, list[OfferItem]]:
    """`offer_for_unit` for several units at once, in the same two queries."""
    now = now or timezone.now()
    unit_ids = [unit.pk for unit in units]
    cycles = list(
        Cycle.objects.filter(status=CycleStatus.OPEN, eligible_units__in=unit_ids,
                             term__last_date__gte=timezone.localdate(now))
        .select_related("activity")
        .annotate(enrolled=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED), distinct=True))
        .distinct()
    )
    open_to = defaultdict(set)
    for cycle_id, unit_id in Cycle.eligible_units.through.objects.filter(
            cycle__in=cycles, unit_id__in=unit_ids).values_list("cycle_id", "unit_id"):
        open_to[unit_id].add(cycle_id)
    sessions = defaultdict(list)
    for session in Session.objects.filter(
        cycle__in=cycles, status=SessionStatus.SCHEDULED, starts_at__gte=now,
    ).select_related("room").order_by("starts_at"):
        sessions[session.cycle_id].append(session)
    items = {}
    for cycle in cycles:
        upcoming = sessions[cycle.pk]
        items[cycle.pk] = OfferItem(
            cycle=cycle,
            title=cycle.activity.title(language),
            description=cycle.activity.description(language),
            language=language_name(cycle.language),
            slots=weekly_slots(upcoming),
            first_date=timezone.localdate(upcoming[0].starts_at) if upcoming else None,
            places_left=max(0, cycle.capacity - cycle.enrolled),
        )
    far = dt.date.max
    return {unit_id: sorted((items[pk] for pk in open_to[unit_id]), key=lambda item: (item.first_date or far, item.title))
            for unit_id in unit_ids}
