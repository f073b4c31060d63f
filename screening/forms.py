from django import forms
from django.utils.translation import gettext_lazy as _

from .models import InterviewStatus, Outcome


class InterviewForm(forms.Form):
    scheduled_at = forms.DateTimeField(label=_("date and time"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    screener = forms.ModelChoiceField(label=_("screener"), queryset=None)
    room = forms.ModelChoiceField(label=_("room"), queryset=None, required=False)

    def __init__(self, *args, screeners, rooms, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["screener"].queryset = screeners
        self.fields["screener"].label_from_instance = lambda u: u.get_full_name() or u.username
        self.fields["room"].queryset = rooms


class OutcomeForm(forms.Form):
    status = forms.ChoiceField(label=_("the interview was"), choices=[
        c for c in InterviewStatus.choices if c[0] != InterviewStatus.SCHEDULED])
    outcome = forms.ChoiceField(label=_("outcome"), choices=[("", "—"), *Outcome.choices], required=False)
    reason = forms.CharField(label=_("reason for the outcome"), max_length=255, required=False,
                             help_text=_("Required unless suitable. Seen by coordinators; keep details for the notes."))
    notes = forms.CharField(label=_("confidential notes"), widget=forms.Textarea(attrs={"rows": 6}), required=False,
                            help_text=_("Only the site's screeners and coordinators can read them; every read is logged."))

    def __init__(self, *args, with_notes: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_notes:
            del self.fields["notes"]
