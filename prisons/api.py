"""API for the prison's reference data, detainees and staff list, with the pages' permissions."""
import django_filters
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from core import audit
from core import rules as access
from core.api import ScopedReadOnlyViewSet, in_scope, service_errors
from core.login_api import login_actions
from core.models import AuditAction

from .list_import_api import import_action
from .models import (
    BlockedPeriod,
    Building,
    Detainee,
    DetaineeLanguage,
    RegimePeriod,
    Room,
    RoomKind,
    RoomUse,
    Site,
    SiteKind,
    StaffFunction,
    StaffMember,
    Unit,
)
from .room_import import apply_room_import, prepare_room_import
from .staff_import import apply_staff_import, prepare_staff_import
from .unit_import import apply_unit_import, prepare_unit_import


class SiteSerializer(serializers.ModelSerializer):
    class Meta:
        model = Site
        fields = ["id", "code", "name", "kind", "address", "daily_outside_quota"]


class BuildingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Building
        fields = ["id", "site", "code", "name"]


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "site", "building", "code", "name", "population", "legal_regime", "regime", "capacity",
                  "max_parallel_sessions"]


class RoomUseSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoomUse
        fields = ["weekday", "start", "end", "label"]


class RoomSerializer(serializers.ModelSerializer):
    weekly_uses = RoomUseSerializer(many=True, read_only=True)  # set with PUT …/rooms/<id>/weekly-uses/

    class Meta:
        model = Room
        fields = ["id", "site", "building", "code", "name", "kind", "capacity", "reachable_from_all_units",
                  "reachable_units", "accessibility_notes", "active", "weekly_uses"]


class RegimePeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = RegimePeriod
        fields = ["id", "site", "weekday", "index", "start", "end", "label"]


class BlockedPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = BlockedPeriod
        fields = ["id", "unit", "weekday", "start", "end", "reason", "label"]


class StaffMemberSerializer(serializers.ModelSerializer):
    class Meta:
        model = StaffMember
        fields = ["id", "site", "first_name", "last_name", "function", "units", "email", "email_cancellations"]


class DetaineeLanguageSerializer(serializers.ModelSerializer):
    class Meta:
        model = DetaineeLanguage
        fields = ["language", "proficiency"]


class DetaineeStaffSerializer(serializers.ModelSerializer):
    """What prison staff need to move people: who, where."""

    class Meta:
        model = Detainee
        fields = ["id", "prison_number", "last_name", "first_name", "site", "unit", "cell", "status"]


class DetaineeSerializer(serializers.ModelSerializer):
    """Coordinators and screeners: what planning and screening use."""

    languages = DetaineeLanguageSerializer(many=True, read_only=True)

    class Meta:
        model = Detainee
        fields = ["id", "prison_number", "last_name", "first_name", "gender", "legal_status", "site", "unit",
                  "cell", "birth_date", "languages", "needs_interpreter", "reads_french", "reads_dutch",
                  "arrival_date", "expected_release_date", "expected_transfer_date", "status", "anonymised_at"]


class DetaineeFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(label=_("Prison number, name or unit code"), method="filter_search")

    class Meta:
        model = Detainee
        fields = ["search", "site", "unit", "status", "legal_status", "gender", "prison_number"]

    def filter_search(self, qs, name, value):
        for word in value.split():
            qs = qs.filter(Q(prison_number__icontains=word) | Q(last_name__icontains=word)
                           | Q(first_name__icontains=word) | Q(unit__code__iexact=word))
        return qs


class SiteInput(serializers.Serializer):
    code = serializers.CharField(max_length=20, required=False,
                                 help_text="Required to open a site; changed by administrators only.")
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=SiteKind.choices, required=False,
                                   help_text="Changed by administrators only.")
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    daily_outside_quota = serializers.IntegerField(required=False, allow_null=True, default=None)


