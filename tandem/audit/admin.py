"""The audit trail in Django admin: read-only, because the trail is append-only."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "action", "target_type", "target_label", "actor")
    list_filter = ("action", "target_type")
    search_fields = ("target_id", "target_label", "action")
    date_hierarchy = "created_at"
    readonly_fields = (
        "created_at",
        "actor",
        "action",
        "target_type",
        "target_id",
        "target_label",
        "changes",
        "organizations",
    )
