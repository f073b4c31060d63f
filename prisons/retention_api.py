"""Retention API: what the policy removes at a site today, applying it, and past runs.

Same rules as the page; the work is done by `prisons.retention`."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope

from . import retention
from .models import RetentionRun, RetentionTrigger


class RetentionRunSerializer(serializers.ModelSerializer):
    by = serializers.CharField(source="by.username", default=None, read_only=True)

    class Meta:
        model = RetentionRun
        fields = ["id", "site", "at", "by", "trigger", "left_before", "notes_before", "detainees_anonymised",
                  "notes_erased", "candidates_deleted"]
        read_only_fields = fields


class RetentionDuePersonSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    prison_number = serializers.CharField()
    status = serializers.CharField()
    left_on = serializers.DateField()


class RetentionDueSerializer(serializers.Serializer):
    site = serializers.IntegerField()
    left_before = serializers.DateField()
    notes_before = serializers.DateField()
    detainees = RetentionDuePersonSerializer(many=True)
    screening_notes = serializers.IntegerField()
    volunteer_candidates = serializers.IntegerField()


class RetentionApplyInput(serializers.Serializer):
    site = serializers.IntegerField()
    confirm = serializers.BooleanField()

    def validate_confirm(self, value):
        if not value:
            raise serializers.ValidationError(_("Send true to confirm: what is removed cannot be recovered."))
        return value


class RetentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RetentionRunSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return RetentionRun.objects.none()
        if not self.request.user.has_perm("prisons.view_retention"):
            raise PermissionDenied
        return RetentionRun.objects.filter(site__in=access.visible_sites(self.request.user)).select_related("by")

    def _site(self, value):
        return in_scope(access.visible_sites(self.request.user), value, field="site",
                        message=_("No such site among those you work at."))

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True)], responses={200: RetentionDueSerializer})
    @action(detail=False)
    def due(self, request):
        """Who would be anonymised and how many screening notes erased at the site today."""
        self.get_queryset()
        value = request.query_params.get("site") or ""
        if not value.isdigit():
            raise ValidationError({"site": [_("Give the number of a site you work at.")]})
        site = self._site(int(value))
        today = timezone.localdate()
        bounds = retention.cutoffs(today)
        return Response(RetentionDueSerializer({
            "site": site.pk, "left_before": bounds.left_before, "notes_before": bounds.notes_before,
            "detainees": retention.detainees_due(site, today),
            "screening_notes": retention.notes_due(site, today).count(),
            "volunteer_candidates": retention.candidates_due(site, today).count(),
        }).data)

    @extend_schema(request=RetentionApplyInput, responses={201: RetentionRunSerializer})
    def create(self, request):
        """Apply the retention policy at the site now (cannot be undone)."""
        self.get_queryset()
        data = RetentionApplyInput(data=request.data)
        data.is_valid(raise_exception=True)
        site = self._site(data.validated_data["site"])
        if not request.user.has_perm("prisons.apply_retention", site):
            raise PermissionDenied
        run = retention.apply_retention(site, today=timezone.localdate(), by=request.user, trigger=RetentionTrigger.API)
        return Response(RetentionRunSerializer(run).data, status=status.HTTP_201_CREATED)
