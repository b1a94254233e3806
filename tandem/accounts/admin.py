"""Django admin for platform admins: people and their API tokens (hashes only).

People are added through ``user_create``; on an existing person only the access flags
(active, staff, superuser) change, through the audited ``user_access_update``; erasure is
the ``user_erase`` action. Tokens are read-only (people manage their own)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import PermissionDenied
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
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "created_at", "erased_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )
    actions = ("erase_personal_data",)

    def get_readonly_fields(self, request: HttpRequest, obj: User | None = None) -> Any:
        """On an existing person only the access flags change (through a service)."""
        if obj is None:
            return self.readonly_fields
        return (
            "public_id",
            "email",
            "full_name",
            "preferred_language",
            "groups",
            *self.readonly_fields,
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # erase instead: the action keeps other people's records whole

    def user_change_password(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        raise PermissionDenied(_("People change their password themselves (or reset it)."))

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        """Adding goes through ``user_create``, access changes through
        ``user_access_update`` (audited); nothing else is written here."""
        try:
            if change:
                services.user_access_update(
                    actor=request.user,
                    user=obj,
                    is_active=obj.is_active,
                    is_staff=obj.is_staff,
                    is_superuser=obj.is_superuser,
                )
                return
            created = services.user_create(
                email=obj.email,
                full_name=obj.full_name,
                password=form.cleaned_data.get("password1"),
            )
        except DomainError as exc:
            raise PermissionDenied(exc.message) from exc
        obj.pk = created.pk
        obj._state.adding = False

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Groups are not assigned here (roles come from memberships)."""

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
