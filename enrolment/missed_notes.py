"""Notes to participants who missed their last sessions (step 10): before a place is given to someone on
the waiting list, the participant is asked in writing, in their language, whether they want to go on, with
the sessions they missed; they tick a box and hand the note back, and the coordinators record the reply
(continue, or stop: the enrolment ends and the place goes to the next person).

A run of absences with a note handed during it is "asked" and is not ticked for printing again; a new run
after a reply gets a new note.
"""
import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit
from core.models import AuditAction

from . import notices, services
from .attendance import absence_runs
from .models import Enrolment, EventKind, LeavingReason, MissedSessionsNote, NoteReply

# the leaving reason recorded when someone answers that they stop, unless another is chosen
STOP_REASON_CODE = "withdrew"


@dataclass
class Run:
    """A participant's current run of absences and the latest note handed to them, if any."""

    enrolment: Enrolment
    missed: list[dt.datetime]  # newest first
    note: MissedSessionsNote | None

    @property
    def asked(self) -> bool:
        """A note went out during this run (after its first missed session)."""
        return self.note is not None and self.note.handed_at >= self.missed[-1]


def runs_to_follow(enrolments) -> list[Run]:
    """Participants absent at their last two or more sessions, longest runs first, with their latest note.
    Three queries."""
    runs = absence_runs(enrolments)
    latest = MissedSessionsNote.objects.filter(enrolment=OuterRef("enrolment_id")).order_by("-handed_at", "-id")
    notes = {note.enrolment_id: note for note in MissedSessionsNote.objects.filter(
        enrolment_id__in=[enrolment.pk for enrolment, _missed in runs], pk=Subquery(latest.values("pk")[:1]))}
    return [Run(enrolment, missed, notes.get(enrolment.pk)) for enrolment, missed in runs]


def awaiting_reply(enrolments):
    """The notes handed to participants of `enrolments` still enrolled, whose reply is not recorded yet."""
    return MissedSessionsNote.objects.filter(enrolment__in=enrolments.filter(status="enrolled"), reply="")


@dataclass
class NoteSlip:
    enrolment: Enrolment
    language: str
    title: str
    missed: list[dt.datetime]  # oldest first, as the note lists them

    @property
    def token(self) -> str:
        """What the page posts back once the note is handed out."""
        return f"{self.enrolment.pk}:{len(self.missed)}:{int(self.missed[0].timestamp())}:{self.language}"


def slips_for(runs: list[Run], language: str | None = None) -> list[NoteSlip]:
    """Each run's note in the participant's language unless `language` is chosen, by unit and name.
    The enrolments need `detainee__languages` prefetched."""
    ordered = sorted(runs, key=lambda run: (run.enrolment.detainee.unit.code if run.enrolment.detainee.unit else "",
                                            run.enrolment.detainee.last_name, run.enrolment.detainee.first_name))
    slips = []
    for run in ordered:
        slip_language = notices.notice_language(run.enrolment.detainee, language)
        slips.append(NoteSlip(enrolment=run.enrolment, language=slip_language,
                              title=run.enrolment.cycle.activity.title(slip_language), missed=run.missed[::-1]))
    return slips


def record_printed(user, slips: list[NoteSlip]) -> None:
    """Printing reads detainee data: one audit entry per person, ids only."""
    audit.record_each(user, AuditAction.VIEW, [slip.enrolment for slip in slips],
                      object_type="enrolment.enrolment", detail="missed sessions note")


