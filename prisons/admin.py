"""Django admin for the prison's reference data, detainees and staff."""
from django.contrib import admin

from core import audit
from core.admin import ReadOnlyAdmin
from core.models import AuditAction

from . import models


class BuildingInline(admin.TabularInline):
    model = models.Building
    extra = 0


@admin.register(models.Site)
class SiteAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "kind", "daily_outside_quota"]
    search_fields = ["name", "code"]
    inlines = [BuildingInline]


@admin.register(models.Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "site"]
    list_filter = ["site"]
    search_fields = ["name", "code"]


class BlockedPeriodInline(admin.TabularInline):
    model = models.BlockedPeriod
    extra = 0


@admin.register(models.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site", "building", "population", "legal_regime", "regime", "capacity"]
    list_filter = ["site", "population", "legal_regime", "regime"]
    list_select_related = ["site", "building"]
    search_fields = ["code", "name"]
    inlines = [BlockedPeriodInline]


class RoomUseInline(admin.TabularInline):
    model = models.RoomUse
    extra = 0


@admin.register(models.Room)
class RoomAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "site", "building", "kind", "capacity", "reachable_from_all_units", "active"]
    list_filter = ["site", "kind", "active", "reachable_from_all_units"]
    list_select_related = ["site", "building"]
    search_fields = ["code", "name"]
    filter_horizontal = ["reachable_units"]
    inlines = [RoomUseInline]


@admin.register(models.RoomClosure)
class RoomClosureAdmin(admin.ModelAdmin):
    list_display = ["room", "date", "start", "end", "reason"]
    list_filter = ["room__site", "date"]
    list_select_related = ["room__site", "room__building"]
    search_fields = ["room__code", "room__name", "reason"]
    date_hierarchy = "date"


@admin.register(models.RegimePeriod)
class RegimePeriodAdmin(admin.ModelAdmin):
    list_display = ["site", "weekday", "index", "start", "end", "label"]
    list_filter = ["site", "weekday"]


@admin.register(models.BlockedPeriod)
class BlockedPeriodAdmin(admin.ModelAdmin):
    list_display = ["unit", "weekday", "start", "end", "reason", "label"]
    list_filter = ["unit__site", "reason", "weekday"]
    list_select_related = ["unit"]


class DetaineeLanguageInline(admin.TabularInline):
    model = models.DetaineeLanguage
    extra = 0


class PlacementInline(admin.TabularInline):
    model = models.Placement
    extra = 0


class CommitmentInline(admin.TabularInline):
    model = models.Commitment
    extra = 0


class ActivityRestrictionInline(admin.TabularInline):
    model = models.ActivityRestriction
    extra = 0


@admin.register(models.Detainee)
class DetaineeAdmin(admin.ModelAdmin):
    list_display = ["prison_number", "last_name", "first_name", "site", "unit", "cell", "legal_status", "status"]
    list_filter = ["site", "status", "legal_status", "gender"]
    list_select_related = ["site", "unit"]
    search_fields = ["prison_number", "last_name", "first_name", "unit__code"]
    autocomplete_fields = ["unit"]
    inlines = [DetaineeLanguageInline, PlacementInline, CommitmentInline, ActivityRestrictionInline]
    readonly_fields = ["anonymised_at"]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        # Reading a record in the admin is a read like any other: log it.
        if request.method == "GET":
            detainee = self.get_object(request, object_id)
            if detainee is not None:
                audit.record(request.user, AuditAction.VIEW, detainee, detail="admin")
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        audit.record(request.user, AuditAction.CHANGE if change else AuditAction.CREATE, obj, detail="admin")


@admin.register(models.NonAssociation)
class NonAssociationAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "scope", "active"]
    list_filter = ["scope", "active"]
    autocomplete_fields = ["first", "second"]


@admin.register(models.StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "site", "function", "user"]
    list_filter = ["site", "function"]
    search_fields = ["last_name", "first_name"]
    filter_horizontal = ["units"]
    autocomplete_fields = ["user"]


@admin.register(models.RetentionRun)
class RetentionRunAdmin(ReadOnlyAdmin):
    """A record of what the retention policy removed; written by `prisons.retention` only."""

    list_display = ["at", "site", "trigger", "by", "detainees_anonymised", "notes_erased"]
    list_filter = ["site", "trigger"]
    list_select_related = ["site", "by"]
