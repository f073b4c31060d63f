"""Sites, buildings, units, rooms, the daily regime, detainees and prison staff.

Weekly patterns (regime periods, blocked periods) are stored as local times of a weekday and
expanded per date in Europe/Brussels, so DST weeks stay right.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class SiteKind(models.TextChoices):
    PRISON = "prison", _("Prison")
    PROBATION = "probation", _("Probation service")


class Site(models.Model):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=SiteKind.choices, default=SiteKind.PRISON)
    address = models.CharField(_("address"), max_length=200, blank=True)
    daily_outside_quota = models.PositiveIntegerField(
        _("daily quota of outside people"), null=True, blank=True,
        help_text=_("How many outside facilitators the gate accepts per day; empty: no quota."),
    )

    class Meta:
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Building(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="buildings")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("building")
        verbose_name_plural = _("buildings")
        ordering = ["site__name", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="building_code_unique_per_site")]

    def __str__(self):
        return f"{self.name} ({self.site.code})"


class Population(models.TextChoices):
    MEN = "men", _("Men")
    WOMEN = "women", _("Women")


class LegalRegime(models.TextChoices):
    REMAND = "remand", _("Remand")
    SENTENCED = "sentenced", _("Sentenced")
    INTERNED = "interned", _("Interned")
    MIXED = "mixed", _("Mixed")


class Regime(models.TextChoices):
    CLOSED = "closed", _("Closed")
    SEMI_OPEN = "semi_open", _("Semi-open")
    OPEN = "open", _("Open")


class Unit(models.Model):
    """A living unit (Haren) or wing (Saint-Gilles)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="units")
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="units"
    )
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("name"), max_length=100)
    population = models.CharField(_("population"), max_length=10, choices=Population.choices)
    legal_regime = models.CharField(_("legal regime"), max_length=10, choices=LegalRegime.choices)
    regime = models.CharField(_("regime"), max_length=10, choices=Regime.choices, default=Regime.CLOSED)
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    max_parallel_sessions = models.PositiveIntegerField(
        _("escort limit"), null=True, blank=True,
        help_text=_("Most sessions this unit's staff can escort to at the same time; empty: no limit."),
    )

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["site__name", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="unit_code_unique_per_site")]

    def __str__(self):
        return f"{self.code} – {self.name}"


class RoomKind(models.TextChoices):
    CLASSROOM = "classroom", _("Classroom")
    COMPUTER = "computer", _("Computer room")
    WORKSHOP = "workshop", _("Workshop")
    GYM = "gym", _("Fitness room / gym")
    SPORTS_HALL = "sports_hall", _("Sports hall")
    STAGE = "stage", _("Stage / multipurpose hall")
    MULTIPURPOSE = "multipurpose", _("Multipurpose room")
    INTERVIEW = "interview", _("Interview room")
    LIBRARY = "library", _("Library")
    CHAPEL = "chapel", _("Chapel / meditation room")


