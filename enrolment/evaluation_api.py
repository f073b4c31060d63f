"""Evaluation API: the terms that have started and, for one, the same indicators as the page.

Terms the user may not see are 404; indicators they may not read 403 (coordinators of the site
and administrators). Counts only, no detainee data.
"""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, serializers, status, viewsets
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import rules as access
from core.api import in_scope, service_errors

from . import evaluation_sheets, indicators, reviews, year_report
from .models import (
    CycleReview,
    EvaluationSheet,
    Level,
    Rating,
    ReviewChange,
    ReviewDecision,
    WouldReturn,
)


class SignalSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField()


class CycleIndicatorsSerializer(serializers.Serializer):
    cycle = serializers.IntegerField(source="cycle.pk")
    code = serializers.CharField(source="cycle.code")
    activity = serializers.SerializerMethodField()
    kind = serializers.CharField(source="cycle.activity.kind")
    status = serializers.CharField(source="cycle.status")
    capacity = serializers.IntegerField(source="cycle.capacity")
    applications = serializers.IntegerField()
    declined = serializers.IntegerField()
    median_days_to_decision = serializers.FloatField(
        allow_null=True, help_text="Days from the request to the decision (waiting list, enrolled or declined), "
        "middle value of the applications decided.")
    answered_rate = serializers.FloatField(
        allow_null=True, help_text="Share of the applications with at least one written answer handed out.")
    waiting = serializers.IntegerField()
    enrolled_now = serializers.IntegerField()
    enrolled_ever = serializers.IntegerField()
    places_taken = serializers.IntegerField()
    completed = serializers.IntegerField()
    left_prison = serializers.IntegerField()
    dropouts = serializers.IntegerField()
    interviewed = serializers.IntegerField()
    problems = serializers.IntegerField()
    sessions_planned = serializers.IntegerField()
    sessions_past = serializers.IntegerField()
    sessions_cancelled = serializers.IntegerField()
    sessions_moved = serializers.IntegerField(help_text="Not cancelled, but no longer when or where first planned.")
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True)
    attendance_rate = serializers.FloatField(allow_null=True)
    dropout_rate = serializers.FloatField(allow_null=True)
    signals = SignalSerializer(many=True)
    review = serializers.SerializerMethodField()
    previous = serializers.SerializerMethodField()
    sheets = serializers.SerializerMethodField()

    def get_sheets(self, row) -> dict:
        """The participants' evaluation sheets: how many came back and the share of happy faces."""
        return {"returned": row.sheets.returned,
                **{question["name"]: question["share"] for question in row.sheets.rows()}}

    def get_activity(self, row) -> str:
        return row.cycle.activity.title()

    def get_previous(self, row) -> dict | None:
        """The same activity in the site's previous term."""
        record = row.previous
        return None if record is None else {"term": record.term.pk, "fill_rate": record.fill_rate,
                                            "attendance_rate": record.attendance_rate,
                                            "dropout_rate": record.dropout_rate}

    def get_review(self, row) -> dict | None:
        review = row.review
        return None if review is None else {"decision": review.decision, "changes": review.changes,
                                            "note": review.note}


class GroupIndicatorsSerializer(serializers.Serializer):
    group = serializers.CharField()
    label = serializers.CharField()
    held = serializers.IntegerField()
    applicants = serializers.IntegerField()
    participants = serializers.IntegerField()
    dropouts = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    reach = serializers.FloatField(allow_null=True)
    attendance_rate = serializers.FloatField(allow_null=True)
    places_open = serializers.IntegerField()
    places_per_hundred = serializers.FloatField(allow_null=True)


class KindIndicatorsSerializer(serializers.Serializer):
    kind = serializers.CharField()
    label = serializers.CharField()
    cycles = serializers.IntegerField()
    places = serializers.IntegerField()
    places_taken = serializers.IntegerField()
    fill_rate = serializers.FloatField(allow_null=True)
    attendance_rate = serializers.FloatField(allow_null=True)


class PartnerIndicatorsSerializer(serializers.Serializer):
    name = serializers.CharField()
    cycles = serializers.IntegerField()
    sessions_held = serializers.IntegerField()
    hours_held = serializers.FloatField()
    participants = serializers.IntegerField()
    present = serializers.IntegerField()
    absent = serializers.IntegerField()
    attendance_rate = serializers.FloatField(allow_null=True)


