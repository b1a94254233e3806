"""Django admin for platform admins: read-only. Organizations, sites, memberships and
vetting decisions change through :mod:`.services` (pages, API, ``tandem`` CLI), which
validate, check the actor's role and write the audit trail; here admins list and search."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Membership, Organization, PartnerVetting, Site


class SiteInline(ReadOnlyInline):
    model = Site


@admin.register(Organization)
class OrganizationAdmin(ReadOnlyAdmin):
    list_display = ("name", "kind", "type", "sector", "city", "country")
    list_filter = ("kind", "type", "sector")
    search_fields = ("name", "slug", "city")
    inlines = [SiteInline]


@admin.register(Membership)
class MembershipAdmin(ReadOnlyAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "user__full_name", "organization__name")


@admin.register(PartnerVetting)
class PartnerVettingAdmin(ReadOnlyAdmin):
    list_display = ("institution", "partner", "status", "decided_at")
    list_filter = ("status",)
    search_fields = ("institution__name", "partner__name")
