"""Django admin for platform admins: people and their API tokens (hashes only)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import DomainError

from . import services
from .models import ApiToken, User


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "erased_at")
    list_filter = ("is_active", "is_staff", "is_superuser")
    search_fields = ("email", "full_name")
    readonly_fields = ("public_id", "last_login", "created_at", "erased_at")
    fieldsets = (
        (None, {"fields": ("public_id", "email", "password")}),
        (_("Person"), {"fields": ("full_name", "preferred_language")}),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Dates"), {"fields": ("last_login", "created_at", "erased_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    actions = ("erase_personal_data",)

    @admin.action(description=_("Erase personal data of the selected people"))
    def erase_personal_data(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        done = 0
        for user in queryset:
            try:
                services.user_erase(actor=request.user, user=user)
            except DomainError as exc:
                self.message_user(request, f"{user.public_id}: {exc.message}", messages.WARNING)
            else:
                done += 1
        self.message_user(request, _("%(n)d account(s) erased.") % {"n": done})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "prefix",
        "user",
        "created_at",
        "last_used_at",
        "expires_at",
        "revoked_at",
    )
    readonly_fields = (
        "public_id",
        "user",
        "name",
        "prefix",
        "last_used_at",
        "expires_at",
        "revoked_at",
        "created_at",
    )
    exclude = ("token_hash",)
    search_fields = ("name", "prefix")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
