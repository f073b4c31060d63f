"""Partners, facilitators, the activity catalogue, terms, cycles and dated sessions."""
import uuid
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from prisons.models import Room, Site, Unit, Weekday


class Community(models.TextChoices):
    FRENCH = "fr", _("French Community")
    FLEMISH = "nl", _("Flemish Community")
    BICOMMUNITY = "bi", _("Brussels bicommunity")


class WebsiteField(models.URLField):
    """A URL field whose forms read "example.org" as https://example.org (Django 6's default)."""

    def formfield(self, **kwargs):
        return super().formfield(**{"assume_scheme": "https", **kwargs})


class Partner(models.Model):
    """A partner organisation, with the information sheet social workers use to refer someone."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    community = models.CharField(_("community"), max_length=2, choices=Community.choices)
    description = models.TextField(_("description"), blank=True)
    themes = models.CharField(_("themes"), max_length=255, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=255, blank=True)
    languages = models.JSONField(_("languages offered"), default=list, blank=True)
    territory = models.CharField(_("territory served"), max_length=255, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=150, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    website = WebsiteField(_("website"), blank=True)
    address = models.CharField(_("address"), max_length=255, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6, null=True, blank=True)
    public_transport = models.CharField(_("public transport"), max_length=255, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("partner organisation")
        verbose_name_plural = _("partner organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            "https://www.openstreetmap.org/?mlat="
            f"{self.latitude}&mlon={self.longitude}#map=17/{self.latitude}/{self.longitude}"
        )


class FacilitatorKind(models.TextChoices):
    VOLUNTEER = "volunteer", _("Volunteer")
    PARTNER_EMPLOYEE = "partner_employee", _("Partner's employee")
    TEACHER = "teacher", _("Adult-education teacher")
    STAFF = "staff", _("Prison staff member")
    INTERPRETER = "interpreter", _("Interpreter")


class Facilitator(models.Model):
    """Anyone who leads sessions. Outside people need an access authorisation (badge)."""

    kind = models.CharField(_("kind"), max_length=20, choices=FacilitatorKind.choices)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    partner = models.ForeignKey(
        Partner, verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="facilitators",
    )
    user = models.OneToOneField(
        "core.User", verbose_name=_("login"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="facilitator",
    )
    staff_member = models.OneToOneField(
        "prisons.StaffMember", verbose_name=_("staff member"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="facilitator",
    )
    sites = models.ManyToManyField(Site, verbose_name=_("sites"), related_name="facilitators")
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.CharField(_("skills and themes"), max_length=255, blank=True)
    email = models.EmailField(_("email"), blank=True)
    email_changes = models.BooleanField(
        _("e-mail changes to their sessions"), default=True,
        help_text=_("Cancelled or moved sessions of the coming two weeks, sent to the address above."),
    )
    email_reminders = models.BooleanField(
        _("e-mail a reminder the day before"), default=False,
        help_text=_("The day before each session: where, when, the material approved, and a warning when "
                    "their authorisation does not cover the day."),
    )
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    authorisation_number = models.CharField(_("access authorisation number"), max_length=40, blank=True)
    authorisation_valid_from = models.DateField(_("authorisation valid from"), null=True, blank=True)
    authorisation_valid_until = models.DateField(_("authorisation valid until"), null=True, blank=True)
    active = models.BooleanField(_("active"), default=True)
    availability_confirmed_at = models.DateTimeField(
        _("weekly availability confirmed on"), null=True, blank=True,
        help_text=_("When they (or a coordinator for them) last saved or confirmed their weekly availability."))

    class Meta:
        verbose_name = _("facilitator")
        verbose_name_plural = _("facilitators")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def is_outside_person(self) -> bool:
        return self.kind != FacilitatorKind.STAFF

    @property
    def language(self) -> str:
        """What their e-mails are written in: their login's language, else the site default."""
        return (self.user.language if self.user_id else "") or settings.LANGUAGE_CODE


