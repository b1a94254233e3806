"""Admin for platform admins: read-only. Every partnership write carries rules (lifecycle,
membership of owners, measures that match the kind) and an audit record, so it goes through
:mod:`.services` from the pages, the API or the CLI; here admins list, search and look."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline

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


class TransitionInline(ReadOnlyInline):
    model = PartnershipTransition
    fields = ("from_status", "to_status", "actor", "note", "at")
    readonly_fields = fields


class ObjectiveInline(ReadOnlyInline):
    model = Objective
    fields = ("title", "owner")
    readonly_fields = fields


@admin.register(Partnership)
class PartnershipAdmin(ReadOnlyAdmin):
    list_display = ("title", "status", "start_date", "end_date", "next_review_date")
    list_filter = ("status",)
    search_fields = ("title", "summary")
    inlines = (ObjectiveInline, TransitionInline)


class MeasurementInline(ReadOnlyInline):
    model = KPIMeasurement
    fields = ("value", "measured_at", "recorded_by", "source", "note")
    readonly_fields = fields


@admin.register(KPI)
class KPIAdmin(ReadOnlyAdmin):
    list_display = ("name", "objective", "metric", "status", "latest_value", "due_date")
    list_filter = ("status", "metric")
    search_fields = ("name", "objective__title", "objective__partnership__title")
    inlines = (MeasurementInline,)


@admin.register(Objective)
class ObjectiveAdmin(ReadOnlyAdmin):
    list_display = ("title", "partnership", "owner")
    search_fields = ("title", "partnership__title")


class DeliveryInline(ReadOnlyInline):
    model = CommitmentDelivery
    fields = ("delivered_on", "amount", "quantity", "note", "recorded_by")
    readonly_fields = fields


@admin.register(Commitment)
class CommitmentAdmin(ReadOnlyAdmin):
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
    inlines = (DeliveryInline,)


@admin.register(PartnershipContact)
class PartnershipContactAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "partnership", "organization", "role_title", "is_primary")
    search_fields = ("name", "email", "partnership__title")


@admin.register(CommunicationEntry)
class CommunicationEntryAdmin(ReadOnlyAdmin):
    list_display = ("title", "partnership", "kind", "date", "author")
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")


@admin.register(ActionItem)
class ActionItemAdmin(ReadOnlyAdmin):
    list_display = ("description", "partnership", "owner", "due_date", "done_at")
    search_fields = ("description", "partnership__title")


@admin.register(PartnershipDocument)
class PartnershipDocumentAdmin(ReadOnlyAdmin):
    list_display = ("title", "partnership", "kind", "content_type", "size", "created_at")
    list_filter = ("kind",)
    search_fields = ("title", "partnership__title")
