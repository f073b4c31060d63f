"""A facilitator's own details through the API: read them, change phone, languages and skills, or the
e-mail address with their password. The rules are in `activities.own_details`."""
from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import service_errors

from .own_details import change_own_email, update_own_details


class OwnDetailsSerializer(serializers.Serializer):
    id = serializers.IntegerField(read_only=True)
    first_name = serializers.CharField(read_only=True)
    last_name = serializers.CharField(read_only=True)
    kind = serializers.CharField(read_only=True)
    partner = serializers.CharField(source="partner.name", default=None, read_only=True)
    email = serializers.EmailField(read_only=True)
    authorisation_valid_until = serializers.DateField(read_only=True)
    phone = serializers.CharField(allow_blank=True, required=False)
    languages = serializers.ListField(child=serializers.CharField(), required=False)
    skills = serializers.CharField(allow_blank=True, required=False)


class OwnEmailSerializer(serializers.Serializer):
    email = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"})


def _own(request):
    facilitator = getattr(request.user, "facilitator", None)
    if facilitator is None:
        raise Http404
    return facilitator


class OwnDetailsView(APIView):
    """`/api/v1/my-details/`: the signed-in facilitator's own record."""

    @extend_schema(responses=OwnDetailsSerializer)
    def get(self, request):
        return Response(OwnDetailsSerializer(_own(request)).data)

    @extend_schema(request=OwnDetailsSerializer, responses=OwnDetailsSerializer)
    def patch(self, request):
        facilitator = _own(request)
        data = OwnDetailsSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        with service_errors():
            update_own_details(facilitator, by=request.user, phone=values.get("phone", facilitator.phone),
                               languages=values.get("languages", facilitator.languages),
                               skills=values.get("skills", facilitator.skills))
        return Response(OwnDetailsSerializer(facilitator).data)


class OwnEmailView(APIView):
    """`/api/v1/my-details/email/`: a new e-mail address, confirmed with the password."""

    @extend_schema(request=OwnEmailSerializer, responses=OwnDetailsSerializer)
    def post(self, request):
        facilitator = _own(request)
        data = OwnEmailSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            change_own_email(facilitator, by=request.user, **data.validated_data)
        return Response(OwnDetailsSerializer(facilitator).data)
