"""The demo logins `manage.py load_demo` creates, one per role. Synthetic, for the demo only."""
from django.utils.translation import gettext_lazy as _

DEMO_PASSWORD = "relais-demo"  # noqa: S105 - published on the demo login page on purpose

DEMO_ACCOUNTS = [
    {"username": "admin", "role": "administrator", "description": _("Administrator: every site, Django admin")},
    {"username": "coordinator", "role": "coordinator", "description": _("Community coordinator at Haren and Saint-Gilles")},
    {"username": "screener", "role": "screener", "description": _("Social worker (screening) at Haren")},
    {"username": "facilitator", "role": "facilitator", "description": _("Volunteer facilitator: own calendar and attendance")},
    {"username": "staff", "role": "staff", "description": _("Prison officer of two Haren units: movement lists and schedules")},
]
