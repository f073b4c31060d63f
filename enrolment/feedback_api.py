"""Feedback interviews with dropouts: list those the user may see, record one.

Same rules as the pages: an enrolment outside the user's scope is a 400 naming the field (it is
not found), one they may not interview about a 403; writes go through `enrolment.feedback`.
"""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import feedback
from .models import FeedbackInterview, FeedbackTopic, WouldReturn


class FeedbackInterviewSerializer(serializers.ModelSerializer):
    held_by = serializers.CharField(source="held_by.username", default=None, read_only=True)
    prison_number = serializers.CharField(source="enrolment.detainee.prison_number", read_only=True)
    cycle = serializers.IntegerField(source="enrolment.cycle_id", read_only=True)

    class Meta:
        model = FeedbackInterview
        fields = ["id", "enrolment", "prison_number", "cycle", "held_on", "held_by", "topics", "would_return",
                  "what_would_help", "created_at"]
        read_only_fields = fields


class FeedbackInterviewInput(serializers.Serializer):
    enrolment = serializers.IntegerField()
    held_on = serializers.DateField()
    topics = serializers.ListField(child=serializers.ChoiceField(choices=FeedbackTopic.choices), allow_empty=False)
    would_return = serializers.ChoiceField(choices=WouldReturn.choices)
    what_would_help = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class FeedbackInterviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FeedbackInterviewSerializer

    def get_queryset(self):
        return access.visible_feedback_interviews(self.request.user).order_by("-held_on", "-id")

    @extend_schema(request=FeedbackInterviewInput, responses={201: FeedbackInterviewSerializer})
    def create(self, request):
        data = FeedbackInterviewInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        enrolment = in_scope(access.visible_enrolments(request.user), values.pop("enrolment"), field="enrolment",
                              message=_("No such enrolment among those you may see."))
        if not request.user.has_perm("enrolment.record_feedback", enrolment):
            raise PermissionDenied
        with service_errors():
            interview = feedback.record_feedback_interview(enrolment, by=request.user, **values)
        return Response(FeedbackInterviewSerializer(interview).data, status=status.HTTP_201_CREATED)
