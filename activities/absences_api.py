"""Dated absences API: a facilitator's own (or, for coordinators, their sites' facilitators'), with the
sessions each hits. Writes go through `activities.absences`."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import absences
from .models import AvailabilityException


class AbsenceSerializer(serializers.ModelSerializer):
    sessions_hit = serializers.SerializerMethodField()

    class Meta:
        model = AvailabilityException
        fields = ["id", "facilitator", "date", "start", "end", "note", "recorded_at", "sessions_hit"]
        read_only_fields = fields

    def get_sessions_hit(self, absence) -> list[str]:
        """UUIDs of the scheduled sessions the absence hits."""
        hits = self.context.get("hits", {})
        return [str(session.uuid) for session in hits.get(absence.pk, [])]


class AbsenceInput(serializers.Serializer):
    facilitator = serializers.IntegerField(required=False, help_text="Left out: your own.")
    date = serializers.DateField()
    start = serializers.TimeField(required=False, allow_null=True, default=None)
    end = serializers.TimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class AbsenceViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = AbsenceSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return AvailabilityException.objects.none()
        user = self.request.user
        if not (access.is_facilitator(user) or user.has_perm("activities.view_facilitator_list")):
            raise PermissionDenied
        return AvailabilityException.objects.filter(
            facilitator__in=access.visible_facilitators(user), available=False, date__gte=timezone.localdate(),
        ).select_related("facilitator").order_by("date", "start", "pk")

    def list(self, request):
        absences_list = list(self.get_queryset())
        by_facilitator = {}
        for absence in absences_list:
            by_facilitator.setdefault(absence.facilitator, []).append(absence)
        hits = {}
        for facilitator, own in by_facilitator.items():
            hits.update(absences.sessions_hit(facilitator, own))
        page = self.paginate_queryset(absences_list)
        return self.get_paginated_response(AbsenceSerializer(page, many=True, context={"hits": hits}).data)

    @extend_schema(request=AbsenceInput, responses={201: AbsenceSerializer})
    def create(self, request):
        self.get_queryset()
        data = AbsenceInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        pk = values.pop("facilitator", None)
        own = getattr(request.user, "facilitator", None)
        if pk is None and own is None:
            raise serializers.ValidationError({"facilitator": [_("Say whose absence it is.")]})
        facilitator = own if pk is None else in_scope(
            access.visible_facilitators(request.user), pk, field="facilitator",
            message=_("No such facilitator among those you may see."))
        with service_errors():
            absence = absences.declare_absence(facilitator, by=request.user, **values)
        hits = absences.sessions_hit(facilitator, [absence])
        return Response(AbsenceSerializer(absence, context={"hits": hits}).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        absence = get_object_or_404(self.get_queryset(), pk=pk)
        with service_errors():
            absences.withdraw_absence(absence, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
