"""Building a survey: create, change, the draft version and its sections, publish, close.

A published version is frozen; editing it first copies it into a new draft
(:func:`version_for_editing`). The rules on a field (a title, the audience, the response
threshold) are the model's, checked once by :func:`tandem.core.validation.validated`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.organizations.models import Organization

from ..models import Question, Section, Survey, SurveyStatus, SurveyVersion
from ..permissions import can_create_survey, can_manage_survey

if TYPE_CHECKING:
    from tandem.accounts.models import User


def require_manage(actor: User | None, survey: Survey) -> None:
    if actor is not None and not can_manage_survey(actor, survey):
        raise PermissionDeniedError()


@transaction.atomic
def survey_create(
    *,
    actor: User | None,
    institution: Organization,
    title: str,
    audience: str,
    description: str = "",
    is_anonymous: bool = False,
    min_responses: int = 5,
    closes_at: datetime | None = None,
    template_key: str = "",
) -> Survey:
    """A draft survey with an empty first version and one section."""
    if actor is not None and not can_create_survey(actor, institution):
        raise PermissionDeniedError()
    if not institution.is_institution:
        raise DomainError(_("Only an institution owns surveys."), fields={"institution": "—"})
    survey = Survey(
        institution=institution,
        title=title.strip(),
        description=description,
        audience=audience,
        is_anonymous=is_anonymous,
        min_responses=min_responses,
        closes_at=closes_at,
        template_key=template_key,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    validated(survey, exclude=["institution", "created_by"])
    with conflict_on_integrity(
        _("This institution already has its copy of this template."), field="template"
    ):
        survey.save()
    version = SurveyVersion.objects.create(survey=survey, number=1)
    Section.objects.create(version=version, title=_("Questions"), position=0)
    audit_record(actor=actor, action="survey.create", target=survey, organizations=[institution])
    return survey


@transaction.atomic
def survey_update(*, actor: User | None, survey: Survey, **fields: Any) -> Survey:
    """Change title, introduction, audience, anonymity, threshold or closing time."""
    require_manage(actor, survey)
    allowed = {"title", "description", "audience", "is_anonymous", "min_responses", "closes_at"}
    unknown = set(fields) - allowed
    if unknown:
        raise DomainError(_("Unknown fields."), fields={k: "?" for k in unknown})
    changing_anonymity = fields.get("is_anonymous", survey.is_anonymous) != survey.is_anonymous
    if changing_anonymity and survey.responses.exists():
        raise ConflictError(
            _("Anonymity cannot change once responses have arrived."),
            fields={"is_anonymous": _("Responses already received.")},
        )
    if isinstance(fields.get("title"), str):
        fields["title"] = fields["title"].strip()
    before = {k: getattr(survey, k) for k in fields}
    changes = {k: str(v) for k, v in fields.items() if before[k] != v}
    for key, value in fields.items():
        setattr(survey, key, value)
    try:
        validated(survey, exclude=["institution", "created_by"])
    except DomainError:
        for key, value in before.items():  # the caller's object stays as it was
            setattr(survey, key, value)
        raise
    survey.save()
    if changes:
        audit_record(
            actor=actor,
            action="survey.update",
            target=survey,
            organizations=[survey.institution_id],
            changes=changes,
        )
    return survey


def latest_published_version(survey: Survey) -> SurveyVersion | None:
    return survey.versions.filter(published_at__isnull=False).order_by("-number").first()


def draft_version(survey: Survey) -> SurveyVersion | None:
    return survey.versions.filter(published_at__isnull=True).first()


def _copy_version(source: SurveyVersion) -> SurveyVersion:
    copy = SurveyVersion.objects.create(survey=source.survey, number=source.number + 1)
    sections = {}
    for section in source.sections.all():
        sections[section.pk] = Section.objects.create(
            version=copy, title=section.title, position=section.position
        )
    for question in source.questions.all():
        Question.objects.create(
            version=copy,
            section=sections[question.section_id],
            key=question.key,
            text=question.text,
            help_text=question.help_text,
            type=question.type,
            required=question.required,
            position=question.position,
            options=question.options,
            min_value=question.min_value,
            max_value=question.max_value,
            skills=question.skills,
            condition=question.condition,
        )
    return copy


@transaction.atomic
def version_for_editing(*, actor: User | None, survey: Survey) -> SurveyVersion:
    """The draft version; editing a published survey first copies its latest version."""
    require_manage(actor, survey)
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    draft = draft_version(survey)
    if draft is not None:
        return draft
    latest = survey.versions.order_by("-number").first()
    assert latest is not None
    return _copy_version(latest)


@transaction.atomic
def section_add(*, actor: User | None, survey: Survey, title: str) -> Section:
    version = version_for_editing(actor=actor, survey=survey)
    section = Section(version=version, title=title.strip(), position=version.sections.count())
    validated(section, exclude=["version"])
    section.save()
    return section


@transaction.atomic
def survey_publish(*, actor: User | None, survey: Survey) -> SurveyVersion:
    """Freeze the draft as the new current version and open the survey."""
    require_manage(actor, survey)
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    draft = draft_version(survey)
    if draft is None:
        raise ConflictError(_("There are no unpublished changes."))
    if not draft.questions.exists():
        raise DomainError(_("Add at least one question before publishing."))
    draft.published_at = timezone.now()
    draft.save(update_fields=["published_at", "updated_at"])
    survey.status = SurveyStatus.OPEN
    survey.closed_at = None
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor,
        action="survey.publish",
        target=survey,
        organizations=[survey.institution_id],
        changes={"version": draft.number},
    )
    return draft


@transaction.atomic
def survey_close(*, actor: User | None, survey: Survey) -> Survey:
    """Stop accepting answers. People already answering get a short grace period."""
    require_manage(actor, survey)
    if survey.status != SurveyStatus.OPEN:
        raise ConflictError(_("Only an open survey can be closed."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action="survey.close", target=survey, organizations=[survey.institution_id]
    )
    return survey
