"""Admin for platform admins. Writes that carry business rules (status changes, documents,
measurements) are read-only here: use the pages or the API, which go through the services."""

from __future__ import annotations

from django.contrib import admin

from .models import (
    KPI,
    ActionItem,
    Commitment,
    CommitmentDelivery,
    CommunicationEntry,
    KPIMeasurement,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipTransition,
)


class TransitionInline(admin.TabularInline):
    model = PartnershipTransition
    extra = 0
    can_delete = False
    readonly_fields = ("from_status", "to_status", "actor", "note", "at")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class ObjectiveInline(admin.TabularInline):
    model = Objective
    extra = 0
    fields = ("title", "owner")
    raw_id_fields = ("owner",)


@admin.register(Partnership)
class PartnershipAdmin(admin.ModelAdmin):
    list_display = ("title", "status", "start_date", "end_date", "next_review_date")
    list_filter = ("status",)
    search_fields = ("title", "summary")
    readonly_fields = ("public_id", "status", "created_by", "created_at", "updated_at")
    filter_horizontal = ("institutions", "partners")
    inlines = (ObjectiveInline, TransitionInline)


class MeasurementInline(admin.TabularInline):
    model = KPIMeasurement
    extra = 0
    can_delete = False
    readonly_fields = ("value", "measured_at", "recorded_by", "source", "note")

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(KPI)
class KPIAdmin(admin.ModelAdmin):
    list_display = ("name", "objective", "metric", "status", "latest_value", "due_date")
    list_filter = ("status", "metric")
    search_fields = ("name", "objective__title", "objective__partnership__title")
    readonly_fields = ("public_id", "status", "latest_value", "status_updated_at")
    raw_id_fields = ("objective", "owner")
    inlines = (MeasurementInline,)


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "owner")
    search_fields = ("title", "partnership__title")
    raw_id_fields = ("partnership", "owner")


class DeliveryInline(admin.TabularInline):
    model = CommitmentDelivery
    extra = 0
    raw_id_fields = ("recorded_by",)


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = (
        "description",
        "partnership",
        "organization",
        "kind",
        "amount",
        "currency",
        "quantity",
        "due_date",
    )
    list_filter = ("kind",)
    search_fields = ("description", "partnership__title")
    raw_id_fields = ("partnership", "organization", "created_by")
    inlines = (DeliveryInline,)


@admin.register(PartnershipContact)
class PartnershipContactAdmin(admin.ModelAdmin):
    list_display = ("__str__", "partnership", "organization", "role_title", "is_primary")
    search_fields = ("name", "email", "partnership__title")
    raw_id_fields = ("partnership", "organization", "user")


@admin.register(CommunicationEntry)
class CommunicationEntryAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "kind", "date", "author")
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")
    raw_id_fields = ("partnership", "author")


@admin.register(ActionItem)
class ActionItemAdmin(admin.ModelAdmin):
    list_display = ("description", "partnership", "owner", "due_date", "done_at")
    search_fields = ("description", "partnership__title")
    raw_id_fields = ("partnership", "entry", "owner", "created_by")


@admin.register(PartnershipDocument)
class PartnershipDocumentAdmin(admin.ModelAdmin):
    list_display = ("title", "partnership", "kind", "content_type", "size", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")
    readonly_fields = ("public_id", "file", "original_name", "content_type", "size", "uploaded_by")
    raw_id_fields = ("partnership",)

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