class ReasonCountSerializer(serializers.Serializer):
    reason = serializers.CharField()
    count = serializers.IntegerField()

    def to_representation(self, instance):
        reason, count = instance
        return {"reason": reason, "count": count}


class TermSummarySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    site = serializers.CharField(source="site.code")
    name = serializers.CharField()
    first_date = serializers.DateField()
    last_date = serializers.DateField()


class TermIndicatorsSerializer(serializers.Serializer):
    term = TermSummarySerializer()
    counted_until = serializers.DateField()
    cycles = CycleIndicatorsSerializer(many=True)
    groups = GroupIndicatorsSerializer(many=True)
    kinds = KindIndicatorsSerializer(many=True)
    partners = PartnerIndicatorsSerializer(many=True)
    absence_reasons = ReasonCountSerializer(many=True)
    leaving_reasons = ReasonCountSerializer(many=True)
    cancellation_reasons = ReasonCountSerializer(many=True)
    feedback_topics = ReasonCountSerializer(many=True)
    would_return = ReasonCountSerializer(many=True)
    problem_kinds = ReasonCountSerializer(many=True)


class IndicatorViewSet(viewsets.ViewSet):
    """Indicators of the offer per term (step 11). Labels and signals follow Accept-Language."""

    def _terms(self):
        if not self.request.user.has_perm("enrolment.view_indicator_list"):
            raise PermissionDenied
        return indicators.terms_to_evaluate(access.visible_terms(self.request.user))

    @extend_schema(responses=TermSummarySerializer(many=True))
    def list(self, request):
        """The terms that have started, newest first."""
        return Response(TermSummarySerializer(self._terms(), many=True).data)

    @extend_schema(
        parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="The term's id.")],
        responses=TermIndicatorsSerializer,
    )
    def retrieve(self, request, pk=None):
        term = get_object_or_404(self._terms(), pk=pk)
        if not request.user.has_perm("enrolment.view_indicators", term):
            raise PermissionDenied
        return Response(TermIndicatorsSerializer(indicators.term_indicators(term)).data)


class CycleReviewInput(serializers.Serializer):
    cycle = serializers.IntegerField()
    decision = serializers.ChoiceField(choices=ReviewDecision.choices)
    changes = serializers.ListField(child=serializers.ChoiceField(choices=ReviewChange.choices), default=list)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class CycleReviewSerializer(serializers.ModelSerializer):
    reviewed_by = serializers.CharField(source="reviewed_by.username", default=None, read_only=True)

    class Meta:
        model = CycleReview
        fields = ["id", "cycle", "decision", "changes", "note", "reviewed_by", "reviewed_at"]
        read_only_fields = fields


class CycleReviewViewSet(viewsets.ViewSet):
    """Decisions about cycles (step 11): record or replace one; the term's indicators list them."""

    @extend_schema(request=CycleReviewInput, responses={200: CycleReviewSerializer})
    def create(self, request):
        data = CycleReviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        cycle = in_scope(access.visible_cycles(request.user), values.pop("cycle"), field="cycle",
                          message=_("No such cycle among those you may see."))
        with service_errors():
            review = reviews.review_cycle(cycle, by=request.user, **values)
        return Response(CycleReviewSerializer(review).data)


class EvaluationSheetSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvaluationSheet
        fields = ["id", "cycle", "liked", "useful", "at_ease", "level", "would_return", "liked_most", "to_change",
                  "entered_at"]
        read_only_fields = fields


class EvaluationSheetInput(serializers.Serializer):
    cycle = serializers.IntegerField()
    liked = serializers.ChoiceField(choices=Rating.choices, required=False, allow_null=True, default=None)
    useful = serializers.ChoiceField(choices=Rating.choices, required=False, allow_null=True, default=None)
    at_ease = serializers.ChoiceField(choices=Rating.choices, required=False, allow_null=True, default=None)
    level = serializers.ChoiceField(choices=Level.choices, required=False, allow_blank=True, default="")
    would_return = serializers.ChoiceField(choices=WouldReturn.choices, required=False, allow_blank=True,
                                           default="")
    liked_most = serializers.CharField(required=False, allow_blank=True, default="",
                                       max_length=evaluation_sheets.TEXT_LIMIT)
    to_change = serializers.CharField(required=False, allow_blank=True, default="",
                                      max_length=evaluation_sheets.TEXT_LIMIT)