class Availability(models.Model):
    """A weekly window (local time) in which a facilitator can lead sessions."""

    facilitator = models.ForeignKey(Facilitator, verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="availabilities")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("from"))
    end = models.TimeField(_("until"))
    preferred = models.BooleanField(_("preferred"), default=False, help_text=_("The facilitator would rather come then."))

    class Meta:
        verbose_name = _("weekly availability")
        verbose_name_plural = _("weekly availability")
        ordering = ["facilitator", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="availability_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class AvailabilityQuestion(models.Model):
    """Before a term, the coordinators e-mailed a facilitator whether their weekly availability still holds
    (`activities.availability`); pending until sent, dropped once they confirm or change it."""

    facilitator = models.ForeignKey(Facilitator, verbose_name=_("facilitator"), on_delete=models.CASCADE,
                                    related_name="availability_questions")
    term = models.ForeignKey("activities.Term", verbose_name=_("term"), on_delete=models.CASCADE, related_name="+")
    asked_by = models.ForeignKey("core.User", verbose_name=_("asked by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("asked on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("question about weekly availability")
        verbose_name_plural = _("questions about weekly availability")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.facilitator_id} {self.term_id} {self.created_at:%Y-%m-%d}"


class AvailabilityException(models.Model):
    """A dated exception: away on a date (all day or some hours), or exceptionally available."""

    facilitator = models.ForeignKey(Facilitator, verbose_name=_("facilitator"), on_delete=models.CASCADE, related_name="availability_exceptions")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True)
    end = models.TimeField(_("until"), null=True, blank=True)
    available = models.BooleanField(_("available"), default=False)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True, null=True)

    class Meta:
        verbose_name = _("availability exception")
        verbose_name_plural = _("availability exceptions")
        ordering = ["date", "start"]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {'+' if self.available else '-'}"


class ActivityKind(models.TextChoices):
    TRAINING = "training", _("Training")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial")
    SOCIOCULTURAL = "sociocultural", _("Sociocultural")
    SPORT = "sport", _("Sport")


class TargetGroup(models.TextChoices):
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")
    REMAND = "remand", _("Remand")
    SENTENCED = "sentenced", _("Sentenced")
    INTERNED = "interned", _("Interned")


class Pictogram(models.TextChoices):
    """Pictures on what detainees read and fill in (offer sheet, application slip): many read
    neither French nor Dutch, some cannot read. Symbols of static/img/pictograms.svg."""

    LANGUAGE = "language", _("Language class (speech and letters)")
    READING = "reading", _("Reading, books")
    WRITING = "writing", _("Writing (pen)")
    NUMBERS = "numbers", _("Numbers, arithmetic")
    COMPUTER = "computer", _("Computer")
    WORK = "work", _("Work, job search (briefcase)")
    TALK = "talk", _("Talking in a group (speech bubbles)")
    FAMILY = "family", _("Family, parenting")
    ART = "art", _("Drawing and painting (brush)")
    THEATRE = "theatre", _("Theatre (mask)")
    MUSIC = "music", _("Music, singing (note)")
    BALL = "ball", _("Ball games")
    FITNESS = "fitness", _("Fitness (dumbbell)")
    CALM = "calm", _("Yoga, relaxation (leaf)")
    COOKING = "cooking", _("Cooking (pan)")
    TOOLS = "tools", _("Woodwork, crafts (hammer)")
    DOOR = "door", _("Preparing for release (door)")


# The picture of an activity without a pictogram of its own.
PICTOGRAM_OF_KIND = {"training": Pictogram.READING, "psychosocial": Pictogram.TALK,
                     "sociocultural": Pictogram.ART, "sport": Pictogram.BALL}


