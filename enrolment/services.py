"""Every write of the enrolment workflow: applications, approval, places, waiting list, leaving.

Each function owns its transaction. Places are taken under a lock on the cycle row
(`select_for_update`; on SQLite the IMMEDIATE transaction serialises writers) and each enrolled
person holds a numbered place (1..capacity) that a unique constraint makes impossible to share.
"""
import csv
import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Cycle
from core import audit
from core.models import AuditAction
from prisons.models import Detainee, DetaineeStatus

from .models import (
    OPEN_STATUSES,
    Channel,
    Enrolment,
    EnrolmentEvent,
    EnrolmentStatus,
    EventKind,
    LeavingReason,
)

Status = EnrolmentStatus


class EligibilityError(ValidationError):
    """Raised when blocking findings (or unconfirmed warnings) stop a step; carries the findings."""

    def __init__(self, message, findings=()):
        super().__init__(message)
        self.findings = list(findings)


def _event(enrolment, from_status, by, reason="", leaving_reason=None, kind=""):
    """`reason`: a person's words only; what Relais says goes in `kind`, shown in each reader's language."""
    EnrolmentEvent.objects.create(
        enrolment=enrolment, from_status=from_status or "", to_status=enrolment.status, by=by,
        reason=(reason or "")[:255], leaving_reason=leaving_reason, kind=kind,
    )


def _user(by):
    return by if getattr(by, "is_authenticated", False) else None


def _lock_cycle(cycle_id) -> Cycle:
    return Cycle.objects.select_for_update().select_related("term", "activity").get(pk=cycle_id)


def _duplicate_message(detainee, cycle) -> str:
    return _("%(number)s already has an open application for this cycle.") % {"number": detainee.prison_number}


# --- applications ---------------------------------------------------------------------------------


def record_application(
    *, detainee: Detainee, cycle: Cycle, by=None, requested_on: dt.date | None = None,
    channel: str = Channel.REQUEST_SLIP, forwarded_by: str = "", needs_based: bool = False,
) -> Enrolment:
    """Record a request to take part. One open application per detainee and cycle."""
    if detainee.status != DetaineeStatus.PRESENT:
        raise ValidationError(
            {"detainee": _("%(number)s is no longer in prison (transferred or released).") % {"number": detainee.prison_number}}
        )
    if detainee.site_id != cycle.term.site_id:
        raise ValidationError({"detainee": _("This detainee is held at another site than the cycle.")})
    try:
        with transaction.atomic():
            enrolment = Enrolment.objects.create(
                detainee=detainee, cycle=cycle, status=Status.PENDING,
                requested_on=requested_on or timezone.localdate(), channel=channel,
                forwarded_by=forwarded_by.strip(), needs_based=needs_based, recorded_by=_user(by),
            )
            _event(enrolment, "", _user(by), kind=EventKind.RECORDED)
            audit.record(_user(by), AuditAction.CREATE, enrolment)
    except IntegrityError as exc:
        raise ValidationError({"detainee": _duplicate_message(detainee, cycle)}) from exc
    return enrolment


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # (row, column, message)

    @property
    def ok(self) -> bool:
        return not self.errors


IMPORT_COLUMNS = ("prison_number", "requested_on", "channel", "forwarded_by", "needs_based")


def _read_rows(uploaded_name: str, content: bytes) -> list[dict]:
    """Rows of an xlsx or CSV file as dicts keyed by the (lower-case) header; row 1 is the header."""
    name = uploaded_name.lower()
    if name.endswith(".xlsx"):
        import openpyxl

        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        rows = [list(r) for r in sheet.iter_rows(values_only=True)]
        book.close()
    elif name.endswith(".csv"):
        text = content.decode("utf-8-sig")
        dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ",", delimiters=",;\t")
        rows = list(csv.reader(io.StringIO(text), dialect))
    else:
        raise ValidationError({"file": _("Upload an .xlsx or .csv file.")})
    if not rows:
        raise ValidationError({"file": _("The file is empty.")})
    header = [str(h or "").strip().lower() for h in rows[0]]
    if "prison_number" not in header:
        raise ValidationError({"file": _("Row 1 must be a header with a column named prison_number.")})
    out = []
    for values in rows[1:]:
        values = list(values) + [None] * (len(header) - len(values))
        out.append({h: values[i] for i, h in enumerate(header) if h})
    return out


def _parse_date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value).strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)