class Room(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="rooms")
    building = models.ForeignKey(
        Building, verbose_name=_("building"), on_delete=models.CASCADE, related_name="rooms",
        null=True, blank=True,
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=RoomKind.choices)
    capacity = models.PositiveIntegerField(_("capacity"))
    reachable_from_all_units = models.BooleanField(_("reachable from every unit"), default=False)
    reachable_units = models.ManyToManyField(
        Unit, verbose_name=_("units that can reach it"), blank=True, related_name="reachable_rooms"
    )
    accessibility_notes = models.TextField(_("accessibility notes"), blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("room")
        verbose_name_plural = _("rooms")
        ordering = ["site__name", "code"]
        constraints = [models.UniqueConstraint(fields=["site", "code"], name="room_code_unique_per_site")]

    def __str__(self):
        return f"{self.name} ({self.building.code if self.building_id else self.site.code})"


class RoomClosure(models.Model):
    """A room closed on one date, all day (no times) or some hours (local times): works, inspection."""

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="closures")
    date = models.DateField(_("date"))
    start = models.TimeField(_("from"), null=True, blank=True, help_text=_("Empty: from the start of the day."))
    end = models.TimeField(_("until"), null=True, blank=True, help_text=_("Empty: until the end of the day."))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("room closure")
        verbose_name_plural = _("room closures")
        ordering = ["date", "start"]
        indexes = [models.Index(fields=["room", "date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__isnull=True) | Q(end__gt=models.F("start")),
                name="room_closure_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.room.code} {self.date:%Y-%m-%d}"


class RegimePeriod(models.Model):
    """A slot of the day in which activities can run, per site and weekday (local times)."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="regime_periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    index = models.PositiveSmallIntegerField(
        _("position in the day"),
        help_text=_("Consecutive numbers are back-to-back; leave a gap (e.g. 1 then 3) for a break."),
    )
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    label = models.CharField(_("label"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("regime period")
        verbose_name_plural = _("regime periods")
        ordering = ["site", "weekday", "index"]
        constraints = [
            models.UniqueConstraint(fields=["site", "weekday", "index"], name="regime_period_unique"),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="regime_period_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"


class BlockedReason(models.TextChoices):
    WALK = "walk", _("Exercise yard")
    VISITS = "visits", _("Visits")
    MEAL = "meal", _("Meal")
    COUNT = "count", _("Count")
    WORK = "work", _("Work")
    OTHER = "other", _("Other")


class BlockedPeriodQuerySet(models.QuerySet):
    def keeping_people_in(self):
        """The times a unit's people cannot go to an activity: all but the exercise yard, which an activity
        replaces (a participant goes to the activity instead), so the planner need not avoid it."""
        return self.exclude(reason=BlockedReason.WALK)


class BlockedPeriod(models.Model):
    """A weekly time of a unit's day: meals, counts, visits and work keep its detainees from activities;
    the exercise yard is recorded for the officers but does not (an activity replaces it)."""

    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="blocked_periods")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    reason = models.CharField(_("reason"), max_length=10, choices=BlockedReason.choices)
    label = models.CharField(_("label"), max_length=80, blank=True)

    objects = BlockedPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("blocked period")
        verbose_name_plural = _("blocked periods")
        ordering = ["unit", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="blocked_period_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M} {self.get_reason_display()}"


class RoomUse(models.Model):
    """A weekly time a room is used by others (the prison school, worship, the gym staff, visits): the
    planner keeps activities out of it, like a unit's blocked time."""

    room = models.ForeignKey(Room, verbose_name=_("room"), on_delete=models.CASCADE, related_name="weekly_uses")
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start = models.TimeField(_("start"))
    end = models.TimeField(_("end"))
    label = models.CharField(_("used by"), max_length=80)

    class Meta:
        verbose_name = _("weekly use by others")
        verbose_name_plural = _("weekly uses by others")
        ordering = ["room", "weekday", "start"]
        constraints = [
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="room_use_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M} {self.label}"


class Gender(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    OTHER = "X", _("Other")


class LegalStatus(models.TextChoices):
    REMAND = "remand", _("Remand")
    SENTENCED = "sentenced", _("Sentenced")
    INTERNED = "interned", _("Interned")


class DetaineeStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    TRANSFERRED = "transferred", _("Transferred")
    RELEASED = "released", _("Released")


class Detainee(models.Model):
    prison_number = models.CharField(_("prison number"), max_length=20, unique=True)
    last_name = models.CharField(_("last name"), max_length=100)
    first_name = models.CharField(_("first name"), max_length=100)
    gender = models.CharField(_("gender"), max_length=1, choices=Gender.choices)
    legal_status = models.CharField(_("legal status"), max_length=10, choices=LegalStatus.choices)
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.PROTECT, related_name="detainees")
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="detainees", null=True, blank=True
    )
    cell = models.CharField(_("cell"), max_length=20, blank=True)
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    needs_interpreter = models.BooleanField(_("needs an interpreter"), default=False)
    reads_french = models.BooleanField(_("reads French"), default=False)
    reads_dutch = models.BooleanField(_("reads Dutch"), default=False)
    arrival_date = models.DateField(_("arrival date"), null=True, blank=True)
    expected_release_date = models.DateField(_("expected release date"), null=True, blank=True)
    expected_transfer_date = models.DateField(
        _("expected transfer date"), null=True, blank=True,
        help_text=_("When a transfer to another prison is planned; activities warn before enrolling."),
    )
    status = models.CharField(
        _("status"), max_length=12, choices=DetaineeStatus.choices, default=DetaineeStatus.PRESENT
    )
    # set by `prisons.retention` once the person has been gone longer than the retention period:
    # names, number and personal details are gone, counts for the evaluation stay
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("detainee")
        verbose_name_plural = _("detainees")
        ordering = ["last_name", "first_name", "prison_number"]
        indexes = [models.Index(fields=["site", "status"]), models.Index(fields=["last_name"])]

    def __str__(self):
        if self.anonymised_at:
            return self.prison_number
        return f"{self.prison_number} {self.last_name.upper()} {self.first_name}"

    @property
    def short_name(self) -> str:
        """What a facilitator may see: first name and prison number."""
        if self.anonymised_at:
            return self.prison_number
        return f"{self.first_name} ({self.prison_number})"


class Proficiency(models.TextChoices):
    NATIVE = "native", _("Native")
    FLUENT = "fluent", _("Fluent")
    BASIC = "basic", _("Basic")


class DetaineeLanguage(models.Model):
    detainee = models.ForeignKey(Detainee, verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="languages")
    language = models.CharField(_("language"), max_length=8, help_text=_("ISO 639 code, e.g. fr, nl, ar, ro"))
    proficiency = models.CharField(_("proficiency"), max_length=10, choices=Proficiency.choices, default=Proficiency.FLUENT)

    class Meta:
        verbose_name = _("language spoken")
        verbose_name_plural = _("languages spoken")
        constraints = [models.UniqueConstraint(fields=["detainee", "language"], name="detainee_language_unique")]

    def __str__(self):
        return f"{self.language} ({self.get_proficiency_display()})"


class Placement(models.Model):
    """One stretch of a detainee's stay: unit, cell and status from `valid_from` until `valid_until`.

    The open record (valid_until empty) is the current state; lists for a past date read the
    record valid that day.
    """

    detainee = models.ForeignKey(Detainee, verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="placements")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="placements")
    cell = models.CharField(_("cell"), max_length=20, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=DetaineeStatus.choices)
    valid_from = models.DateField(_("from"))
    valid_until = models.DateField(_("until"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("placement")
        verbose_name_plural = _("placements")
        ordering = ["detainee", "-valid_from", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["detainee"], condition=Q(valid_until__isnull=True), name="one_open_placement_per_detainee"
            ),
        ]

    def __str__(self):
        return f"{self.valid_from} {self.get_status_display()}"


class CommitmentKind(models.TextChoices):
    COURT = "court", _("Court hearing")
    VISIT = "visit", _("Visit")
    LAWYER = "lawyer", _("Lawyer visit")
    WORK = "work", _("Prison work")
    TRAINING = "training", _("Training")
    MEDICAL = "medical", _("Medical appointment")


class Commitment(models.Model):
    """Something that clashes with activities: dated (court, visits) or weekly (work, training)."""

    detainee = models.ForeignKey(Detainee, verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="commitments")
    kind = models.CharField(_("kind"), max_length=10, choices=CommitmentKind.choices)
    source = models.CharField(_("source"), max_length=100, help_text=_("Who told us, e.g. registry, work office."))
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices, null=True, blank=True)
    start_time = models.TimeField(_("start time"), null=True, blank=True)
    end_time = models.TimeField(_("end time"), null=True, blank=True)
    valid_from = models.DateField(_("from"), null=True, blank=True)
    valid_until = models.DateField(_("until"), null=True, blank=True)

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(starts_at__isnull=False, ends_at__isnull=False, weekday__isnull=True)
                    | Q(starts_at__isnull=True, weekday__isnull=False, start_time__isnull=False, end_time__isnull=False)
                ),
                name="commitment_dated_or_weekly",
            ),
        ]

    def __str__(self):
        return str(self.get_kind_display())

    @property
    def is_weekly(self) -> bool:
        return self.weekday is not None


