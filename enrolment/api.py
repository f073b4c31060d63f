"""API for applications, enrolments and waiting lists: parse, authorise, call a service, answer.

Same rules as the pages: querysets come from `core.rules` scopes (an object outside them is a 404)
and object permissions from the same named rules (403).
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.exceptions import ValidationError as APIValidationError
from rest_framework.response import Response

from core import rules as access
from core.findings import Severity

from . import selectors, services
from .checks import check_applications
from .models import Channel, Enrolment, EnrolmentEvent, LeavingReason


class ApplicationFindingSerializer(serializers.Serializer):
    code = serializers.CharField()
    severity = serializers.ChoiceField(choices=Severity.choices)
    message = serializers.CharField()
    needs_confirmation = serializers.BooleanField()


def _api_error(error: DjangoValidationError):
    detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
    findings = getattr(error, "findings", None)
    if findings:
        detail = {**detail, "findings": ApplicationFindingSerializer(findings, many=True).data}
    return APIValidationError(detail)


class EventSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True)
    leaving_reason = serializers.CharField(source="leaving_reason.code", default=None, read_only=True)

    class Meta:
        model = EnrolmentEvent
        # kind: what Relais says of the change (a code); reason: the words typed by whoever made it
        fields = ["at", "by", "from_status", "to_status", "kind", "reason", "leaving_reason"]


class ApplicationSerializer(serializers.ModelSerializer):
    prison_number = serializers.CharField(source="detainee.prison_number", read_only=True)
    leaving_reason = serializers.CharField(source="leaving_reason.code", default=None, read_only=True)

    class Meta:
        model = Enrolment
        fields = ["id", "detainee", "prison_number", "cycle", "status", "requested_on", "channel", "forwarded_by",
                  "needs_based", "seat", "offered_at", "enrolled_on", "ended_on", "leaving_reason",
                  "confirmed_findings", "confirmation_reason"]
        read_only_fields = fields


class ApplicationDetailSerializer(ApplicationSerializer):
    events = EventSerializer(many=True, read_only=True)

    class Meta(ApplicationSerializer.Meta):
        fields = [*ApplicationSerializer.Meta.fields, "events"]
        read_only_fields = fields


class ApplicationCreateSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    prison_number = serializers.CharField(max_length=20)
    requested_on = serializers.DateField(required=False)
    channel = serializers.ChoiceField(choices=Channel.choices, default=Channel.REQUEST_SLIP)
    forwarded_by = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    needs_based = serializers.BooleanField(default=False)


class DecisionSerializer(serializers.Serializer):
    confirm = serializers.ListField(child=serializers.CharField(max_length=60), required=False, default=list)
    confirmation_reason = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class DeclineSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=255)


class EndSerializer(serializers.Serializer):
    leaving_reason = serializers.SlugRelatedField(slug_field="code", queryset=LeavingReason.objects.filter(active=True),
                                                  required=False)
    note = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class ApplicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                         viewsets.GenericViewSet):
    """Applications and enrolments. Filter with ?cycle= and ?status=."""

    serializer_class = ApplicationSerializer
    filterset_fields = ["cycle", "status", "detainee"]

    def get_queryset(self):
        user = self.request.user
        if not user.has_perm("enrolment.view_application_list"):
            return Enrolment.objects.none()
        return access.visible_enrolments(user).select_related("detainee", "leaving_reason").order_by("cycle", "id")

    def get_serializer_class(self):
        if self.action == "retrieve":
            return ApplicationDetailSerializer
        if self.action == "create":
            return ApplicationCreateSerializer
        return ApplicationSerializer

    def get_object(self):
        enrolment = super().get_object()
        permission = "enrolment.view_application" if self.action in ("retrieve", "findings") else "enrolment.manage_applications"
        if not self.request.user.has_perm(permission, enrolment):
            raise PermissionDenied
        return enrolment

    def create(self, request, *args, **kwargs):
        data = self._valid(ApplicationCreateSerializer)
        cycle = get_object_or_404(access.visible_cycles(request.user), pk=data.pop("cycle"))
        if not request.user.has_perm("enrolment.manage_applications", cycle):
            raise PermissionDenied
        detainee = access.visible_detainees(request.user).filter(prison_number=data.pop("prison_number").strip()).first()
        if detainee is None:
            raise APIValidationError({"prison_number": ["No detainee you may see has this number."]})
        try:
            enrolment = services.record_application(detainee=detainee, cycle=cycle, by=request.user, **data)
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return Response(ApplicationSerializer(enrolment).data, status=status.HTTP_201_CREATED)

    def _valid(self, serializer_class):
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        return dict(serializer.validated_data)

    def _answer(self, enrolment, **extra):
        enrolment.refresh_from_db()
        return Response({**ApplicationSerializer(enrolment).data, **extra})

    @extend_schema(responses=ApplicationFindingSerializer(many=True))
    @action(detail=True, methods=["get"])
    def findings(self, request, pk=None):
        enrolment = self.get_object()
        return Response(ApplicationFindingSerializer(check_applications(enrolment.cycle, [enrolment])[enrolment.pk], many=True).data)

    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def approve(self, request, pk=None):
        enrolment = self.get_object()
        data = self._valid(DecisionSerializer)
        try:
            services.approve(enrolment, by=request.user, confirm_codes=data["confirm"],
                             confirmation_reason=data["confirmation_reason"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return self._answer(enrolment)

    @action(detail=True, methods=["post"], serializer_class=DecisionSerializer)
    def enrol(self, request, pk=None):
        enrolment = self.get_object()
        data = self._valid(DecisionSerializer)
        call = services.confirm_offer if enrolment.offered_at else services.enrol
        try:
            result = call(enrolment, by=request.user, confirm_codes=data["confirm"],
                          confirmation_reason=data["confirmation_reason"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return self._answer(enrolment, placed=result.enrolled)

    @action(detail=True, methods=["post"], serializer_class=DeclineSerializer)
    def decline(self, request, pk=None):
        enrolment = self.get_object()
        data = self._valid(DeclineSerializer)
        try:
            services.decline(enrolment, by=request.user, reason=data["reason"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return self._answer(enrolment)

    def _end(self, request, end):
        enrolment = self.get_object()
        data = self._valid(EndSerializer)
        try:
            end(enrolment, by=request.user, reason=data.get("leaving_reason"), note=data["note"])
        except DjangoValidationError as error:
            raise _api_error(error) from error
        return self._answer(enrolment)

    @action(detail=True, methods=["post"], serializer_class=EndSerializer)
    def withdraw(self, request, pk=None):
        return self._end(request, services.withdraw)

    @action(detail=True, methods=["post"], serializer_class=EndSerializer)
    def remove(self, request, pk=None):
        return self._end(request, services.remove)


class WaitingListEntrySerializer(serializers.ModelSerializer):
    prison_number = serializers.CharField(source="detainee.prison_number", read_only=True)
    position = serializers.SerializerMethodField()

    class Meta:
        model = Enrolment
        fields = ["position", "id", "detainee", "prison_number", "needs_based", "requested_on", "offered_at"]

    def get_position(self, obj) -> int:
        return self.context["positions"][obj.pk]


class WaitingListSerializer(serializers.Serializer):
    cycle = serializers.IntegerField()
    capacity = serializers.IntegerField()
    enrolled = serializers.IntegerField()
    free = serializers.IntegerField()
    waiting = WaitingListEntrySerializer(many=True)
    offered = serializers.IntegerField()
    pending = serializers.IntegerField()


class WaitingListViewSet(viewsets.ViewSet):
    """A cycle's waiting list in priority order, with its capacity (GET /waiting-lists/<cycle id>/)."""

    serializer_class = WaitingListSerializer

    @extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="cycle id")],
                   responses=WaitingListSerializer)
    def retrieve(self, request, pk=None):
        cycle = get_object_or_404(access.visible_cycles(request.user), pk=pk)
        if not request.user.has_perm("enrolment.view_cycle_enrolment", cycle):
            raise PermissionDenied
        waiting = list(selectors.waiting_list_for(cycle, access.visible_enrolments(request.user)))
        positions = {e.pk: n for n, e in enumerate(waiting, start=1)}
        return Response({
            "cycle": cycle.pk, **selectors.capacity_of(cycle),
            "waiting": WaitingListEntrySerializer(waiting, many=True, context={"positions": positions}).data,
        })


class LeavingReasonSerializer(serializers.ModelSerializer):
    label = serializers.SerializerMethodField()

    class Meta:
        model = LeavingReason
        fields = ["code", "label", "label_en", "label_fr", "label_nl", "active"]

    def get_label(self, obj) -> str:
        return obj.label()


class LeavingReasonViewSet(viewsets.ReadOnlyModelViewSet):
    serializer_class = LeavingReasonSerializer
    queryset = LeavingReason.objects.all()
    lookup_field = "code"
    pagination_class = None

