"""Material API: list the items of the cycles the user may see, ask for one, record the direction's
decision, take one off the list. Same rules as the pages; writes go through `activities.materials`."""
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import materials
from .models import CycleMaterial, MaterialStatus


class MaterialSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, read_only=True)

    class Meta:
        model = CycleMaterial
        fields = ["id", "cycle", "item", "quantity", "note", "status", "requested_by", "requested_at", "decided_by",
                  "decided_at", "decision_note"]
        read_only_fields = fields


class MaterialRequestInput(serializers.Serializer):
    cycle = serializers.IntegerField()
    item = serializers.CharField(max_length=120)
    quantity = serializers.IntegerField(min_value=1, max_value=materials.MAX_QUANTITY, default=1)
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MaterialDecisionInput(serializers.Serializer):
    decision = serializers.ChoiceField(choices=materials.DECISIONS)
    decision_note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


@extend_schema(parameters=[
    OpenApiParameter("cycle", int, description="Only this cycle's items."),
    OpenApiParameter("status", str, enum=MaterialStatus.values, description="Only items with this status."),
])
class MaterialViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin,
                      viewsets.GenericViewSet):
    serializer_class = MaterialSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return CycleMaterial.objects.none()
        user = self.request.user
        if not user.has_perm("activities.view_material_list"):
            raise PermissionDenied
        wanted = self.request.query_params
        status_filter = wanted.get("status", "")
        if status_filter and status_filter not in MaterialStatus.values:
            raise ValidationError({"status": [_("Choose one of: %(values)s.") % {"values": ", ".join(MaterialStatus.values)}]})
        queryset = materials.materials_for(user, status=status_filter or None)
        if wanted.get("cycle", "").isdigit():
            queryset = queryset.filter(cycle_id=int(wanted["cycle"]))
        return queryset

    @extend_schema(request=MaterialRequestInput, responses={201: MaterialSerializer})
    def create(self, request):
        data = MaterialRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        cycle = in_scope(access.visible_cycles(request.user), values.pop("cycle"), field="cycle",
                          message=_("No such cycle among those you may see."))
        with service_errors():
            material = materials.request_material(cycle, by=request.user, **values)
        return Response(MaterialSerializer(material).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=MaterialDecisionInput, responses={200: MaterialSerializer})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        material = get_object_or_404(self.get_queryset(), pk=pk)
        data = MaterialDecisionInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            material = materials.decide_material(
                material, decision=data.validated_data["decision"], note=data.validated_data["decision_note"],
                by=request.user,
            )
        return Response(MaterialSerializer(material).data)

    def perform_destroy(self, instance):
        with service_errors():
            materials.withdraw_material(instance, by=self.request.user)