class NonAssociationScope(models.TextChoices):
    CELL = "cell", _("Cell")
    UNIT = "unit", _("Unit")
    SITE = "site", _("Site")


class NonAssociation(models.Model):
    """Two detainees who must be kept apart (within the scope)."""

    first = models.ForeignKey(Detainee, verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Detainee, verbose_name=_("kept apart from"), on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("scope"), max_length=5, choices=NonAssociationScope.choices)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("non-association")
        verbose_name_plural = _("non-associations")
        constraints = [
            models.CheckConstraint(condition=Q(first__lt=models.F("second")), name="non_association_ordered_pair"),
            models.UniqueConstraint(fields=["first", "second"], name="non_association_unique_pair"),
        ]

    def __str__(self):
        return f"{self.first_id} / {self.second_id} ({self.get_scope_display()})"


class ActivityRestriction(models.Model):
    """A disciplinary sanction that suspends access to activities."""

    detainee = models.ForeignKey(Detainee, verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="restrictions")
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("activity restriction")
        verbose_name_plural = _("activity restrictions")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="restriction_ends_after_start"),
        ]

    def __str__(self):
        return f"{self.starts_on} – {self.ends_on}"


class StaffFunction(models.TextChoices):
    OFFICER = "officer", _("Security officer")
    SUPPORT_WORKER = "support_worker", _("Detention support worker")
    PSYCHOSOCIAL = "psychosocial", _("Psychosocial service")
    MANAGEMENT = "management", _("Management")
    GATE = "gate", _("Gate")
    OTHER = "other", _("Other")


