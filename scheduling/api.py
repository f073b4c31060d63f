"""Planning API: solver runs (start, follow), the draft (read, move, pin), publish, publications.

Everything is scoped to the terms the user may plan (`core.rules.terms_to_plan`) and calls the
same services as the pages.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response

from core import rules as access
from core.findings import Severity

from . import selectors, services
from .explanations import explained
from .models import DraftSession, Publication, PublicationChange, PublishedSlot, SolverRun
from .solver import ProblemError


class ExplanationLineSerializer(serializers.Serializer):
    code = serializers.CharField()
    message = serializers.CharField(help_text="In the request's language (Accept-Language).")
    refs = serializers.ListField(child=serializers.DictField())


class SolverRunSerializer(serializers.ModelSerializer):
    solver_status = serializers.CharField(read_only=True)
    percent = serializers.SerializerMethodField()
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = SolverRun
        fields = ["id", "term", "status", "solver_status", "requested_by", "created_at", "started_at", "finished_at",
                  "time_limit", "elapsed", "best_objective", "bound", "percent", "applied", "error", "explanation",
                  "solution"]
        read_only_fields = fields

    def get_percent(self, run) -> int:
        return selectors.run_progress(run)["percent"]

    @extend_schema_field(ExplanationLineSerializer(many=True))
    def get_explanation(self, run) -> list[dict]:
        """Why an infeasible term has no timetable, in the request's language; [] otherwise."""
        return explained(run.solution, run.problem)


class StartRunSerializer(serializers.Serializer):
    term = serializers.IntegerField()
    time_limit = serializers.IntegerField(min_value=5, max_value=600, default=60)


class DraftSessionSerializer(serializers.ModelSerializer):
    cycle_code = serializers.CharField(source="cycle.code", read_only=True)
    weekday = serializers.IntegerField(source="period.weekday", read_only=True)
    start = serializers.TimeField(source="period.start", read_only=True)

    class Meta:
        model = DraftSession
        fields = ["id", "term", "cycle", "cycle_code", "period", "weekday", "start", "room", "pinned"]
        read_only_fields = fields


class FindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()
    rows = serializers.ListField(child=serializers.IntegerField(allow_null=True))


class MoveSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    room = serializers.IntegerField()
    confirmed = serializers.BooleanField(default=False)


class PinSerializer(serializers.Serializer):
    pinned = serializers.BooleanField()


class PublishSerializer(serializers.Serializer):
    term = serializers.IntegerField()
    effective_date = serializers.DateField()
    accept_warnings = serializers.BooleanField(default=False)


class PublishedSlotSerializer(serializers.ModelSerializer):
    class Meta:
        model = PublishedSlot
        fields = ["key", "cycle", "weekday", "start", "end", "room", "pinned"]


class ChangeSerializer(serializers.ModelSerializer):
    facilitators = serializers.SerializerMethodField()
    staff = serializers.SerializerMethodField()

    class Meta:
        model = PublicationChange
        fields = ["kind", "cycle", "slot_key", "before", "after", "dated_sessions", "facilitators", "staff"]

    def get_facilitators(self, change) -> list[str]:
        return [str(f) for f in selectors.affected_people(change)["facilitators"]]

    def get_staff(self, change) -> list[str]:
        return [str(m) for m in selectors.affected_people(change)["staff"]]


class PublicationSerializer(serializers.ModelSerializer):
    slots = PublishedSlotSerializer(many=True, read_only=True)
    changes = ChangeSerializer(many=True, read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "term", "number", "effective_date", "published_at", "published_by", "sessions_created",
                  "sessions_changed", "sessions_cancelled", "slots", "changes"]


def _term(user, pk):
    term = access.terms_to_plan(user).filter(pk=pk).first()
    if term is None or not user.has_perm("scheduling.plan_term", term):
        raise ValidationError({"term": [_("No term you may plan has this id.")]})
    return term


def _django_error(error: DjangoValidationError) -> ValidationError:
    return ValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class SolverRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    """Solver runs of the terms you plan. POST starts one (or returns the one already running)."""

    serializer_class = SolverRunSerializer
    filterset_fields = ["term", "status"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SolverRun.objects.none()
        return SolverRun.objects.filter(term__in=access.terms_to_plan(self.request.user)).order_by("-created_at")

    @extend_schema(request=StartRunSerializer, responses={202: SolverRunSerializer})
    def create(self, request):
        data = StartRunSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        term = _term(request.user, data.validated_data["term"])
        try:
            run = services.request_plan(term, request.user, time_limit=data.validated_data["time_limit"])
        except ProblemError as error:
            raise ValidationError({"term": [str(error)]}) from error
        run.refresh_from_db()
        return Response(SolverRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class DraftViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The draft timetables (weekly sessions) of the terms you plan; filter with `?term=`."""

    serializer_class = DraftSessionSerializer
    filterset_fields = ["term", "cycle", "pinned"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DraftSession.objects.none()
        return (DraftSession.objects.filter(term__in=access.terms_to_plan(self.request.user))
                .select_related("cycle", "period", "room"))

    @extend_schema(responses=FindingSerializer(many=True))
    @action(detail=False, methods=["get"])
    def findings(self, request):
        """The checks of one term's draft (`?term=` required)."""
        term = _term(request.user, request.query_params.get("term") or 0)
        return Response(FindingSerializer(services.check_draft(term), many=True).data)

    @extend_schema(request=MoveSerializer, responses={200: DraftSessionSerializer, 409: FindingSerializer(many=True)})
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move a weekly session; when it would create findings, answer 409 with them unless `confirmed`."""
        draft = self.get_object()
        data = MoveSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        site = draft.term.site_id
        period = get_object_or_404(access.visible_regime_periods(request.user).filter(site=site),
                                   pk=data.validated_data["period"])
        room = get_object_or_404(access.visible_rooms(request.user).filter(site=site, active=True),
                                 pk=data.validated_data["room"])
        try:
            result = services.move_draft_session(draft, period, room, confirmed=data.validated_data["confirmed"])
        except DjangoValidationError as error:
            raise _django_error(error) from error
        if not result.applied:
            return Response(FindingSerializer(result.created, many=True).data, status=status.HTTP_409_CONFLICT)
        return Response(DraftSessionSerializer(draft).data)

    @extend_schema(request=PinSerializer, responses=DraftSessionSerializer)
    @action(detail=True, methods=["post"])
    def pin(self, request, pk=None):
        draft = self.get_object()
        data = PinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return Response(DraftSessionSerializer(services.set_pinned(draft, data.validated_data["pinned"])).data)


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """Publications of the terms you plan, with their weekly slots and change log. POST publishes."""

    serializer_class = PublicationSerializer
    filterset_fields = ["term"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Publication.objects.none()
        return (Publication.objects.filter(term__in=access.terms_to_plan(self.request.user))
                .prefetch_related("slots", "changes__cycle__facilitators", "changes__cycle__eligible_units__staff")
                .order_by("term", "-number"))

    @extend_schema(request=PublishSerializer, responses={201: PublicationSerializer, 200: PublicationSerializer})
    def create(self, request):
        data = PublishSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        term = _term(request.user, data.validated_data["term"])
        try:
            result = services.publish(term, data.validated_data["effective_date"], request.user,
                                      accept_warnings=data.validated_data["accept_warnings"])
        except DjangoValidationError as error:
            raise _django_error(error) from error
        body = PublicationSerializer(self.get_queryset().get(pk=result.publication.pk)).data
        return Response(body, status=status.HTTP_201_CREATED if result.changed else status.HTTP_200_OK)
