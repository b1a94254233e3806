"""Read-only Django admin for applications. Stages change only through
:func:`tandem.applications.services.application_move` (seats, history, audit, e-mail), so the
admin offers no add, change or delete."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Application, StageChange


class StageChangeInline(admin.TabularInline):
    model = StageChange
    extra = 0
    fields = ("created_at", "from_stage", "to_stage", "actor")
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Application)
class ApplicationAdmin(admin.ModelAdmin):
    list_display = ("public_id", "opportunity", "institution", "stage", "created_at")
    list_filter = ("stage",)
    search_fields = ("opportunity__title", "institution__name", "public_id")
    list_select_related = ("opportunity", "institution")
    # The statement and CV are personal data; they are read in the app, with its permissions.
    fields = (
        "public_id",
        "opportunity",
        "student",
        "institution",
        "stage",
        "stage_changed_at",
        "hire_outcome",
        "created_at",
    )
    readonly_fields = fields
    inlines = [StageChangeInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
