"""Read-mostly admin for support staff; edits belong in the curriculum pages (services)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Course, ExtractionJob, LearningOutcome, OutcomeSkill, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "institution", "created_at")
    search_fields = ("title", "code")
    readonly_fields = ("public_id",)


@admin.register(Course)
class CourseAdmin(admin.ModelAdmin):
    list_display = ("title", "code", "program")
    search_fields = ("title", "code")
    readonly_fields = ("public_id",)


@admin.register(LearningOutcome)
class LearningOutcomeAdmin(admin.ModelAdmin):
    list_display = ("text", "course")
    readonly_fields = ("public_id",)


@admin.register(OutcomeSkill)
class OutcomeSkillAdmin(admin.ModelAdmin):
    list_display = ("outcome", "concept", "status", "source", "score")
    list_filter = ("status", "source")
    raw_id_fields = ("outcome", "concept", "decided_by")
    readonly_fields = ("public_id",)


@admin.register(ExtractionJob)
class ExtractionJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are started and cancelled from the curriculum pages or the API (the
    services), so that the one-job-per-scope rule and the audit trail hold."""

    list_display = (
        "created_at",
        "scope",
        "institution",
        "status",
        "mode",
        "processed",
        "total",
        "changed",
        "requested_by",
    )
    list_filter = ("status", "scope", "mode")
    search_fields = ("public_id", "scope_key", "institution__name")
    date_hierarchy = "created_at"
    list_select_related = ("institution", "requested_by")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
