"""Django admin for platform admins: look-ups and rare operator fixes. Status changes belong
to the services (the pages and the API), so status is read-only here."""

from __future__ import annotations

from django.contrib import admin

from .models import Opportunity, OpportunityApproval


class ApprovalInline(admin.TabularInline):
    model = OpportunityApproval
    extra = 0
    fields = ("institution", "status", "note", "decided_by", "decided_at")
    readonly_fields = ("institution", "status", "decided_by", "decided_at")
    can_delete = False

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ("title", "host", "type", "status", "seats", "application_deadline")
    list_filter = ("status", "type", "work_mode")
    search_fields = ("title", "host__name", "skills_wanted")
    raw_id_fields = ("host", "partnership", "site", "created_by")
    readonly_fields = ("public_id", "status", "created_at", "updated_at")
    inlines = [ApprovalInline]
