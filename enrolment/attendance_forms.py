"""The attendance export form: a cycle, or a site and a date range; format; pseudonymisation."""
import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from core import rules as access

from .evaluation_sheets import RATED_QUESTIONS, TEXT_LIMIT
from .exports import FORMAT_CHOICES, ExportScope
from .models import FeedbackTopic, Level, Rating, ReviewChange, ReviewDecision, WouldReturn

MAX_RANGE_DAYS = 400


class ExportForm(forms.Form):
    cycle = forms.ModelChoiceField(
        label=_("Cycle"), queryset=None, required=False,
        help_text=_("Either a cycle, or a site and a date range."),
    )
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False)
    first_date = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="xlsx")
    pseudonymise = forms.BooleanField(
        label=_("Pseudonymise"), required=False,
        help_text=_("Replace prison numbers by a keyed code and leave names out."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cycle"].queryset = access.visible_cycles(user).select_related("term__site").order_by(
            "-term__first_date", "code"
        )
        self.fields["cycle"].label_from_instance = lambda c: f"{c.term.site.code} · {c.term.name} · {c}"
        self.fields["site"].queryset = access.visible_sites(user)

    def clean(self):
        data = super().clean()
        cycle, site = data.get("cycle"), data.get("site")
        first, last = data.get("first_date"), data.get("last_date")
        if cycle is not None:
            data["scope"] = ExportScope(site=cycle.term.site, cycle=cycle)
            return data
        if site is None:
            raise forms.ValidationError(_("Choose a cycle, or a site with a date range."))
        if first is None or last is None:
            self.add_error("first_date" if first is None else "last_date", _("Give both dates of the range."))
            return data
        if last < first:
            self.add_error("last_date", _("The end date is before the start date."))
            return data
        if last - first > dt.timedelta(days=MAX_RANGE_DAYS):
            self.add_error("last_date", _("The range is limited to %(days)s days.") % {"days": MAX_RANGE_DAYS})
            return data
        data["scope"] = ExportScope(site=site, first_date=first, last_date=last)
        return data


class FeedbackInterviewForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=forms.DateInput(attrs={"type": "date"}))
    topics = forms.MultipleChoiceField(
        label=_("What made them stop or miss sessions"), choices=FeedbackTopic.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    would_return = forms.ChoiceField(label=_("Would take part again"), choices=WouldReturn.choices,
                                     widget=forms.RadioSelect)
    what_would_help = forms.CharField(
        label=_("What would help"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("In their words, briefly: for the next cycle, not a case file."),
    )


class CycleReviewForm(forms.Form):
    decision = forms.ChoiceField(label=_("What becomes of the cycle"), choices=ReviewDecision.choices,
                                 widget=forms.RadioSelect)
    changes = forms.MultipleChoiceField(label=_("What to change"), choices=ReviewChange.choices, required=False,
                                        widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(label=_("Note"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 4}),
                           help_text=_("For whoever designs the next term's offer."))


def _unanswered(choices):
    return [("", _("No answer")), *choices]


class EvaluationSheetForm(forms.Form):
    """One paper sheet, typed in as it is: every question may have been left blank."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, question in RATED_QUESTIONS:
            self.fields[name] = forms.TypedChoiceField(
                label=question, choices=_unanswered(Rating.choices), coerce=int, empty_value=None, required=False,
                widget=forms.RadioSelect(attrs={"class": "faces"}),
            )
        self.fields["level"] = forms.ChoiceField(label=_("The level was"), choices=_unanswered(Level.choices),
                                                 required=False, widget=forms.RadioSelect)
        self.fields["would_return"] = forms.ChoiceField(
            label=_("Would you take part again?"), choices=_unanswered(WouldReturn.choices), required=False,
            widget=forms.RadioSelect)
        self.fields["liked_most"] = forms.CharField(
            label=_("What did you like most?"), required=False, max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 2}))
        self.fields["to_change"] = forms.CharField(
            label=_("What should change?"), required=False, max_length=TEXT_LIMIT,
            widget=forms.Textarea(attrs={"rows": 2}))
        for name in ("liked", "useful", "at_ease", "level", "would_return"):
            self.fields[name].initial = ""
