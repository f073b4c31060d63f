"""A term's programme as a workbook (step 4 and 7): the weekly timetable as published, and every dated
session with what happened to it (cancelled, moved, a unit not coming, a stand-in). For the direction
and the services who keep their own spreadsheets, and for coordinators' records.

Times are Brussels time, dates and times real spreadsheet values. No participant's name: counts only.
A fixed number of queries whatever the size of the term.
"""
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils.translation import gettext as _
from openpyxl import Workbook

from activities.models import Facilitator, Session, SessionStatus
from enrolment.models import EnrolmentStatus
from prisons.models import Weekday

from .calendars import BRUSSELS, room_label
from .lists import add_sheet, workbook_bytes, xlsx_cell
from .models import Publication


@dataclass
class Programme:
    term: object
    publication: Publication | None
    weekly: list[list]
    dated: list[list]


def _names(people) -> str:
    return ", ".join(str(person) for person in people)


def term_programme(term, *, language: str) -> Programme:
    """The rows of both sheets: the latest publication's weekly sessions, and the term's dated sessions."""
    publication = Publication.objects.filter(term=term).order_by("-number").first()
    with_partner = Facilitator.objects.select_related("partner")
    enrolled = dict(term.cycles.annotate(n=Count("enrolments", filter=Q(enrolments__status=EnrolmentStatus.ENROLLED)))
                    .values_list("pk", "n"))
    weekly = []
    if publication is not None:
        slots = (publication.slots.select_related("cycle__activity", "room__building")
                 .prefetch_related("cycle__eligible_units", Prefetch("cycle__facilitators", queryset=with_partner))
                 .order_by("weekday", "start", "room__code", "pk"))
        for slot in slots:
            cycle = slot.cycle
            weekly.append([
                str(Weekday(slot.weekday).label), slot.start, slot.end, cycle.activity.title(language), cycle.code,
                room_label(slot.room), ", ".join(u.code for u in cycle.eligible_units.all()),
                _names(cycle.facilitators.all()), cycle.capacity, enrolled.get(cycle.pk, 0),
            ])
    sessions = (Session.objects.filter(cycle__term=term)
                .select_related("cycle__activity", "room__building", "moved_from_room__building")
                .prefetch_related("cycle__eligible_units", "cancelled_units",
                                  Prefetch("facilitators", queryset=with_partner),
                                  Prefetch("cycle__facilitators", queryset=with_partner))
                .order_by("starts_at", "room__code", "pk"))
    statuses = dict(SessionStatus.choices)
    dated = []
    for session in sessions:
        starts, ends = session.starts_at.astimezone(BRUSSELS), session.ends_at.astimezone(BRUSSELS)
        not_coming = {u.pk for u in session.cancelled_units.all()}
        own = list(session.facilitators.all())
        moved_from = ""
        if session.is_moved:
            was = session.first_planned_local
            room = room_label(session.moved_from_room) if session.moved_from_room_id else ""
            moved_from = f"{was:%Y-%m-%d %H:%M} {room}".strip()
        dated.append([
            starts.date(), str(Weekday(starts.weekday()).label), starts.time().replace(tzinfo=None),
            ends.time().replace(tzinfo=None), session.cycle.activity.title(language), session.cycle.code,
            room_label(session.room),
            ", ".join(u.code for u in session.cycle.eligible_units.all() if u.pk not in not_coming),
            ", ".join(sorted(u.code for u in session.cancelled_units.all())),
            _names(own or session.cycle.facilitators.all()), _("yes") if own else "",
            str(statuses[session.status]), session.cancellation_text, moved_from,
        ])
    return Programme(term=term, publication=publication, weekly=weekly, dated=dated)


def weekly_header():
    return [_("Weekday"), _("Start"), _("End"), _("Activity"), _("Cycle"), _("Room"), _("Units"), _("Facilitators"),
            _("Places"), _("Enrolled")]


def dated_header():
    return [_("Date"), _("Weekday"), _("Start"), _("End"), _("Activity"), _("Cycle"), _("Room"), _("Units going"),
            _("Units not coming"), _("Led by"), _("Stand-in"), _("Status"), _("Cancellation reason"),
            _("First planned")]


def programme_xlsx(programme: Programme) -> bytes:
    workbook = Workbook(write_only=True)
    publication = programme.publication
    add_sheet(workbook, _("Weekly timetable"), weekly_header(), programme.weekly,
              [12, 8, 8, 34, 16, 30, 16, 34, 8, 9])
    add_sheet(workbook, _("Dated sessions"), dated_header(), programme.dated,
              [11, 12, 8, 8, 34, 16, 30, 16, 16, 34, 9, 11, 30, 28])
    about = workbook.create_sheet(title=_("About")[:31])
    about.append([xlsx_cell(about, str(programme.term), bold=True)])
    about.append([xlsx_cell(about, _("Published timetable: version %(number)s, in force from %(date)s.") % {
        "number": publication.number, "date": publication.effective_date.isoformat()}
        if publication else _("This term has not been published yet: no weekly timetable, no dated session."))])
    about.append([xlsx_cell(about, _("Times are Brussels time. No participant's name: enrolled counts only."))])
    return workbook_bytes(workbook)
