"""API for screening interviews. Notes are never in the interview serializer: only the `notes`
endpoint returns them, to the site's screeners and coordinators, and each read is audited."""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from core import rules as access
from core.models import User

from . import rounds, services
from .models import Interview, InterviewStatus, Outcome


def _api_error(error: DjangoValidationError):
    return APIValidationError(error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages})


class InterviewSerializer(serializers.ModelSerializer):
    """What anyone allowed to see an interview gets: no notes."""

    prison_number = serializers.CharField(source="detainee.prison_number", read_only=True)

    class Meta:
        model = Interview
        fields = ["id", "detainee", "prison_number", "enrolment", "scheduled_at", "screener", "room", "status",
                  "outcome", "outcome_reason"]
        read_only_fields = fields


class InterviewNotesSerializer(serializers.ModelSerializer):
    """Only for the `notes` endpoint, after `screening.view_notes` and an audit entry."""

    class Meta:
        model = Interview
        fields = ["id", "notes"]
        read_only_fields = fields


class InterviewCreateSerializer(serializers.Serializer):
    detainee = serializers.IntegerField()
    enrolment = serializers.IntegerField(required=False, allow_null=True)
    scheduled_at = serializers.DateTimeField()
    screener = serializers.IntegerField()
    room = serializers.IntegerField(required=False, allow_null=True)


class OutcomeSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=[c for c in InterviewStatus.choices if c[0] != "scheduled"])
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, allow_null=True, default=None)


class AwaitingSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    prison_number = serializers.CharField(source="detainee.prison_number")
    unit = serializers.CharField(source="detainee.unit.code", default=None)
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_code = serializers.CharField(source="cycle.code")
    site = serializers.IntegerField(source="cycle.term.site_id")
    requested_on = serializers.DateField()
    needs_based = serializers.BooleanField()


class RoundSerializer(serializers.Serializer):
    applications = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    day = serializers.DateField()
    start = serializers.TimeField()
    end = serializers.TimeField()
    minutes = serializers.IntegerField(default=20)
    screener = serializers.IntegerField()
    room = serializers.IntegerField(required=False, allow_null=True)


class DayOutcomeSerializer(serializers.Serializer):
    interview = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[c for c in InterviewStatus.choices if c[0] != InterviewStatus.SCHEDULED])
    outcome = serializers.ChoiceField(choices=Outcome.choices, required=False, allow_blank=True, default="")
    reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=255)


class DayOutcomesSerializer(serializers.Serializer):
    outcomes = DayOutcomeSerializer(many=True, allow_empty=False)


class InterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                       viewsets.GenericViewSet):
    serializer_class = InterviewSerializer
    filterset_fields = ["detainee", "enrolment", "status", "screener"]

    def get_queryset(self):
        return access.visible_interviews(self.request.user).order_by("-scheduled_at", "-id")

    def get_serializer_class(self):
        return InterviewCreateSerializer if self.action == "create" else InterviewSerializer

    def get_object(self):
        interview = super().get_object()
        permission = {"retrieve": "screening.view_interview", "notes": "screening.view_notes"}.get(
            self.action, "screening.change_interview")
        allowed = (services.may_read_notes(self.request.user, interview) if permission == "screening.view_notes"
                   else self.request.user.has_perm(permission, interview))
        if not allowed:
            raise PermissionDenied
        return interview

    def create(self, request, *args, **kwargs):
        serializer = InterviewCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        detainee = get_object_or_404(access.visible_detainees(request.user), pk=data["detainee"])
        if not request.user.has_perm("screening.change_interview", detainee):
            raise PermissionDenied
        enrolment = None
        if data.get("enrolment"):
            enrolment = get_object_or_404(access.visible_enrolments(request.user), pk=data["enrolment"])
        room = None
        if data.get("room"):
            room = get_object_or_404(access.visible_rooms(request.user), pk=data["room"])
        screener = User.objects.filter(pk=data["screener"]).first()
        if screener is None:
            raise APIValidationError({"screener": ["Unknown screener."]})
        try:
            interview = services.schedule_interview(detainee=detainee, enrolment=enrolment, scheduled_at=data["scheduled_at"],
                                                    screener=screener, room=room, by=request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(InterviewSerializer(interview).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"], serializer_class=OutcomeSerializer)
    def outcome(self, request, pk=None):
        interview = self.get_object()
        serializer = OutcomeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        notes = data["notes"] if services.may_read_notes(request.user, interview) else None
        try:
            interview = services.record_outcome(interview, status=data["status"], outcome=data["outcome"],
                                                reason=data["reason"], notes=notes, by=request.user)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(InterviewSerializer(interview).data)

    @action(detail=True, methods=["get"], serializer_class=InterviewNotesSerializer)
    def notes(self, request, pk=None):
        interview = self.get_object()
        return Response({"id": interview.pk, "notes": services.read_notes(interview, request.user)})

    @extend_schema(parameters=[OpenApiParameter("site", int), OpenApiParameter("cycle", int)],
                   responses=AwaitingSerializer(many=True))
    @action(detail=False, methods=["get"], url_path="to-screen", serializer_class=AwaitingSerializer)
    def to_screen(self, request):
        """Pending applications to cycles requiring screening, whose detainee has no interview planned or
        held with an outcome."""
        if not request.user.has_perm("screening.plan_rounds"):
            raise PermissionDenied
        waiting = rounds.awaiting_screening(access.visible_enrolments(request.user))
        for name, lookup in (("site", "cycle__term__site_id"), ("cycle", "cycle_id")):
            if request.query_params.get(name, "").isdigit():
                waiting = waiting.filter(**{lookup: int(request.query_params[name])})
        return Response(AwaitingSerializer(waiting, many=True).data)

    @extend_schema(request=RoundSerializer, responses={201: InterviewSerializer(many=True)})
    @action(detail=False, methods=["post"], serializer_class=RoundSerializer)
    def round(self, request):
        """Plan interviews for these applications, each in the first free slot between start and end (all
        or none; a refusal names the field or the row)."""
        if not request.user.has_perm("screening.plan_rounds"):
            raise PermissionDenied
        serializer = RoundSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        screener = User.objects.filter(pk=data.pop("screener")).first()
        if screener is None:
            raise APIValidationError({"screener": ["Unknown screener."]})
        room_id = data.pop("room", None)
        room = get_object_or_404(access.visible_rooms(request.user), pk=room_id) if room_id else None
        try:
            interviews = rounds.plan_round(scope=access.visible_enrolments(request.user), screener=screener, room=room,
                                           by=request.user, **data)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(InterviewSerializer(interviews, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=DayOutcomesSerializer, responses=InterviewSerializer(many=True))
    @action(detail=False, methods=["post"], serializer_class=DayOutcomesSerializer)
    def outcomes(self, request):
        """What happened at several interviews at once (a round's morning), all or none; each refusal names the
        row. Notes are written one interview at a time (`…/<id>/outcome/`)."""
        serializer = DayOutcomesSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved = rounds.record_day_outcomes(request.user, access.visible_interviews(request.user), [
                rounds.DayOutcome(**item) for item in serializer.validated_data["outcomes"]])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(InterviewSerializer(saved, many=True).data)
