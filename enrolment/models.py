"""Enrolment: the link between a detainee and a cycle that planning, lists and attendance read."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


class EnrolmentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved (waiting list)")
    ENROLLED = "enrolled", _("Enrolled")
    DECLINED = "declined", _("Declined")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    REMOVED = "removed", _("Removed")


OPEN_STATUSES = (EnrolmentStatus.PENDING, EnrolmentStatus.APPROVED, EnrolmentStatus.ENROLLED)
ENDED_STATUSES = (EnrolmentStatus.DECLINED, EnrolmentStatus.WITHDRAWN, EnrolmentStatus.REMOVED)


class Channel(models.TextChoices):
    """How the request reached the coordinator."""

    REQUEST_SLIP = "request_slip", _("Request slip")
    SUPPORT_WORKER = "support_worker", _("Detention support worker")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial service")
    COORDINATOR = "coordinator", _("Coordinator")
    KIOSK = "kiosk", _("Kiosk")
    IMPORT = "import", _("Imported list")


class LeavingReason(models.Model):
    """Why someone left a cycle; a list the coordinators can extend (seeded by a data migration)."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=100)
    label_fr = models.CharField(_("label (French)"), max_length=100, blank=True)
    label_nl = models.CharField(_("label (Dutch)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("leaving reason")
        verbose_name_plural = _("leaving reasons")
        ordering = ["position", "code"]

    def __str__(self):
        return self.label()

    def label(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "en")[:2]
        return getattr(self, f"label_{language}", "") or self.label_en


class Enrolment(models.Model):
    """A detainee's application to a cycle and what became of it."""

    detainee = models.ForeignKey("prisons.Detainee", verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="enrolments")
    cycle = models.ForeignKey("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="enrolments")
    status = models.CharField(_("status"), max_length=10, choices=EnrolmentStatus.choices, default=EnrolmentStatus.PENDING)
    requested_on = models.DateField(_("requested on"))
    enrolled_on = models.DateField(_("enrolled on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    needs_based = models.BooleanField(_("priority (needs-based)"), default=False)
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices, default=Channel.REQUEST_SLIP)
    forwarded_by = models.CharField(
        _("forwarded by"), max_length=150, blank=True,
        help_text=_("Who asked or passed the request on, e.g. the support worker's name."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    seat = models.PositiveSmallIntegerField(
        _("place number"), null=True, blank=True,
        help_text=_("1 to the cycle's capacity while enrolled; unique per cycle, so places cannot be double-booked."),
    )
    offered_at = models.DateTimeField(_("place offered"), null=True, blank=True)
    confirmed_findings = models.JSONField(_("warnings confirmed"), default=list, blank=True)
    confirmation_reason = models.CharField(_("reason for going ahead despite the warnings"), max_length=255, blank=True)
    leaving_reason = models.ForeignKey(
        LeavingReason, verbose_name=_("leaving reason"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="enrolments",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        ordering = ["cycle", "-needs_based", "requested_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["detainee", "cycle"], condition=Q(status__in=["pending", "approved", "enrolled"]),
                name="one_open_enrolment_per_detainee_and_cycle",
            ),
            models.UniqueConstraint(
                fields=["cycle", "seat"], condition=Q(status="enrolled", seat__isnull=False),
                name="one_enrolment_per_place",
            ),
            models.CheckConstraint(
                condition=Q(seat__isnull=True) | Q(seat__gte=1, status="enrolled"),
                name="only_enrolled_hold_a_place",
            ),
        ]

    def __str__(self):
        return f"{self.detainee_id} → {self.cycle_id} ({self.status})"


class EventKind(models.TextChoices):
    """What Relais itself says of a change, shown in the reader's language (a person's words go in
    `EnrolmentEvent.reason`, as typed)."""

    RECORDED = "recorded", _("Application recorded")
    IMPORTED = "imported", _("Imported from a list")
    WAITING_LIST = "waiting_list", _("Cycle full: placed on the waiting list")
    PLACE_OFFERED = "place_offered", _("A place was freed and offered")
    OFFER_CONFIRMED = "offer_confirmed", _("Offered place confirmed")
    MISSED_NOTE_STOP = "missed_note_stop", _("Answered the note about missed sessions: stops")


class EnrolmentEvent(models.Model):
    """One status change: who, when, why."""

    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    from_status = models.CharField(_("from"), max_length=10, choices=EnrolmentStatus.choices, blank=True)
    to_status = models.CharField(_("to"), max_length=10, choices=EnrolmentStatus.choices)
    kind = models.CharField(_("what"), max_length=20, choices=EventKind.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=255, blank=True)  # as typed by whoever made the change
    leaving_reason = models.ForeignKey(
        LeavingReason, verbose_name=_("leaving reason"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("enrolment change")
        verbose_name_plural = _("enrolment history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.enrolment_id}: {self.from_status or '-'} → {self.to_status}"

    @property
    def why(self) -> str:
        """Why, in the active language: what Relais says of it, the leaving reason, and the words typed."""
        parts = []
        if self.kind == EventKind.RECORDED:
            parts.append(_("Application recorded (%(channel)s)") % {"channel": self.enrolment.get_channel_display()})
        elif self.kind:
            parts.append(self.get_kind_display())
        if self.leaving_reason_id:
            parts.append(self.leaving_reason.label())
        if self.reason:
            parts.append(self.reason)
        return " · ".join(str(part) for part in parts)


class ApplicationAnswer(models.Model):
    """A written answer handed to a detainee about their application (received, waiting list with its
    place, enrolled, not admitted), so nobody is left without one and nobody is told twice. It holds
    what was told and when, never words about the person, so retention has nothing to anonymise."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("application"), on_delete=models.CASCADE, related_name="answers")
    status = models.CharField(_("what it told"), max_length=10, choices=EnrolmentStatus.choices)
    waiting_position = models.PositiveSmallIntegerField(_("place on the waiting list told"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=10)
    answered_at = models.DateTimeField(_("handed out"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")

    class Meta:
        verbose_name = _("answer to an application")
        verbose_name_plural = _("answers to applications")
        ordering = ["-answered_at", "-id"]

    def __str__(self):
        return f"{self.enrolment_id}: {self.status} ({self.answered_at:%Y-%m-%d})"


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")


class AbsenceReason(models.TextChoices):
    SICK = "sick", _("Sick")
    REFUSED = "refused", _("Refused")
    CLASH_COURT = "clash_court", _("Clash: court")
    CLASH_VISIT = "clash_visit", _("Clash: visit")
    CLASH_WORK = "clash_work", _("Clash: work")
    CLASH_LAWYER = "clash_lawyer", _("Clash: lawyer")
    NOT_ESCORTED = "not_escorted", _("Not escorted / staff shortage")
    SESSION_CANCELLED = "session_cancelled", _("Session cancelled")
    EXCUSED = "excused", _("Excused")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")
    SANCTION = "sanction", _("Sanction")
    OTHER = "other", _("Other")


class Attendance(models.Model):
    """One participant at one dated session."""

    session = models.ForeignKey("activities.Session", verbose_name=_("session"), on_delete=models.CASCADE, related_name="attendances")
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="attendances")
    status = models.CharField(_("attendance"), max_length=8, choices=AttendanceStatus.choices)
    absence_reason = models.CharField(_("absence reason"), max_length=20, choices=AbsenceReason.choices, blank=True)
    reason_text = models.CharField(_("details"), max_length=200, blank=True)
    late = models.BooleanField(_("late"), default=False)
    left_early = models.BooleanField(_("left early"), default=False)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    recorded_at = models.DateTimeField(_("recorded"), auto_now=True)

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(fields=["session", "enrolment"], name="one_attendance_per_session_and_enrolment"),
            models.CheckConstraint(
                condition=Q(status="present", absence_reason="") | Q(status="absent") & ~Q(absence_reason=""),
                name="absence_has_a_reason",
            ),
            models.CheckConstraint(
                condition=~Q(absence_reason="other", reason_text=""), name="other_absence_reason_has_details",
            ),
        ]

    def __str__(self):
        return f"{self.session_id}/{self.enrolment_id}: {self.status}"


class NoteReply(models.TextChoices):
    CONTINUE = "continue", _("Wants to continue")
    STOP = "stop", _("Wants to stop")


class MissedSessionsNote(models.Model):
    """A note handed to a participant who missed their last sessions in a row, in their language, asking
    whether they want to go on (their place is kept, others wait for one), and the reply they gave. Holds
    counts and dates, never words about the person."""

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="missed_notes")
    absences = models.PositiveSmallIntegerField(_("sessions missed in a row"))
    first_missed_at = models.DateTimeField(_("first session missed"))
    language = models.CharField(_("language"), max_length=10)
    handed_at = models.DateTimeField(_("handed out"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+")
    reply = models.CharField(_("reply"), max_length=10, choices=NoteReply.choices, blank=True)
    replied_at = models.DateTimeField(_("reply recorded"), null=True, blank=True)
    reply_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reply recorded by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+")

    class Meta:
        verbose_name = _("note about missed sessions")
        verbose_name_plural = _("notes about missed sessions")
        ordering = ["-handed_at", "-id"]

    def __str__(self):
        return f"{self.enrolment_id}: {self.absences} missed ({self.handed_at:%Y-%m-%d})"


class AttendanceChange(models.Model):
    """History of a register line: the first recording (empty `before`) and every correction."""

    attendance = models.ForeignKey(Attendance, verbose_name=_("attendance"), on_delete=models.CASCADE, related_name="changes")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    before = models.JSONField(_("before"), default=dict, blank=True)
    after = models.JSONField(_("after"), default=dict)
    note = models.CharField(_("reason for the correction"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("attendance change")
        verbose_name_plural = _("attendance history")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.attendance_id} {self.at:%Y-%m-%d %H:%M}"


class FeedbackTopic(models.TextChoices):
    """What a participant says made them stop or miss sessions (several may apply)."""

    TIME_SLOT = "time_slot", _("Time slot")
    CONTENT = "content", _("Content did not meet expectations")
    LEVEL = "level", _("Too difficult or too easy")
    LANGUAGE = "language", _("Language")
    GROUP = "group", _("Group atmosphere")
    FACILITATOR = "facilitator", _("Relationship with the facilitator")
    MOVEMENTS = "movements", _("Not fetched or escorted in time")
    CLASH = "clash", _("Clash with work, training, visits or court")
    HEALTH = "health", _("Health")
    PERSONAL = "personal", _("Personal situation")
    OTHER = "other", _("Other")


class WouldReturn(models.TextChoices):
    YES = "yes", _("Yes")
    NO = "no", _("No")
    UNSURE = "unsure", _("Not sure")


class FeedbackInterview(models.Model):
    """A feedback interview with someone who dropped out of a cycle, or stopped coming (step 10).

    What was said feeds the evaluation of the offer (step 11) as counts; the text stays with the
    coordinators and screeners of the site.
    """

    enrolment = models.ForeignKey(
        Enrolment, verbose_name=_("enrolment"), on_delete=models.CASCADE, related_name="feedback_interviews",
    )
    held_on = models.DateField(_("held on"))
    held_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("held by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    topics = models.JSONField(_("what made them stop"), default=list)
    would_return = models.CharField(_("would take part again"), max_length=6, choices=WouldReturn.choices)
    what_would_help = models.TextField(_("what would help"), max_length=1000, blank=True)
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("feedback interview")
        verbose_name_plural = _("feedback interviews")
        ordering = ["-held_on", "-id"]

    def __str__(self):
        return f"{self.enrolment_id} {self.held_on:%Y-%m-%d}"

    def topic_labels(self) -> list[str]:
        labels = dict(FeedbackTopic.choices)
        return [str(labels.get(code, code)) for code in self.topics]


class ReviewDecision(models.TextChoices):
    CONTINUE = "continue", _("Run it again as it is")
    ADJUST = "adjust", _("Run it again with changes")
    STOP = "stop", _("Do not run it again")


class ReviewChange(models.TextChoices):
    """What to change in the next cycle of the activity."""

    TIME_SLOT = "time_slot", _("Time slot")
    ROOM = "room", _("Room")
    GROUP_SIZE = "group_size", _("Group size")
    CONTENT = "content", _("Content or level")
    LANGUAGE = "language", _("Language of delivery")
    FACILITATORS = "facilitators", _("Facilitators or partner")
    UNITS = "units", _("Units it is open to")
    PUBLICITY = "publicity", _("Publicity")
    SCREENING = "screening", _("Screening")
    ESCORTS = "escorts", _("Escorts and movements")


class CycleReview(models.Model):
    """The coordinator's decision about a cycle once its numbers are in (step 11): run it again as
    it is, with changes, or not; read again when the next term's offer is designed."""

    cycle = models.OneToOneField("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                                 related_name="review")
    decision = models.CharField(_("decision"), max_length=8, choices=ReviewDecision.choices)
    changes = models.JSONField(_("what to change"), default=list, blank=True)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed"), auto_now=True)

    class Meta:
        verbose_name = _("cycle review")
        verbose_name_plural = _("cycle reviews")

    def __str__(self):
        return f"{self.cycle_id}: {self.decision}"

    def change_labels(self) -> list[str]:
        labels = dict(ReviewChange.choices)
        return [str(labels.get(code, code)) for code in self.changes]


class Rating(models.IntegerChoices):
    """The three faces a participant ticks on the evaluation sheet: read without reading."""

    GOOD = 3, _("Good")
    MIXED = 2, _("So-so")
    POOR = 1, _("Not good")


class Level(models.TextChoices):
    TOO_EASY = "too_easy", _("Too easy")
    RIGHT = "right", _("Just right")
    TOO_HARD = "too_hard", _("Too hard")


class EvaluationSheet(models.Model):
    """One participant's evaluation sheet of a cycle, filled in on paper at one of its last sessions
    and typed in by the coordinators (step 11).

    Anonymous by design: no detainee, unit or handwriting is kept, only what was ticked and written,
    so a participant can say what they think of an activity run by the people who hold their file.
    Any question may be left blank.
    """

    cycle = models.ForeignKey("activities.Cycle", verbose_name=_("cycle"), on_delete=models.CASCADE,
                              related_name="evaluation_sheets")
    liked = models.PositiveSmallIntegerField(_("liked the activity"), choices=Rating.choices, null=True, blank=True)
    useful = models.PositiveSmallIntegerField(_("learned something useful"), choices=Rating.choices, null=True,
                                              blank=True)
    at_ease = models.PositiveSmallIntegerField(_("felt at ease in the group"), choices=Rating.choices, null=True,
                                               blank=True)
    level = models.CharField(_("level"), max_length=8, choices=Level.choices, blank=True)
    would_return = models.CharField(_("would take part again"), max_length=6, choices=WouldReturn.choices,
                                    blank=True)
    liked_most = models.TextField(_("what they liked most"), max_length=500, blank=True)
    to_change = models.TextField(_("what should change"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("evaluation sheet")
        verbose_name_plural = _("evaluation sheets")
        ordering = ["cycle", "id"]

    def __str__(self):
        return f"{self.cycle_id} #{self.pk}"
