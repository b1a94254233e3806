"""Read-only bases for the Django admin. Every write goes through a named service (audit,
validation, caches, e-mail), so the admin of a domain model lists and searches its rows but
adds, changes and deletes none: an operator who must fix data calls the service (the pages,
the API or the ``tandem`` command)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest


class ReadOnlyAdminMixin:
    """No add, change or delete in the admin: list, search, filter and view only."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReadOnlyAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):  # type: ignore[type-arg]
    """A model admin that shows rows (list, search, filters, detail) and writes none."""


class ReadOnlyInline(ReadOnlyAdminMixin, admin.TabularInline):  # type: ignore[type-arg]
    """A tabular inline that shows related rows and writes none."""

    extra = 0
    can_delete = False