def import_applications(*, cycle: Cycle, filename: str, content: bytes, by=None) -> ImportReport:
    """Validate every row first; save all rows or none. Errors name the row and the column."""
    report = ImportReport()
    rows = _read_rows(filename, content)
    numbers = [str(r.get("prison_number") or "").strip() for r in rows]
    detainees = {d.prison_number: d for d in Detainee.objects.filter(prison_number__in=numbers)}
    already = set(
        Enrolment.objects.filter(cycle=cycle, status__in=OPEN_STATUSES, detainee__prison_number__in=numbers)
        .values_list("detainee__prison_number", flat=True)
    )
    seen: dict[str, int] = {}
    valid = []
    channels = {c.value for c in Channel}
    for index, row in enumerate(rows, start=2):
        number = numbers[index - 2]
        if not any(v not in (None, "") for v in row.values()):
            continue
        if not number:
            report.errors.append((index, "prison_number", _("The prison number is missing.")))
            continue
        detainee = detainees.get(number)
        if detainee is None:
            report.errors.append((index, "prison_number", _("No detainee has the number %(number)s.") % {"number": number}))
            continue
        if detainee.site_id != cycle.term.site_id:
            report.errors.append((index, "prison_number", _("%(number)s is held at another site.") % {"number": number}))
            continue
        if detainee.status != DetaineeStatus.PRESENT:
            report.errors.append((index, "prison_number", _("%(number)s is no longer in prison.") % {"number": number}))
            continue
        if number in seen:
            report.errors.append((index, "prison_number", _("%(number)s is already on row %(row)s.") % {"number": number, "row": seen[number]}))
            continue
        seen[number] = index
        if number in already:
            report.errors.append((index, "prison_number", _duplicate_message(detainee, cycle)))
            continue
        try:
            requested_on = _parse_date(row.get("requested_on")) or timezone.localdate()
        except ValueError:
            report.errors.append((index, "requested_on", _("Write the date as YYYY-MM-DD or DD/MM/YYYY.")))
            continue
        channel = str(row.get("channel") or Channel.IMPORT).strip().lower()
        if channel not in channels:
            report.errors.append((index, "channel", _("Unknown channel; use one of: %(choices)s.") % {"choices": ", ".join(sorted(channels))}))
            continue
        needs_based = str(row.get("needs_based") or "").strip().lower() in {"1", "yes", "true", "oui", "ja", "x"}
        valid.append((detainee, requested_on, channel, str(row.get("forwarded_by") or "").strip()[:150], needs_based))
    if not valid and not report.errors:
        report.errors.append((2, "prison_number", _("The file has no rows to import.")))
    if report.errors:
        return report
    try:
        with transaction.atomic():
            for detainee, requested_on, channel, forwarded_by, needs_based in valid:
                enrolment = Enrolment.objects.create(
                    detainee=detainee, cycle=cycle, status=Status.PENDING, requested_on=requested_on,
                    channel=channel, forwarded_by=forwarded_by, needs_based=needs_based, recorded_by=_user(by),
                )
                _event(enrolment, "", _user(by), kind=EventKind.IMPORTED)
                report.created.append(enrolment)
            audit.record(_user(by), AuditAction.IMPORT, cycle, detail=f"{len(valid)} applications")
    except IntegrityError:
        report.created = []
        report.errors.append((0, "prison_number", _("Someone recorded one of these applications meanwhile; nothing was saved, try again.")))
    return report


# --- approval, places and the waiting list --------------------------------------------------------


def _blocking(findings, confirmed: set[str]):
    from .checks import Severity

    errors = [f for f in findings if f.severity == Severity.ERROR]
    unconfirmed = [f for f in findings if f.needs_confirmation and f.code not in confirmed]
    return errors, unconfirmed


def _apply_confirmation(enrolment, findings, confirm_codes, confirmation_reason):
    """Store the warnings the coordinator confirmed, with the reason; refuse a confirmation without one."""
    confirm_codes = set(confirm_codes or ())
    needed = {f.code for f in findings if f.needs_confirmation}
    newly = needed & confirm_codes - set(enrolment.confirmed_findings)
    if newly:
        if not (confirmation_reason or "").strip():
            raise ValidationError({"confirmation_reason": _("Give the reason for going ahead despite the warnings.")})
        enrolment.confirmed_findings = sorted(set(enrolment.confirmed_findings) | newly)
        enrolment.confirmation_reason = confirmation_reason.strip()[:255]
    return set(enrolment.confirmed_findings)


def _raise_if_blocked(findings, confirmed):
    errors, unconfirmed = _blocking(findings, confirmed)
    if errors:
        raise EligibilityError(" ".join(str(f.message) for f in errors), findings)
    if unconfirmed:
        raise EligibilityError(
            _("Confirm these warnings with a reason first: %(list)s")
            % {"list": " ".join(str(f.message) for f in unconfirmed)},
            findings,
        )


