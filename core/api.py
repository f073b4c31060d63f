"""API building blocks: read-only viewsets narrowed by core.rules scopes, and the personal API token."""
from contextlib import contextmanager

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import permissions, serializers, viewsets
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Every queryset comes from a `visible_*` scope of core.rules before filters touch it.

    `model` types the schema (drf-spectacular builds it without a user); `scope` answers requests.
    """

    model = None
    scope = None
    permission = None  # an optional core.rules permission the user must hold to use the endpoint
    object_permission = None  # checked on retrieve; refused objects answer 404, like out-of-scope ones

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return self.model.objects.none()
        return type(self).scope(self.request.user)

    def check_permissions(self, request):
        super().check_permissions(request)
        if self.permission and not request.user.has_perm(self.permission):
            self.permission_denied(request, message=_("Your role does not give access to this list."))

    def check_object_permissions(self, request, obj):
        super().check_object_permissions(request, obj)
        if self.object_permission and not request.user.has_perm(self.object_permission, obj):
            raise NotFound


class PersonalTokenView(APIView):
    """Issue a new API token for the signed-in user (the previous one stops working)."""

    authentication_classes = [SessionAuthentication]
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(
        request=None,
        responses=inline_serializer("PersonalToken", {"token": serializers.CharField()}),
        summary="Issue a personal API token",
        description="Signed-in users only (session). Send it as `Authorization: Token <key>`.",
    )
    def post(self, request):
        Token.objects.filter(user=request.user).delete()
        token = Token.objects.create(user=request.user)
        return Response({"token": token.key})


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from our own static files; its init script is a separate request (CSP: self only)."""

    template_name = "core/api_docs.html"


@contextmanager
def service_errors():
    """A service's ValidationError becomes the API's 400, naming the same fields."""
    try:
        yield
    except DjangoValidationError as error:
        detail = error.message_dict if hasattr(error, "error_dict") else {"detail": error.messages}
        raise ValidationError(detail) from error


def in_scope(queryset, pk, *, field: str, message: str):
    """The object `pk` of a queryset already narrowed to what the user may see (a core.rules
    scope), or the API's 400 naming the field the number came from."""
    found = queryset.filter(pk=pk).first()
    if found is None:
        raise ValidationError({field: [message]})
    return found
