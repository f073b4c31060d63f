"""Practical problems API: list those of the sessions the user may see, report one, resolve one.
Same rules as the pages; writes go through `activities.problems`."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import problems
from .models import ProblemKind, SessionProblem


class ProblemSerializer(serializers.ModelSerializer):
    reported_by = serializers.CharField(source="reported_by.username", default=None, read_only=True)
    resolved_by = serializers.CharField(source="resolved_by.username", default=None, read_only=True)

    class Meta:
        model = SessionProblem
        fields = ["id", "session", "kind", "description", "reported_by", "reported_at", "resolution", "resolved_by",
                  "resolved_at"]
        read_only_fields = fields


class ProblemInput(serializers.Serializer):
    session = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=ProblemKind.choices)
    description = serializers.CharField(max_length=1000)


class ResolutionInput(serializers.Serializer):
    resolution = serializers.CharField(max_length=1000)


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ProblemSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return SessionProblem.objects.none()
        if not self.request.user.has_perm("activities.view_problem_list"):
            raise PermissionDenied
        return problems.problems_for(self.request.user)

    @extend_schema(request=ProblemInput, responses={201: ProblemSerializer})
    def create(self, request):
        data = ProblemInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = in_scope(access.visible_sessions(request.user), values.pop("session"), field="session",
                            message=_("No such session among those you may see."))
        with service_errors():
            problem = problems.report_problem(session, by=request.user, **values)
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ResolutionInput, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        problem = get_object_or_404(self.get_queryset(), pk=pk)
        data = ResolutionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            problem = problems.resolve_problem(problem, by=request.user, **data.validated_data)
        return Response(ProblemSerializer(problem).data)
