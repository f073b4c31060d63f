"""Forms of the prison pages."""
from django import forms
from django.core.exceptions import ValidationError
from django.db.models.fields import BLANK_CHOICE_DASH
from django.utils.translation import gettext_lazy as _

from .models import BlockedReason, DetaineeStatus, RoomKind, SiteKind, StaffFunction, Weekday


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


class RegimeDayForm(forms.Form):
    """The periods of one or more weekdays, typed one a line."""

    weekdays = forms.TypedMultipleChoiceField(
        label=_("Weekdays"), choices=Weekday.choices, coerce=int, widget=forms.CheckboxSelectMultiple,
        help_text=_("Tick several days to give them the same periods."),
        error_messages={"required": _("Choose at least one weekday.")},
    )
    periods = forms.CharField(
        label=_("Periods"), required=False, widget=forms.Textarea(attrs={"rows": 8}),
        help_text=_("One a line, in the order of the day: 08:30-10:00 Morning 1. A session of two periods runs "
                    "across two lines that follow each other; leave an empty line where it cannot (lunch). "
                    "Empty: no activities that day."),
    )

    def clean_periods(self):
        from .regime import parse_period_lines

        try:
            return parse_period_lines(self.cleaned_data["periods"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["periods"]) from error


class UnitEscortForm(forms.Form):
    escort_limit = forms.IntegerField(
        label=_("Escort limit"), required=False, min_value=1,
        help_text=_("Most sessions this unit's staff can escort to at the same time; empty: no limit."),
    )


class BlockedPeriodRowForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=[*BLANK_CHOICE_DASH, *Weekday.choices], coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    reason = forms.ChoiceField(label=_("Why"), choices=[*BLANK_CHOICE_DASH, *BlockedReason.choices])
    label = forms.CharField(label=_("Note"), required=False, max_length=80)


BlockedPeriodFormSet = forms.formset_factory(BlockedPeriodRowForm, extra=3, can_delete=True)


class RoomUseRowForm(forms.Form):
    weekday = forms.TypedChoiceField(label=_("Weekday"), choices=[*BLANK_CHOICE_DASH, *Weekday.choices], coerce=int)
    start = forms.TimeField(label=_("From"), widget=forms.TimeInput(attrs={"type": "time"}))
    end = forms.TimeField(label=_("Until"), widget=forms.TimeInput(attrs={"type": "time"}))
    label = forms.CharField(label=_("Used by"), max_length=80)


RoomUseFormSet = forms.formset_factory(RoomUseRowForm, extra=3, can_delete=True)


class StaffMemberForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100,
                                 error_messages={"required": _("Give the first name.")})
    last_name = forms.CharField(label=_("Last name"), max_length=100,
                                error_messages={"required": _("Give the last name.")})
    function = forms.ChoiceField(label=_("Function"), choices=StaffFunction.choices)
    units = forms.ModelMultipleChoiceField(
        label=_("Units"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple,
        help_text=_("The units they work in: an officer sees the detainees, cycles and sessions of these units."),
    )
    email = forms.EmailField(label=_("E-mail"), required=False)
    email_cancellations = forms.BooleanField(
        label=_("E-mail changes"), required=False, initial=True,
        help_text=_("E-mail them the changes to the coming sessions of their units (cancelled, moved, a unit no "
                    "longer going); the gate's staff, the changes to the outside people expected."),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["units"].queryset = units


class RoomForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=30)
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RoomKind.choices)
    capacity = forms.IntegerField(label=_("Capacity"), min_value=1,
                                  help_text=_("How many participants it holds (the planner never puts more)."))
    building = forms.ModelChoiceField(label=_("Building"), queryset=None, required=False)
    reachable_from_all_units = forms.BooleanField(label=_("Reachable from every unit"), required=False)
    reachable_units = forms.ModelMultipleChoiceField(
        label=_("Units that can reach it"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple)
    accessibility_notes = forms.CharField(label=_("Accessibility notes"), required=False,
                                          widget=forms.Textarea(attrs={"rows": 2}))
    active = forms.BooleanField(label=_("In use"), required=False, initial=True,
                                help_text=_("A room out of use is left out of planning and suggestions."))

    def __init__(self, *args, buildings, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].queryset = buildings
        self.fields["reachable_units"].queryset = units


class SiteForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20,
                           help_text=_("Lower-case letters, digits and hyphens; imports and exports name the site by it."))
    name = forms.CharField(label=_("Name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)
    address = forms.CharField(label=_("Address"), max_length=200, required=False,
                              help_text=_("Street, number, postcode and town."))
    daily_outside_quota = forms.IntegerField(
        label=_("Daily quota of outside people"), required=False, min_value=1,
        help_text=_("How many outside facilitators the gate accepts per day; empty: no quota. The week grid and "
                    "the gate list warn when a day's sessions bring more."))

    def __init__(self, *args, may_recode: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_recode:  # the administrators' (see prisons.sites)
            for field in ("code", "kind"):
                self.fields[field].disabled = True
                self.fields[field].required = False


class BuildingForm(forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20)
    name = forms.CharField(label=_("Name"), max_length=100)
