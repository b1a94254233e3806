"""Read-mostly admin for match rounds and mentor programs (writes go through services)."""

from django.contrib import admin

from .models import MatchResult, MatchRound, MentorPair, MentorProgram


@admin.register(MatchRound)
class MatchRoundAdmin(admin.ModelAdmin):
    list_display = ("title", "institution", "status", "student_deadline", "partner_deadline")
    list_filter = ("status",)
    search_fields = ("title", "institution__name")
    readonly_fields = [f.name for f in MatchRound._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(MatchResult)
class MatchResultAdmin(admin.ModelAdmin):
    list_display = ("round", "student", "opportunity", "rank")
    readonly_fields = [f.name for f in MatchResult._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(MentorProgram)
class MentorProgramAdmin(admin.ModelAdmin):
    list_display = ("title", "institution", "status")
    readonly_fields = [f.name for f in MentorProgram._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False


@admin.register(MentorPair)
class MentorPairAdmin(admin.ModelAdmin):
    list_display = ("program", "mentor", "mentee", "score")
    readonly_fields = [f.name for f in MentorPair._meta.fields]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
