"""API for calendar feeds: list the signed-in user's feeds, issue, regenerate and revoke tokens.

The secret token is returned once, in the answer to issue/regenerate; it is never stored.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core import rules as access

from . import feeds
from .calendar_views import resolve_feed_target
from .models import FeedKind, FeedToken


class FeedSerializer(serializers.ModelSerializer):
    target = serializers.SerializerMethodField()
    label = serializers.SerializerMethodField()

    class Meta:
        model = FeedToken
        fields = ["id", "kind", "target", "label", "language", "created_at", "last_used_at"]
        read_only_fields = fields

    def get_target(self, feed) -> int:
        return getattr(feed, f"{feed.kind}_id")

    def get_label(self, feed) -> str:
        return feeds.target_label(feed.kind, feeds.target_of(feed))


class IssuedFeedSerializer(FeedSerializer):
    token = serializers.CharField(read_only=True, help_text=_("Shown once; store it in your calendar app."))
    url = serializers.CharField(read_only=True)

    class Meta(FeedSerializer.Meta):
        fields = [*FeedSerializer.Meta.fields, "token", "url"]
        read_only_fields = fields


class IssueFeedSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=FeedKind.choices)
    target = serializers.IntegerField(min_value=1, help_text=_("Id of the facilitator, unit, room or site."))
    language = serializers.ChoiceField(choices=[("fr", "fr"), ("nl", "nl"), ("en", "en")], required=False)


def _issued(request, issued: feeds.IssuedFeed) -> dict:
    data = FeedSerializer(issued.feed).data
    data.update(token=issued.token, url=request.build_absolute_uri(issued.path))
    return data


class FeedViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    """The signed-in user's working calendar feeds. DELETE revokes a feed."""

    serializer_class = FeedSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation, no user
            return FeedToken.objects.none()
        own = access.visible_feed_tokens(self.request.user).filter(owner=self.request.user)
        return own.filter(revoked_at__isnull=True).order_by("-created_at")

    @extend_schema(request=IssueFeedSerializer, responses={201: IssuedFeedSerializer})
    def create(self, request):
        incoming = IssueFeedSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        kind, pk = incoming.validated_data["kind"], incoming.validated_data["target"]
        target = resolve_feed_target(request.user, kind, pk)
        if target is None:
            raise serializers.ValidationError({"target": [_("No %(kind)s with id %(id)s that you may see.") % {"kind": kind, "id": pk}]})
        try:
            issued = feeds.issue_feed(request.user, kind, target, language=incoming.validated_data.get("language"))
        except ValidationError as error:
            raise serializers.ValidationError(error.message_dict) from None
        except PermissionDenied as error:
            raise serializers.ValidationError({"target": [str(error)]}) from None
        return Response(_issued(request, issued), status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        try:
            feeds.revoke_feed(self.request.user, instance)
        except PermissionDenied:
            raise Http404 from None

    @extend_schema(request=None, responses={201: IssuedFeedSerializer})
    @action(detail=True, methods=["post"])
    def regenerate(self, request, pk=None):
        try:
            issued = feeds.regenerate_feed(request.user, self.get_object())
        except PermissionDenied:
            raise Http404 from None
        return Response(_issued(request, issued), status=status.HTTP_201_CREATED)
