"""Forms of the catalogue, partner and facilitator pages, and the filters shared with the API."""
import datetime as dt

import django_filters
from django import forms
from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core import rules as access
from core.logins import LoginState, with_login_state
from prisons.models import RoomKind
from prisons.selectors import language_choices

from .checks import AuthorisationState
from .language_codes import language_codes
from .models import (
    Activity,
    ActivityKind,
    Availability,
    AvailabilityException,
    Community,
    Cycle,
    CycleStatus,
    Facilitator,
    FacilitatorKind,
    Partner,
    PartnerDocumentKind,
    ProblemKind,
    Session,
    TargetGroup,
    Term,
    VolunteerCandidate,
)


class LanguageListField(forms.CharField):
    """ISO 639 codes typed as "fr, nl, ar", stored as a list."""

    def __init__(self, **kwargs):
        kwargs.setdefault("help_text", _("ISO 639 codes separated by commas, e.g. fr, nl, ar"))
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return ", ".join(value)
        return value

    def to_python(self, value):
        try:
            return language_codes(value)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid_language") from None


class ActivityForm(forms.ModelForm):
    target_groups = forms.MultipleChoiceField(
        label=_("target groups"), choices=TargetGroup.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )
    room_kinds = forms.MultipleChoiceField(
        label=_("room kinds"), choices=RoomKind.choices, required=False, widget=forms.CheckboxSelectMultiple,
    )
    languages = LanguageListField(label=_("languages of delivery"))

    class Meta:
        model = Activity
        fields = [
            "code", "kind", "title_fr", "title_nl", "title_en", "description_fr", "description_nl",
            "description_en", "pictogram", "objectives", "target_groups", "languages", "partner", "default_facilitators",
            "room_kinds", "group_min", "group_max", "session_periods", "sessions_per_week", "weeks", "active",
        ]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = access.visible_partners(user)
        self.fields["default_facilitators"].queryset = access.visible_facilitators(user)

    def clean(self):
        cleaned = super().clean()
        group_min, group_max = cleaned.get("group_min"), cleaned.get("group_max")
        if group_min is not None and group_max is not None and group_max < group_min:
            self.add_error("group_max", _("The maximum group size must be at least the minimum (%(min)s).")
                           % {"min": group_min})
        return cleaned


class PartnerForm(forms.ModelForm):
    languages = LanguageListField(label=_("languages offered"))
    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")

    class Meta:
        model = Partner
        fields = [
            "name", "community", "description", "themes", "office_hours", "languages", "territory",
            "contact_name", "email", "phone", "website", "address", "latitude", "longitude",
            "public_transport", "active",
        ]

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("latitude") is None) != (cleaned.get("longitude") is None):
            self.add_error("longitude", _("Give both latitude and longitude, or neither."))
        return cleaned