class Activity(models.Model):
    """An entry of the catalogue, run as cycles in terms."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    title_fr = models.CharField(_("title (French)"), max_length=150)
    title_nl = models.CharField(_("title (Dutch)"), max_length=150)
    title_en = models.CharField(_("title (English)"), max_length=150)
    description_fr = models.TextField(_("description (French)"), blank=True)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    objectives = models.TextField(_("objectives"), blank=True)
    target_groups = models.JSONField(_("target groups"), default=list, blank=True)
    languages = models.JSONField(_("languages of delivery"), default=list, blank=True)
    partner = models.ForeignKey(
        Partner, verbose_name=_("partner organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="activities",
    )
    default_facilitators = models.ManyToManyField(
        Facilitator, verbose_name=_("default facilitators"), blank=True, related_name="default_activities"
    )
    pictogram = models.CharField(
        _("pictogram"), max_length=10, choices=Pictogram.choices, blank=True,
        help_text=_("The picture printed beside the title on the offer sheet and the application slip."),
    )
    room_kinds = models.JSONField(_("room kinds"), default=list, blank=True)
    group_min = models.PositiveIntegerField(_("minimum group size"), default=1)
    group_max = models.PositiveIntegerField(_("maximum group size"), default=12)
    session_periods = models.PositiveSmallIntegerField(
        _("session length (regime periods)"), default=1,
    )
    sessions_per_week = models.PositiveSmallIntegerField(_("sessions per week"), default=1)
    weeks = models.PositiveSmallIntegerField(_("number of weeks"), default=10)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["title_en"]
        constraints = [
            models.CheckConstraint(condition=Q(group_max__gte=models.F("group_min")), name="activity_group_max_gte_min"),
        ]

    def __str__(self):
        return self.title()

    @property
    def picture(self) -> str:
        """The pictogram's symbol: its own, or the one of its kind."""
        return self.pictogram or PICTOGRAM_OF_KIND.get(self.kind, Pictogram.TALK)

    def title(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "fr")[:2]
        return getattr(self, f"title_{language}", "") or self.title_fr or self.title_en

    def description(self, language: str | None = None) -> str:
        language = (language or translation.get_language() or "fr")[:2]
        return getattr(self, f"description_{language}", "") or self.description_fr


