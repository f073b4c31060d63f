from django.apps import AppConfig
from django.db.models.signals import post_save
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from .logins import follow_new_address

        # Whatever saves the record (its form, an import, the API), its login's address follows.
        for sender in ("activities.Facilitator", "prisons.StaffMember"):
            post_save.connect(follow_new_address, sender=sender, dispatch_uid=f"follow_new_address_{sender}")
