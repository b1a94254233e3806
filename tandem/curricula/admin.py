"""Read-mostly admin for support staff; edits belong in the curriculum pages (services)."""

from django.contrib import admin

from .models import Course, LearningOutcome, OutcomeSkill, Program


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
