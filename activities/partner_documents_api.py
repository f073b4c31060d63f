"""Partner documents API: cooperation agreements and volunteers' insurance, with their state, and the
partners to chase. Writes go through `activities.partner_documents`."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import partner_documents
from .models import PartnerDocument, PartnerDocumentKind


class PartnerDocumentSerializer(serializers.ModelSerializer):
    state = serializers.SerializerMethodField()

    class Meta:
        model = PartnerDocument
        fields = ["id", "partner", "kind", "site", "reference", "valid_from", "valid_until", "note", "state"]
        read_only_fields = fields

    def get_state(self, document) -> str:
        """valid, expiring (within 60 days), expired or future."""
        return partner_documents.state_of(document, timezone.localdate())


class PartnerDocumentInput(serializers.Serializer):
    partner = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=PartnerDocumentKind.choices)
    reference = serializers.CharField(max_length=100)
    valid_from = serializers.DateField()
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    site = serializers.IntegerField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class PartnerToChaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    name = serializers.CharField()


class PartnerDocumentViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = PartnerDocumentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return PartnerDocument.objects.none()
        if not self.request.user.has_perm("activities.view_partner_documents"):
            raise PermissionDenied
        documents = PartnerDocument.objects.select_related("site").order_by("partner__name", "kind", "-valid_from", "pk")
        partner = self.request.query_params.get("partner")
        return documents.filter(partner=partner) if partner and partner.isdigit() else documents

    @extend_schema(parameters=[OpenApiParameter("partner", int)])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=PartnerDocumentInput, responses={201: PartnerDocumentSerializer})
    def create(self, request):
        self.get_queryset()
        data = PartnerDocumentInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        partner = in_scope(access.visible_partners(request.user), values.pop("partner"), field="partner",
                           message=_("No such partner organisation."))
        if values["site"] is not None:
            values["site"] = in_scope(access.visible_sites(request.user), values["site"], field="site",
                                      message=_("No such site among those you work at."))
        with service_errors():
            document = partner_documents.record_document(partner, by=request.user, **values)
        return Response(PartnerDocumentSerializer(document).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        document = get_object_or_404(self.get_queryset(), pk=pk)
        partner_documents.remove_document(document, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses={200: PartnerToChaseSerializer(many=True)})
    @action(detail=False, url_path="to-chase")
    def to_chase(self, request):
        """Active partners with people coming in whose agreement or insurance is missing, expired or ends within 60 days."""
        self.get_queryset()
        return Response(PartnerToChaseSerializer(partner_documents.partners_to_chase(timezone.localdate()), many=True).data)
