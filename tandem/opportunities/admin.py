"""Read-only Django admin for platform admins: look-ups only. Postings are written through
:mod:`tandem.opportunities.services` (validation, approvals, audit), so the admin offers no
add, change or delete."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Opportunity, OpportunityApproval


class ApprovalInline(ReadOnlyInline):
    model = OpportunityApproval
    fields = ("institution", "status", "note", "decided_by", "decided_at")
    readonly_fields = fields


@admin.register(Opportunity)
class OpportunityAdmin(ReadOnlyAdmin):
    list_display = ("title", "host", "type", "status", "seats", "application_deadline")
    list_filter = ("status", "type", "work_mode")
    search_fields = ("title", "host__name", "skills_wanted")
    list_select_related = ("host",)
    inlines = [ApprovalInline]
