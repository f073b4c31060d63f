"""Django admin for users (role and sites) and the read-only audit log."""
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry, User


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    list_display = ["username", "first_name", "last_name", "role", "is_active", "last_login"]
    list_filter = ["role", "sites", "is_active", "is_staff"]
    fieldsets = DjangoUserAdmin.fieldsets + ((_("Relais"), {"fields": ["role", "sites", "language"]}),)
    add_fieldsets = DjangoUserAdmin.add_fieldsets + ((_("Relais"), {"fields": ["role", "sites", "language"]}),)
    filter_horizontal = ["sites", "groups", "user_permissions"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written by Relais itself: the admin shows them, nobody adds, changes or deletes them."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditEntry)
class AuditEntryAdmin(ReadOnlyAdmin):
    """Append-only: administrators read it, nobody adds, changes or deletes through the admin."""

    list_display = ["at", "user", "action", "object_type", "object_id", "detainee_id", "detail"]
    list_filter = ["action", "object_type"]
    list_select_related = ["user"]
    search_fields = ["object_id", "user__username"]
    date_hierarchy = "at"

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("core.view_audit_log")
