"""Read-only Django admin for applications. Stages change only through
:func:`tandem.applications.services.application_move` (seats, history, audit, e-mail), so the
admin offers no add, change or delete."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Application, StageChange


class StageChangeInline(ReadOnlyInline):
    model = StageChange
    fields = ("created_at", "from_stage", "to_stage", "actor")
    readonly_fields = fields


@admin.register(Application)
class ApplicationAdmin(ReadOnlyAdmin):
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
