"""Read-only admin views of the ESCO taxonomy: it is written only by ``esco_load``."""

from __future__ import annotations

from django.contrib import admin

from tandem.core.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import EscoRelease, Occupation, SkillConcept, SkillGroup, SkillLabel


class SkillLabelInline(ReadOnlyInline):
    model = SkillLabel
    fields = ("label", "is_preferred")
    readonly_fields = fields


@admin.register(SkillConcept)
class SkillConceptAdmin(ReadOnlyAdmin):
    list_display = ("preferred_label", "kind", "label_source", "is_current")
    list_filter = ("kind", "label_source", "is_current")
    search_fields = ("preferred_label", "uri")
    inlines = (SkillLabelInline,)


@admin.register(SkillGroup)
class SkillGroupAdmin(ReadOnlyAdmin):
    list_display = ("code", "name", "level")
    search_fields = ("code", "name")


@admin.register(Occupation)
class OccupationAdmin(ReadOnlyAdmin):
    list_display = ("preferred_label", "uri")
    search_fields = ("preferred_label", "uri")


@admin.register(EscoRelease)
class EscoReleaseAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "version", "concept_count", "label_count", "occupation_count")
