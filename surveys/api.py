"""Needs surveys API: surveys with their results, and entering an answer. Same rules as the pages:
a survey outside the user's sites is a 404, an action they may not take a 403."""
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core.api import service_errors
from prisons.models import LegalStatus, Unit

from . import selectors, services
from .models import PreferredTime, Survey, SurveyOption


class OptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = SurveyOption
        fields = ["id", "label", "kind", "activity"]
        read_only_fields = fields


class SurveySerializer(serializers.ModelSerializer):
    site = serializers.CharField(source="site.code", read_only=True)
    answers = serializers.IntegerField(read_only=True)
    options = OptionSerializer(many=True, read_only=True)

    class Meta:
        model = Survey
        fields = ["id", "site", "title", "question", "units", "opens_on", "closes_on", "status", "answers",
                  "options"]
        read_only_fields = fields


class OptionResultSerializer(serializers.Serializer):
    option = serializers.IntegerField(source="option.pk")
    label = serializers.CharField(source="option.label")
    total = serializers.IntegerField()
    share = serializers.FloatField()
    by_group = serializers.DictField(child=serializers.IntegerField())
    cycles = serializers.IntegerField(allow_null=True)
    places = serializers.IntegerField(allow_null=True)


class GroupRowSerializer(serializers.Serializer):
    group = serializers.CharField()
    answers = serializers.IntegerField()
    held = serializers.IntegerField()
    answer_rate = serializers.FloatField(allow_null=True)

    def to_representation(self, instance):
        group, answers, held, rate = instance
        return {"group": group, "answers": answers, "held": held, "answer_rate": rate}


class ResultsSerializer(serializers.Serializer):
    responses = serializers.IntegerField()
    groups = GroupRowSerializer(source="group_rows", many=True)
    options = OptionResultSerializer(many=True)
    signals = serializers.SerializerMethodField()

    def get_signals(self, results) -> list[str]:
        return [message for _result, message in results.signals]


class AnswerInput(serializers.Serializer):
    unit = serializers.IntegerField()
    chosen = serializers.ListField(child=serializers.IntegerField(), allow_empty=True)
    preferred_time = serializers.ChoiceField(choices=PreferredTime.choices, default=PreferredTime.EITHER)
    languages = serializers.ListField(child=serializers.CharField(max_length=8), default=list)
    legal_status = serializers.ChoiceField(choices=LegalStatus.choices, required=False, allow_blank=True,
                                           default="")
    comment = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class SurveyViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SurveySerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Survey.objects.none()
        if not self.request.user.has_perm("surveys.view_survey_list"):
            raise PermissionDenied
        return selectors.surveys_for(self.request.user).prefetch_related("options", "units")

    @extend_schema(responses=ResultsSerializer)
    @action(detail=True)
    def results(self, request, pk=None):
        """Answers per target group and per option, against the offer; labels in the Accept-Language."""
        survey = self.get_object()
        return Response(ResultsSerializer(selectors.survey_results(survey)).data)

    @extend_schema(request=AnswerInput, responses={201: None})
    @action(detail=True, methods=["post"])
    def answers(self, request, pk=None):
        """Enter one filled-in, anonymous questionnaire."""
        survey = self.get_object()
        if not request.user.has_perm("surveys.enter_response", survey):
            raise PermissionDenied
        data = AnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        # A unit elsewhere is reported by the service, naming the field.
        values["unit"] = Unit.objects.filter(pk=values["unit"], site=survey.site_id).first()
        with service_errors():
            response = services.record_response(survey, by=request.user, **values)
        return Response({"id": response.pk}, status=status.HTTP_201_CREATED)
