"""Room closures as JSON: the coming closures of the rooms of your sites, record one, take one back.
Same rules as the page (`prisons.closures`)."""
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import closures
from .models import Room, RoomClosure


class RoomClosureSerializer(serializers.ModelSerializer):
    sessions_hit = serializers.SerializerMethodField()

    class Meta:
        model = RoomClosure
        fields = ["id", "room", "date", "start", "end", "reason", "sessions_hit"]
        read_only_fields = fields

    def get_sessions_hit(self, closure) -> list[int]:
        """Ids of the scheduled sessions the closure overlaps."""
        hits = self.context.get("hits")
        if hits is None:
            hits = closures.sessions_hit([closure])
        return [session.pk for session in hits.get(closure.pk, [])]


class RoomClosureInput(serializers.Serializer):
    room = serializers.IntegerField()
    date = serializers.DateField()
    start = serializers.TimeField(required=False, allow_null=True, default=None)
    end = serializers.TimeField(required=False, allow_null=True, default=None)
    reason = serializers.CharField(max_length=200)


class RoomClosureViewSet(mixins.ListModelMixin, mixins.DestroyModelMixin, viewsets.GenericViewSet):
    serializer_class = RoomClosureSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RoomClosure.objects.none()
        rooms = Room.objects.filter(site__in=access.visible_sites(self.request.user))
        if self.action == "list":
            return closures.upcoming_closures(rooms, timezone.localdate())
        return RoomClosure.objects.filter(room__in=rooms).select_related("room")

    def list(self, request):
        upcoming = list(self.get_queryset())
        page = self.paginate_queryset(upcoming)
        shown = page if page is not None else upcoming
        data = RoomClosureSerializer(shown, many=True, context={"hits": closures.sessions_hit(shown)}).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    @extend_schema(request=RoomClosureInput, responses={201: RoomClosureSerializer})
    def create(self, request):
        data = RoomClosureInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        room = in_scope(Room.objects.filter(site__in=access.visible_sites(request.user)), values.pop("room"),
                        field="room", message=_("No such room at your sites."))
        with service_errors():
            closure = closures.close_room(room, by=request.user, **values)
        return Response(RoomClosureSerializer(closure).data, status=status.HTTP_201_CREATED)

    def perform_destroy(self, instance):
        with service_errors():
            closures.reopen(instance, by=self.request.user)
