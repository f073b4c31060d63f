"""Screening interviews: scheduled, held or missed, with an outcome and confidential notes."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class InterviewStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    HELD = "held", _("Held")
    MISSED = "missed", _("Missed")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    SUITABLE = "suitable", _("Suitable")
    NOT_SUITABLE = "not_suitable", _("Not suitable")
    SUITABLE_LATER = "suitable_later", _("Suitable later")


class Interview(models.Model):
    """A screening interview about one application (or a detainee in general).

    `notes` are under professional secrecy: read them only through `screening.services.read_notes`,
    which checks `screening.view_notes` and writes the read to the audit log.
    """

    detainee = models.ForeignKey(
        "prisons.Detainee", verbose_name=_("detainee"), on_delete=models.CASCADE, related_name="interviews"
    )
    enrolment = models.ForeignKey(
        "enrolment.Enrolment", verbose_name=_("application"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="interviews",
    )
    scheduled_at = models.DateTimeField(_("date and time"))
    screener = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("screener"), on_delete=models.PROTECT, related_name="interviews"
    )
    room = models.ForeignKey(
        "prisons.Room", verbose_name=_("room"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=InterviewStatus.choices, default=InterviewStatus.SCHEDULED
    )
    outcome = models.CharField(_("outcome"), max_length=15, choices=Outcome.choices, blank=True)
    outcome_reason = models.CharField(_("reason for the outcome"), max_length=255, blank=True)
    notes = models.TextField(_("confidential notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("screening interview")
        verbose_name_plural = _("screening interviews")
        ordering = ["-scheduled_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="") | Q(status="held"), name="interview_outcome_only_when_held"
            ),
        ]

    def __str__(self):
        return f"{self.detainee_id} {self.scheduled_at:%Y-%m-%d %H:%M} ({self.status})"

    @property
    def site_id(self):
        return self.detainee.site_id