def record_handed(user, scope, tokens: list[str]) -> list[MissedSessionsNote]:
    """Record the notes handed out (the print page's tokens), all or none; a row not printed by Relais,
    outside `scope` or of a site the user does not coordinate is refused naming the row."""
    if not tokens:
        raise ValidationError({"notes": _("Tick at least one note.")})
    parsed, errors = [], []
    for row, token in enumerate(tokens, start=1):
        parts = token.split(":")
        if len(parts) != 4 or not all(part.isdigit() for part in parts[:3]) or parts[3] not in notices.NOTICE_LANGUAGES:
            errors.append(_("Row %(row)s: this is not a note printed by Relais.") % {"row": row})
            continue
        parsed.append((row, int(parts[0]), int(parts[1]), dt.datetime.fromtimestamp(int(parts[2]), tz=dt.UTC),
                       parts[3]))
    found = {e.pk: e for e in scope.filter(pk__in=[item[1] for item in parsed]).select_related("cycle__term")}
    notes = []
    for row, enrolment_id, absences, first_missed, language in parsed:
        enrolment = found.get(enrolment_id)
        if enrolment is None:
            errors.append(_("Row %(row)s: no enrolment %(id)s among those you may see.") % {
                "row": row, "id": enrolment_id})
        elif not user.has_perm("enrolment.record_feedback", enrolment):
            errors.append(_("Row %(row)s: you may not follow up the participants of this site.") % {"row": row})
        else:
            notes.append(MissedSessionsNote(enrolment=enrolment, absences=absences, first_missed_at=first_missed,
                                            language=language, by=user))
    if errors:
        raise ValidationError({"notes": errors})
    with transaction.atomic():
        return MissedSessionsNote.objects.bulk_create(notes)


def record_reply(note: MissedSessionsNote, reply: str, *, by, leaving_reason: LeavingReason | None = None
                 ) -> MissedSessionsNote:
    """The participant's answer to the note. "Stop" ends the enrolment as their own withdrawal (the place
    goes to the next person on the waiting list), in the same transaction."""
    if reply not in NoteReply.values:
        raise ValidationError({"reply": _("Choose what they answered.")})
    if not by.has_perm("enrolment.record_feedback", note.enrolment):
        raise ValidationError({"reply": _("You may not follow up the participants of this site.")})
    with transaction.atomic():
        note = MissedSessionsNote.objects.select_for_update().select_related("enrolment").get(pk=note.pk)
        if note.reply:
            raise ValidationError({"reply": _("Their reply is already recorded.")})
        note.reply, note.replied_at, note.reply_by = reply, timezone.now(), by
        note.save(update_fields=["reply", "replied_at", "reply_by"])
        if reply == NoteReply.STOP and note.enrolment.status == "enrolled":
            services.withdraw(note.enrolment, by=by,
                              reason=leaving_reason or services.leaving_reason(STOP_REASON_CODE),
                              kind=EventKind.MISSED_NOTE_STOP)
    return note


def record_handed_now(user, scope, enrolment_ids: list[int], language: str | None = None) -> list[MissedSessionsNote]:
    """The API's "handed out": the notes of these participants as they would print now, all or none; one
    not absent at their last two sessions is refused naming the row."""
    runs = {run.enrolment.pk: run for run in runs_to_follow(
        scope.filter(pk__in=enrolment_ids).select_related("detainee__unit").prefetch_related("detainee__languages"))}
    missing = [_("Row %(row)s: enrolment %(id)s has not missed its last two sessions, or you may not see it.") % {
        "row": row, "id": pk} for row, pk in enumerate(enrolment_ids, start=1) if pk not in runs]
    if missing:
        raise ValidationError({"notes": missing})
    by_id = {slip.enrolment.pk: slip for slip in slips_for(list(runs.values()), language)}
    return record_handed(user, scope, [by_id[pk].token for pk in enrolment_ids])


def take_back(note: MissedSessionsNote, *, by) -> None:
    """A note recorded as handed out by mistake, before any reply: it goes (audited, ids only)."""
    if not by.has_perm("enrolment.record_feedback", note.enrolment):
        raise ValidationError({"note": _("You may not follow up the participants of this site.")})
    if note.reply:
        raise ValidationError({"note": _("Their reply is already recorded: the note stays.")})
    with transaction.atomic():
        audit.record(by, AuditAction.DELETE, note.enrolment, detail="missed sessions note taken back")
        note.delete()
