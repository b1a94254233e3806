"""Every write to surveys: building, versioning, templates, invitations, responses.

Services are keyword-only, atomic, re-check permissions, and schedule e-mail with
``transaction.on_commit``. Automatic sends (triggers) pass ``actor=None``.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import ConflictError, DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from . import answers as answer_rules
from .context import placement_context
from .library import TEMPLATES
from .models import (
    LINK_MAX_AGE_DAYS,
    Answer,
    InvitationUse,
    Question,
    Section,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyStatus,
    SurveyVersion,
)
from .permissions import can_answer_invitation, can_create_survey, can_manage_survey

if TYPE_CHECKING:
    from django.contrib.auth.models import AnonymousUser

    from tandem.accounts.models import User


TOKEN_SALT = "tandem.surveys.invitation-link"  # noqa: S105 (a salt, not a secret)
LATE_GRACE = timedelta(hours=24)  # answers started before closing are accepted this long
STARTED_SALT = "tandem.surveys.started"


# --- Building --------------------------------------------------------------------------------
def _require_manage(actor: User | None, survey: Survey) -> None:
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
    if not title.strip():
        raise DomainError(_("Give the survey a title."), fields={"title": _("Required.")})
    if min_responses < 1:
        raise DomainError(_("At least one response."), fields={"min_responses": "≥ 1"})
    survey = Survey.objects.create(
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
    version = SurveyVersion.objects.create(survey=survey, number=1)
    Section.objects.create(version=version, title=_("Questions"), position=0)
    audit_record(actor=actor, action="survey.create", target=survey, organizations=[institution])
    return survey


@transaction.atomic
def survey_update(*, actor: User | None, survey: Survey, **fields: Any) -> Survey:
    """Change title, introduction, audience, anonymity, threshold or closing time."""
    _require_manage(actor, survey)
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
    changes = {k: str(v) for k, v in fields.items() if getattr(survey, k) != v}
    for key, value in fields.items():
        setattr(survey, key, value)
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
    _require_manage(actor, survey)
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
    if not title.strip():
        raise DomainError(_("Give the section a title."), fields={"title": _("Required.")})
    position = version.sections.count()
    return Section.objects.create(version=version, title=title.strip(), position=position)


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
    errors: dict[str, list[str]] = {}
    if not text:
        errors["text"] = [_("Write the question.")]
    key = slugify(key)[:60] if key else _unique_key(version, text)
    if version.questions.filter(key=key).exists():
        errors["key"] = [_("Another question already uses this key.")]
    earlier = {q.key: q for q in version.questions.all()}
    clean_options = [
        {"value": str(o.get("value", "")).strip(), "label": str(o.get("label", "")).strip()}
        for o in options
    ]
    clean_skills = esco_labels(skills)
    errors.update(
        answer_rules.definition_errors(
            key=key,
            type=type,
            options=clean_options,
            min_value=min_value,
            max_value=max_value,
            skills=clean_skills,
            condition=dict(condition or {}),
            earlier=earlier,
        )
    )
    if errors:
        raise DomainError(_("The question needs changes."), fields=errors)
    position = max([q.position for q in version.questions.filter(section=section)], default=-1) + 1
    return Question.objects.create(
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
    errors: dict[str, list[str]] = {}
    if not text.strip():
        errors["text"] = [_("Write the question.")]
    clean_options = (
        [
            {"value": str(o.get("value", "")).strip(), "label": str(o.get("label", "")).strip()}
            for o in options
        ]
        if options is not None
        else question.options
    )
    clean_skills = esco_labels(skills) if skills is not None else question.skills
    errors.update(
        answer_rules.definition_errors(
            key=key,
            type=question.type,
            options=clean_options,
            min_value=min_value,
            max_value=max_value,
            skills=clean_skills,
            condition={},
            earlier={},
        )
    )
    if errors:
        raise DomainError(_("The question needs changes."), fields=errors)
    question.text = text.strip()
    question.required = required
    question.help_text = help_text.strip()
    if question.type in ("single", "multiple"):
        question.options = clean_options
    if question.type == "number":
        question.min_value, question.max_value = min_value, max_value
    if question.type == "skills":
        question.skills = clean_skills
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


@transaction.atomic
def survey_publish(*, actor: User | None, survey: Survey) -> SurveyVersion:
    """Freeze the draft as the new current version and open the survey."""
    _require_manage(actor, survey)
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
    _require_manage(actor, survey)
    if survey.status != SurveyStatus.OPEN:
        raise ConflictError(_("Only an open survey can be closed."))
    survey.status = SurveyStatus.CLOSED
    survey.closed_at = timezone.now()
    survey.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(
        actor=actor, action="survey.close", target=survey, organizations=[survey.institution_id]
    )
    return survey


# --- Templates (copy-on-write) -----------------------------------------------------------------
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
    survey = survey_create(
        actor=actor,
        institution=institution,
        title=_(spec["title"]),
        audience=spec["audience"],
        is_anonymous=spec["anonymous"],
        template_key=template_key,
    )
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


# --- Invitations and signed links ------------------------------------------------------------
def invitation_token(invitation: SurveyInvitation) -> str:
    """A signed, single-purpose token naming one invitation."""
    return signing.dumps({"i": str(invitation.public_id)}, salt=TOKEN_SALT, compress=True)


def invitation_from_token(token: str) -> SurveyInvitation:
    """The invitation a token names; DomainError (code ``expired`` or ``invalid``) otherwise."""
    try:
        payload = signing.loads(token, salt=TOKEN_SALT, max_age=timedelta(days=LINK_MAX_AGE_DAYS))
    except signing.SignatureExpired as exc:
        raise DomainError(_("This link has expired."), code="expired") from exc
    except signing.BadSignature as exc:
        raise DomainError(_("This link is not valid."), code="invalid") from exc
    public_id = payload.get("i") if isinstance(payload, dict) else None
    try:
        public_id = str(uuid.UUID(str(public_id)))
    except ValueError:
        public_id = None
    invitation = (
        SurveyInvitation.objects.select_related("survey", "version")
        .filter(public_id=str(public_id))
        .first()
        if public_id
        else None
    )
    if invitation is None:
        raise DomainError(_("This link is not valid."), code="invalid")
    if invitation.expires_at <= timezone.now():
        raise DomainError(_("This link has expired."), code="expired")
    return invitation


@transaction.atomic
def invitation_create(
    *,
    actor: User | None,
    survey: Survey,
    user: User | None = None,
    email: str = "",
    name: str = "",
    trigger_key: str = "",
    subject_label: str = "",
    skills: Sequence[str] = (),
) -> SurveyInvitation:
    """Invite one person to the current published version and e-mail them (on commit).

    With a ``trigger_key`` the call is idempotent: the existing invitation is returned.
    """
    _require_manage(actor, survey)
    if trigger_key:
        existing = SurveyInvitation.objects.filter(survey=survey, trigger_key=trigger_key).first()
        if existing is not None:
            return existing
    if not survey.is_accepting():
        raise ConflictError(_("The survey is not open."))
    version = latest_published_version(survey)
    if version is None:
        raise ConflictError(_("Publish the survey before inviting people."))
    email = email.strip().lower()
    if user is None and not email:
        raise DomainError(_("Give an e-mail address."), fields={"email": _("Required.")})
    if user is None:
        from tandem.accounts.models import User

        user = User.objects.filter(email__iexact=email, is_active=True).first()
    if user is not None:
        duplicate = SurveyInvitation.objects.filter(
            survey=survey, version=version, user=user, responded_at__isnull=True
        ).exists()
    else:
        duplicate = SurveyInvitation.objects.filter(
            survey=survey, version=version, email=email, responded_at__isnull=True
        ).exists()
    if duplicate and not trigger_key:
        raise ConflictError(
            _("This person already has an open invitation."), fields={"email": _("Invited.")}
        )
    try:
        with transaction.atomic():
            invitation = SurveyInvitation.objects.create(
                survey=survey,
                version=version,
                user=user,
                email="" if user is not None else email,
                name="" if user is not None else name.strip(),
                trigger_key=trigger_key,
                subject_label=subject_label[:300],
                skills=esco_labels(skills),
                invited_by=actor if getattr(actor, "is_authenticated", False) else None,
                sent_at=timezone.now(),
            )
    except IntegrityError:
        return SurveyInvitation.objects.get(survey=survey, trigger_key=trigger_key)
    from .tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.enqueue(invitation.pk, False))
    audit_record(
        actor=actor,
        action="survey.invite",
        target=survey,
        organizations=[survey.institution_id],
        changes={"invitation": str(invitation.public_id), "trigger": trigger_key},
    )
    return invitation


@transaction.atomic
def invitation_remind(*, invitation: SurveyInvitation) -> bool:
    """Send one reminder (system action). False if it is answered, expired or closed."""
    locked = SurveyInvitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.responded_at is not None or locked.expires_at <= timezone.now():
        return False
    if not locked.survey.is_accepting():
        return False
    locked.reminders_sent += 1
    locked.last_reminded_at = timezone.now()
    locked.save(update_fields=["reminders_sent", "last_reminded_at", "updated_at"])
    from .tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.enqueue(locked.pk, True))
    return True


# --- Responses ---------------------------------------------------------------------------------
def started_stamp() -> str:
    """A signed time stamp put in the answer form, so late submissions can be recognised."""
    return signing.dumps(timezone.now().timestamp(), salt=STARTED_SALT)


def started_from_stamp(stamp: str | None) -> datetime | None:
    if not stamp:
        return None
    try:
        value = signing.loads(stamp, salt=STARTED_SALT, max_age=timedelta(days=LINK_MAX_AGE_DAYS))
    except signing.BadSignature:
        return None
    return datetime.fromtimestamp(float(value), tz=timezone.get_current_timezone())


def version_questions(version: SurveyVersion) -> list[Question]:
    return list(
        version.questions.select_related("section").order_by("section__position", "position", "id")
    )


@transaction.atomic
def response_submit(
    *,
    actor: User | AnonymousUser | None,
    invitation: SurveyInvitation,
    data: Mapping[str, Any],
    by_link: bool = False,
    started_at: datetime | None = None,
) -> SurveyResponse:
    """Record one response for an invitation: validated, conditional questions evaluated,
    once only (a second submission is refused by the database, nothing is counted twice).

    ``by_link``: the caller proved possession of the signed link; otherwise ``actor`` must be
    the invited user. A survey closed while the person was answering still accepts their
    answers for a short grace period (``LATE_GRACE``).
    """
    if not by_link and not can_answer_invitation(actor, invitation):
        raise PermissionDeniedError(_("This invitation is not addressed to you."))
    locked = (
        SurveyInvitation.objects.select_for_update()
        .select_related("survey", "version")
        .get(pk=invitation.pk)
    )
    survey = locked.survey
    if locked.responded_at is not None or InvitationUse.objects.filter(invitation=locked).exists():
        raise ConflictError(
            _("You have already answered this survey. Thank you — your answers were counted once."),
            code="already_answered",
        )
    now = timezone.now()
    if locked.expires_at <= now:
        raise ConflictError(_("This invitation has expired."), code="expired")
    if not survey.is_accepting(now):
        closed = survey.closed_moment()
        late_ok = (
            closed is not None
            and started_at is not None
            and started_at < closed
            and now - closed <= LATE_GRACE
        )
        if not late_ok:
            raise ConflictError(
                _("This survey closed before your answers arrived. They were not recorded."),
                code="closed",
            )
    cleaned, errors = answer_rules.clean_answers(
        version_questions(locked.version), data, locked.skills or []
    )
    if errors:
        raise DomainError(_("Some answers need attention."), fields=errors)
    try:
        with transaction.atomic():
            InvitationUse.objects.create(invitation=locked)
    except IntegrityError as exc:
        raise ConflictError(
            _("You have already answered this survey. Thank you — your answers were counted once."),
            code="already_answered",
        ) from exc
    anonymous = survey.is_anonymous
    # What the response is about (a placement's partnership and host), never who gave it.
    partnership_id, host_id = placement_context(locked.trigger_key)
    response = SurveyResponse.objects.create(
        survey=survey,
        version=locked.version,
        invitation=None if anonymous else locked,
        respondent=None if anonymous else locked.user,
        about_partnership_id=partnership_id,
        about_host_id=host_id,
    )
    Answer.objects.bulk_create(
        Answer(response=response, question=question, value=value, number=number)
        for question, value, number in cleaned.values()
    )
    # Anonymous: only the day, so the moment of use cannot be matched to a response.
    locked.responded_at = (
        now.replace(hour=0, minute=0, second=0, microsecond=0) if anonymous else now
    )
    locked.save(update_fields=["responded_at", "updated_at"])
    return response


# --- Personal data -----------------------------------------------------------------------------
def survey_personal_data_export(user: User) -> dict[str, Any]:
    return {
        "invitations": [
            {
                "survey": i.survey.title,
                "sent_at": i.sent_at,
                "responded_at": i.responded_at,
            }
            for i in SurveyInvitation.objects.filter(user=user).select_related("survey")
        ],
        "responses": [
            {
                "survey": r.survey.title,
                "submitted_on": r.submitted_on,
                "answers": {a.question.text: a.value for a in r.answers.select_related("question")},
            }
            for r in SurveyResponse.objects.filter(respondent=user).select_related("survey")
        ],
    }


@transaction.atomic
def survey_personal_data_erase(user: User) -> None:
    """Unlink responses from the person, blank their free text, delete their invitations.

    Scores stay (unlinked), so aggregates remain true."""
    for response in SurveyResponse.objects.filter(respondent=user):
        for answer in response.answers.select_related("question").filter(question__type="text"):
            answer.value = ""
            answer.save(update_fields=["value"])
    SurveyResponse.objects.filter(respondent=user).update(respondent=None, invitation=None)
    SurveyInvitation.objects.filter(user=user).delete()
