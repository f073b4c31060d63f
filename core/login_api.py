"""The API of logins for facilitators and staff members (`core.logins`): `POST …/<id>/login/` gives one (or
sends a new invitation), `POST …/<id>/login/letter/` gives one with a code to print instead, `POST
…/<id>/login/close/` closes it. Attached to both viewsets. And `/logins/`, every
login for the administrators."""
from django.conf import settings
from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response

from . import logins
from .api import service_errors
from .models import User


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
    invitation_on_paper = serializers.BooleanField(source="invitation.on_paper", default=False,
                                                   help_text="The newest invitation is a printed letter.")
    invitation_refused = serializers.CharField(allow_null=True, source="refused.error", default=None,
                                               help_text="What the mail server answered, while it refuses it.")


class LoginLetterInput(LoginInput):
    replace_password = serializers.BooleanField(
        default=False, help_text="For someone who already signs in (a forgotten password): their password stops "
                                 "working. Refused without it.")


class LoginLetterSerializer(serializers.Serializer):
    username = serializers.CharField(source="user.username")
    code = serializers.CharField(help_text="Shown here only, kept nowhere: print it at once.")
    code_url = serializers.SerializerMethodField(help_text="Where the code is typed.")
    expires_on = serializers.DateField()
    language = serializers.CharField()

    def get_code_url(self, letter) -> str:
        return settings.RELAIS_BASE_URL + reverse("welcome-code")


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

    @extend_schema(request=LoginLetterInput, responses={201: LoginLetterSerializer},
                   summary="Give the person a login with a one-time code to print on a letter (for someone "
                           "without an e-mail address, or a forgotten password); earlier letters and links stop "
                           "working")
    @action(detail=True, methods=["post"], url_path="login/letter")
    def give_login_letter(self, request, pk=None):
        person = self.get_object()
        _allowed(request, person)
        data = LoginLetterInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            letter = logins.give_login_on_paper(person, by=request.user, **data.validated_data)
        return Response(LoginLetterSerializer(letter).data, status=status.HTTP_201_CREATED, headers={"Cache-Control": "no-store"})

    return give_login, close_login, give_login_letter


class LoginSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="user.pk")
    username = serializers.CharField(source="user.username")
    name = serializers.CharField(source="user.get_full_name")
    role = serializers.CharField(source="user.role")
    sites = serializers.SerializerMethodField()
    state = serializers.ChoiceField(choices=logins.LoginState.choices)
    last_login = serializers.DateTimeField(source="user.last_login", allow_null=True)
    dormant = serializers.BooleanField(help_text="Unused for RELAIS_DORMANT_LOGIN_DAYS, or its invitation expired.")

    def get_sites(self, row) -> list[int]:
        return [site.pk for site in row.user.sites.all()]


class InviteUserInput(serializers.Serializer):
    first_name = serializers.CharField(allow_blank=True)
    last_name = serializers.CharField(allow_blank=True)
    email = serializers.CharField(allow_blank=True)
    role = serializers.ChoiceField(choices=[r.value for r in logins.ROLES_INVITED_BY_ADMINISTRATORS])
    sites = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    language = serializers.ChoiceField(choices=logins.INTERFACE_LANGUAGES)


LOGIN_ID = OpenApiParameter("id", int, OpenApiParameter.PATH)


class LoginViewSet(viewsets.ViewSet):
    """Every login, for the administrators: review, invite coordinators, screeners and administrators, close."""

    def _require(self, request):
        if not request.user.has_perm("core.manage_logins"):
            raise PermissionDenied()

    def _row(self, user):
        return next(row for row in logins.every_login() if row.user.pk == user.pk)

    @extend_schema(responses={200: LoginSerializer(many=True)},
                   parameters=[OpenApiParameter("role", str), OpenApiParameter("state", str),
                               OpenApiParameter("dormant", bool)])
    def list(self, request):
        self._require(request)
        rows = logins.every_login(role=request.query_params.get("role", ""),
                                  state=request.query_params.get("state", ""),
                                  dormant_only=request.query_params.get("dormant") in ("1", "true"))
        return Response(LoginSerializer(rows, many=True).data)

    @extend_schema(request=InviteUserInput, responses={201: LoginSerializer})
    def create(self, request):
        from prisons.models import Site

        self._require(request)
        data = InviteUserInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site_ids = values.pop("sites")
        sites = list(Site.objects.filter(pk__in=site_ids))
        if len(sites) != len(set(site_ids)):
            raise ValidationError({"sites": ["No site with one of these numbers."]})
        with service_errors():
            invitation = logins.invite_user(sites=sites, by=request.user, **values)
        logins.send_invitations([invitation])
        return Response(LoginSerializer(self._row(invitation.user)).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: LoginSerializer}, parameters=[LOGIN_ID])
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        self._require(request)
        user = get_object_or_404(User, pk=pk)
        with service_errors():
            logins.close_user(user, by=request.user)
        return Response(LoginSerializer(self._row(user)).data)

    @extend_schema(request=None, responses={200: LoginSerializer}, parameters=[LOGIN_ID])
    @action(detail=True, methods=["post"])
    def invite(self, request, pk=None):
        self._require(request)
        user = get_object_or_404(User, pk=pk)
        with service_errors():
            invitation = logins.invite_again(user, by=request.user)
        logins.send_invitations([invitation])
        return Response(LoginSerializer(self._row(user)).data)
