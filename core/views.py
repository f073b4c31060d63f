from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from activities.availability import term_to_confirm_for
from scheduling.calendars import recent_changes

from .demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD
from .models import User
from .selectors import retention_due, workflow_steps
from .setup_checklist import sites_to_set_up


@login_required
def home(request):
    facilitator = getattr(request.user, "facilitator", None)
    return render(request, "core/home.html", {
        "steps": workflow_steps(request.user),
        # A facilitator sees first what changed in their coming sessions.
        "changes": recent_changes(request.user, facilitator) if facilitator is not None else [],
        "term_to_confirm": term_to_confirm_for(facilitator) if facilitator is not None else None,
        "retention_due": retention_due(request.user),
        "setup": sites_to_set_up(request.user),
    })


class LoginView(auth_views.LoginView):
    """The sign-in page; on a demo install it lists one demo account per role."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if not settings.PRODUCTION:
            existing = set(
                User.objects.filter(username__in=[a["username"] for a in DEMO_ACCOUNTS]).values_list(
                    "username", flat=True
                )
            )
            context["demo_accounts"] = [a for a in DEMO_ACCOUNTS if a["username"] in existing]
            context["demo_password"] = DEMO_PASSWORD
        return context
