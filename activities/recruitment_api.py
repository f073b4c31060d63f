"""Volunteer recruitment API: candidates, their next step, and withdrawals. Same rules as the pages;
writes go through `activities.recruitment`."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import recruitment
from .models import RecruitmentSource, VolunteerCandidate


class CandidateSerializer(serializers.ModelSerializer):
    next_step = serializers.SerializerMethodField()

    class Meta:
        model = VolunteerCandidate
        fields = ["id", "site", "first_name", "last_name", "email", "phone", "partner", "languages", "skills", "source",
                  "note", "stage", "next_step", "contacted_on", "met_on", "clearance_requested_on",
                  "clearance_granted_on", "authorisation_number", "authorisation_valid_until", "induction_on",
                  "withdrawn_on", "withdrawn_reason", "facilitator"]
        read_only_fields = fields

    def get_next_step(self, candidate) -> str | None:
        return recruitment.next_step(candidate)


class CandidateInput(serializers.Serializer):
    site = serializers.IntegerField()
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    partner = serializers.IntegerField(required=False, allow_null=True, default=None)
    languages = serializers.ListField(child=serializers.RegexField(r"^[a-z]{2,3}$"), required=False, default=list)
    skills = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")
    source = serializers.ChoiceField(choices=RecruitmentSource.choices, required=False, default=RecruitmentSource.OTHER)
    contacted_on = serializers.DateField()
    note = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class StepInput(serializers.Serializer):
    on = serializers.DateField(required=False, allow_null=True, default=None)
    authorisation_number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)


class WithdrawInput(serializers.Serializer):
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class CandidateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = CandidateSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return VolunteerCandidate.objects.none()
        if not self.request.user.has_perm("activities.view_recruitment"):
            raise PermissionDenied
        candidates = recruitment.candidates_for(self.request.user).order_by("site", "contacted_on", "pk")
        stage = self.request.query_params.get("stage")
        return candidates.filter(stage=stage) if stage else candidates

    def _save(self, request, candidate=None):
        data = CandidateInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["site"] = in_scope(access.visible_sites(request.user), values["site"], field="site",
                                  message=_("No such site among those you work at."))
        if values["partner"] is not None:
            values["partner"] = in_scope(access.visible_partners(request.user), values["partner"], field="partner",
                                         message=_("No such partner organisation."))
        with service_errors():
            return recruitment.record_candidate(values, by=request.user, candidate=candidate)

    @extend_schema(request=CandidateInput, responses={201: CandidateSerializer})
    def create(self, request):
        self.get_queryset()
        return Response(CandidateSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CandidateInput, responses={200: CandidateSerializer})
    def update(self, request, pk=None):
        candidate = get_object_or_404(self.get_queryset(), pk=pk)
        return Response(CandidateSerializer(self._save(request, candidate)).data)

    @extend_schema(request=StepInput, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"])
    def advance(self, request, pk=None):
        """Record the next step (`next_step`), done on `on`; access granted needs the badge's number and validity."""
        candidate = get_object_or_404(self.get_queryset(), pk=pk)
        data = StepInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            candidate = recruitment.advance(candidate, by=request.user, **data.validated_data)
        return Response(CandidateSerializer(candidate).data)

    @extend_schema(request=WithdrawInput, responses={200: CandidateSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        candidate = get_object_or_404(self.get_queryset(), pk=pk)
        data = WithdrawInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            candidate = recruitment.withdraw(candidate, by=request.user, reason=data.validated_data["reason"])
        return Response(CandidateSerializer(candidate).data)
