"""Users, their roles and sites, and the append-only audit log."""
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMINISTRATOR = "administrator", _("Administrator")
    COORDINATOR = "coordinator", _("Community coordinator")
    SCREENER = "screener", _("Screener (social worker)")
    FACILITATOR = "facilitator", _("Facilitator")
    STAFF = "staff", _("Prison staff")


class User(AbstractUser):
    """A person who signs in. Every role but administrator works for one or more sites."""

    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.COORDINATOR)
    sites = models.ManyToManyField(
        "prisons.Site", verbose_name=_("sites"), blank=True, related_name="users"
    )
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("fr", "Français"), ("nl", "Nederlands"), ("en", "English")],
        default="fr",
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    @property
    def is_administrator(self) -> bool:
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    def site_ids(self) -> set[int]:
        """Ids of the sites this user works for (cached per user object)."""
        if not hasattr(self, "_site_ids_cache"):
            self._site_ids_cache = set(self.sites.values_list("id", flat=True))
        return self._site_ids_cache


class AuditAction(models.TextChoices):
    VIEW = "view", _("viewed")
    CREATE = "create", _("created")
    CHANGE = "change", _("changed")
    DELETE = "delete", _("deleted")
    EXPORT = "export", _("exported")
    IMPORT = "import", _("imported")
    READ_CONFIDENTIAL = "read_confidential", _("read confidential notes")
    ANONYMISE = "anonymise", _("anonymised (retention)")


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionDenied("The audit log is append-only.")

    def delete(self):
        raise PermissionDenied("The audit log is append-only.")


class AuditEntry(models.Model):
    """Who viewed or changed which detainee's record, and every export. Never updated or deleted.

    Holds ids, not names: the log itself must not become a second copy of detainee data.
    """

    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        "core.User", verbose_name=_("user"), null=True, on_delete=models.SET_NULL,
        related_name="audit_entries",
    )
    action = models.CharField(_("action"), max_length=20, choices=AuditAction.choices)
    object_type = models.CharField(_("object type"), max_length=60)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    detainee_id = models.BigIntegerField(_("detainee id"), null=True, blank=True, db_index=True)
    detail = models.CharField(_("detail"), max_length=255, blank=True)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.user_id} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionDenied("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionDenied("The audit log is append-only.")


class LoginInvitation(models.Model):
    """A coordinator gave a facilitator or a staff member a login: the e-mail asking them to choose a
    password (`core.logins`). Pending until sent; another one is made to send it again."""

    user = models.ForeignKey("core.User", verbose_name=_("login"), on_delete=models.CASCADE,
                             related_name="invitations")
    invited_by = models.ForeignKey("core.User", verbose_name=_("invited by"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("invited on"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent on"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("password chosen on"), null=True, blank=True)
    # Printed for someone without an e-mail address: a letter with a code, whose hash only is kept.
    on_paper = models.BooleanField(_("letter printed"), default=False)
    code_hash = models.CharField(max_length=128, blank=True, default="")
    failed_attempts = models.PositiveSmallIntegerField(default=0)  # wrong codes typed in a row
    last_failed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("login invitation")
        verbose_name_plural = _("login invitations")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.user_id} {self.created_at:%Y-%m-%d}"
