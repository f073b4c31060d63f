"""Access authorisation renewals API: what is due per site, the requests sent to the direction and
their answers. Same rules as the page; writes go through `activities.renewals`."""
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import renewals
from .models import AuthorisationRenewal, RenewalStatus


class RenewalSerializer(serializers.ModelSerializer):
    requested_by = serializers.CharField(source="requested_by.username", default=None, read_only=True)
    answered_by = serializers.CharField(source="answered_by.username", default=None, read_only=True)

    class Meta:
        model = AuthorisationRenewal
        fields = ["id", "facilitator", "site", "status", "requested_on", "requested_by", "note", "answered_on",
                  "answered_by", "answer_note"]
        read_only_fields = fields


class DueSerializer(serializers.Serializer):
    facilitator = serializers.IntegerField(source="facilitator.pk")
    name = serializers.CharField(source="facilitator.__str__")
    authorisation_number = serializers.CharField(source="facilitator.authorisation_number")
    valid_until = serializers.DateField(source="facilitator.authorisation_valid_until", allow_null=True)
    state = serializers.CharField()
    sessions_not_covered = serializers.IntegerField()
    first_not_covered = serializers.DateField()
    last_session = serializers.DateField()
    open_request = serializers.IntegerField(source="open_request.pk", default=None, allow_null=True)


class RenewalRequestInput(serializers.Serializer):
    facilitator = serializers.IntegerField()
    site = serializers.IntegerField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RenewalAnswerInput(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(RenewalStatus.GRANTED.value, RenewalStatus.GRANTED.label),
                                               (RenewalStatus.REFUSED.value, RenewalStatus.REFUSED.label)])
    valid_until = serializers.DateField(required=False, allow_null=True, default=None)
    number = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class RenewalViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = RenewalSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return AuthorisationRenewal.objects.none()
        if not self.request.user.has_perm("activities.view_renewals"):
            raise PermissionDenied
        return AuthorisationRenewal.objects.filter(site__in=access.visible_sites(self.request.user)).select_related(
            "requested_by", "answered_by")

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True)], responses={200: DueSerializer(many=True)})
    @action(detail=False)
    def due(self, request):
        """Outside facilitators whose authorisation does not cover their planned sessions at the site."""
        self.get_queryset()
        site = access.visible_sites(request.user).filter(pk=request.query_params.get("site") or 0).first() \
            if (request.query_params.get("site") or "").isdigit() else None
        if site is None:
            raise ValidationError({"site": [_("Give the number of a site you work at.")]})
        return Response(DueSerializer(renewals.renewals_due(site, timezone.localdate()), many=True).data)

    @extend_schema(request=RenewalRequestInput, responses={201: RenewalSerializer})
    def create(self, request):
        self.get_queryset()
        data = RenewalRequestInput(data=request.data)
        data.is_valid(raise_exception=True)
        site = in_scope(access.visible_sites(request.user), data.validated_data["site"], field="site",
                         message=_("No such site among those you work at."))
        facilitator = in_scope(access.visible_facilitators(request.user), data.validated_data["facilitator"], field="facilitator",
                                message=_("No such facilitator among those you may see."))
        with service_errors():
            renewal = renewals.request_renewal(facilitator, site, by=request.user, note=data.validated_data["note"])
        return Response(RenewalSerializer(renewal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=RenewalAnswerInput, responses={200: RenewalSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        renewal = get_object_or_404(self.get_queryset().select_related("facilitator"), pk=pk)
        data = RenewalAnswerInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            renewal = renewals.record_answer(renewal, by=request.user, **data.validated_data)
        return Response(RenewalSerializer(renewal).data)
