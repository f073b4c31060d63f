"""Forms for needs surveys: the survey with its options as text, and one filled-in questionnaire."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import Activity
from prisons.models import LegalStatus
from prisons.selectors import language_choices

from . import selectors, services
from .models import PreferredTime, Survey


class SurveyForm(forms.ModelForm):
    options = forms.CharField(
        label=gettext_lazy("Options (one a line)"), widget=forms.Textarea(attrs={"rows": 10}),
        help_text=gettext_lazy("“Label”, or “Label | kind” (training, psychosocial, sociocultural, sport), or "
                               "“Label | activity code” for an activity of the catalogue."),
    )

    class Meta:
        model = Survey
        fields = ["site", "title", "question", "units", "opens_on", "closes_on", "note"]
        widgets = {
            "opens_on": forms.DateInput(attrs={"type": "date"}),
            "closes_on": forms.DateInput(attrs={"type": "date"}),
            "units": forms.SelectMultiple(attrs={"size": 8}),
        }

    def __init__(self, *args, sites, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = sites
        self.fields["units"].queryset = units.select_related("site").order_by("site__name", "code")
        self.fields["units"].label_from_instance = lambda unit: f"{unit.site.code} · {unit.code} {unit.name}"
        if self.instance.pk:
            self.fields["site"].disabled = True
            self.initial.setdefault("options", services.options_text(self.instance))
        else:
            opens, closes = services.default_dates(timezone.localdate())
            self.initial.setdefault("opens_on", opens)
            self.initial.setdefault("closes_on", closes)
            self.initial.setdefault("question", _("Which activities would you take part in? Tick as many as you "
                                                  "like."))

    def clean_options(self):
        try:
            return services.parse_options(self.cleaned_data["options"], Activity.objects.filter(active=True))
        except ValidationError as error:
            raise ValidationError(error.message_dict["options"]) from error

    def clean(self):
        data = super().clean()
        opens, closes = data.get("opens_on"), data.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The survey closes before it opens."))
        return data


class ResponseForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=None)
    chosen = forms.MultipleChoiceField(label=gettext_lazy("Activities ticked"), required=False,
                                       widget=forms.CheckboxSelectMultiple)
    preferred_time = forms.ChoiceField(label=gettext_lazy("Preferred time"), choices=PreferredTime.choices,
                                       initial=PreferredTime.EITHER, widget=forms.RadioSelect)
    languages = forms.MultipleChoiceField(label=gettext_lazy("Languages they would follow"), required=False,
                                          widget=forms.SelectMultiple(attrs={"size": 6}))
    legal_status = forms.ChoiceField(
        label=gettext_lazy("Legal status, if given"), required=False,
        choices=[("", gettext_lazy("Not given")), *LegalStatus.choices],
    )
    comment = forms.CharField(label=gettext_lazy("Comment"), required=False, max_length=500,
                              widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, survey, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.surveyed_units(survey).order_by("code")
        self.fields["chosen"].choices = [(option.pk, option.label) for option in survey.options.all()]
        self.fields["languages"].choices = language_choices()
