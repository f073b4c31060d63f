"""Planning records (solver runs, drafts, publications) and calendar feed tokens."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import CHOSEN_CANCELLATION_REASONS
from prisons.models import Weekday


class FeedKind(models.TextChoices):
    FACILITATOR = "facilitator", _("Facilitator")
    UNIT = "unit", _("Unit")
    ROOM = "room", _("Room")
    SITE = "site", _("Site")


class FeedToken(models.Model):
    """A secret iCal subscription URL. Only the SHA-256 of the token is stored; the token is shown once."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), on_delete=models.CASCADE, related_name="feed_tokens")
    kind = models.CharField(_("feed of"), max_length=12, choices=FeedKind.choices)
    facilitator = models.ForeignKey("activities.Facilitator", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("prisons.Unit", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    room = models.ForeignKey("prisons.Room", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    site = models.ForeignKey("prisons.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    language = models.CharField(_("language"), max_length=5, default="fr")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(kind="facilitator", facilitator__isnull=False)
                    | Q(kind="unit", unit__isnull=False)
                    | Q(kind="room", room__isnull=False)
                    | Q(kind="site", site__isnull=False)
                ),
                name="feed_token_names_its_target",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} feed #{self.pk}"

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)


class SolverRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class SolverRun(models.Model):
    """One request to plan a term: what was asked, how far the solver got, what it answered."""

    term = models.ForeignKey("activities.Term", verbose_name=_("term"), on_delete=models.CASCADE, related_name="solver_runs")
    status = models.CharField(_("status"), max_length=10, choices=SolverRunStatus.choices, default=SolverRunStatus.QUEUED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("requested"), auto_now_add=True)
    started_at = models.DateTimeField(_("started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    time_limit = models.PositiveIntegerField(_("time limit (seconds)"), default=60)
    elapsed = models.FloatField(_("elapsed seconds"), default=0)
    best_objective = models.FloatField(_("best penalty so far"), null=True, blank=True)
    bound = models.FloatField(_("proven lower bound"), null=True, blank=True)
    problem = models.JSONField(_("problem"), null=True, blank=True)
    solution = models.JSONField(_("solution"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    applied = models.BooleanField(_("applied to the draft"), default=False)

    class Meta:
        verbose_name = _("solver run")
        verbose_name_plural = _("solver runs")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.term} #{self.pk} ({self.status})"

    @property
    def solver_status(self) -> str:
        return (self.solution or {}).get("status", "")

    @property
    def is_active(self) -> bool:
        return self.status in (SolverRunStatus.QUEUED, SolverRunStatus.RUNNING)


class DraftSession(models.Model):
    """One weekly session of a term's draft timetable: which cycle, when (start period), where."""

    term = models.ForeignKey("activities.Term", verbose_name=_("term"), on_delete=models.CASCADE, related_name="draft_sessions")
    cycle = models.ForeignKey("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="draft_sessions")
    period = models.ForeignKey(
        "prisons.RegimePeriod", verbose_name=_("start period"), on_delete=models.CASCADE, related_name="draft_sessions"
    )
    room = models.ForeignKey("prisons.Room", verbose_name=_("room"), on_delete=models.CASCADE, related_name="draft_sessions")
    pinned = models.BooleanField(_("pinned"), default=False, help_text=_("Re-planning keeps a pinned session where it is."))
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("draft session")
        verbose_name_plural = _("draft sessions")
        ordering = ["term", "period__weekday", "period__index", "room__code", "id"]

    def __str__(self):
        return f"{self.cycle.code} {self.period} {self.room.code}"


class Publication(models.Model):
    """An immutable snapshot of a term's weekly timetable, valid from its effective date."""

    term = models.ForeignKey("activities.Term", verbose_name=_("term"), on_delete=models.CASCADE, related_name="publications")
    number = models.PositiveIntegerField(_("number"))
    effective_date = models.DateField(_("effective from"))
    published_at = models.DateTimeField(_("published"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("published by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    sessions_created = models.PositiveIntegerField(_("dated sessions created"), default=0)
    sessions_changed = models.PositiveIntegerField(_("dated sessions moved"), default=0)
    sessions_cancelled = models.PositiveIntegerField(_("dated sessions cancelled"), default=0)

    class Meta:
        verbose_name = _("publication")
        verbose_name_plural = _("publications")
        ordering = ["term", "-number"]
        constraints = [models.UniqueConstraint(fields=["term", "number"], name="publication_number_unique_per_term")]

    def __str__(self):
        return f"{self.term} v{self.number}"


class PublishedSlot(models.Model):
    """A weekly session as published: copied values, so later edits of the regime don't rewrite history.

    `key` is the weekly session's identity across publications; dated sessions carry it as `slot_key`.
    """

    publication = models.ForeignKey(Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="slots")
    key = models.UUIDField(_("weekly slot"))
    cycle = models.ForeignKey("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="published_slots")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    period = models.ForeignKey(
        "prisons.RegimePeriod", verbose_name=_("start period"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    room = models.ForeignKey("prisons.Room", verbose_name=_("room"), on_delete=models.PROTECT, related_name="+")
    pinned = models.BooleanField(_("pinned"), default=False)

    class Meta:
        verbose_name = _("published weekly session")
        verbose_name_plural = _("published weekly sessions")
        ordering = ["publication", "weekday", "start", "id"]
        constraints = [models.UniqueConstraint(fields=["publication", "key"], name="published_slot_key_unique")]

    def __str__(self):
        return f"{self.cycle_id} {self.get_weekday_display()} {self.start:%H:%M}"


class ChangeKind(models.TextChoices):
    NEW = "new", _("New")
    MOVED = "moved", _("Moved")
    CANCELLED = "cancelled", _("Cancelled")


class PublicationChange(models.Model):
    """One line of a publication's change log, stored when it was published."""

    publication = models.ForeignKey(Publication, verbose_name=_("publication"), on_delete=models.CASCADE, related_name="changes")
    kind = models.CharField(_("change"), max_length=10, choices=ChangeKind.choices)
    cycle = models.ForeignKey("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="+")
    slot_key = models.UUIDField(_("weekly slot"))
    before = models.JSONField(_("before"), null=True, blank=True)
    after = models.JSONField(_("after"), null=True, blank=True)
    dated_sessions = models.PositiveIntegerField(_("dated sessions affected"), default=0)

    class Meta:
        verbose_name = _("timetable change")
        verbose_name_plural = _("timetable changes")
        ordering = ["publication", "id"]

    def __str__(self):
        return f"{self.publication_id} {self.kind} {self.cycle_id}"


class CancellationScope(models.TextChoices):
    SITE = "site", _("Whole site")
    BUILDING = "building", _("Building")
    UNIT = "unit", _("Unit")
    SESSION = "session", _("One session")


class Cancellation(models.Model):
    """One cancellation action: what it covered, why, who, and what it did."""

    site = models.ForeignKey("prisons.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="cancellations")
    scope = models.CharField(_("scope"), max_length=10, choices=CancellationScope.choices)
    building = models.ForeignKey("prisons.Building", verbose_name=_("building"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    unit = models.ForeignKey("prisons.Unit", verbose_name=_("unit"), on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    first_date = models.DateField(_("from"))
    last_date = models.DateField(_("until"))
    periods = models.ManyToManyField("prisons.RegimePeriod", verbose_name=_("only these periods"), blank=True, related_name="+")
    reason = models.CharField(_("reason"), max_length=20, choices=CHOSEN_CANCELLATION_REASONS)
    reason_text = models.CharField(_("details"), max_length=200, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    sessions_cancelled = models.PositiveIntegerField(_("sessions cancelled"), default=0)
    sessions_reduced = models.PositiveIntegerField(_("sessions without some units"), default=0)
    absences_recorded = models.PositiveIntegerField(_("absences recorded"), default=0)

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="cancellation_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} {self.first_date}–{self.last_date}"


class ChangeNotice(models.Model):
    """An e-mail told this facilitator about this revision of this session (`scheduling.notices`)."""

    facilitator = models.ForeignKey(
        "activities.Facilitator", verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="change_notices"
    )
    session = models.ForeignKey(
        "activities.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="change_notices"
    )
    sequence = models.PositiveIntegerField(_("revision"))
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("change notice")
        verbose_name_plural = _("change notices")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["facilitator", "session", "sequence"], name="one_notice_per_revision"),
        ]

    def __str__(self):
        return f"{self.facilitator_id} {self.session_id} r{self.sequence}"


class StaffNoticeKind(models.TextChoices):
    CANCELLED = "cancelled", _("session cancelled")
    NOT_COMING = "not_coming", _("unit no longer going")
    MOVED = "moved", _("session moved")


class StaffNotice(models.Model):
    """An e-mail told this staff member that this session of their units is off, or moved, and when and
    where it then was (`scheduling.staff_notices`)."""

    staff_member = models.ForeignKey(
        "prisons.StaffMember", verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="notices"
    )
    session = models.ForeignKey(
        "activities.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="staff_notices"
    )
    kind = models.CharField(_("what"), max_length=12, choices=StaffNoticeKind.choices)
    sequence = models.PositiveIntegerField(_("revision told"), default=0)
    starts_at = models.DateTimeField(_("start told"), null=True, blank=True)
    room = models.ForeignKey(
        "prisons.Room", verbose_name=_("room told"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("staff notice")
        verbose_name_plural = _("staff notices")
        ordering = ["-sent_at", "-id"]
        constraints = [
            # Off is told once; a move once per revision (moved again: told again).
            models.UniqueConstraint(fields=["staff_member", "session", "kind"], condition=~Q(kind="moved"),
                                    name="one_staff_notice_per_kind"),
            models.UniqueConstraint(fields=["staff_member", "session", "sequence"], condition=Q(kind="moved"),
                                    name="one_staff_move_notice_per_revision"),
        ]

    def __str__(self):
        return f"{self.staff_member_id} {self.session_id} {self.kind}"


class GateNotice(models.Model):
    """What a gate staff member last knew of the outside people expected at their site on a date
    (`scheduling.gate_notices`): the first record of a date is the list as it then stood, sent to
    nobody (the list they print); later ones are the changes e-mailed."""

    staff_member = models.ForeignKey(
        "prisons.StaffMember", verbose_name=_("staff member"), on_delete=models.CASCADE, related_name="gate_notices"
    )
    date = models.DateField(_("date"))
    # {facilitator id: "HH:MM–HH:MM"}, Brussels time: from their first session's start to their last's end
    expected = models.JSONField(_("outside people expected"), default=dict, blank=True)
    changes = models.PositiveIntegerField(_("changes told"), default=0)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("gate list notice")
        verbose_name_plural = _("gate list notices")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["staff_member", "date"], name="one_gate_notice_per_day"),
        ]

    def __str__(self):
        return f"{self.staff_member_id} {self.date}"


class SessionReminder(models.Model):
    """A facilitator was reminded of this session the day before (`scheduling.reminders`)."""

    facilitator = models.ForeignKey(
        "activities.Facilitator", verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="reminders"
    )
    session = models.ForeignKey(
        "activities.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="reminders"
    )
    sent_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        verbose_name = _("session reminder")
        verbose_name_plural = _("session reminders")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["facilitator", "session"], name="one_reminder_per_session"),
        ]

    def __str__(self):
        return f"{self.facilitator_id} {self.session_id}"


class UnsentEmailKind(models.TextChoices):
    FACILITATOR_CHANGES = "facilitator_changes", _("changes to their sessions")
    STAFF_CHANGES = "staff_changes", _("changes to their units' sessions")
    GATE_CHANGES = "gate_changes", _("changes to the outside people expected")
    REMINDER = "reminder", _("reminder of the next day's sessions")
    ABSENCE = "absence", _("a facilitator's absence")
    INVITATION = "invitation", _("their invitation to sign in to Relais")
    AVAILABILITY_QUESTION = "availability_question", _("whether their weekly availability still holds")
    AVAILABILITY_CHANGE = "availability_change", _("a facilitator's weekly availability no longer covering sessions")


class UnsentEmail(models.Model):
    """An e-mail Relais could not send (the mail server down or refusing it), kept until it goes out or
    there is nothing left to tell, so the coordinators know whom to phone (`scheduling.outbox`)."""

    # kind and recipient (and the absence or the day it is about): one row however many tries
    key = models.CharField(max_length=100, unique=True, editable=False)
    kind = models.CharField(_("about"), max_length=24, choices=UnsentEmailKind.choices)
    facilitator = models.ForeignKey(
        "activities.Facilitator", verbose_name=_("facilitator"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+")
    staff_member = models.ForeignKey(
        "prisons.StaffMember", verbose_name=_("staff member"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("coordinator"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+")
    absence = models.ForeignKey(
        "activities.AvailabilityException", verbose_name=_("absence"), on_delete=models.CASCADE, null=True,
        blank=True, related_name="+")
    date = models.DateField(_("day"), null=True, blank=True)  # a reminder's: the sessions of that day
    # an e-mail to coordinators about one facilitator (their weekly availability changed)
    about_facilitator = models.ForeignKey(
        "activities.Facilitator", verbose_name=_("about"), on_delete=models.CASCADE, null=True, blank=True,
        related_name="+")
    address = models.EmailField(_("e-mail"))
    error = models.CharField(_("what the mail server answered"), max_length=300)
    attempts = models.PositiveIntegerField(_("tries"), default=1)
    first_failed_at = models.DateTimeField(_("first try"))
    last_failed_at = models.DateTimeField(_("last try"))

    class Meta:
        verbose_name = _("e-mail not sent")
        verbose_name_plural = _("e-mails not sent")
        ordering = ["first_failed_at", "id"]

    def __str__(self):
        return self.key

    @property
    def recipient(self):
        return self.facilitator or self.staff_member or self.user

    @property
    def recipient_name(self) -> str:
        if self.user_id:
            return self.user.get_full_name() or self.user.username
        return str(self.recipient)
