"""Planning records (solver runs, drafts, publications) and calendar feed tokens."""
import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


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

    @staticmethod
    def hash_token(token: str) -> str:
        return hashlib.sha256(token.encode()).hexdigest()

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(32)
