"""Written answers to applications: the answers given, those still to give, and "handed out".

Same rules as the pages (`enrolment.answers`): the list is the coordinators' sites', recording answers
is all or nothing and a refusal names the row.
"""
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import service_errors

from . import answers
from .models import ApplicationAnswer, EnrolmentStatus


class ApplicationAnswerSerializer(serializers.ModelSerializer):
    application = serializers.IntegerField(source="enrolment_id", read_only=True)
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = ApplicationAnswer
        fields = ["id", "application", "status", "waiting_position", "language", "answered_at", "by"]
        read_only_fields = fields


class AnswerToGiveSerializer(serializers.Serializer):
    application = serializers.IntegerField(source="pk")
    prison_number = serializers.CharField(source="detainee.prison_number")
    unit = serializers.CharField(source="detainee.unit.code", default=None)
    cycle = serializers.IntegerField(source="cycle_id")
    cycle_code = serializers.CharField(source="cycle.code")
    requested_on = serializers.DateField()
    status = serializers.CharField()
    waiting_position = serializers.IntegerField(allow_null=True)
    due = serializers.BooleanField()
    told_status = serializers.CharField(allow_null=True)
    told_at = serializers.DateTimeField(allow_null=True)


class AnswerHandedInput(serializers.Serializer):
    application = serializers.IntegerField()
    status = serializers.ChoiceField(choices=[(s.value, s.label) for s in answers.ANSWERABLE], required=False,
                                     help_text=_("What the slip told; by default the application's state now."))
    language = serializers.CharField(required=False, max_length=10)
    waiting_position = serializers.IntegerField(required=False, min_value=1)


class AnswersInput(serializers.Serializer):
    answers = AnswerHandedInput(many=True, allow_empty=False)


class ApplicationAnswerViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = ApplicationAnswerSerializer

    def _enrolments(self):
        if not self.request.user.has_perm("enrolment.view_answers_to_give"):
            raise PermissionDenied
        return access.visible_enrolments(self.request.user)

    @extend_schema(parameters=[OpenApiParameter("application", int, description="one application's answers")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the OpenAPI schema is built without a user
            return ApplicationAnswer.objects.none()
        qs = ApplicationAnswer.objects.filter(enrolment__in=self._enrolments()).select_related("by")
        application = self.request.query_params.get("application", "")
        if application.isdigit():
            qs = qs.filter(enrolment_id=int(application))
        return qs.order_by("-answered_at", "-id")

    @extend_schema(parameters=[OpenApiParameter(name, int, description=f"only this {name}")
                               for name in ("site", "unit", "cycle")] + [
                       OpenApiParameter("status", str, enum=[s.value for s in answers.ANSWERABLE])],
                   responses=AnswerToGiveSerializer(many=True))
    @action(detail=False)
    def due(self, request):
        """The applications whose current state the detainee has not been told in writing, by unit and
        name; `due` is false for a request received less than a week ago (a decision may come first)."""
        enrolments = self._enrolments()
        for name, lookup in (("site", "cycle__term__site_id"), ("unit", "detainee__unit_id"), ("cycle", "cycle_id")):
            value = request.query_params.get(name, "")
            if value.isdigit():
                enrolments = enrolments.filter(**{lookup: int(value)})
        if request.query_params.get("status") in answers.ANSWERABLE:
            enrolments = enrolments.filter(status=request.query_params["status"])
        today = timezone.localdate()
        due = list(answers.answers_to_give(enrolments, today))
        positions = answers.waiting_positions({e.cycle_id for e in due if e.status == EnrolmentStatus.APPROVED})
        for enrolment in due:
            enrolment.waiting_position = positions.get(enrolment.pk)
            enrolment.due = answers.is_overdue(enrolment, today)
        return Response(AnswerToGiveSerializer(due, many=True).data)

    @extend_schema(request=AnswersInput, responses={201: ApplicationAnswerSerializer(many=True)})
    def create(self, request):
        """Record answers handed out, all or none; each names its application, and by default tells the
        application's state now, in the detainee's language."""
        data = AnswersInput(data=request.data)
        data.is_valid(raise_exception=True)
        handed = [answers.Handed(item["application"], item.get("status"), item.get("language"),
                                 item.get("waiting_position")) for item in data.validated_data["answers"]]
        with service_errors():
            recorded = answers.record_answers(request.user, self._enrolments(), handed)
        return Response(ApplicationAnswerSerializer(recorded, many=True).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        """An answer recorded by mistake (the slip never went): the application is due again."""
        with service_errors():
            answers.take_back(instance, by=self.request.user)
