"""Read-only admin views of surveys for platform admins; changes go through the builder."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Survey, SurveyInvitation


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Survey)
class SurveyAdmin(ReadOnlyAdmin):
    list_display = ["title", "institution", "audience", "status", "is_anonymous", "created_at"]
    list_filter = ["status", "audience", "is_anonymous"]
    search_fields = ["title", "institution__name"]


@admin.register(SurveyInvitation)
class SurveyInvitationAdmin(ReadOnlyAdmin):
    list_display = ["survey", "sent_at", "reminders_sent", "responded_at", "expires_at"]
    list_filter = ["responded_at"]
