from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrisonsConfig(AppConfig):
    name = "prisons"
    verbose_name = _("Prisons")
