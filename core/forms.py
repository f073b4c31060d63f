"""Form helpers shared by the apps' pages."""
from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import User


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


class RelaisPasswordResetForm(PasswordResetForm):
    """"Forgot your password?": written in the login's language; someone invited who lost the invitation
    (a login without a password yet) may use it too."""

    def get_users(self, email):
        return (user for user in User.objects.filter(email__iexact=email, is_active=True)
                if user.email.casefold() == email.casefold())

    def send_mail(self, subject_template_name, email_template_name, context, from_email, to_email,
                  html_email_template_name=None):
        # Django's own sending logs a refusal with the login's id only, and the page says the same whether
        # an address has a login or not.
        with translation.override(context["user"].language):
            super().send_mail(subject_template_name, email_template_name, context, from_email, to_email,
                              html_email_template_name)
