"""Read-only admin views of surveys for platform admins; changes go through the builder."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin

from .models import Survey, SurveyInvitation


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "institution", "audience", "status", "is_anonymous", "created_at"]
    list_filter = ["status", "audience", "is_anonymous"]
    search_fields = ["title", "institution__name"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["survey", "sent_at", "reminders_sent", "responded_at", "expires_at"]
    list_filter = ["responded_at"]