class FacilitatorForm(forms.ModelForm):
    languages = LanguageListField(label=_("languages"))

    class Meta:
        model = Facilitator
        fields = [
            "kind", "first_name", "last_name", "partner", "sites", "languages", "skills", "email", "email_changes", "email_reminders", "phone",
            "authorisation_number", "authorisation_valid_from", "authorisation_valid_until", "active",
        ]
        widgets = {
            "sites": forms.CheckboxSelectMultiple,
            "authorisation_valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "authorisation_valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = access.visible_partners(user)
        # A coordinator places facilitators only at the sites they work for.
        self.fields["sites"].queryset = access.visible_sites(user)

    def clean(self):
        cleaned = super().clean()
        start, until = cleaned.get("authorisation_valid_from"), cleaned.get("authorisation_valid_until")
        if start and until and until < start:
            self.add_error("authorisation_valid_until", _("The authorisation must end after it starts."))
        if cleaned.get("kind") == FacilitatorKind.STAFF and cleaned.get("authorisation_number"):
            self.add_error("authorisation_number", _("Prison staff do not need an access authorisation."))
        return cleaned


class AvailabilityForm(forms.ModelForm):
    class Meta:
        model = Availability
        fields = ["weekday", "start", "end", "preferred"]
        widgets = {"start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


class AvailabilityExceptionForm(forms.ModelForm):
    class Meta:
        model = AvailabilityException
        fields = ["date", "start", "end", "available", "note"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                   "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                   "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if (start is None) != (end is None):
            self.add_error("end", _("Give both hours for part of a day, or neither for the whole day."))
        elif start and end and end <= start:
            self.add_error("end", _("The end must be after the start."))
        return cleaned


AvailabilityFormSet = forms.inlineformset_factory(
    Facilitator, Availability, form=AvailabilityForm, extra=2, can_delete=True,
)
AvailabilityExceptionFormSet = forms.inlineformset_factory(
    Facilitator, AvailabilityException, form=AvailabilityExceptionForm, extra=1, can_delete=True,
)


# --- filters, shared by the list pages and the API -------------------------------------------------


class JsonListContainsFilter(django_filters.ChoiceFilter):
    """Keeps rows whose JSON list holds the chosen code (portable across SQLite and PostgreSQL)."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(**{f"{self.field_name}__icontains": f'"{value}"'})


def _visible_partners(request):
    return access.visible_partners(request.user) if request else Partner.objects.none()


def _visible_terms(request):
    return access.visible_terms(request.user) if request else Term.objects.none()


def _visible_activities(request):
    return access.visible_activities(request.user) if request else Activity.objects.none()


class ActivityFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Title contains"), method="filter_title")
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=ActivityKind.choices)
    language = JsonListContainsFilter(label=_("Language"), field_name="languages", choices=language_choices)
    target_group = JsonListContainsFilter(label=_("Target group"), field_name="target_groups",
                                          choices=TargetGroup.choices)
    partner = django_filters.ModelChoiceFilter(label=_("Partner organisation"), queryset=_visible_partners)
    active = django_filters.BooleanFilter(label=_("Active"))

    class Meta:
        model = Activity
        fields = ["q", "kind", "language", "target_group", "partner", "active"]

    def filter_title(self, qs, name, value):
        return qs.filter(Q(title_fr__icontains=value) | Q(title_nl__icontains=value) | Q(title_en__icontains=value)
                         | Q(code__icontains=value))


class PartnerFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name or theme contains"), method="filter_text")
    community = django_filters.ChoiceFilter(label=_("Community"), choices=Community.choices)
    language = JsonListContainsFilter(label=_("Language"), field_name="languages", choices=language_choices)
    active = django_filters.BooleanFilter(label=_("Active"))
    to_chase = django_filters.BooleanFilter(label=_("Agreement or insurance to chase"), method="filter_to_chase")

    class Meta:
        model = Partner
        fields = ["q", "community", "language", "active", "to_chase"]

    def filter_text(self, qs, name, value):
        return qs.filter(Q(name__icontains=value) | Q(themes__icontains=value) | Q(territory__icontains=value))

    def filter_to_chase(self, qs, name, value):
        from .partner_documents import partners_to_chase

        chase = partners_to_chase(timezone.localdate()).values("pk")
        return qs.filter(pk__in=chase) if value else qs.exclude(pk__in=chase)


class FacilitatorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Name contains"), method="filter_name")
    partner = django_filters.ModelChoiceFilter(label=_("Organisation"), queryset=_visible_partners)
    kind = django_filters.ChoiceFilter(label=_("Kind"), choices=FacilitatorKind.choices)
    authorisation = django_filters.ChoiceFilter(
        label=_("Access authorisation"), choices=AuthorisationState.choices, method="filter_authorisation",
    )
    active = django_filters.BooleanFilter(label=_("Active"))
    no_email = django_filters.BooleanFilter(label=_("Without an e-mail address"), method="filter_no_email")
    login = django_filters.ChoiceFilter(label=_("Login"), choices=LoginState.choices, method="filter_login")

    class Meta:
        model = Facilitator
        fields = ["q", "partner", "kind", "authorisation", "active", "no_email", "login"]

    def filter_login(self, qs, name, value):
        return with_login_state(qs, value)

    def filter_no_email(self, qs, name, value):
        return qs.filter(email="") if value else qs.exclude(email="")

    def filter_name(self, qs, name, value):
        return qs.filter(Q(first_name__icontains=value) | Q(last_name__icontains=value))

    def filter_authorisation(self, qs, name, value):
        today = timezone.localdate()
        soon = today + dt.timedelta(days=settings.RELAIS_AUTHORISATION_WARNING_DAYS)
        staff = Q(kind=FacilitatorKind.STAFF)
        states = {
            AuthorisationState.NOT_NEEDED: staff,
            AuthorisationState.MISSING: ~staff & Q(authorisation_valid_until__isnull=True),
            AuthorisationState.EXPIRED: ~staff & Q(authorisation_valid_until__lt=today),
            AuthorisationState.EXPIRING: ~staff & Q(authorisation_valid_until__gte=today,
                                                    authorisation_valid_until__lte=soon),
            AuthorisationState.VALID: ~staff & Q(authorisation_valid_until__gt=soon),
        }
        return qs.filter(states[value])


class CycleFilter(django_filters.FilterSet):
    term = django_filters.ModelChoiceFilter(label=_("Term"), queryset=_visible_terms)
    status = django_filters.ChoiceFilter(label=_("Status"), choices=CycleStatus.choices)
    activity = django_filters.ModelChoiceFilter(label=_("Activity"), queryset=_visible_activities)

    class Meta:
        model = Cycle
        fields = ["term", "status", "activity"]


class SessionFilter(django_filters.FilterSet):
    """The sessions API's filters; `starts_from` and `starts_until` are days in Brussels time, both included."""

    term = django_filters.ModelChoiceFilter(label=_("Term"), queryset=_visible_terms, field_name="cycle__term")
    starts_from = django_filters.DateFilter(label=_("From"), method="_from")
    starts_until = django_filters.DateFilter(label=_("Until"), method="_until")

    class Meta:
        model = Session
        fields = ["term", "cycle", "room", "status"]

    def _from(self, qs, name, value):
        from scheduling.calendars import local_day_bounds

        return qs.filter(starts_at__gte=local_day_bounds(value, value)[0])

    def _until(self, qs, name, value):
        from scheduling.calendars import local_day_bounds

        return qs.filter(starts_at__lt=local_day_bounds(value, value)[1])


class ProblemForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of problem"), choices=ProblemKind.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("What happened"), max_length=1000, widget=forms.Textarea(attrs={"rows": 4}))


class ResolutionForm(forms.Form):
    resolution = forms.CharField(label=_("What was done"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))


class MaterialForm(forms.Form):
    item = forms.CharField(label=_("Item"), max_length=120,
                           help_text=_("As the gate will see it, e.g. “Acrylic paint, 75 ml tubes”."))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, max_value=999, initial=1)
    note = forms.CharField(label=_("Note"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           help_text=_("What it is for, how it is packed, where it is kept between sessions."))


class RenewalAnswerForm(forms.Form):
    """The direction's answer to a renewal request; the service checks what depends on the outcome."""

    outcome = forms.CharField(label=_("Answer"))
    valid_until = forms.DateField(label=_("New authorisation valid until"), required=False)
    number = forms.CharField(label=_("Authorisation number"), max_length=40, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class SessionLogForm(forms.Form):
    done = forms.CharField(label=_("What we did"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
                           help_text=_("Themes, exercises, what worked. No names: the register says who came."))
    next_time = forms.CharField(label=_("To prepare for next time"), max_length=1000, required=False,
                                widget=forms.Textarea(attrs={"rows": 3}),
                                help_text=_("For whoever leads the next session: material, where the group stands."))


class CandidateForm(forms.ModelForm):
    """A would-be volunteer's record; the rules (a way to reach them, dates) are in activities.recruitment."""

    languages = LanguageListField(label=_("languages"))

    class Meta:
        model = VolunteerCandidate
        fields = ["site", "first_name", "last_name", "email", "phone", "partner", "languages", "skills", "source",
                  "contacted_on", "note"]
        widgets = {
            "contacted_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "note": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = access.visible_sites(user)
        self.fields["partner"].queryset = access.visible_partners(user)
        self.fields["partner"].required = False
        if not self.instance.pk:
            self.initial.setdefault("contacted_on", timezone.localdate())


class CandidateStepForm(forms.Form):
    """The next step of a recruitment; the badge's number and validity only when access is granted."""

    on = forms.DateField(label=_("Date"), required=False)
    authorisation_number = forms.CharField(label=_("Authorisation number"), max_length=40, required=False)
    valid_until = forms.DateField(label=_("Valid until"), required=False)


class CandidateWithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Why not"), max_length=200, required=False)


class AbsenceForm(forms.Form):
    """A date the facilitator will be away; the rules are in activities.absences."""

    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    start = forms.TimeField(label=_("From"), required=False, widget=forms.TimeInput(attrs={"type": "time"}),
                            help_text=_("Leave both hours empty for the whole day."))
    end = forms.TimeField(label=_("Until"), required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(label=_("Note"), max_length=200, required=False,
                           help_text=_("For your coordinator, e.g. “exam”, “holiday”."))


class PartnerDocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartnerDocumentKind.choices)
    reference = forms.CharField(label=_("Reference"), max_length=100,
                                help_text=_("The agreement's number or the insurer and policy number."))
    valid_from = forms.DateField(label=_("Valid from"), widget=forms.DateInput(attrs={"type": "date"}))
    valid_until = forms.DateField(label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"}),
                                  help_text=_("Empty: until further notice."))
    site = forms.ModelChoiceField(label=_("Site"), queryset=None, required=False, empty_label=_("Every site"))
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["site"].queryset = access.visible_sites(user)


class CycleForm(forms.Form):
    """A cycle of one term: the units and facilitators offered are those of the term's site."""

    activity = forms.ModelChoiceField(label=_("Activity"), queryset=None)
    code = forms.SlugField(label=_("Code"), max_length=60,
                           help_text=_("Short and unique in the term, e.g. theatre-a (letters, digits, hyphens)."))
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=200)
    sessions_per_week = forms.IntegerField(label=_("Sessions per week"), min_value=1, max_value=7)
    session_periods = forms.IntegerField(label=_("Session length (regime periods)"), min_value=1, max_value=4)
    language = forms.ChoiceField(label=_("Language of delivery"), choices=())
    screening_required = forms.BooleanField(label=_("Screening interview first"), required=False)
    eligible_units = forms.ModelMultipleChoiceField(label=_("Units whose detainees may take part"), queryset=None,
                                                    widget=forms.CheckboxSelectMultiple)
    facilitators = forms.ModelMultipleChoiceField(label=_("Facilitators"), queryset=None, required=False,
                                                  widget=forms.CheckboxSelectMultiple)
    status = forms.ChoiceField(label=_("Status"), choices=())

    def __init__(self, *args, term, cycle=None, **kwargs):
        from prisons.models import Unit

        from .cycles import allowed_statuses

        super().__init__(*args, **kwargs)
        activities = Activity.objects.filter(active=True)
        if cycle is not None:
            activities = Activity.objects.filter(Q(active=True) | Q(pk=cycle.activity_id))
        self.fields["activity"].queryset = activities.order_by("title_en")
        self.fields["language"].choices = language_choices()
        self.fields["eligible_units"].queryset = Unit.objects.filter(site=term.site_id).order_by("code")
        self.fields["facilitators"].queryset = (Facilitator.objects.filter(sites=term.site_id)
                                                .filter(Q(active=True) | Q(cycles=cycle) if cycle else Q(active=True))
                                                .prefetch_related("sites").distinct().order_by("last_name"))
        self.fields["status"].choices = [(s, CycleStatus(s).label) for s in allowed_statuses(cycle)]
        self.fields["status"].help_text = _(
            "Finishing a cycle ends its applications: those enrolled completed it, the others are declined.")


class TermForm(forms.Form):
    """A term of a site, with its excluded dates one a line."""

    site = forms.ModelChoiceField(label=_("Site"), queryset=None)
    name = forms.CharField(label=_("Name"), max_length=100)
    first_date = forms.DateField(label=_("First date"), widget=forms.DateInput(attrs={"type": "date"}))
    last_date = forms.DateField(label=_("Last date"), widget=forms.DateInput(attrs={"type": "date"}))
    excluded_dates = forms.CharField(
        label=_("Excluded dates"), required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("No session on these days: one a line, the date then what it is, e.g. 2027-04-05 Easter Monday."))

    def __init__(self, *args, user, term=None, **kwargs):
        super().__init__(*args, **kwargs)
        sites = access.visible_sites(user).order_by("name")
        self.fields["site"].queryset = sites
        if term is not None:
            self.fields["site"].disabled = True

    def clean_excluded_dates(self):
        from .terms import parse_excluded

        dates, errors = parse_excluded(self.cleaned_data["excluded_dates"])
        if errors:
            raise forms.ValidationError(errors)
        return dates
