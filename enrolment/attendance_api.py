"""Attendance API: a session's register (read, record, all present) and register lines with history.

Same rules as the pages: sessions the user may not see are 404, registers they may not take 403,
and every write goes through `enrolment.attendance`.
"""
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import rules as access

from . import attendance
from .models import AbsenceReason, AttendanceChange, AttendanceStatus


class RegisterLineInput(serializers.Serializer):
    enrolment = serializers.IntegerField()
    status = serializers.ChoiceField(choices=AttendanceStatus.choices)
    absence_reason = serializers.ChoiceField(choices=AbsenceReason.choices, required=False, allow_blank=True, default="")
    reason_text = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)
    late = serializers.BooleanField(required=False, default=False)
    left_early = serializers.BooleanField(required=False, default=False)


class RegisterInput(serializers.Serializer):
    lines = RegisterLineInput(many=True)
    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=200)


class RegisterLineOutput(serializers.Serializer):
    number = serializers.IntegerField()
    enrolment = serializers.IntegerField(source="enrolment.pk")
    prison_number = serializers.CharField(source="detainee.prison_number")
    first_name = serializers.CharField(source="detainee.first_name")
    last_name = serializers.SerializerMethodField()
    recorded = serializers.BooleanField()
    status = serializers.SerializerMethodField()
    absence_reason = serializers.SerializerMethodField()
    reason_text = serializers.SerializerMethodField()
    late = serializers.SerializerMethodField()
    left_early = serializers.SerializerMethodField()

    def get_last_name(self, line) -> str:
        # Facilitators see first name and number only.
        return line.detainee.last_name if self.context.get("full_names") else ""

    def get_status(self, line) -> str:
        return line.value("status")

    def get_absence_reason(self, line) -> str:
        return line.value("absence_reason")

    def get_reason_text(self, line) -> str:
        return line.value("reason_text")

    def get_late(self, line) -> bool:
        return line.value("late")

    def get_left_early(self, line) -> bool:
        return line.value("left_early")


class RegisterOutput(serializers.Serializer):
    session = serializers.IntegerField(source="session.pk")
    starts_at = serializers.DateTimeField(source="session.starts_at")
    ends_at = serializers.DateTimeField(source="session.ends_at")
    session_status = serializers.CharField(source="session.status")
    editable = serializers.BooleanField()
    closed_because = serializers.CharField()
    lines = RegisterLineOutput(many=True)


@extend_schema(parameters=[OpenApiParameter("id", int, OpenApiParameter.PATH, description="Session id")])
class RegisterViewSet(viewsets.ViewSet):
    """The register of a dated session, by session id."""

    lookup_value_regex = r"[0-9]+"

    def _session(self, request, pk):
        session = get_object_or_404(access.visible_sessions(request.user).select_related("cycle__term__site"), pk=pk)
        if not request.user.has_perm("activities.take_attendance", session):
            raise PermissionDenied
        return session

    def _answer(self, request, session):
        editable = request.user.has_perm("enrolment.change_attendance", session)
        data = {
            "session": session, "editable": editable,
            "closed_because": "" if editable else attendance.closed_to_facilitators_because(session),
            "lines": attendance.register_lines(session),
        }
        context = {"full_names": access.is_coordinator_of_site(request.user, session)}
        return Response(RegisterOutput(data, context=context).data)

    @extend_schema(responses=RegisterOutput)
    def retrieve(self, request, pk=None):
        return self._answer(request, self._session(request, pk))

    @extend_schema(request=RegisterInput, responses=RegisterOutput)
    def update(self, request, pk=None):
        session = self._session(request, pk)
        payload = RegisterInput(data=request.data)
        payload.is_valid(raise_exception=True)
        entries = [
            attendance.Entry(
                line["enrolment"], line["status"], line["absence_reason"], line["reason_text"],
                line["late"], line["left_early"],
            )
            for line in payload.validated_data["lines"]
        ]
        try:
            attendance.record_register(session, entries, request.user, payload.validated_data["note"])
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from error
        return self._answer(request, session)

    @extend_schema(request=None, responses=RegisterOutput)
    @action(detail=True, methods=["post"], url_path="all-present")
    def all_present(self, request, pk=None):
        session = self._session(request, pk)
        attendance.mark_all_present(session, request.user)
        return self._answer(request, session)


class AttendanceChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = AttendanceChange
        fields = ["at", "by", "before", "after", "note"]


class AttendanceSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    session = serializers.IntegerField(source="session_id")
    enrolment = serializers.IntegerField(source="enrolment_id")
    status = serializers.CharField()
    absence_reason = serializers.CharField()
    reason_text = serializers.CharField()
    late = serializers.BooleanField()
    left_early = serializers.BooleanField()
    recorded_at = serializers.DateTimeField()
    changes = AttendanceChangeSerializer(many=True)


class AttendanceViewSet(viewsets.ReadOnlyModelViewSet):
    """Register lines the user may see, with their history; filter with ?session= or ?cycle=."""

    serializer_class = AttendanceSerializer

    def get_queryset(self):
        qs = access.visible_attendances(self.request.user).prefetch_related(
            Prefetch("changes", queryset=AttendanceChange.objects.order_by("at", "id"))
        ).order_by("session__starts_at", "id")
        params = self.request.query_params
        for name, lookup in (("session", "session_id"), ("cycle", "session__cycle_id")):
            value = params.get(name)
            if value is not None:
                if not value.isdigit():
                    raise ValidationError({name: [_("%(name)s must be a number.") % {"name": name}]})
                qs = qs.filter(**{lookup: int(value)})
        return qs
