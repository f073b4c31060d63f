"""Read-only API for partners, facilitators, the catalogue, terms, cycles and sessions."""
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import rules as access
from core.api import ScopedReadOnlyViewSet, in_scope, service_errors
from core.findings import Severity
from core.login_api import login_actions
from prisons.list_import_api import import_action

from . import availability, carry_over, cycles, terms, volunteer_hours
from .catalogue_import import apply_catalogue_import, prepare_catalogue_import
from .checks import authorisation_findings
from .facilitator_import import Window, apply_facilitator_import, prepare_facilitator_import
from .forms import ActivityFilter, CycleFilter, FacilitatorFilter, PartnerFilter, SessionFilter
from .models import Activity, Cycle, CycleStatus, ExcludedDate, Facilitator, Partner, Session, Term
from .partner_import import apply_partner_import, prepare_partner_import


class AuthorisationFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()


class PartnerSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    map_url = serializers.CharField(read_only=True)

    class Meta:
        model = Partner
        fields = ["id", "name", "community", "description", "themes", "office_hours", "languages", "territory",
                  "contact_name", "email", "phone", "website", "address", "latitude", "longitude", "map_url",
                  "public_transport", "active"]


class FacilitatorSerializer(serializers.ModelSerializer):
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    findings = serializers.SerializerMethodField()

    class Meta:
        model = Facilitator
        fields = ["id", "kind", "first_name", "last_name", "partner", "sites", "languages", "skills", "email",
                  "email_changes", "email_reminders", "phone", "authorisation_number", "authorisation_valid_from", "authorisation_valid_until",
                  "active", "findings"]

    @extend_schema_field(AuthorisationFindingSerializer(many=True))
    def get_findings(self, facilitator):
        findings = authorisation_findings(facilitator, timezone.localdate())
        return AuthorisationFindingSerializer(findings, many=True).data


class WeeklyWindowSerializer(serializers.Serializer):
    weekday = serializers.IntegerField(min_value=0, max_value=6, help_text="0 Monday … 6 Sunday.")
    start = serializers.TimeField(help_text="Brussels time.")
    end = serializers.TimeField()
    preferred = serializers.BooleanField(default=False)


class WeeklyAvailabilityInput(serializers.Serializer):
    windows = WeeklyWindowSerializer(many=True, help_text="Replace them all; empty: nothing said (any time).")


