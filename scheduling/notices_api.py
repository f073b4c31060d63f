"""Notices API: which facilitator was e-mailed about which revision of which session, and which prison
staff member about which session of their units being off, and when.

Same scopes as the pages (`core.rules.visible_change_notices`, `visible_staff_notices`)."""
from rest_framework import serializers

from core import rules as access
from core.api import ScopedReadOnlyViewSet

from .models import ChangeNotice, GateNotice, StaffNotice


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
