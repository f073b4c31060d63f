"""Forms of the prison pages."""
from django import forms
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from .models import DetaineeStatus


class DetaineeSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search"), required=False, max_length=100,
        help_text=_("Prison number, last or first name, or unit code"),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[*BLANK_CHOICE_DASH, *DetaineeStatus.choices],
    )


class SiteChoiceForm(forms.Form):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("All my sites"))

    def __init__(self, *args, sites, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites


class RetentionConfirmForm(forms.Form):
    """Applying the retention policy cannot be undone: ask for it explicitly."""

    confirm = forms.BooleanField(
        label=_("I understand that what is removed cannot be recovered"),
        error_messages={"required": _("Tick the box to confirm: what is removed cannot be recovered.")},
    )


class RoomClosureForm(forms.Form):
    room = forms.ModelChoiceField(label=_("Room"), queryset=None)
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                            help_text=_("Leave both hours empty for the whole day."))
    end = forms.TimeField(label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.CharField(label=_("Reason"), max_length=200,
                             help_text=_("Works, inspection, taken by the prison… the facilitators read it."))

    def __init__(self, *args, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["room"].queryset = rooms