class SessionOutsideSerializer(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk")
    starts_at = serializers.DateTimeField(source="session.starts_at")
    ends_at = serializers.DateTimeField(source="session.ends_at")
    cycle = serializers.CharField(source="session.cycle.code")


class WeeklyAvailabilitySerializer(serializers.Serializer):
    windows = WeeklyWindowSerializer(many=True)
    outside = SessionOutsideSerializer(many=True, help_text="Coming sessions these windows no longer cover.")


class AskedSerializer(serializers.Serializer):
    sent = serializers.IntegerField(help_text="Facilitators e-mailed.")
    refused = serializers.IntegerField(help_text="E-mails the mail server refused: tried again every ten minutes.")
    without_address = serializers.ListField(child=serializers.IntegerField(),
                                            help_text="Facilitators without an e-mail address, to ask otherwise.")


class ActivitySerializer(serializers.ModelSerializer):
    title = serializers.SerializerMethodField(help_text="Title in the request's language.")
    target_groups = serializers.ListField(child=serializers.CharField(), read_only=True)
    languages = serializers.ListField(child=serializers.CharField(), read_only=True)
    room_kinds = serializers.ListField(child=serializers.CharField(), read_only=True)
    picture = serializers.CharField(read_only=True, help_text="The pictogram printed: its own, else its kind's.")

    class Meta:
        model = Activity
        fields = ["id", "code", "kind", "title", "title_fr", "title_nl", "title_en", "description_fr",
                  "description_nl", "description_en", "pictogram", "picture", "objectives", "target_groups",
                  "languages", "partner", "default_facilitators", "room_kinds", "group_min", "group_max", "session_periods",
                  "sessions_per_week", "weeks", "active"]

    def get_title(self, activity) -> str:
        return activity.title()


class ExcludedDateSerializer(serializers.ModelSerializer):
    class Meta:
        model = ExcludedDate
        fields = ["date", "label"]


class TermSerializer(serializers.ModelSerializer):
    excluded_dates = ExcludedDateSerializer(many=True, read_only=True)

    class Meta:
        model = Term
        fields = ["id", "site", "name", "first_date", "last_date", "excluded_dates"]


class CycleSerializer(serializers.ModelSerializer):
    class Meta:
        model = Cycle
        fields = ["id", "activity", "term", "code", "eligible_units", "facilitators", "capacity",
                  "sessions_per_week", "session_periods", "language", "screening_required", "status"]


class MonthHoursSerializer(serializers.Serializer):
    month = serializers.DateField()
    sessions = serializers.IntegerField()
    hours = serializers.FloatField()


class FacilitatorYearHoursSerializer(serializers.Serializer):
    facilitator = serializers.IntegerField(source="facilitator.pk")
    year = serializers.IntegerField()
    sessions = serializers.SerializerMethodField()
    hours = serializers.FloatField()
    months = serializers.SerializerMethodField()

    def get_sessions(self, record) -> int:
        return len(record.sessions)

    def get_months(self, record) -> list[dict]:
        return MonthHoursSerializer([{"month": m, "sessions": n, "hours": h} for m, n, h in record.months()],
                                    many=True).data


class CycleInput(serializers.Serializer):
    term = serializers.IntegerField()
    activity = serializers.IntegerField()
    code = serializers.SlugField(max_length=60)
    capacity = serializers.IntegerField(min_value=1, max_value=200)
    sessions_per_week = serializers.IntegerField(min_value=1, max_value=7, default=1)
    session_periods = serializers.IntegerField(min_value=1, max_value=4, default=1)
    language = serializers.CharField(max_length=8, default="fr")
    screening_required = serializers.BooleanField(default=False)
    eligible_units = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    facilitators = serializers.ListField(child=serializers.IntegerField(), default=list)
    status = serializers.ChoiceField(choices=CycleStatus.choices, default=CycleStatus.DRAFT)


def _cycle_values(values: dict) -> dict:
    """The input's ids as objects for `cycles.save_cycle`; an unknown id is a 400 naming its field."""
    from prisons.models import Unit

    activity = Activity.objects.filter(pk=values["activity"]).first()
    if activity is None:
        raise ValidationError({"activity": [_("No such activity in the catalogue.")]})
    units = list(Unit.objects.filter(pk__in=values["eligible_units"]))
    facilitators = list(Facilitator.objects.filter(pk__in=values["facilitators"]).prefetch_related("sites"))
    for field, found, asked in (("eligible_units", units, values["eligible_units"]),
                                ("facilitators", facilitators, values["facilitators"])):
        missing = sorted(set(asked) - {obj.pk for obj in found})
        if missing:
            raise ValidationError({field: [_("Unknown: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
    return {**values, "activity": activity, "eligible_units": units, "facilitators": facilitators}


class ExcludedDateInput(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")


class TermInput(serializers.Serializer):
    site = serializers.IntegerField()
    name = serializers.CharField(max_length=100)
    first_date = serializers.DateField()
    last_date = serializers.DateField()
    excluded_dates = ExcludedDateInput(many=True, required=False, default=list)


def _term_values(values: dict) -> dict:
    return {"name": values["name"], "first_date": values["first_date"], "last_date": values["last_date"],
            "excluded": [(item["date"], item.get("label", "")) for item in values["excluded_dates"]]}


class ReplacementInput(serializers.Serializer):
    facilitators = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)


class CarryOverInput(serializers.Serializer):
    source = serializers.IntegerField(help_text="The earlier term of the same site to copy cycles from.")
    cycles = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)


class SessionSerializer(serializers.ModelSerializer):
    # in the Accept-Language: "Strike: no movements"; the code and the words typed come apart too
    cancellation_reason = serializers.CharField(source="cancellation_text", read_only=True)

    class Meta:
        model = Session
        fields = ["id", "uuid", "cycle", "starts_at", "ends_at", "room", "facilitators", "status",
                  "cancellation_reason", "cancellation_code", "cancellation_details", "sequence",
                  "moved_from_starts_at", "moved_from_room"]


class PartnerViewSet(ScopedReadOnlyViewSet):
    model, scope = Partner, access.visible_partners
    serializer_class = PartnerSerializer
    filterset_class = PartnerFilter

    import_list = import_action(
        permission="activities.change_catalogue", prepare=prepare_partner_import, apply=apply_partner_import,
        summary="Check a spreadsheet of partner organisations and, with `confirm`, import it (nothing is saved "
        "unless every row is valid)", site_bound=False)


class FacilitatorViewSet(ScopedReadOnlyViewSet):
    model = Facilitator
    serializer_class = FacilitatorSerializer
    filterset_class = FacilitatorFilter
    object_permission = "activities.view_facilitator"

    @staticmethod
    def scope(user):
        return access.visible_facilitators(user).prefetch_related("sites").order_by("last_name", "first_name")

    import_list = import_action(
        permission="activities.import_facilitators", prepare=prepare_facilitator_import,
        apply=apply_facilitator_import, summary="Check a spreadsheet of facilitators for a site and, with `confirm`, "
        "import it (nothing is saved unless every row is valid)")
    give_login, close_login, give_login_letter = login_actions()

    @extend_schema(methods=["PUT"], request=WeeklyAvailabilityInput, responses={200: WeeklyAvailabilitySerializer})
    @extend_schema(methods=["GET"], responses={200: WeeklyAvailabilitySerializer})
    @action(detail=True, methods=["get", "put"], url_path="weekly-availability")
    def weekly_availability(self, request, pk=None):
        """The facilitator's weekly availability (theirs to keep, or the coordinators') and the coming sessions
        it no longer covers."""
        facilitator = self.get_object()
        if request.method == "PUT":
            data = WeeklyAvailabilityInput(data=request.data)
            data.is_valid(raise_exception=True)
            windows = [Window(w["weekday"], w["start"], w["end"], w["preferred"]) for w in data.validated_data["windows"]]
            if not request.user.has_perm("activities.change_weekly_availability", facilitator):
                raise PermissionDenied()
            with service_errors():
                availability.set_weekly_windows(facilitator, windows, by=request.user)
        return Response(WeeklyAvailabilitySerializer({
            "windows": facilitator.availabilities.order_by("weekday", "start"),
            "outside": availability.sessions_outside_availability(facilitator=facilitator),
        }).data)

    @extend_schema(parameters=[OpenApiParameter("year", int)], responses={200: FacilitatorYearHoursSerializer})
    @action(detail=True, methods=["get"])
    def hours(self, request, pk=None):
        """The sessions the facilitator led in a year (this year by default) and the hours, per month."""
        facilitator = self.get_object()
        year = request.query_params.get("year", "")
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise ValidationError({"year": [_("Give the year as four digits, e.g. 2027.")]})
        record = volunteer_hours.hours_of(facilitator, int(year) if year else timezone.localdate().year)
        return Response(FacilitatorYearHoursSerializer(record).data)


class ActivityViewSet(ScopedReadOnlyViewSet):
    model = Activity
    serializer_class = ActivitySerializer
    filterset_class = ActivityFilter

    import_list = import_action(
        permission="activities.change_catalogue", prepare=prepare_catalogue_import, apply=apply_catalogue_import,
        summary="Check a spreadsheet of the activity catalogue and, with `confirm`, import it (nothing is saved "
        "unless every row is valid)", site_bound=False)

    @staticmethod
    def scope(user):
        return access.visible_activities(user).prefetch_related("default_facilitators").order_by("code")


class TermViewSet(ScopedReadOnlyViewSet):
    model = Term
    serializer_class = TermSerializer
    filterset_fields = ["site"]

    @staticmethod
    def scope(user):
        return access.visible_terms(user).prefetch_related(
            Prefetch("excluded_dates", queryset=ExcludedDate.objects.order_by("date"))
        )

    @extend_schema(request=None, responses={200: AskedSerializer})
    @action(detail=True, methods=["post"], url_path="ask-availability")
    def ask_availability(self, request, pk=None):
        """E-mail the term's facilitators who have not saved or confirmed their weekly availability since the
        weeks before it starts whether it still holds."""
        term = self.get_object()
        with service_errors():
            asked = availability.ask_to_confirm(term, by=request.user)
        sent = availability.send_availability_questions(asked.questions)
        return Response(AskedSerializer({"sent": sent, "refused": len(asked.questions) - sent,
                                         "without_address": [person.pk for person in asked.without_address]}).data)

    @extend_schema(request=TermInput, responses={201: TermSerializer})
    def create(self, request):
        """Create a term of a site you plan, with its excluded dates; errors name their fields."""
        data = TermInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = in_scope(access.visible_sites(request.user), values.pop("site"), field="site",
                        message=_("No such site among those you work at."))
        with service_errors():
            term = terms.save_term(None, by=request.user, site=site, **_term_values(values))
        return Response(TermSerializer(term).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=TermInput, responses={200: TermSerializer})
    def partial_update(self, request, pk=None):
        """Change a term's name, dates or excluded dates; fields left out keep their values."""
        term = self.get_object()
        current = {"site": term.site_id, "name": term.name, "first_date": term.first_date,
                   "last_date": term.last_date,
                   "excluded_dates": [{"date": e.date, "label": e.label} for e in term.excluded_dates.all()]}
        data = TermInput(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("site")
        with service_errors():
            term = terms.save_term(term, by=request.user, site=term.site, **_term_values(values))
        return Response(TermSerializer(term).data)

    @extend_schema(request=CarryOverInput, responses={201: CycleSerializer(many=True)})
    @action(detail=True, methods=["post"], url_path="carry-over")
    def carry_over(self, request, pk=None):
        """Copy cycles of an earlier term of the site into this one as drafts (all or nothing)."""
        target = self.get_object()
        data = CarryOverInput(data=request.data)
        data.is_valid(raise_exception=True)
        source = in_scope(access.visible_terms(request.user), data.validated_data["source"], field="source",
                          message=_("No such term among those you may see."))
        with service_errors():
            created = carry_over.carry_over(source, target, data.validated_data["cycles"], by=request.user)
        return Response(CycleSerializer(created, many=True).data, status=status.HTTP_201_CREATED)


class CycleViewSet(ScopedReadOnlyViewSet):
    model = Cycle
    serializer_class = CycleSerializer
    filterset_class = CycleFilter
    object_permission = "activities.view_cycle"

    @staticmethod
    def scope(user):
        return access.visible_cycles(user).prefetch_related("eligible_units", "facilitators").order_by("term", "code")

    @extend_schema(request=CycleInput, responses={201: CycleSerializer})
    def create(self, request):
        """Create a cycle of a term (the site's coordinators); errors name their fields."""
        data = CycleInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        term = in_scope(access.visible_terms(request.user), values.pop("term"), field="term",
                        message=_("No such term among those you may see."))
        with service_errors():
            cycle = cycles.save_cycle(None, by=request.user, term=term, **_cycle_values(values))
        return Response(CycleSerializer(cycle).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CycleInput, responses={200: CycleSerializer})
    def partial_update(self, request, pk=None):
        """Change a cycle: any field left out keeps its value; `status` moves it through its life."""
        cycle = self.get_object()
        current = {"term": cycle.term_id, "activity": cycle.activity_id, "code": cycle.code,
                   "capacity": cycle.capacity, "sessions_per_week": cycle.sessions_per_week,
                   "session_periods": cycle.session_periods, "language": cycle.language,
                   "screening_required": cycle.screening_required, "status": cycle.status,
                   "eligible_units": [u.pk for u in cycle.eligible_units.all()],
                   "facilitators": [f.pk for f in cycle.facilitators.all()]}
        data = CycleInput(data={**current, **request.data})
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values.pop("term")
        with service_errors():
            cycle = cycles.save_cycle(cycle, by=request.user, term=cycle.term, **_cycle_values(values))
        return Response(CycleSerializer(cycle).data)


class SessionViewSet(ScopedReadOnlyViewSet):
    model = Session
    serializer_class = SessionSerializer
    filterset_class = SessionFilter
    object_permission = "activities.view_session"

    @staticmethod
    def scope(user):
        return access.visible_sessions(user).prefetch_related("facilitators").order_by("starts_at", "id")

    @extend_schema(request=ReplacementInput, responses={200: SessionSerializer})
    @action(detail=True, methods=["post"])
    def replacement(self, request, pk=None):
        """Name who leads this coming session instead of the cycle's facilitators (none: the cycle's again)."""
        from scheduling import replacements

        session = self.get_object()
        data = ReplacementInput(data=request.data)
        data.is_valid(raise_exception=True)
        chosen = list(Facilitator.objects.filter(pk__in=data.validated_data["facilitators"]))
        missing = sorted(set(data.validated_data["facilitators"]) - {f.pk for f in chosen})
        if missing:
            raise ValidationError({"facilitators": [_("Unknown: %(ids)s.") % {"ids": ", ".join(map(str, missing))}]})
        with service_errors():
            replacements.replace(session, chosen, by=request.user)
        return Response(SessionSerializer(session).data)
