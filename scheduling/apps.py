from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self):
        from .feeds import revoke_feeds_of_deactivated_account

        post_save.connect(revoke_feeds_of_deactivated_account, sender=settings.AUTH_USER_MODEL,
                          dispatch_uid="scheduling.revoke_feeds_of_deactivated_account")
