"""The questions of a survey's draft: add, reword, delete. What a question may ask (its
options, bounds, skills, condition) is checked by :mod:`..answers`; the length of its text
and the rest of its fields by the model; a key used twice in one version by the database."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models.functions import Lower
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.core.errors import DomainError
from tandem.core.validation import conflict_on_integrity, validated

from .. import answers as answer_rules
from ..models import Question, Survey, SurveyVersion
from .building import survey_create, version_for_editing

if TYPE_CHECKING:
    from tandem.accounts.models import User


def _unique_key(version: SurveyVersion, text: str) -> str:
    base = slugify(text)[:40].strip("-") or "q"
    key, n = base, 2
    while version.questions.filter(key=key).exists():
        key, n = f"{base}-{n}", n + 1
    return key


@transaction.atomic
def question_add(
    *,
    actor: User | None,
    survey: Survey,
    text: str,
    type: str,
    section_position: int | None = None,
    key: str = "",
    help_text: str = "",
    required: bool = False,
    options: Sequence[Mapping[str, Any]] = (),
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    skills: Sequence[str] = (),
    condition: Mapping[str, Any] | None = None,
) -> Question:
    """Add a question at the end of a section (the last one by default) of the draft."""
    version = version_for_editing(actor=actor, survey=survey)
    sections = list(version.sections.all())
    if section_position is None:
        section = sections[-1]
    else:
        matches = [s for s in sections if s.position == section_position]
        if not matches:
            raise DomainError(_("No such section."), fields={"section": _("Choose a section.")})
        section = matches[0]
    text = text.strip()
    key = slugify(key)[:60] if key else _unique_key(version, text)
    earlier = {q.key: q for q in version.questions.all()}
    clean_options = _clean_options(options)
    clean_skills = esco_labels(skills)
    errors = answer_rules.definition_errors(
        key=key,
        type=type,
        options=clean_options,
        min_value=min_value,
        max_value=max_value,
        skills=clean_skills,
        condition=dict(condition or {}),
        earlier=earlier,
    )
    position = max([q.position for q in version.questions.filter(section=section)], default=-1) + 1
    question = Question(
        version=version,
        section=section,
        key=key,
        text=text,
        help_text=help_text.strip(),
        type=type,
        required=required,
        position=position,
        options=clean_options if type in ("single", "multiple") else [],
        min_value=min_value if type == "number" else None,
        max_value=max_value if type == "number" else None,
        skills=clean_skills if type == "skills" else [],
        condition=dict(condition or {}),
    )
    _check(question, errors)
    with conflict_on_integrity(_("Another question already uses this key."), field="key"):
        question.save()
    return question


def _clean_options(options: Sequence[Mapping[str, Any]]) -> list[dict[str, str]]:
    return [
        {"value": str(o.get("value", "")).strip(), "label": str(o.get("label", "")).strip()}
        for o in options
    ]


def _check(question: Question, errors: dict[str, list[str]]) -> None:
    """Raise the question's definition ``errors`` together with what its model's field rules
    find (one DomainError, every field's messages once)."""
    try:
        validated(question, exclude=["version", "section"])
    except DomainError as exc:
        for field, messages in exc.fields.items():
            known = errors.setdefault(field, [])
            known.extend(m for m in messages if m not in known)
    if errors:
        raise DomainError(_("The question needs changes."), fields=errors)


@transaction.atomic
def question_update(
    *,
    actor: User | None,
    survey: Survey,
    key: str,
    text: str,
    required: bool,
    help_text: str = "",
    options: Sequence[Mapping[str, Any]] | None = None,
    min_value: Decimal | None = None,
    max_value: Decimal | None = None,
    skills: Sequence[str] | None = None,
) -> Question:
    """Reword a question of the draft (a published survey gets a new draft version first).

    The type, key and condition stay: change those by adding a new question instead.
    """
    version = version_for_editing(actor=actor, survey=survey)
    question = version.questions.filter(key=key).first()
    if question is None:
        raise DomainError(_("No such question."))
    clean_options = _clean_options(options) if options is not None else question.options
    clean_skills = esco_labels(skills) if skills is not None else question.skills
    errors = answer_rules.definition_errors(
        key=key,
        type=question.type,
        options=clean_options,
        min_value=min_value,
        max_value=max_value,
        skills=clean_skills,
        condition={},
        earlier={},
    )
    question.text = text.strip()
    question.required = required
    question.help_text = help_text.strip()
    if question.type in ("single", "multiple"):
        question.options = clean_options
    if question.type == "number":
        question.min_value, question.max_value = min_value, max_value
    if question.type == "skills":
        question.skills = clean_skills
    _check(question, errors)
    question.save()
    return question


@transaction.atomic
def survey_create_with_questions(
    *, actor: User | None, questions: Sequence[Mapping[str, Any]], **survey_fields: Any
) -> Survey:
    """Create a draft survey and its questions at once: all of it, or nothing."""
    survey = survey_create(actor=actor, **survey_fields)
    for question in questions:
        question_add(actor=actor, survey=survey, **question)
    return survey


@transaction.atomic
def question_delete(*, actor: User | None, survey: Survey, key: str) -> None:
    """Remove a question (by key) from the draft; questions that depend on it go too."""
    version = version_for_editing(actor=actor, survey=survey)
    question = version.questions.filter(key=key).first()
    if question is None:
        raise DomainError(_("No such question."))
    dependants = [q.pk for q in version.questions.all() if q.condition.get("question") == key]
    version.questions.filter(pk__in=[question.pk, *dependants]).delete()


def esco_labels(labels: Sequence[str]) -> list[str]:
    """Clean skill names, spelled as ESCO's preferred label where one matches exactly
    (ignoring case); other names stay as free labels. Duplicates go."""
    from tandem.skills.models import SkillConcept

    cleaned = [label.strip()[:200] for label in labels if label.strip()]
    if not cleaned:
        return []
    known = {
        label.lower(): label
        for label in SkillConcept.objects.annotate(lowered=Lower("preferred_label"))
        .filter(lowered__in=[c.lower() for c in cleaned])
        .values_list("preferred_label", flat=True)
    }
    result: list[str] = []
    for label in cleaned:
        name = known.get(label.lower(), label)
        if name not in result:
            result.append(name)
    return result[:30]
