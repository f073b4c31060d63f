"""Session logs API: read the logs of the sessions the user may see, write one (created or replaced).
Same rules as the pages; writes go through `activities.session_logs`."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from core import rules as access
from core.api import in_scope, service_errors

from . import session_logs
from .models import SessionLog


class SessionLogSerializer(serializers.ModelSerializer):
    written_by = serializers.CharField(source="written_by.username", default=None, read_only=True)

    class Meta:
        model = SessionLog
        fields = ["id", "session", "done", "next_time", "written_by", "updated_at"]
        read_only_fields = fields


class SessionLogInput(serializers.Serializer):
    session = serializers.IntegerField()
    done = serializers.CharField(max_length=2000)
    next_time = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


@extend_schema(parameters=[OpenApiParameter("cycle", int, description="Only this cycle's sessions.")])
class SessionLogViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = SessionLogSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return SessionLog.objects.none()
        user = self.request.user
        # The cycles the user coordinates or leads (their scope for facilitators): not prison staff's
        # or screeners', who see cycles but not their logs (core.rules: activities.view_session_log).
        if not (access.is_planner(user) or access.is_facilitator(user)):
            return SessionLog.objects.none()
        logs = SessionLog.objects.filter(session__cycle__in=access.visible_cycles(user).values("pk")).select_related(
            "written_by")
        cycle = self.request.query_params.get("cycle", "")
        if cycle.isdigit():
            logs = logs.filter(session__cycle_id=int(cycle))
        return logs.order_by("session__starts_at")

    @extend_schema(request=SessionLogInput, responses={200: SessionLogSerializer})
    def create(self, request):
        """Write the log of a session, replacing what was there."""
        data = SessionLogInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        session = in_scope(access.visible_sessions(request.user), values.pop("session"), field="session",
                            message=_("No such session among those you may see."))
        with service_errors():
            log = session_logs.write_log(session, by=request.user, **values)
        return Response(SessionLogSerializer(log).data)
