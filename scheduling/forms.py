"""Forms of term planning. They parse and check shapes; the rules live in services and checks."""
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import CHOSEN_CANCELLATION_REASONS, CancellationReason
from core import rules as access


class DateInput(forms.DateInput):
    input_type = "date"


class PlanForm(forms.Form):
    time_limit = forms.IntegerField(label=_("Time limit (seconds)"), min_value=5, max_value=600, initial=60)


class DraftMoveForm(forms.Form):
    period = forms.ModelChoiceField(label=_("Start period"), queryset=None)
    room = forms.ModelChoiceField(label=_("Room"), queryset=None)
    confirmed = forms.BooleanField(label=_("Move it anyway"), required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, term, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = access.visible_regime_periods(user).filter(site=term.site_id).order_by(
            "weekday", "index")
        self.fields["room"].queryset = access.visible_rooms(user).filter(site=term.site_id, active=True).order_by("code")


class PublishForm(forms.Form):
    effective_date = forms.DateField(label=_("Effective from"), widget=DateInput)
    accept_warnings = forms.BooleanField(label=_("I have read the warnings and publish anyway"), required=False)

    def __init__(self, *args, term, warnings=False, **kwargs):
        """`warnings`: offer the confirmation; `services.publish` refuses unconfirmed warnings."""
        super().__init__(*args, **kwargs)
        self.term = term
        self.fields["effective_date"].initial = max(timezone.localdate(), term.first_date)
        if not warnings:
            del self.fields["accept_warnings"]


class ReasonFields(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CHOSEN_CANCELLATION_REASONS)
    reason_text = forms.CharField(label=_("Details"), max_length=200, required=False)

    def clean(self):
        data = super().clean()
        if data.get("reason") == CancellationReason.OTHER and not (data.get("reason_text") or "").strip():
            self.add_error("reason_text", _("Say why when the reason is “other”."))
        return data


class CancelForm(ReasonFields):
    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False,
                                      help_text=_("Leave empty for the whole site."))
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=None, required=False,
                                  help_text=_("Leave empty for the whole site or building."))
    first_date = forms.DateField(label=_("From"), widget=DateInput)
    last_date = forms.DateField(label=_("Until"), widget=DateInput)
    periods = forms.ModelMultipleChoiceField(label=_("Only these periods"), queryset=None, required=False,
                                             widget=forms.CheckboxSelectMultiple,
                                             help_text=_("Leave all unticked for whole days."))

    field_order = ["site", "building", "unit", "first_date", "last_date", "periods", "reason", "reason_text"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        sites = [s.pk for s in access.visible_sites(user) if user.has_perm("scheduling.plan_term", s)]
        self.fields["site"].queryset = access.visible_sites(user).filter(pk__in=sites)
        self.fields["building"].queryset = access.visible_buildings(user).filter(site__in=sites)
        self.fields["unit"].queryset = access.visible_units(user).filter(site__in=sites)
        self.fields["periods"].queryset = access.visible_regime_periods(user).filter(site__in=sites).order_by(
            "site", "weekday", "index")

    def clean(self):
        data = super().clean()
        site = data.get("site")
        for name in ("building", "unit"):
            if site and data.get(name) and data[name].site_id != site.pk:
                self.add_error(name, _("This is not at the chosen site."))
        if data.get("building") and data.get("unit") and data["unit"].building_id != data["building"].pk:
            self.add_error("unit", _("This unit is not in the chosen building."))
        if site and any(p.site_id != site.pk for p in data.get("periods") or []):
            self.add_error("periods", _("Choose periods of the chosen site."))
        if data.get("first_date") and data.get("last_date") and data["last_date"] < data["first_date"]:
            self.add_error("last_date", _("The last date is before the first date."))
        return data


class SessionCancelForm(ReasonFields):
    pass


class SessionMoveForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=DateInput)
    slot = forms.ChoiceField(label=_("Free period and room"), required=False)

    def __init__(self, *args, slots=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.slots = {f"{s.period.pk}-{s.room.pk}": s for s in slots}
        self.fields["slot"].choices = [
            (key, f"{s.period} · {s.room.name}") for key, s in self.slots.items()
        ]

    def clean_slot(self):
        value = self.cleaned_data.get("slot")
        if value and value not in self.slots:
            raise forms.ValidationError(_("This slot is not free: choose one of the suggestions."))
        return self.slots.get(value)