@extend_schema(parameters=[OpenApiParameter("cycle", int, description="Only this cycle's sheets")])
class EvaluationSheetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                             viewsets.GenericViewSet):
    """Participants' anonymous evaluation sheets (step 11): the coordinators type them in; the
    cycle's facilitators read them."""

    serializer_class = EvaluationSheetSerializer

    def get_queryset(self):
        sheets = access.visible_evaluation_sheets(self.request.user).order_by("cycle_id", "id")
        cycle = self.request.query_params.get("cycle", "")
        return sheets.filter(cycle_id=cycle) if cycle.isdigit() else sheets

    @extend_schema(request=EvaluationSheetInput, responses={201: EvaluationSheetSerializer})
    def create(self, request):
        data = EvaluationSheetInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        cycle = in_scope(access.visible_cycles(request.user), values.pop("cycle"), field="cycle",
                          message=_("No such cycle among those you may see."))
        with service_errors():
            sheet = evaluation_sheets.record_sheet(cycle, by=request.user, **values)
        return Response(EvaluationSheetSerializer(sheet).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        evaluation_sheets.delete_sheet(instance, by=self.request.user)


class YearLineSerializer(serializers.Serializer):
    label = serializers.CharField()
    cycles = serializers.SerializerMethodField()
    sessions = serializers.IntegerField()
    hours = serializers.FloatField()
    participants = serializers.SerializerMethodField()
    attendance_rate = serializers.FloatField(allow_null=True)

    def get_cycles(self, line) -> int:
        return len(line.cycles)

    def get_participants(self, line) -> int:
        return len(line.participants)


class FacilitatorHoursSerializer(serializers.Serializer):
    label = serializers.CharField()
    people = serializers.SerializerMethodField()
    sessions = serializers.IntegerField()
    hours = serializers.FloatField()

    def get_people(self, line) -> int:
        return len(line.people)


class YearReportSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    year = serializers.IntegerField()
    counted_until = serializers.DateField()
    cycles = serializers.SerializerMethodField()
    sessions_held = serializers.IntegerField()
    sessions_cancelled = serializers.IntegerField()
    hours_held = serializers.FloatField()
    participants = serializers.SerializerMethodField()
    attendance_rate = serializers.FloatField(allow_null=True)
    completed = serializers.IntegerField()
    dropouts = serializers.IntegerField()
    left_prison = serializers.IntegerField()
    interviews = serializers.IntegerField()
    sheets_returned = serializers.IntegerField()
    liked_share = serializers.FloatField(allow_null=True)
    surveys = serializers.IntegerField()
    survey_answers = serializers.IntegerField()
    groups = serializers.SerializerMethodField()
    kinds = YearLineSerializer(many=True)
    partners = YearLineSerializer(many=True)
    facilitators = FacilitatorHoursSerializer(many=True)
    cancellation_reasons = serializers.SerializerMethodField()

    def get_cycles(self, report) -> int:
        return len(report.cycles)

    def get_participants(self, report) -> int:
        return len(report.participants)

    def get_groups(self, report) -> list[dict]:
        return [{"label": label, "participants": count} for label, count in report.groups]

    def get_cancellation_reasons(self, report) -> list[dict]:
        return [{"reason": reason, "sessions": count} for reason, count in report.cancellation_reasons]


class YearReportView(APIView):
    """A site's year in figures, as on the page (the site's coordinators and administrators)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True), OpenApiParameter("year", int)],
                   responses={200: YearReportSerializer}, summary="A site's year in figures")
    def get(self, request):
        site_id, year = request.query_params.get("site", ""), request.query_params.get("year", "")
        if not site_id.isdigit():
            raise ValidationError({"site": [_("Give the number of a site you work at.")]})
        site = access.visible_sites(request.user).filter(pk=site_id).first()
        if site is None:
            raise NotFound
        if not request.user.has_perm("enrolment.view_year_report", site):
            raise PermissionDenied
        if year and not (year.isdigit() and 2000 <= int(year) <= 2100):
            raise ValidationError({"year": [_("Give the year as four digits, e.g. 2027.")]})
        chosen = int(year) if year else year_report.default_year(year_report.years_with_sessions(site))
        return Response(YearReportSerializer(year_report.year_report(site, chosen)).data)
