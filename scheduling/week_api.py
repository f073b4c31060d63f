"""A site's week at a glance, a unit's weekly slips and a site's movements of the day, as JSON; same rules as the pages."""
import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from core import audit
from core import rules as access

from .site_movements import site_movements
from .week import week_summary
from .week_slips import week_slips


class WeekSummaryDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    sessions = serializers.IntegerField()
    cancelled = serializers.IntegerField()
    moved = serializers.IntegerField(help_text="Of the sessions, those at another time or room than first planned.")
    participants = serializers.IntegerField()
    outside_people = serializers.IntegerField()
    rooms = serializers.IntegerField()
    over_quota = serializers.BooleanField()


class WeekSummaryCycleSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    code = serializers.CharField()
    first = serializers.DateTimeField()
    last = serializers.DateTimeField()


class WeekSummarySerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    monday = serializers.DateField()
    days = WeekSummaryDaySerializer(many=True)
    starting = WeekSummaryCycleSerializer(many=True)
    ending = WeekSummaryCycleSerializer(many=True)
    material_to_decide = serializers.IntegerField()
    badges_not_covering = serializers.IntegerField()
    problems_open = serializers.IntegerField()
    sessions_hit = serializers.IntegerField()


class WeekView(APIView):
    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True), OpenApiParameter("date", dt.date)],
                   responses={200: WeekSummarySerializer}, summary="Week at a glance of a site")
    def get(self, request):
        site_id = request.query_params.get("site", "")
        if not site_id.isdigit():
            raise ValidationError({"site": [_("Give the number of a site you work at.")]})
        site = access.visible_sites(request.user).filter(pk=site_id).first()
        if site is None or not request.user.has_perm("scheduling.view_gate_list", site):
            raise NotFound
        day = _day_param(request)
        return Response(WeekSummarySerializer(week_summary(request.user, site, day)).data)


class SlipLineSerializer(serializers.Serializer):
    day = serializers.DateField()
    starts = serializers.TimeField(format="%H:%M")
    ends = serializers.TimeField(format="%H:%M")
    title = serializers.CharField()
    room = serializers.CharField()


class WeekSlipSerializer(serializers.Serializer):
    prison_number = serializers.CharField(source="detainee.prison_number")
    first_name = serializers.CharField(source="detainee.first_name")
    last_name = serializers.CharField(source="detainee.last_name")
    cell = serializers.CharField(source="detainee.cell")
    language = serializers.CharField()
    lines = SlipLineSerializer(many=True)


class WeekSlipsView(APIView):
    """Each detainee's sessions of the week in a unit, titles in their language (as the printed slips)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("unit", int, required=True), OpenApiParameter("date", dt.date)],
                   responses={200: WeekSlipSerializer(many=True)}, summary="Weekly slips of a unit's detainees")
    def get(self, request):
        unit_id = request.query_params.get("unit", "")
        if not unit_id.isdigit():
            raise ValidationError({"unit": [_("Give the number of a unit.")]})
        unit = access.visible_units(request.user).filter(pk=unit_id).first()
        if unit is None or not request.user.has_perm("scheduling.view_movement_list", unit):
            raise NotFound
        day = _day_param(request)
        slips = week_slips(request.user, unit, day)
        audit.record_export(request.user, "week_slips", detail=f"unit={unit.pk} week={day.isoformat()} "
                                                              f"slips={len(slips)} api")
        return Response(WeekSlipSerializer(slips, many=True).data)


class DepartureSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    people = serializers.IntegerField()
    departs = serializers.TimeField(format="%H:%M")
    returns = serializers.TimeField(format="%H:%M")
    activity = serializers.CharField()
    room = serializers.CharField()
    moved_from = serializers.DateTimeField(allow_null=True, help_text="When the session was first planned, if it moved.")


class EscortOverloadSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    at = serializers.TimeField(format="%H:%M")
    sessions = serializers.IntegerField()
    limit = serializers.IntegerField()


class SiteMovementsSerializer(serializers.Serializer):
    site = serializers.IntegerField(source="site.pk")
    day = serializers.DateField()
    people = serializers.IntegerField()
    departures = DepartureSerializer(many=True)
    overloads = EscortOverloadSerializer(many=True)


class SiteMovementsView(APIView):
    """The site's movements of the day, by departure time and unit, as on the page (counts, no names)."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(parameters=[OpenApiParameter("site", int, required=True), OpenApiParameter("date", dt.date)],
                   responses={200: SiteMovementsSerializer}, summary="Movements of the day of a site")
    def get(self, request):
        site_id = request.query_params.get("site", "")
        if not site_id.isdigit():
            raise ValidationError({"site": [_("Give the number of a site you work at.")]})
        site = access.visible_sites(request.user).filter(pk=site_id).first()
        if site is None or not request.user.has_perm("scheduling.view_movement_list", site):
            raise NotFound
        day = _day_param(request)
        return Response(SiteMovementsSerializer(site_movements(request.user, site, day)).data)


def _day_param(request) -> dt.date:
    """The `date` parameter, today when absent; a 400 naming the field when it is not a date."""
    value = request.query_params.get("date", "")
    try:
        return dt.date.fromisoformat(value) if value else timezone.localdate()
    except ValueError:
        raise ValidationError({"date": [_("Give the date as YYYY-MM-DD.")]}) from None