def approve(enrolment: Enrolment, *, by=None, reason: str = "", confirm_codes=(), confirmation_reason: str = "") -> Enrolment:
    """Pending → approved (on the waiting list). Refuses with the findings that stop it."""
    from .checks import check_application

    with transaction.atomic():
        cycle = _lock_cycle(enrolment.cycle_id)
        enrolment = Enrolment.objects.select_for_update().select_related("detainee").get(pk=enrolment.pk)
        if enrolment.status != Status.PENDING:
            raise ValidationError(_("Only a pending application can be approved."))
        findings = check_application(enrolment.detainee, cycle, enrolment=enrolment, for_approval=True)
        confirmed = _apply_confirmation(enrolment, findings, confirm_codes, confirmation_reason)
        _raise_if_blocked(findings, confirmed)
        enrolment.status = Status.APPROVED
        enrolment.save()
        _event(enrolment, Status.PENDING, _user(by), reason or enrolment.confirmation_reason)
        _offer_free_places(cycle, by)
    enrolment.refresh_from_db()
    return enrolment


def decline(enrolment: Enrolment, *, by=None, reason: str) -> Enrolment:
    if not (reason or "").strip():
        raise ValidationError({"reason": _("Say why the application is declined.")})
    with transaction.atomic():
        # Lock order everywhere: the cycle, then the application (no deadlock between writers).
        cycle = _lock_cycle(enrolment.cycle_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status not in (Status.PENDING, Status.APPROVED):
            raise ValidationError(_("Only a pending or waiting application can be declined."))
        previous = enrolment.status
        enrolment.status = Status.DECLINED
        enrolment.ended_on = timezone.localdate()
        enrolment.offered_at = None
        enrolment.save()
        _event(enrolment, previous, _user(by), reason)
        if previous == Status.APPROVED:
            _offer_free_places(cycle, by)
    return enrolment


def _free_seat(cycle: Cycle) -> int | None:
    taken = set(
        Enrolment.objects.filter(cycle=cycle, status=Status.ENROLLED, seat__isnull=False).values_list("seat", flat=True)
    )
    enrolled = Enrolment.objects.filter(cycle=cycle, status=Status.ENROLLED).count()
    if enrolled >= cycle.capacity:
        return None
    return next((n for n in range(1, cycle.capacity + 1) if n not in taken), None)


@dataclass
class EnrolResult:
    enrolment: Enrolment
    enrolled: bool
    findings: list


def enrol(enrolment: Enrolment, *, by=None, reason: str = "", confirm_codes=(), confirmation_reason: str = "",
          kind: str = "") -> EnrolResult:
    """Give the applicant a place if one is free, else put them on the waiting list.

    Pending applications are approved on the way (the same checks apply). The capacity check runs
    under the cycle lock and the place number is unique per cycle, so the cycle never overfills.
    """
    from .checks import check_application

    with transaction.atomic():
        cycle = _lock_cycle(enrolment.cycle_id)
        enrolment = Enrolment.objects.select_for_update().select_related("detainee").get(pk=enrolment.pk)
        if enrolment.status not in (Status.PENDING, Status.APPROVED):
            raise ValidationError(_("Only a pending or waiting application can be enrolled."))
        findings = check_application(enrolment.detainee, cycle, enrolment=enrolment, for_approval=True)
        confirmed = _apply_confirmation(enrolment, findings, confirm_codes, confirmation_reason)
        _raise_if_blocked(findings, confirmed)
        previous = enrolment.status
        seat = _free_seat(cycle)
        if seat is None:
            enrolment.status = Status.APPROVED
            enrolment.save()
            if previous != Status.APPROVED:
                _event(enrolment, previous, _user(by), kind=EventKind.WAITING_LIST)
            return EnrolResult(enrolment, False, findings)
        enrolment.status = Status.ENROLLED
        enrolment.seat = seat
        enrolment.enrolled_on = timezone.localdate()
        enrolment.offered_at = None
        enrolment.save()
        _event(enrolment, previous, _user(by), reason or enrolment.confirmation_reason, kind=kind)
    return EnrolResult(enrolment, True, findings)


def confirm_offer(enrolment: Enrolment, *, by=None, confirm_codes=(), confirmation_reason: str = "") -> EnrolResult:
    """The coordinator accepts the place offered to the next person on the waiting list."""
    if enrolment.status != Status.APPROVED or enrolment.offered_at is None:
        raise ValidationError(_("No place is offered to this person."))
    return enrol(enrolment, by=by, kind=EventKind.OFFER_CONFIRMED, confirm_codes=confirm_codes,
                 confirmation_reason=confirmation_reason)


def _offer_free_places(cycle: Cycle, by=None) -> list[Enrolment]:
    """Offer each free place to the next eligible person on the waiting list (needs-based first,
    then application date). Call with the cycle locked. The coordinator confirms each offer."""
    from .checks import Severity, check_application
    from .selectors import waiting_list_for

    enrolled = Enrolment.objects.filter(cycle=cycle, status=Status.ENROLLED).count()
    offered = Enrolment.objects.filter(cycle=cycle, status=Status.APPROVED, offered_at__isnull=False).count()
    free = cycle.capacity - enrolled - offered
    made = []
    if free <= 0:
        return made
    for candidate in waiting_list_for(cycle).filter(offered_at__isnull=True):
        if len(made) >= free:
            break
        findings = check_application(candidate.detainee, cycle, enrolment=candidate)
        if any(f.severity == Severity.ERROR for f in findings):
            continue
        candidate.offered_at = timezone.now()
        candidate.save(update_fields=["offered_at", "updated_at"])
        _event(candidate, Status.APPROVED, _user(by), kind=EventKind.PLACE_OFFERED)
        made.append(candidate)
    return made


def offer_free_places(cycle: Cycle, by=None) -> list[Enrolment]:
    with transaction.atomic():
        return _offer_free_places(_lock_cycle(cycle.pk), by)


# --- leaving --------------------------------------------------------------------------------------


def leaving_reason(code: str) -> LeavingReason:
    return LeavingReason.objects.get(code=code)


def end_enrolment(
    enrolment: Enrolment, *, reason: LeavingReason, by=None, note: str = "", status: str | None = None,
    kind: str = "",
) -> Enrolment:
    """Withdraw or remove someone with a leaving reason; a place they held is offered to the next."""
    if reason is None:
        raise ValidationError({"leaving_reason": _("Choose a leaving reason.")})
    with transaction.atomic():
        cycle = _lock_cycle(enrolment.cycle_id)
        enrolment = Enrolment.objects.select_for_update().get(pk=enrolment.pk)
        if enrolment.status not in OPEN_STATUSES:
            raise ValidationError(_("This application has already ended."))
        previous = enrolment.status
        if status is None:
            status = Status.REMOVED if previous == Status.ENROLLED else Status.WITHDRAWN
        if status not in (Status.WITHDRAWN, Status.REMOVED):
            raise ValidationError(_("An application ends as withdrawn or removed."))
        enrolment.status = status
        enrolment.seat = None
        enrolment.offered_at = None
        enrolment.leaving_reason = reason
        enrolment.ended_on = timezone.localdate()
        enrolment.save()
        _event(enrolment, previous, _user(by), note, leaving_reason=reason, kind=kind)
        if previous in (Status.ENROLLED, Status.APPROVED):
            _offer_free_places(cycle, by)
    return enrolment


def withdraw(enrolment: Enrolment, *, by=None, reason: LeavingReason | None = None, note: str = "",
             kind: str = "") -> Enrolment:
    """The detainee withdraws (own request by default)."""
    return end_enrolment(enrolment, reason=reason or leaving_reason("withdrew"), by=by, note=note,
                         status=Status.WITHDRAWN, kind=kind)


def remove(enrolment: Enrolment, *, by=None, reason: LeavingReason | None = None, note: str = "") -> Enrolment:
    """The coordinator takes someone out of the cycle."""
    return end_enrolment(enrolment, reason=reason or leaving_reason("withdrawn_by_coordinator"), by=by,
                         note=note, status=Status.REMOVED)


def end_enrolments_for_departure(detainee: Detainee, status: str, by=None) -> list[Enrolment]:
    """End every open application and enrolment of a detainee who was transferred or released.

    `status` is a `DetaineeStatus` (transferred / released); the leaving reason of the same code is
    used, each change is written to the history, and freed places are offered to the next person.
    """
    if status not in (DetaineeStatus.TRANSFERRED, DetaineeStatus.RELEASED):
        raise ValueError(f"Not a departure status: {status!r}")
    reason = leaving_reason(str(status))
    with transaction.atomic():
        return [
            end_enrolment(enrolment, reason=reason, by=by)
            for enrolment in Enrolment.objects.filter(detainee=detainee, status__in=OPEN_STATUSES).order_by("cycle_id")
        ]
