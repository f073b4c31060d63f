"""Each detainee's activities of the week on a slip in their language, printed per unit for its
officers to hand out (steps 5 and 7): many detainees have no calendar and some cannot read, so the
slip gives each session's day and time with the activity's pictogram and the room.

The same people and sessions as the unit's movement lists, over a week: sessions cancelled, or that
the unit no longer goes to, are left out; the unit is the detainee's on the day (placement history).
"""
import datetime as dt
import re
from dataclasses import dataclass, field

from activities.models import SessionStatus
from core import rules as access
from enrolment.notices import notice_language
from prisons.models import Detainee

from .calendars import BRUSSELS, local_day_bounds, monday_of, room_label
from .lists import goers_by_session


@dataclass
class SlipLine:
    day: dt.date
    starts: dt.time
    ends: dt.time
    title: str
    picture: str
    room: str


@dataclass
class WeekSlip:
    detainee: Detainee
    language: str
    lines: list[SlipLine] = field(default_factory=list)


def week_slips(user, unit, day: dt.date) -> list[WeekSlip]:
    """The slips of `unit` for the week of `day`: one per detainee with a session that week, by cell
    then name; each in the detainee's language."""
    monday = monday_of(day)
    start, end = local_day_bounds(monday, monday + dt.timedelta(days=6))
    sessions = list(
        access.visible_sessions(user)
        .filter(cycle__term__site=unit.site_id, starts_at__gte=start, starts_at__lt=end,
                status__in=[SessionStatus.SCHEDULED, SessionStatus.HELD])
        .exclude(cancelled_units=unit)
        .select_related("cycle__activity", "room__building")
        .order_by("starts_at", "pk")
    )
    if not sessions:
        return []
    goers = goers_by_session(user, sessions)
    people = {goer.detainee_id for rows in goers.values() for goer in rows if goer.unit_id == unit.pk}
    detainees = Detainee.objects.filter(pk__in=people).prefetch_related("languages").in_bulk()
    slips: dict[int, WeekSlip] = {}
    for session in sessions:
        for goer in goers[session.pk]:
            if goer.unit_id != unit.pk:
                continue
            slip = slips.get(goer.detainee_id)
            if slip is None:
                detainee = detainees[goer.detainee_id]
                slip = slips[goer.detainee_id] = WeekSlip(detainee, notice_language(detainee))
            activity = session.cycle.activity
            slip.lines.append(SlipLine(
                day=session.starts_at.astimezone(BRUSSELS).date(), starts=session.starts_at.astimezone(BRUSSELS).time(),
                ends=session.ends_at.astimezone(BRUSSELS).time(), title=activity.title(slip.language),
                picture=activity.picture, room=room_label(session.room),
            ))
    return sorted(slips.values(), key=lambda s: (_natural(s.detainee.cell or ""), s.detainee.last_name.casefold(),
                                                 s.detainee.first_name.casefold(), s.detainee.prison_number))


def _natural(text: str) -> list:
    """Cells in the order of the gallery: 3 before 12, B2 before B10."""
    return [(0, int(part), "") if part.isdigit() else (1, 0, part.casefold()) for part in re.split(r"(\d+)", text)]
