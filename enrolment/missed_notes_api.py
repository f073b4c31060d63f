"""Notes to participants who missed their last sessions: those handed out, "handed out", and the reply.

Same rules as the follow-up page (`enrolment.missed_notes`): all or none, a refusal names the row.
"""
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import service_errors

from . import missed_notes, notices
from .models import LeavingReason, MissedSessionsNote, NoteReply


class MissedSessionsNoteSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True)
    reply_by = serializers.CharField(source="reply_by.username", default=None, read_only=True)

    class Meta:
        model = MissedSessionsNote
        fields = ["id", "enrolment", "absences", "first_missed_at", "language", "handed_at", "by", "reply",
                  "replied_at", "reply_by"]
        read_only_fields = fields


class NotesHandedInput(serializers.Serializer):
    enrolments = serializers.ListField(child=serializers.IntegerField(), allow_empty=False)
    language = serializers.ChoiceField(choices=notices.NOTICE_LANGUAGES, required=False)


class ReplyInput(serializers.Serializer):
    reply = serializers.ChoiceField(choices=NoteReply.choices)
    leaving_reason = serializers.SlugRelatedField(
        slug_field="code", queryset=LeavingReason.objects.filter(active=True), required=False,
        help_text="On a stop: the leaving reason's code (by default, withdrew).")


class MissedSessionsNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                                viewsets.GenericViewSet):
    serializer_class = MissedSessionsNoteSerializer

    def _enrolments(self):
        if not self.request.user.has_perm("enrolment.view_attendance_follow_up"):
            raise PermissionDenied
        return access.visible_enrolments(self.request.user)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return MissedSessionsNote.objects.none()
        qs = MissedSessionsNote.objects.filter(enrolment__in=self._enrolments()).select_related("by", "reply_by")
        enrolment = self.request.query_params.get("enrolment", "")
        if enrolment.isdigit():
            qs = qs.filter(enrolment_id=int(enrolment))
        return qs.order_by("-handed_at", "-id")

    @extend_schema(parameters=[OpenApiParameter("enrolment", int, description="one enrolment's notes")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=NotesHandedInput, responses={201: MissedSessionsNoteSerializer(many=True)})
    def create(self, request):
        """Record the notes handed to these participants, as they print now (all or none)."""
        data = NotesHandedInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            notes = missed_notes.record_handed_now(request.user, self._enrolments(), data.validated_data["enrolments"],
                                                   data.validated_data.get("language"))
        return Response(MissedSessionsNoteSerializer(notes, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ReplyInput, responses=MissedSessionsNoteSerializer)
    @action(detail=True, methods=["post"])
    def reply(self, request, pk=None):
        """What they answered: continue, or stop (the enrolment ends as their withdrawal)."""
        note = self.get_object()
        data = ReplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            note = missed_notes.record_reply(note, data.validated_data["reply"], by=request.user,
                                             leaving_reason=data.validated_data.get("leaving_reason"))
        return Response(MissedSessionsNoteSerializer(note).data)

    def perform_destroy(self, instance):
        """A note recorded as handed out by mistake, before any reply."""
        with service_errors():
            missed_notes.take_back(instance, by=self.request.user)
