"""Django admin for partners, facilitators, the catalogue, terms, cycles and sessions."""
from django.contrib import admin

from . import models


class FacilitatorInline(admin.TabularInline):
    model = models.Facilitator
    fields = ["first_name", "last_name", "kind", "authorisation_valid_until", "active"]
    extra = 0
    show_change_link = True


@admin.register(models.Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "community", "territory", "active"]
    list_filter = ["community", "active"]
    search_fields = ["name", "themes", "territory"]
    inlines = [FacilitatorInline]


class AvailabilityInline(admin.TabularInline):
    model = models.Availability
    extra = 0


class AvailabilityExceptionInline(admin.TabularInline):
    model = models.AvailabilityException
    extra = 0


@admin.register(models.Facilitator)
class FacilitatorAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "kind", "partner", "authorisation_number",
                    "authorisation_valid_until", "active"]
    list_filter = ["kind", "active", "sites", "partner"]
    list_select_related = ["partner"]
    search_fields = ["last_name", "first_name", "authorisation_number"]
    filter_horizontal = ["sites"]
    autocomplete_fields = ["user", "partner"]
    inlines = [AvailabilityInline, AvailabilityExceptionInline]


@admin.register(models.Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["code", "title_en", "kind", "partner", "group_min", "group_max", "active"]
    list_filter = ["kind", "active"]
    list_select_related = ["partner"]
    search_fields = ["code", "title_fr", "title_nl", "title_en"]
    filter_horizontal = ["default_facilitators"]


class ExcludedDateInline(admin.TabularInline):
    model = models.ExcludedDate
    extra = 0


@admin.register(models.Term)
class TermAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "first_date", "last_date"]
    list_filter = ["site"]
    inlines = [ExcludedDateInline]


@admin.register(models.Cycle)
class CycleAdmin(admin.ModelAdmin):
    list_display = ["code", "activity", "term", "capacity", "status"]
    list_filter = ["status", "term__site", "term"]
    list_select_related = ["activity", "term", "term__site"]
    search_fields = ["code", "activity__title_en", "activity__title_fr", "activity__title_nl"]
    filter_horizontal = ["eligible_units", "facilitators"]


@admin.register(models.Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["cycle", "starts_at", "ends_at", "room", "status"]
    list_filter = ["status", "cycle__term__site"]
    list_select_related = ["cycle", "cycle__activity", "cycle__term", "room", "room__building", "room__site"]
    date_hierarchy = "starts_at"
    readonly_fields = ["uuid", "sequence"]
    filter_horizontal = ["facilitators"]
    raw_id_fields = ["cycle"]
