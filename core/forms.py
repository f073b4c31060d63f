"""Form helpers shared by the apps' pages."""
import datetime as dt
import logging

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .models import User

logger = logging.getLogger(__name__)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError on the form that fed it: each message on the field it names,
    the others (and those of fields the form does not have) above the form."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {None: error.messages}
    for name, messages in by_field.items():
        form.add_error(name if name in form.fields else None, messages)


class LanguageChoiceForm(forms.Form):
    """The language of an invitation, and of Relais for the login it gives."""

    language = forms.ChoiceField(label=_("Their language"), choices=[
        ("fr", "Français"), ("nl", "Nederlands"), ("en", "English")])


class LoginLetterForm(LanguageChoiceForm):
    """A login letter: its language, and for someone who already signs in, that their password stops working."""

    replace_password = forms.BooleanField(label=_("Their current password stops working"), required=False)


class LetterCodeForm(forms.Form):
    """The login name and code of a printed letter."""

    username = forms.CharField(label=_("Login name"), max_length=150)
    code = forms.CharField(label=_("Code"), max_length=40,
                           help_text=_("Twelve letters and digits, as on the letter; dashes and spaces do not matter."))


RESETS_PER_HOUR = 3
RESET_DETAIL = "password reset e-mailed"


class RelaisPasswordResetForm(PasswordResetForm):
    """"Forgot your password?": written in the login's language; someone invited who lost the invitation
    (a login without a password yet) may use it too."""

    def get_users(self, email):
        return (user for user in User.objects.filter(email__iexact=email, is_active=True)
                if user.email.casefold() == email.casefold())

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # Django's own sending logs a refusal with the login's id only, and the page says the same whether
        # an address has a login or not, or whether it was asked too often.
        from . import audit
        from .models import AuditAction, AuditEntry

        user = context["user"]
        asked = AuditEntry.objects.filter(object_type="core.user", object_id=str(user.pk), detail=RESET_DETAIL,
                                          at__gte=timezone.now() - dt.timedelta(hours=1)).count()
        if asked >= RESETS_PER_HOUR:  # nobody floods someone's mailbox through this page
            logger.warning("password reset for user %s not e-mailed: asked %s times this hour", user.pk, asked)
            return
        with translation.override(user.language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
        audit.record(None, AuditAction.CHANGE, user, detail=RESET_DETAIL)


class InviteUserForm(forms.Form):
    """An administrator invites a coordinator, screener or administrator (`core.logins.invite_user`)."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.CharField(label=_("E-mail"), max_length=254,
                            help_text=_("The invitation goes there; it becomes their login name."))
    role = forms.ChoiceField(label=_("Role"))
    sites = forms.ModelMultipleChoiceField(label=_("Sites"), queryset=None, required=False,
                                           widget=forms.CheckboxSelectMultiple)
    language = forms.ChoiceField(label=_("Their language"), choices=[
        ("fr", "Français"), ("nl", "Nederlands"), ("en", "English")])

    def __init__(self, *args, **kwargs):
        from prisons.models import Site

        from .logins import ROLES_INVITED_BY_ADMINISTRATORS
        from .models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [(role.value, role.label) for role in Role
                                       if role in ROLES_INVITED_BY_ADMINISTRATORS]
        self.fields["sites"].queryset = Site.objects.order_by("name")


class LoginFilterForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), required=False)
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    state = forms.ChoiceField(label=_("Login"), required=False)
    dormant = forms.BooleanField(label=_("Unused for a long time"), required=False)

    def __init__(self, *args, **kwargs):
        from prisons.models import Site

        from .logins import LoginState
        from .models import Role

        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "—"), *Role.choices]
        self.fields["state"].choices = [("", "—"), *[c for c in LoginState.choices if c[0] != LoginState.NONE]]
        self.fields["site"].queryset = Site.objects.order_by("name")
