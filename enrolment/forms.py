"""Forms of the enrolment pages: they parse input; the rules live in services and checks."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Channel, LeavingReason


class ApplicationForm(forms.Form):
    prison_number = forms.CharField(label=_("prison number"), max_length=20)
    requested_on = forms.DateField(label=_("requested on"), widget=forms.DateInput(attrs={"type": "date"}))
    channel = forms.ChoiceField(label=_("channel"), choices=[c for c in Channel.choices if c[0] != Channel.IMPORT])
    forwarded_by = forms.CharField(
        label=_("forwarded by"), max_length=150, required=False,
        help_text=_("Who asked or passed the request on, e.g. the support worker's name."),
    )
    needs_based = forms.BooleanField(label=_("priority (needs-based)"), required=False)

    def __init__(self, *args, detainees, **kwargs):
        super().__init__(*args, **kwargs)
        self.detainees = detainees
        self.fields["requested_on"].initial = timezone.localdate()

    def clean_prison_number(self):
        number = self.cleaned_data["prison_number"].strip()
        detainee = self.detainees.filter(prison_number=number).first()
        if detainee is None:
            raise forms.ValidationError(_("No detainee you may see has the number %(number)s.") % {"number": number})
        self.cleaned_data["detainee"] = detainee
        return number


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("list of prison numbers (.xlsx or .csv)"),
        help_text=_("Row 1 is a header: prison_number (required), requested_on, channel, forwarded_by, needs_based."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 2 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        return upload


class DecisionForm(forms.Form):
    """Approve or enrol: confirm the warnings that need it, with a reason."""

    confirm = forms.MultipleChoiceField(label=_("I confirm these warnings"), required=False,
                                        widget=forms.CheckboxSelectMultiple)
    confirmation_reason = forms.CharField(label=_("reason for going ahead despite the warnings"), max_length=255,
                                          required=False)

    def __init__(self, *args, findings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["confirm"].choices = [(f.code, f.message) for f in findings if f.needs_confirmation]
        if not self.fields["confirm"].choices:
            del self.fields["confirm"]
            del self.fields["confirmation_reason"]


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("reason"), max_length=255)


class EndForm(forms.Form):
    """Withdraw (the detainee's wish) or remove (the coordinator's decision), with a leaving reason."""

    action = forms.ChoiceField(label=_("what happens"), choices=[
        ("withdraw", _("The detainee withdraws")), ("remove", _("Remove from the cycle")),
    ])
    leaving_reason = forms.ModelChoiceField(label=_("leaving reason"), queryset=LeavingReason.objects.none())
    note = forms.CharField(label=_("note"), max_length=255, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["leaving_reason"].queryset = LeavingReason.objects.filter(active=True)
