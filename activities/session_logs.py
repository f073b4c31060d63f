"""Session logs (step 9): what a session covered and what to prepare for the next, written by the
session's facilitators (while its register is open to them) or the coordinators. A stand-in reads
the last one before leading the group; the cycle page lists them for the partner's report."""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import SessionLog, SessionStatus


def write_log(session, *, done: str, next_time: str = "", by) -> SessionLog:
    """Create or replace the session's log."""
    if not (by and by.has_perm("activities.write_session_log", session)):
        raise PermissionDenied(_("You may not write the log of this session."))
    done, next_time = (done or "").strip(), (next_time or "").strip()
    errors = {}
    if session.status == SessionStatus.CANCELLED:
        errors["done"] = _("This session was cancelled: there is nothing to log.")
    elif session.starts_at > timezone.now():
        errors["done"] = _("This session has not started yet.")
    elif not done:
        errors["done"] = _("Say what the session covered.")
    elif len(done) > 2000:
        errors["done"] = _("Keep it under 2,000 characters.")
    if len(next_time) > 1000:
        errors["next_time"] = _("Keep it under 1,000 characters.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        log, _created = SessionLog.objects.update_or_create(
            session=session, defaults={"done": done, "next_time": next_time, "written_by": by},
        )
    return log


def previous_log(session) -> SessionLog | None:
    """The log of the cycle's last session before this one that has a log, for whoever leads next."""
    return (SessionLog.objects.filter(session__cycle_id=session.cycle_id, session__starts_at__lt=session.starts_at)
            .select_related("session", "written_by").order_by("-session__starts_at").first())
