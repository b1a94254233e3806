"""Read-only admin for support staff: lists and search, no add, change or delete.

Programs, courses, outcomes and mappings are edited in the curriculum pages or the API, through
the services, so that every change is checked, audited and refreshes the skill profiles of the
students who completed a course."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin

from .models import Course, ExtractionJob, LearningOutcome, OutcomeSkill, Program


@admin.register(Program)
class ProgramAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "institution", "created_at")
    search_fields = ("title", "code")


@admin.register(Course)
class CourseAdmin(ReadOnlyAdmin):
    list_display = ("title", "code", "program")
    search_fields = ("title", "code")


@admin.register(LearningOutcome)
class LearningOutcomeAdmin(ReadOnlyAdmin):
    list_display = ("text", "course")


@admin.register(OutcomeSkill)
class OutcomeSkillAdmin(ReadOnlyAdmin):
    list_display = ("outcome", "concept", "status", "source", "score")
    list_filter = ("status", "source")
    raw_id_fields = ("outcome", "concept", "decided_by")


@admin.register(ExtractionJob)
class ExtractionJobAdmin(ReadOnlyAdmin):
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
