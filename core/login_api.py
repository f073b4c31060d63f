"""The API of logins for facilitators and staff members (`core.logins`): `POST …/<id>/login/` gives one (or
sends a new invitation), `POST …/<id>/login/close/` closes it. Attached to both viewsets."""
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from . import logins
from .api import service_errors


class LoginInput(serializers.Serializer):
    language = serializers.ChoiceField(choices=logins.INTERFACE_LANGUAGES, required=False,
                                       help_text="Of the invitation and of Relais for them; by default the first of "
                                                 "theirs Relais speaks, else the request's.")


class LoginStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=logins.LoginState.choices)
    username = serializers.CharField()
    last_login = serializers.DateTimeField(allow_null=True)
    invited_at = serializers.DateTimeField(allow_null=True, source="invitation.created_at", default=None)
    invitation_sent_at = serializers.DateTimeField(allow_null=True, source="invitation.sent_at", default=None)
    invitation_refused = serializers.CharField(allow_null=True, source="refused.error", default=None,
                                               help_text="What the mail server answered, while it refuses it.")


def _allowed(request, person):
    if not request.user.has_perm("core.give_login", person):
        raise PermissionDenied()


def login_actions():
    """The two actions, to assign in a viewset whose objects are facilitators or staff members."""

    @extend_schema(request=LoginInput, responses={200: LoginStateSerializer},
                   summary="Give the person a login and e-mail the invitation to choose a password (or e-mail a new "
                           "one, or open a closed login again)")
    @action(detail=True, methods=["post"], url_path="login")
    def give_login(self, request, pk=None):
        person = self.get_object()
        _allowed(request, person)
        data = LoginInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            invitation = logins.give_login(person, by=request.user, language=data.validated_data.get("language"))
        logins.send_invitations([invitation])
        person.refresh_from_db()
        return Response(LoginStateSerializer(logins.login_summary(person)).data)

    @extend_schema(request=None, responses={200: LoginStateSerializer},
                   summary="Close the person's login: nobody signs in with it any more")
    @action(detail=True, methods=["post"], url_path="login/close")
    def close_login(self, request, pk=None):
        person = self.get_object()
        _allowed(request, person)
        with service_errors():
            logins.close_login(person, by=request.user)
        person.refresh_from_db()
        return Response(LoginStateSerializer(logins.login_summary(person)).data)

    return give_login, close_login
