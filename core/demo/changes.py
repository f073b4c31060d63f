"""Life after publication in the demo, so that a first visit shows what a real week looks like: two
sessions moved by hand, a volunteer replaced for a day and a session cancelled, all in the coming week
at Haren and through the same services a coordinator uses (e-mails included)."""
import datetime as dt

from django.db import transaction
from django.utils import timezone

from activities.models import Session, SessionStatus
from core.models import User

from . import data


@transaction.atomic
def apply_week_changes(now: dt.datetime | None = None) -> dict[str, int]:
    """Counts of what changed; nothing when the demo has no coming sessions (not planned yet)."""
    from scheduling import replacements, services

    now = now or timezone.now()
    coordinator = User.objects.get(username="coordinator")
    coming = list(Session.objects.filter(
        cycle__term__site__code="haren", cycle__term__site__address__contains=data.DEMO_MARK,
        status=SessionStatus.SCHEDULED, starts_at__gte=now + dt.timedelta(days=1),
        starts_at__lt=now + dt.timedelta(days=7),
    ).select_related("cycle__term").order_by("starts_at", "pk"))
    changed = set()
    moved = 0
    for session in coming:  # the first two that can go to the next day
        day = session.starts_at.astimezone(services.LOCAL).date() + dt.timedelta(days=1)
        slot = next(iter(services.free_slots(session, day)), None) if day <= session.cycle.term.last_date else None
        if slot is not None:
            services.move_session(session, day=day, period=slot.period, room=slot.room, by=coordinator)
            changed.add(session.pk)
            moved += 1
            if moved == 2:
                break
    rest = [s for s in coming if s.pk not in changed]
    replaced = 0
    for session in rest[len(rest) // 3:]:  # someone from outside stands in, midweek
        stand_ins = [f for f in replacements.candidates(session)
                     if f.is_outside_person and f not in session.cycle.facilitators.all()]
        if stand_ins:
            replacements.replace(session, stand_ins[:1], by=coordinator)
            changed.add(session.pk)
            replaced = 1
            break
    rest = [s for s in rest if s.pk not in changed]
    if rest:
        services.cancel_session(rest[len(rest) // 2], reason="technical",
                                reason_text="Demo: heating broken in the room", by=coordinator)
    return {"moved": moved, "replaced": replaced, "cancelled": 1 if rest else 0}
