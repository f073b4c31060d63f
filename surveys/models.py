"""Needs surveys (step 1): a questionnaire handed out in some units of a site, asking detainees
which activities they would take part in; its answers, counted per target group, inform the
design of the offer.

Answers are anonymous by design: a response records the unit where it was collected and, when the
person gave it, their legal status; never who they are.
"""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind
from prisons.models import LegalStatus


class SurveyStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    OPEN = "open", _("Collecting answers")
    CLOSED = "closed", _("Closed")


class Survey(models.Model):
    site = models.ForeignKey("prisons.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="surveys")
    title = models.CharField(_("title"), max_length=150)
    question = models.CharField(
        _("question"), max_length=255,
        help_text=_("Printed at the top of the questionnaire."),
    )
    units = models.ManyToManyField(
        "prisons.Unit", verbose_name=_("units surveyed"), blank=True, related_name="surveys",
        help_text=_("Where the questionnaire is handed out; none: every unit of the site."),
    )
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    status = models.CharField(_("status"), max_length=6, choices=SurveyStatus.choices, default=SurveyStatus.DRAFT)
    note = models.TextField(_("note for coordinators"), max_length=2000, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("needs survey")
        verbose_name_plural = _("needs surveys")
        ordering = ["-opens_on", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(closes_on__gte=models.F("opens_on")), name="survey_closes_after_opening"),
        ]

    def __str__(self):
        return self.title


class SurveyOption(models.Model):
    """One line of the questionnaire: an activity, existing or not yet in the catalogue."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="options")
    label = models.CharField(_("label"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices, blank=True)
    activity = models.ForeignKey(
        "activities.Activity", verbose_name=_("activity in the catalogue"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="survey_options",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("survey option")
        verbose_name_plural = _("survey options")
        ordering = ["survey", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["survey", "label"], name="survey_option_label_unique")]

    def __str__(self):
        return self.label


class PreferredTime(models.TextChoices):
    MORNING = "morning", _("Morning")
    AFTERNOON = "afternoon", _("Afternoon")
    EITHER = "either", _("Either")


class SurveyResponse(models.Model):
    """One filled-in questionnaire, anonymous."""

    survey = models.ForeignKey(Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="responses")
    unit = models.ForeignKey("prisons.Unit", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    legal_status = models.CharField(
        _("legal status"), max_length=10, choices=LegalStatus.choices, blank=True,
        help_text=_("Only if the person gave it; otherwise the unit's legal regime counts."),
    )
    chosen = models.ManyToManyField(SurveyOption, verbose_name=_("activities chosen"), blank=True,
                                    related_name="responses")
    preferred_time = models.CharField(_("preferred time"), max_length=10, choices=PreferredTime.choices,
                                      default=PreferredTime.EITHER)
    languages = models.JSONField(_("languages they would follow"), default=list, blank=True)
    comment = models.TextField(_("comment"), max_length=500, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entered by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered"), auto_now_add=True)

    class Meta:
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")
        ordering = ["survey", "id"]

    def __str__(self):
        return f"{self.survey_id} #{self.pk}"