class StaffMember(models.Model):
    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="staff")
    user = models.OneToOneField(
        "core.User", verbose_name=_("login"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="staff_member",
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    function = models.CharField(_("function"), max_length=20, choices=StaffFunction.choices)
    units = models.ManyToManyField(Unit, verbose_name=_("units"), blank=True, related_name="staff")
    email = models.EmailField(_("email"), blank=True)
    email_cancellations = models.BooleanField(
        _("e-mail changes"), default=True,
        help_text=_("E-mail them the changes to the coming sessions of their units (cancelled, moved, a unit no "
                    "longer going); the gate's staff, the changes to the outside people expected."),
    )

    class Meta:
        verbose_name = _("staff member")
        verbose_name_plural = _("staff members")
        ordering = ["last_name", "first_name"]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    @property
    def language(self) -> str:
        """What their e-mails are written in: their login's language, else the site default."""
        return (self.user.language if self.user_id else "") or settings.LANGUAGE_CODE


class RetentionTrigger(models.TextChoices):
    PAGE = "page", _("from the retention page")
    COMMAND = "command", _("by the scheduled command")
    API = "api", _("through the API")


class RetentionRun(models.Model):
    """One application of the retention policy at a site: what it removed, never whose data."""

    site = models.ForeignKey(Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="retention_runs")
    at = models.DateTimeField(_("when"), auto_now_add=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trigger = models.CharField(_("how"), max_length=10, choices=RetentionTrigger.choices)
    left_before = models.DateField(_("people who left before"))
    notes_before = models.DateField(_("screening notes of interviews before"))
    detainees_anonymised = models.PositiveIntegerField(_("people anonymised"), default=0)
    notes_erased = models.PositiveIntegerField(_("screening notes erased"), default=0)
    candidates_deleted = models.PositiveIntegerField(_("volunteer candidates deleted"), default=0)

    class Meta:
        verbose_name = _("retention run")
        verbose_name_plural = _("retention runs")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.site_id} {self.at:%Y-%m-%d %H:%M}"