class Term(models.Model):
    """A planning period at a site; its timetable is one weekly pattern."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(_("name"), max_length=100)
    first_date = models.DateField(_("first date"))
    last_date = models.DateField(_("last date"))

    class Meta:
        verbose_name = _("term")
        verbose_name_plural = _("terms")
        ordering = ["-first_date"]
        constraints = [
            models.CheckConstraint(condition=Q(last_date__gte=models.F("first_date")), name="term_last_after_first"),
        ]

    def __str__(self):
        return f"{self.name} ({self.site.code})"


class ExcludedDate(models.Model):
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.CASCADE, related_name="excluded_dates")
    date = models.DateField(_("date"))
    label = models.CharField(_("label"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("excluded date")
        verbose_name_plural = _("excluded dates")
        ordering = ["date"]
        constraints = [models.UniqueConstraint(fields=["term", "date"], name="excluded_date_unique")]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.label}".strip()


class CycleStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Open for applications")
    RUNNING = "running", _("Running")
    FINISHED = "finished", _("Finished")
    CANCELLED = "cancelled", _("Cancelled")


class Cycle(models.Model):
    """An activity run in a term for some units."""

    activity = models.ForeignKey(Activity, verbose_name=_("activity"), on_delete=models.PROTECT, related_name="cycles")
    term = models.ForeignKey(Term, verbose_name=_("term"), on_delete=models.PROTECT, related_name="cycles")
    code = models.SlugField(_("code"), max_length=60)
    eligible_units = models.ManyToManyField(Unit, verbose_name=_("eligible units"), related_name="cycles")
    facilitators = models.ManyToManyField(Facilitator, verbose_name=_("facilitators"), blank=True, related_name="cycles")
    capacity = models.PositiveIntegerField(_("capacity"))
    sessions_per_week = models.PositiveSmallIntegerField(_("sessions per week"), default=1)
    session_periods = models.PositiveSmallIntegerField(_("session length (regime periods)"), default=1)
    language = models.CharField(_("language of delivery"), max_length=8, default="fr")
    screening_required = models.BooleanField(_("screening required"), default=True)
    status = models.CharField(_("status"), max_length=10, choices=CycleStatus.choices, default=CycleStatus.DRAFT)

    class Meta:
        verbose_name = _("cycle")
        verbose_name_plural = _("cycles")
        ordering = ["term", "code"]
        constraints = [
            models.UniqueConstraint(fields=["term", "code"], name="cycle_code_unique_per_term"),
            models.CheckConstraint(condition=Q(capacity__gte=1), name="cycle_capacity_positive"),
        ]

    def __str__(self):
        return f"{self.activity.title()} – {self.code}"

    @property
    def site_id(self):
        return self.term.site_id


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class CancellationReason(models.TextChoices):
    """Why sessions are cancelled, stored as a code and shown in each reader's language (e-mails, feeds,
    lists, the evaluation's counts). Coordinators choose one of the first five; a new publication that
    drops a weekly session cancels its coming dated sessions as removed."""

    STRIKE = "strike", _("Strike")
    LOCKDOWN = "lockdown", _("Lockdown")
    STAFF_SHORTAGE = "staff_shortage", _("Staff shortage")
    TECHNICAL = "technical", _("Technical failure")
    OTHER = "other", _("Other")
    REMOVED = "removed", _("Removed from the timetable")


CHOSEN_CANCELLATION_REASONS = [choice for choice in CancellationReason.choices if choice[0] != CancellationReason.REMOVED]


def cancellation_text(code: str, details: str) -> str:
    """"Strike: no movements", in the active language; the details alone for a session cancelled before
    reasons were codes."""
    if not code:
        return details
    label = str(CancellationReason(code).label)
    return _("%(reason)s: %(details)s") % {"reason": label, "details": details} if details else label


class Session(models.Model):
    """A dated occurrence of a cycle. Its UUID never changes: calendars know it by that."""

    uuid = models.UUIDField(_("UUID"), default=uuid.uuid4, unique=True, editable=False)
    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.PROTECT, related_name="sessions")
    facilitators = models.ManyToManyField(Facilitator, verbose_name=_("facilitators"), blank=True, related_name="sessions")
    status = models.CharField(_("status"), max_length=10, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED)
    cancellation_code = models.CharField(_("cancellation reason"), max_length=20, choices=CancellationReason.choices,
                                         blank=True)
    cancellation_details = models.CharField(_("cancellation details"), max_length=200, blank=True)  # as typed
    sequence = models.PositiveIntegerField(
        _("revision"), default=0, help_text=_("Grows on every published change of time, room or status."),
    )
    slot_key = models.UUIDField(
        _("weekly slot"), null=True, blank=True, db_index=True, editable=False,
        help_text=_("The published weekly session this dated session comes from (same across publications)."),
    )
    regime_period = models.ForeignKey(
        "prisons.RegimePeriod", verbose_name=_("regime period"), on_delete=models.SET_NULL,
        null=True, blank=True, related_name="sessions",
    )
    cancelled_units = models.ManyToManyField(
        Unit, verbose_name=_("units not coming"), blank=True, related_name="cancelled_sessions",
        help_text=_("Units whose participants cannot come although the session takes place."),
    )
    # Where it was before its first move, so those who printed the week (officers, volunteers) are
    # told what changed: "was Tuesday 10:15, Classroom 1".
    moved_from_starts_at = models.DateTimeField(
        _("first planned start"), null=True, blank=True,
        help_text=_("When the session was before it was first moved (by hand or by a new publication); "
                    "empty while it was never moved."),
    )
    moved_from_room = models.ForeignKey(
        Room, verbose_name=_("first planned room"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "room"]
        indexes = [models.Index(fields=["starts_at"]), models.Index(fields=["room", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")), name="session_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.cycle} {self.starts_at:%Y-%m-%d %H:%M}"

    def move_to(self, starts_at, ends_at, room, regime_period) -> None:
        """Set a new time and place, keeping where it was first (unsaved; raises the revision)."""
        if self.moved_from_starts_at is None:
            self.moved_from_starts_at, self.moved_from_room_id = self.starts_at, self.room_id
        self.starts_at, self.ends_at, self.room, self.regime_period = starts_at, ends_at, room, regime_period
        self.sequence += 1

    @property
    def cancellation_text(self) -> str:
        return cancellation_text(self.cancellation_code, self.cancellation_details)

    @property
    def is_moved(self) -> bool:
        """Elsewhere or at another time than first planned (moved back: no longer)."""
        return self.moved_from_starts_at is not None and (
            self.moved_from_starts_at != self.starts_at or self.moved_from_room_id != self.room_id)

    @property
    def first_planned_local(self):
        """When it was first planned, in local (Brussels) time, while it is moved; else None."""
        return timezone.localtime(self.moved_from_starts_at, ZoneInfo(settings.TIME_ZONE)) if self.is_moved else None


class ProblemKind(models.TextChoices):
    ROOM = "room", _("Room closed, taken or not ready")
    ESCORT = "escort", _("Participants not fetched or escorted")
    GATE = "gate", _("Facilitator held up at the gate")
    MATERIAL = "material", _("Material missing or refused at the gate")
    EQUIPMENT = "equipment", _("Equipment broken")
    SAFETY = "safety", _("Safety or behaviour incident")
    OTHER = "other", _("Other")


class SessionProblem(models.Model):
    """A practical problem met at a session (step 8), followed up until someone resolves it."""

    session = models.ForeignKey(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="problems")
    kind = models.CharField(_("kind of problem"), max_length=10, choices=ProblemKind.choices)
    description = models.TextField(_("what happened"), max_length=1000)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reported by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    reported_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolution = models.TextField(_("what was done"), max_length=1000, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("resolved by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        verbose_name = _("practical problem")
        verbose_name_plural = _("practical problems")
        ordering = ["-reported_at", "-id"]
        indexes = [models.Index(fields=["resolved_at"])]

    def __str__(self):
        return f"{self.session_id} {self.kind}"

    @property
    def resolved(self) -> bool:
        return self.resolved_at is not None


class MaterialStatus(models.TextChoices):
    REQUESTED = "requested", _("Awaiting the direction's decision")
    APPROVED = "approved", pgettext_lazy("material", "Approved")
    REFUSED = "refused", pgettext_lazy("material", "Refused")


class CycleMaterial(models.Model):
    """Material the facilitators of a cycle bring into the prison (step 8). The direction decides
    on each item; the gate list shows every outside facilitator what they may bring in that day."""

    cycle = models.ForeignKey(Cycle, verbose_name=_("cycle"), on_delete=models.CASCADE, related_name="materials")
    item = models.CharField(_("item"), max_length=120)
    quantity = models.PositiveSmallIntegerField(_("quantity"), default=1)
    note = models.CharField(
        _("note"), max_length=300, blank=True,
        help_text=_("What it is for, how it is packed, where it is kept between sessions."),
    )
    status = models.CharField(_("status"), max_length=10, choices=MaterialStatus.choices,
                              default=MaterialStatus.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("decision recorded by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(
        _("decision note"), max_length=300, blank=True,
        help_text=_("The reference of the direction's approval, or why the item was refused."),
    )

    class Meta:
        verbose_name = _("material")
        verbose_name_plural = _("material")
        ordering = ["item", "id"]
        indexes = [models.Index(fields=["status"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="material_quantity_at_least_one"),
        ]

    def __str__(self):
        return f"{self.quantity} × {self.item}"


class RenewalStatus(models.TextChoices):
    REQUESTED = "requested", _("Asked of the direction")
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", pgettext_lazy("authorisation", "Refused")


class AuthorisationRenewal(models.Model):
    """A request to a prison's direction to renew (or issue) an outside facilitator's access
    authorisation, and its outcome: kept so that nobody asks twice and the gate is never surprised."""

    facilitator = models.ForeignKey(Facilitator, verbose_name=_("facilitator"), on_delete=models.CASCADE,
                                    related_name="renewals")
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="+")
    status = models.CharField(_("status"), max_length=10, choices=RenewalStatus.choices,
                              default=RenewalStatus.REQUESTED)
    requested_on = models.DateField(_("asked on"))
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("asked by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    answered_on = models.DateField(_("answered on"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("answer recorded by"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="+",
    )
    answer_note = models.CharField(_("answer note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("authorisation renewal")
        verbose_name_plural = _("authorisation renewals")
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["facilitator", "site"], condition=Q(status="requested"),
                                    name="one_open_renewal_per_facilitator_and_site"),
        ]

    def __str__(self):
        return f"{self.facilitator} {self.site_id} {self.status}"


class SessionLog(models.Model):
    """What a session covered and what to prepare for the next (step 9): for the group's continuity
    when a stand-in leads, and for the partner's report. About the content, never about people."""

    session = models.OneToOneField(Session, verbose_name=_("session"), on_delete=models.CASCADE, related_name="log")
    done = models.TextField(_("what we did"), max_length=2000)
    next_time = models.TextField(_("to prepare for next time"), max_length=1000, blank=True)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("written by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("session log")
        verbose_name_plural = _("session logs")

    def __str__(self):
        return f"{self.session_id}"


class RecruitmentStage(models.TextChoices):
    """Where a would-be volunteer stands, in the order the steps happen."""

    CONTACTED = "contacted", _("First contact")
    MET = "met", _("Met")
    CLEARANCE = "clearance", _("Access asked of the direction")
    INDUCTION = "induction", _("Access granted, induction to do")
    READY = "ready", _("Ready: facilitator record made")
    WITHDRAWN = "withdrawn", _("Not pursued")


class RecruitmentSource(models.TextChoices):
    PARTNER = "partner", _("Through a partner organisation")
    VOLUNTEER = "volunteer", _("Through another volunteer")
    WEBSITE = "website", _("Website or volunteering platform")
    EVENT = "event", _("Information session or fair")
    OTHER = "other", _("Other")


class VolunteerCandidate(models.Model):
    """Someone who would like to lead activities as a volunteer, from the first contact until they
    have their badge and their induction (step 3); then a Facilitator is made from the record."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="volunteer_candidates")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    partner = models.ForeignKey(
        Partner, verbose_name=_("organisation"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="volunteer_candidates",
    )
    languages = models.JSONField(_("languages"), default=list, blank=True)
    skills = models.CharField(_("skills and themes"), max_length=255, blank=True)
    source = models.CharField(_("how they came to us"), max_length=10, choices=RecruitmentSource.choices,
                              default=RecruitmentSource.OTHER)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    stage = models.CharField(_("stage"), max_length=10, choices=RecruitmentStage.choices,
                             default=RecruitmentStage.CONTACTED)
    contacted_on = models.DateField(_("first contact on"))
    met_on = models.DateField(_("met on"), null=True, blank=True)
    clearance_requested_on = models.DateField(_("access asked on"), null=True, blank=True)
    clearance_granted_on = models.DateField(_("access granted on"), null=True, blank=True)
    authorisation_number = models.CharField(_("access authorisation number"), max_length=40, blank=True)
    authorisation_valid_until = models.DateField(_("authorisation valid until"), null=True, blank=True)
    induction_on = models.DateField(_("induction on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("not pursued since"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why not"), max_length=200, blank=True)
    facilitator = models.OneToOneField(
        Facilitator, verbose_name=_("facilitator"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="candidate",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    updated_at = models.DateTimeField(_("last modified"), auto_now=True)

    class Meta:
        verbose_name = _("volunteer candidate")
        verbose_name_plural = _("volunteer candidates")
        ordering = ["site", "contacted_on", "id"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    # the date field each stage is entered on
    STAGE_DATE_FIELD = {
        RecruitmentStage.CONTACTED: "contacted_on", RecruitmentStage.MET: "met_on",
        RecruitmentStage.CLEARANCE: "clearance_requested_on", RecruitmentStage.INDUCTION: "clearance_granted_on",
        RecruitmentStage.READY: "induction_on", RecruitmentStage.WITHDRAWN: "withdrawn_on",
    }

    @property
    def stage_since(self):
        """When the candidate entered the stage they are in."""
        return getattr(self, self.STAGE_DATE_FIELD[self.stage])


class PartnerDocumentKind(models.TextChoices):
    AGREEMENT = "agreement", _("Cooperation agreement")
    INSURANCE = "insurance", _("Volunteers' insurance")


class PartnerDocument(models.Model):
    """A partner organisation's cooperation agreement with the prison, or the insurance covering its
    volunteers (Belgian law on volunteering), with its validity: the coordinators keep them current."""

    partner = models.ForeignKey(Partner, verbose_name=_("partner organisation"), on_delete=models.CASCADE,
                                related_name="documents")
    kind = models.CharField(_("kind"), max_length=10, choices=PartnerDocumentKind.choices)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, null=True, blank=True,
                             related_name="partner_documents", help_text=_("Empty: every site."))
    reference = models.CharField(_("reference"), max_length=100,
                                 help_text=_("The agreement's number or the insurer and policy number."))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True, help_text=_("Empty: until further notice."))
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    class Meta:
        verbose_name = _("partner document")
        verbose_name_plural = _("partner documents")
        ordering = ["partner", "kind", "-valid_from", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(valid_until__isnull=True) | Q(valid_until__gt=models.F("valid_from")),
                                   name="partner_document_ends_after_it_starts"),
        ]

    def __str__(self):
        return f"{self.partner} {self.kind} {self.reference}"
