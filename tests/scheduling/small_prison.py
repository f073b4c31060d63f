"""A small hand-built prison shared by the planning tests: two units, two rooms, two cycles."""
import datetime as dt
from types import SimpleNamespace

import pytest

from activities.models import Availability
from prisons.models import BlockedPeriod, BlockedReason, RegimePeriod, RoomKind
from tests.factories import (
    ActivityFactory,
    BuildingFactory,
    CycleFactory,
    DetaineeFactory,
    EnrolmentFactory,
    FacilitatorFactory,
    RoomFactory,
    TermFactory,
    UnitFactory,
)

TIMES = {0: ("08:30", "10:00"), 1: ("10:15", "11:45"), 3: ("13:30", "15:00")}


def _time(text):
    return dt.time.fromisoformat(text)


def build_small_prison(site, *, first_date=dt.date(2027, 3, 1), last_date=dt.date(2027, 4, 30)):
    building = BuildingFactory(site=site, code="B1", name="Building 1")
    a1 = UnitFactory(building=building, site=site, code="A1", name="Wing A1", max_parallel_sessions=1)
    a2 = UnitFactory(building=building, site=site, code="A2", name="Wing A2")
    for weekday in (0, 1):
        for index, (start, end) in TIMES.items():
            RegimePeriod.objects.create(site=site, weekday=weekday, index=index, start=_time(start), end=_time(end))
    BlockedPeriod.objects.create(unit=a1, weekday=0, start=_time("13:00"), end=_time("14:00"), reason=BlockedReason.COUNT)
    classroom = RoomFactory(site=site, building=building, code="class", name="Classroom", kind=RoomKind.CLASSROOM,
                            capacity=10, reachable_from_all_units=False)
    classroom.reachable_units.set([a1])
    hall = RoomFactory(site=site, code="hall", name="Sports hall", kind=RoomKind.SPORTS_HALL, capacity=20)
    RoomFactory(site=site, code="old", name="Closed room", active=False)
    ana = FacilitatorFactory(first_name="Ana", last_name="Lopez", sites=[site])
    Availability.objects.create(facilitator=ana, weekday=0, start=_time("08:00"), end=_time("12:00"), preferred=True)
    Availability.objects.create(facilitator=ana, weekday=1, start=_time("08:00"), end=_time("16:00"))
    term = TermFactory(site=site, name="Spring", first_date=first_date, last_date=last_date)
    french = CycleFactory(
        term=term, code="french", capacity=8, sessions_per_week=2, facilitators=[ana], eligible_units=[a1],
        activity=ActivityFactory(code="french", title_en="French", room_kinds=["classroom"]),
    )
    sport = CycleFactory(
        term=term, code="sport", capacity=12, sessions_per_week=1, eligible_units=[a1, a2],
        activity=ActivityFactory(code="sport", title_en="Sport", room_kinds=["sports_hall"]),
    )
    someone = DetaineeFactory(unit=a1)
    EnrolmentFactory(detainee=someone, cycle=french)
    EnrolmentFactory(detainee=someone, cycle=sport)
    return SimpleNamespace(site=site, building=building, a1=a1, a2=a2, classroom=classroom, hall=hall, ana=ana,
                           term=term, french=french, sport=sport, detainee=someone)


def session_on(cycle, day):
    """The cycle's dated session on that Brussels day."""
    from activities.models import Session
    from scheduling.calendars import BRUSSELS

    return next(s for s in Session.objects.filter(cycle=cycle) if s.starts_at.astimezone(BRUSSELS).date() == day)


@pytest.fixture(autouse=True)
def english(settings):
    """These tests read the English source strings, whatever catalogues are compiled."""
    settings.LANGUAGE_CODE = "en"
