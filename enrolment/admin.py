"""Administrators keep the list of leaving reasons. Screening interviews are deliberately not in the
admin: their notes are under professional secrecy and are read only through audited pages."""
from django.contrib import admin

from .models import LeavingReason


@admin.register(LeavingReason)
class LeavingReasonAdmin(admin.ModelAdmin):
    list_display = ["code", "label_en", "label_fr", "label_nl", "position", "active"]
    list_editable = ["position", "active"]
    ordering = ["position", "code"]
