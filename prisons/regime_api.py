"""A site's regime as JSON: read it, give weekdays their periods, set a unit's escort limit and blocked
times, and the weekly times a room is used by others. Same rules as the pages (`prisons.regime`,
`prisons.rooms`); errors name the field and the row."""
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from core import rules as access
from core.api import service_errors

from . import regime
from .models import BlockedReason, Weekday


class PeriodInput(serializers.Serializer):
    start = serializers.TimeField()
    end = serializers.TimeField()
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=regime.LABEL_MAX)
    after_break = serializers.BooleanField(required=False, default=False,
                                           help_text="A session cannot run across from the period before.")


class DayPeriodsInput(serializers.Serializer):
    weekdays = serializers.ListField(child=serializers.ChoiceField(choices=Weekday.choices), allow_empty=False)
    periods = PeriodInput(many=True)


class BlockedInput(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    start = serializers.TimeField()
    end = serializers.TimeField()
    reason = serializers.ChoiceField(choices=BlockedReason.choices)
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=regime.BLOCKED_LABEL_MAX)


class RoomUseInput(serializers.Serializer):
    weekday = serializers.ChoiceField(choices=Weekday.choices)
    start = serializers.TimeField()
    end = serializers.TimeField()
    label = serializers.CharField(max_length=80, help_text="Who uses the room then.")


class RoomUsesInput(serializers.Serializer):
    weekly_uses = RoomUseInput(many=True)


class UnitRegimeInput(serializers.Serializer):
    escort_limit = serializers.IntegerField(allow_null=True, min_value=1)
    blocked_periods = BlockedInput(many=True)


def _period(period) -> dict:
    return {"id": period.pk, "index": period.index, "start": f"{period.start:%H:%M}", "end": f"{period.end:%H:%M}",
            "label": period.label}


def _unit(unit) -> dict:
    return {"id": unit.pk, "code": unit.code, "escort_limit": unit.max_parallel_sessions,
            "blocked_periods": [{"weekday": b.weekday, "start": f"{b.start:%H:%M}", "end": f"{b.end:%H:%M}",
                                 "reason": b.reason, "label": b.label} for b in unit.blocked_periods.all()]}


def regime_as_dict(site) -> dict:
    periods, units = regime.regime_of_site(site)
    return {
        "site": site.pk,
        "periods": {str(day): [_period(p) for p in periods.get(day, [])] for day in Weekday.values},
        "units": [_unit(unit) for unit in units],
        "sessions_off_regime": [{"session": off.session.pk, "starts_at": off.session.starts_at,
                                 "problems": list(off.problems)} for off in regime.sessions_off_regime(site)],
    }


RegimeOutput = inline_serializer("SiteRegime", {
    "site": serializers.IntegerField(),
    "periods": serializers.DictField(help_text="By weekday, 0 (Monday) to 6; back-to-back periods have "
                                                "consecutive indexes."),
    "units": serializers.ListField(child=serializers.DictField()),
    "sessions_off_regime": serializers.ListField(child=serializers.DictField(),
                                                 help_text="Coming sessions that no longer fit, with why."),
})


def _site(request, site_id):
    if not request.user.has_perm("prisons.view_reference_pages"):
        raise PermissionDenied
    return get_object_or_404(access.visible_sites(request.user), pk=site_id)


class SiteRegimeView(APIView):
    @extend_schema(responses={200: RegimeOutput}, summary="A site's periods, units' blocked times and the "
                   "coming sessions that no longer fit")
    def get(self, request, site_id):
        return Response(regime_as_dict(_site(request, site_id)))


class SiteRegimePeriodsView(APIView):
    @extend_schema(request=DayPeriodsInput, responses={200: RegimeOutput},
                   summary="Give weekdays their periods (the site's coordinators)")
    def put(self, request, site_id):
        site = _site(request, site_id)
        data = DayPeriodsInput(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [regime.PeriodRow(row["start"], row["end"], row["label"].strip(), row["after_break"], f"periods[{i}]")
                for i, row in enumerate(data.validated_data["periods"])]
        with service_errors():
            regime.set_day_periods(site, data.validated_data["weekdays"], rows, by=request.user)
        return Response(regime_as_dict(site))


class UnitRegimeView(APIView):
    @extend_schema(request=UnitRegimeInput, responses={200: RegimeOutput},
                   summary="Set a unit's escort limit and weekly blocked times (the site's coordinators)")
    def put(self, request, unit_id):
        unit = get_object_or_404(access.visible_units(request.user), pk=unit_id)
        data = UnitRegimeInput(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [regime.BlockedRow(row["weekday"], row["start"], row["end"], row["reason"], row["label"],
                                  f"blocked_periods[{i}]")
                for i, row in enumerate(data.validated_data["blocked_periods"])]
        with service_errors():
            regime.set_unit_regime(unit, escort_limit=data.validated_data["escort_limit"], blocked=rows,
                                   by=request.user)
        return Response(regime_as_dict(unit.site))


class RoomUsesView(APIView):
    @extend_schema(request=RoomUsesInput, responses={200: RegimeOutput},
                   summary="Set the weekly times a room is used by others (the site's coordinators)")
    def put(self, request, room_id):
        from . import rooms

        room = get_object_or_404(access.visible_rooms(request.user).select_related("site"), pk=room_id)
        data = RoomUsesInput(data=request.data)
        data.is_valid(raise_exception=True)
        rows = [rooms.UseRow(row["weekday"], row["start"], row["end"], row["label"], f"weekly_uses[{i}]")
                for i, row in enumerate(data.validated_data["weekly_uses"])]
        with service_errors():
            rooms.set_room_uses(room, rows, by=request.user)
        return Response(regime_as_dict(room.site))
