"""`GET /api/v1/setup-checklist/`: what each site the user keeps still lacks (`core.setup_checklist`)."""
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from .setup_checklist import sites_to_set_up


class SetupItemSerializer(serializers.Serializer):
    label = serializers.CharField()
    done = serializers.BooleanField()
    url = serializers.CharField(help_text="The page or import that fills it.")


class SiteSetupSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    site_name = serializers.CharField(source="site.name")
    done = serializers.IntegerField()
    items = SetupItemSerializer(many=True)


class SetupChecklistView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(responses={200: SiteSetupSerializer(many=True)},
                   summary="The sites the user keeps whose reference lists are not all filled, with every item "
                           "(labels in the Accept-Language); empty once every list has something")
    def get(self, request):
        return Response(SiteSetupSerializer(sites_to_set_up(request.user), many=True).data)
