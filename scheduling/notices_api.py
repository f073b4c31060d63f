"""Notices API: which facilitator was e-mailed about which revision of which session, and which prison
staff member about which session of their units being off, and when.

Same scopes as the pages (`core.rules.visible_change_notices`, `visible_staff_notices`,
`visible_unsent_emails`)."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core import rules as access
from core.api import ScopedReadOnlyViewSet

from .models import ChangeNotice, GateNotice, StaffNotice, UnsentEmail
from .outbox import request_retry


class ChangeNoticeSerializer(serializers.ModelSerializer):
    session_uuid = serializers.UUIDField(source="session.uuid", read_only=True)
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)
    session_status = serializers.CharField(source="session.status", read_only=True)

    class Meta:
        model = ChangeNotice
        fields = ["id", "facilitator", "session", "session_uuid", "session_starts_at", "session_status", "sequence",
                  "sent_at"]
        read_only_fields = fields


class ChangeNoticeViewSet(ScopedReadOnlyViewSet):
    model = ChangeNotice
    permission = "scheduling.view_change_notices"
    serializer_class = ChangeNoticeSerializer

    @staticmethod
    def scope(user):
        return access.visible_change_notices(user).order_by("-sent_at", "-id")


class StaffNoticeSerializer(serializers.ModelSerializer):
    session_starts_at = serializers.DateTimeField(source="session.starts_at", read_only=True)

    class Meta:
        model = StaffNotice
        # starts_at and room: when and where the e-mail said the session then was (a move: its new place)
        fields = ["id", "staff_member", "session", "session_starts_at", "kind", "sequence", "starts_at", "room",
                  "sent_at"]
        read_only_fields = fields


class StaffNoticeViewSet(ScopedReadOnlyViewSet):
    model = StaffNotice
    permission = "scheduling.view_staff_notices"
    serializer_class = StaffNoticeSerializer
    filterset_fields = ["staff_member", "kind"]

    @staticmethod
    def scope(user):
        return access.visible_staff_notices(user).order_by("-sent_at", "-id")


class GateNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = GateNotice
        # expected: {facilitator id: "HH:MM–HH:MM"} as told; changes: how many lines the e-mail had for the date
        fields = ["id", "staff_member", "date", "expected", "changes", "sent_at"]
        read_only_fields = fields


class GateNoticeViewSet(ScopedReadOnlyViewSet):
    model = GateNotice
    permission = "scheduling.view_staff_notices"  # the same readers as the units' staff notices
    serializer_class = GateNoticeSerializer
    filterset_fields = ["staff_member", "date"]

    @staticmethod
    def scope(user):
        return access.visible_gate_notices(user).order_by("-sent_at", "-id")


class UnsentEmailSerializer(serializers.ModelSerializer):
    recipient = serializers.CharField(source="recipient_name", read_only=True)

    class Meta:
        model = UnsentEmail
        # one of facilitator, staff_member, user (a coordinator told of an absence) is set; date: a reminder's day
        fields = ["id", "kind", "recipient", "facilitator", "staff_member", "user", "absence", "date", "address",
                  "error", "attempts", "first_failed_at", "last_failed_at"]
        read_only_fields = fields


class UnsentEmailViewSet(ScopedReadOnlyViewSet):
    """E-mails the mail server refused, kept until they go out or there is nothing left to tell.
    POST `retry/` runs every sender again now (once the mail server is back)."""

    model = UnsentEmail
    permission = "scheduling.view_unsent_emails"
    serializer_class = UnsentEmailSerializer
    filterset_fields = ["kind"]

    @staticmethod
    def scope(user):
        return access.visible_unsent_emails(user).order_by("first_failed_at", "id")

    @extend_schema(request=None, responses={202: None})
    @action(detail=False, methods=["post"])
    def retry(self, request):
        request_retry()
        return Response(status=status.HTTP_202_ACCEPTED)