@extend_schema_view(
    create=extend_schema(request=SiteInput, responses={201: SiteSerializer},
                         description="Administrators open a site; audited."),
    partial_update=extend_schema(request=SiteInput, responses={200: SiteSerializer},
                                 description="The site's coordinators: send the whole record; code and kind "
                                             "are kept unless an administrator changes them. Audited."),
)
class SiteViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    model, scope = Site, access.visible_sites
    serializer_class = SiteSerializer
    filterset_fields = ["code", "kind"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _save(self, request, site=None):
        from . import sites

        data = SiteInput(data=request.data)
        data.is_valid(raise_exception=True)
        with service_errors():
            return sites.save_site(by=request.user, site=site, **data.validated_data)

    def create(self, request, *args, **kwargs):
        return Response(SiteSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return Response(SiteSerializer(self._save(request, self.get_object())).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class BuildingInput(serializers.Serializer):
    site = serializers.IntegerField(required=False, help_text="Required to add a building; it stays at its site.")
    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=100)


@extend_schema_view(
    create=extend_schema(request=BuildingInput, responses={201: BuildingSerializer},
                         description="The site's coordinators; audited."),
    partial_update=extend_schema(request=BuildingInput, responses={200: BuildingSerializer},
                                 description="Rename a building (the site's coordinators); audited."),
)
class BuildingViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    model, scope = Building, access.visible_buildings
    serializer_class = BuildingSerializer
    filterset_fields = ["site", "code"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def _save(self, request, building=None):
        from . import sites

        data = BuildingInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = _site_of(request, building, values.pop("site", None))
        with service_errors():
            return sites.save_building(site, by=request.user, building=building, **values)

    def create(self, request, *args, **kwargs):
        return Response(BuildingSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return Response(BuildingSerializer(self._save(request, self.get_object())).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class UnitViewSet(ScopedReadOnlyViewSet):
    model, scope = Unit, access.visible_units
    serializer_class = UnitSerializer
    filterset_fields = ["site", "building", "code", "population", "legal_regime", "regime"]

    import_list = import_action(
        permission="prisons.change_reference", prepare=prepare_unit_import, apply=apply_unit_import,
        summary="Check the direction's list of living units for a site and, with `confirm`, import it (nothing is "
        "saved unless every row is valid)")


def _site_of(request, found, site_id):
    """The site of the object changed, or the site named to add one (one of the user's)."""
    if found is not None:
        return found.site
    if site_id is None:
        raise ValidationError({"site": [_("Give the site.")]})
    return in_scope(access.visible_sites(request.user), site_id, field="site", message=_("No such site among yours."))


def _units_named(request, unit_ids, *, field: str) -> list:
    """The units of these ids, or a 400 naming `field` and the ids the user cannot see."""
    units = list(access.visible_units(request.user).filter(pk__in=unit_ids))
    missing = set(unit_ids) - {u.pk for u in units}
    if missing:
        raise ValidationError({field: [_("No such unit: %(ids)s.") % {"ids": ", ".join(str(i) for i in sorted(missing))}]})
    return units


class RoomInput(serializers.Serializer):
    site = serializers.IntegerField(required=False, help_text="Required to add a room; a room stays at its site.")
    code = serializers.CharField(max_length=30)
    name = serializers.CharField(max_length=100)
    kind = serializers.ChoiceField(choices=RoomKind.choices)
    capacity = serializers.IntegerField()
    building = serializers.IntegerField(required=False, allow_null=True, default=None)
    reachable_from_all_units = serializers.BooleanField(required=False, default=False)
    reachable_units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    accessibility_notes = serializers.CharField(required=False, allow_blank=True, default="")
    active = serializers.BooleanField(required=False, default=True)


@extend_schema_view(
    create=extend_schema(request=RoomInput, responses={201: RoomSerializer},
                         description="The site's coordinators; audited."),
    partial_update=extend_schema(request=RoomInput, responses={200: RoomSerializer},
                                 description="Send the whole record. Taking a room out of use (`active`: false) "
                                             "is refused while coming sessions take place in it."),
)
class RoomViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, ScopedReadOnlyViewSet):
    model = Room
    serializer_class = RoomSerializer
    filterset_fields = ["site", "building", "kind", "active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    import_list = import_action(
        permission="prisons.change_reference", prepare=prepare_room_import, apply=apply_room_import,
        summary="Check the direction's list of rooms for a site and, with `confirm`, import it (nothing is saved "
        "unless every row is valid)")

    @staticmethod
    def scope(user):
        return access.visible_rooms(user).prefetch_related("reachable_units", "weekly_uses")

    def _save(self, request, room=None):
        from . import rooms

        data = RoomInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site, building_id = _site_of(request, room, values.pop("site", None)), values.pop("building")
        building = None if building_id is None else in_scope(
            access.visible_buildings(request.user), building_id, field="building", message=_("No such building."))
        units = _units_named(request, values.pop("reachable_units"), field="reachable_units")
        with service_errors():
            return rooms.save_room(site, by=request.user, room=room, building=building, reachable_units=units,
                                   **values)

    def create(self, request, *args, **kwargs):
        return Response(RoomSerializer(self._save(request)).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return Response(RoomSerializer(self._save(request, self.get_object())).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)


class RegimePeriodViewSet(ScopedReadOnlyViewSet):
    model, scope = RegimePeriod, access.visible_regime_periods
    serializer_class = RegimePeriodSerializer
    filterset_fields = ["site", "weekday"]


class BlockedPeriodViewSet(ScopedReadOnlyViewSet):
    model, scope = BlockedPeriod, access.visible_blocked_periods
    serializer_class = BlockedPeriodSerializer
    filterset_fields = ["unit", "weekday", "reason"]


class StaffMemberInput(serializers.Serializer):
    site = serializers.IntegerField(required=False, help_text="Required to add someone; a member stays at their site.")
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    function = serializers.ChoiceField(choices=StaffFunction.choices)
    units = serializers.ListField(child=serializers.IntegerField(), required=False, default=list)
    email = serializers.EmailField(required=False, allow_blank=True, default="")
    email_cancellations = serializers.BooleanField(required=False, default=True)


@extend_schema_view(
    create=extend_schema(request=StaffMemberInput, responses={201: StaffMemberSerializer},
                         description="The site's coordinators; audited."),
    partial_update=extend_schema(request=StaffMemberInput, responses={200: StaffMemberSerializer},
                                 description="Send the whole record; units replace the member's units."),
    destroy=extend_schema(description="Someone who left: their login, if any, then sees no unit."),
)
class StaffMemberViewSet(mixins.CreateModelMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin,
                         ScopedReadOnlyViewSet):
    model = StaffMember
    serializer_class = StaffMemberSerializer
    filterset_fields = ["site", "function"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    @staticmethod
    def scope(user):
        return access.visible_staff_members(user).prefetch_related("units")

    import_list = import_action(
        permission="prisons.change_reference", prepare=prepare_staff_import, apply=apply_staff_import,
        summary="Check the direction's staff list for a site and, with `confirm`, import it (nothing is saved "
        "unless every row is valid)")
    give_login, close_login, give_login_letter = login_actions()

    def _save(self, request, member=None):
        from . import staff

        data = StaffMemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        site = _site_of(request, member, values.pop("site", None))
        units = _units_named(request, values.pop("units"), field="units")
        with service_errors():
            return staff.save_staff_member(site, by=request.user, member=member, units=units, **values)

    def create(self, request, *args, **kwargs):
        member = self._save(request)
        return Response(StaffMemberSerializer(member).data, status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        return Response(StaffMemberSerializer(self._save(request, self.get_object())).data)

    def update(self, request, *args, **kwargs):
        return self.partial_update(request, *args, **kwargs)

    def perform_destroy(self, instance):
        from . import staff

        staff.remove_staff_member(instance, by=self.request.user)


@extend_schema_view(
    list=extend_schema(description="Prison staff receive fewer fields (number, names, site, unit, cell, "
                                   "status); facilitators have no access."),
    retrieve=extend_schema(description="Every read is written to the audit log."),
)
class DetaineeViewSet(ScopedReadOnlyViewSet):
    model = Detainee
    permission = "prisons.view_detainee_list"
    object_permission = "prisons.view_detainee"
    filterset_class = DetaineeFilter

    @staticmethod
    def scope(user):
        return access.visible_detainees(user).prefetch_related("languages").order_by("last_name", "prison_number")

    def get_serializer_class(self, detainee=None):
        if getattr(self, "swagger_fake_view", False):  # the schema documents the full record
            return DetaineeSerializer
        if self.request.user.has_perm("prisons.view_detainee_details", detainee):
            return DetaineeSerializer
        return DetaineeStaffSerializer

    def retrieve(self, request, *args, **kwargs):
        detainee = self.get_object()
        audit.record(request.user, AuditAction.VIEW, detainee, detail="api")
        serializer_class = self.get_serializer_class(detainee)
        return Response(serializer_class(detainee, context=self.get_serializer_context()).data)

    @extend_schema(responses={200: OpenApiTypes.OBJECT},
                   description="Everything Relais holds about the person, to answer an access request (GDPR art. 15); "
                               "the site's coordinators; audited. Leaves out who the other person of a "
                               "non-association is and the text of screening notes (professional secrecy).")
    @action(detail=True)
    def record(self, request, pk=None):
        from .subject_access import person_record, record_as_dict

        detainee = self.get_object()
        if not request.user.has_perm("prisons.produce_access_record", detainee):
            raise NotFound
        audit.record(request.user, AuditAction.EXPORT, detainee, detail="access record api")
        return Response(record_as_dict(person_record(detainee, timezone.localdate())))
