"""Django admin for platform admins. Writes made here are rare operator fixes; day-to-day
changes go through the services from the UI and API."""

from __future__ import annotations

from django.contrib import admin

from .models import Membership, Organization, PartnerVetting, Site


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "type", "sector", "city", "country")
    list_filter = ("kind", "type", "sector")
    search_fields = ("name", "slug", "city")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("public_id", "created_at", "updated_at")
    inlines = [SiteInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_active")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "user__full_name", "organization__name")
    raw_id_fields = ("user", "organization")
    readonly_fields = ("public_id", "created_at", "updated_at")


@admin.register(PartnerVetting)
class PartnerVettingAdmin(admin.ModelAdmin):
    list_display = ("institution", "partner", "status", "decided_at")
    list_filter = ("status",)
    search_fields = ("institution__name", "partner__name")
    raw_id_fields = ("institution", "partner", "decided_by")
    readonly_fields = ("public_id", "created_at", "updated_at", "decided_at", "decided_by")
