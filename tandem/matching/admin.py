"""Read-only admin for match rounds and mentor programs: look-ups only. Rounds, rankings,
programs and pairs are written through :mod:`tandem.matching.services`."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin

from .models import MatchResult, MatchRound, MentorPair, MentorProgram


@admin.register(MatchRound)
class MatchRoundAdmin(ReadOnlyAdmin):
    list_display = ("title", "institution", "status", "student_deadline", "partner_deadline")
    list_filter = ("status",)
    search_fields = ("title", "institution__name")


@admin.register(MatchResult)
class MatchResultAdmin(ReadOnlyAdmin):
    list_display = ("round", "student", "opportunity", "rank")
    search_fields = ("round__title", "opportunity__title")


@admin.register(MentorProgram)
class MentorProgramAdmin(ReadOnlyAdmin):
    list_display = ("title", "institution", "status")
    list_filter = ("status",)
    search_fields = ("title", "institution__name")


@admin.register(MentorPair)
class MentorPairAdmin(ReadOnlyAdmin):
    list_display = ("program", "mentor", "mentee", "score")
    search_fields = ("program__title",)
