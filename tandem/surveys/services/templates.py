"""Ready templates (:mod:`..library`), copied on first use: each institution edits its own
copy, the library itself never changes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from ..library import TEMPLATES
from ..models import Question, Section, Survey
from ..permissions import can_manage_survey
from .building import survey_create, survey_publish

if TYPE_CHECKING:
    from tandem.accounts.models import User


@transaction.atomic
def survey_from_template(
    *, actor: User | None, institution: Organization, template_key: str, publish: bool = False
) -> Survey:
    """The institution's own copy of a ready template, created on first use."""
    if template_key not in TEMPLATES:
        raise DomainError(_("No such template."), fields={"template": _("Choose a template.")})
    existing = Survey.objects.filter(institution=institution, template_key=template_key).first()
    if existing is not None:
        if actor is not None and not can_manage_survey(actor, existing):
            raise PermissionDeniedError()
        return existing
    spec = TEMPLATES[template_key]
    try:
        survey = survey_create(
            actor=actor,
            institution=institution,
            title=_(spec["title"]),
            audience=spec["audience"],
            is_anonymous=spec["anonymous"],
            template_key=template_key,
        )
    except ConflictError:  # a concurrent first use made the copy: that one stands
        return Survey.objects.get(institution=institution, template_key=template_key)
    version = survey.versions.get()
    version.sections.all().delete()
    for position, (section_title, questions) in enumerate(spec["sections"]):
        section = Section.objects.create(version=version, title=_(section_title), position=position)
        for q_position, (key, kind, text, required, extra) in enumerate(questions):
            Question.objects.create(
                version=version,
                section=section,
                key=key,
                text=_(text),
                type=kind,
                required=required,
                position=q_position,
                options=[{"value": v, "label": _(label)} for v, label in extra.get("options", [])],
                min_value=extra.get("min"),
                max_value=extra.get("max"),
                skills=list(extra.get("skills", [])),
                condition=dict(extra.get("condition", {})),
            )
    if publish:
        survey_publish(actor=actor, survey=survey)
    return survey


def templates_load(*, institution: Organization) -> list[Survey]:
    """Make sure ``institution`` has a published copy of every ready template (idempotent)."""
    return [
        survey_from_template(actor=None, institution=institution, template_key=key, publish=True)
        if not Survey.objects.filter(institution=institution, template_key=key).exists()
        else Survey.objects.get(institution=institution, template_key=key)
        for key in TEMPLATES
    ]
