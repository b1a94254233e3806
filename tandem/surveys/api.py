"""REST endpoints for surveys (mounted at /api/v1/surveys by tandem.api.main).

Same selectors, services and permissions as the pages: invisible surveys answer 404, a
visible survey the caller may not change 403, invalid answers 400 (field errors keyed by
question), a second response or a closed survey 409.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from ninja import Field, Router, Schema, Status

from tandem.accounts.models import signed_in_user
from tandem.core.dates import DateTime
from tandem.core.pagination import PageNumberPagination, paginate
from tandem.organizations.models import Organization

from . import selectors, services
from .models import (
    Audience,
    Question,
    QuestionType,
    Survey,
    SurveyInvitation,
    SurveyResponse,
    SurveyVersion,
)
from .permissions import can_manage_survey, can_read_individual_responses

router = Router(tags=["surveys"])


class OptionIO(Schema):
    value: str
    label: str = ""


class ConditionIO(Schema):
    question: str
    op: str = "in"
    values: list[str]


class QuestionIn(Schema):
    text: str = Field(..., max_length=500)
    type: QuestionType
    key: str = Field("", max_length=60)
    required: bool = False
    help_text: str = Field("", max_length=500)
    options: list[OptionIO] = []
    min_value: Decimal | None = None
    max_value: Decimal | None = None
    skills: list[str] = []
    condition: ConditionIO | None = None
    section: int | None = Field(None, description="Section position (default: the last)")


class QuestionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    key: str
    text: str
    help_text: str
    type: str
    required: bool
    options: list[OptionIO]
    min_value: Decimal | None
    max_value: Decimal | None
    skills: list[str]
    condition: dict[str, Any]
    section: str

    @staticmethod
    def resolve_section(obj: Question) -> str:
        return obj.section.title


class VersionOut(Schema):
    id: UUID = Field(..., alias="public_id")
    number: int
    published_at: datetime | None
    questions: list[QuestionOut]

    @staticmethod
    def resolve_questions(obj: SurveyVersion) -> list[Question]:
        return services.version_questions(obj)


class SurveyIn(Schema):
    institution: UUID
    title: str = Field(..., min_length=1, max_length=200)
    description: str = ""
    audience: Audience
    is_anonymous: bool = False
    min_responses: int = Field(5, ge=1, le=1000)
    closes_at: DateTime | None = None
    questions: list[QuestionIn] = []


class SurveyOut(Schema):
    id: UUID = Field(..., alias="public_id")
    institution: UUID
    title: str
    description: str
    audience: str
    is_anonymous: bool
    min_responses: int
    status: str
    closes_at: datetime | None
    template_key: str
    created_at: datetime

    @staticmethod
    def resolve_institution(obj: Survey) -> UUID:
        return obj.institution.public_id


class InvitationIn(Schema):
    email: str = Field(..., max_length=254)
    name: str = Field("", max_length=200)


class InvitationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    survey: UUID
    version: int
    recipient: str
    subject_label: str
    sent_at: datetime | None
    expires_at: datetime
    reminders_sent: int
    responded: bool

    @staticmethod
    def resolve_survey(obj: SurveyInvitation) -> UUID:
        return obj.survey.public_id

    @staticmethod
    def resolve_version(obj: SurveyInvitation) -> int:
        return obj.version.number

    @staticmethod
    def resolve_recipient(obj: SurveyInvitation) -> str:
        return obj.recipient_label

    @staticmethod
    def resolve_responded(obj: SurveyInvitation) -> bool:
        return obj.responded_at is not None


class ResponseIn(Schema):
    answers: dict[str, Any] = Field(
        ..., description="Answers by question key: number, option value, list, or {skill: 1–5}"
    )


class ResponseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    submitted_on: Any


class QuestionResultOut(Schema):
    key: str
    text: str
    type: str
    answered: int
    mean: float | None
    nps: int | None
    labels: list[str]
    counts: list[int | None] = Field(..., description="null: suppressed (small group)")
    total: int | None
    skills: list[tuple[str, int, float | None]]
    texts: list[str] | None = Field(..., description="null: not visible to you")


class ResultsOut(Schema):
    invited: int
    responded: int
    responses: int
    response_rate: float | None
    visible: bool
    questions: list[QuestionResultOut]


def _managed(request: HttpRequest, survey_id: UUID) -> Survey:
    survey = selectors.survey_detail(request.user, survey_id)
    if not can_manage_survey(request.user, survey):
        raise PermissionDenied
    return survey


@router.get("/", response=list[SurveyOut], url_name="survey_list")
def survey_list(request: HttpRequest) -> Any:
    """Surveys of the institutions where you coordinate or teach."""
    return selectors.survey_list(request.user)


@router.post("/", response={201: SurveyOut}, url_name="survey_create")
def survey_create(request: HttpRequest, payload: SurveyIn) -> Any:
    """Create a draft survey, optionally with its questions (publish it separately)."""
    institution = Organization.objects.filter(public_id=payload.institution).first()
    if institution is None:
        raise Http404
    survey = services.survey_create_with_questions(
        actor=signed_in_user(request),
        institution=institution,
        title=payload.title,
        description=payload.description,
        audience=payload.audience,
        is_anonymous=payload.is_anonymous,
        min_responses=payload.min_responses,
        closes_at=payload.closes_at,
        questions=[_question_kwargs(q) for q in payload.questions],
    )
    return Status(201, selectors.survey_detail(request.user, survey.public_id))


def _question_kwargs(q: QuestionIn) -> dict[str, Any]:
    return dict(
        text=q.text,
        type=q.type,
        key=q.key,
        required=q.required,
        help_text=q.help_text,
        options=[o.dict() for o in q.options],
        min_value=q.min_value,
        max_value=q.max_value,
        skills=q.skills,
        condition=q.condition.dict() if q.condition else None,
        section_position=q.section,
    )


def _add_question(request: HttpRequest, survey: Survey, q: QuestionIn) -> Question:
    return services.question_add(
        actor=signed_in_user(request), survey=survey, **_question_kwargs(q)
    )


@router.get("/{survey_id}", response=SurveyOut, url_name="survey_detail")
def survey_detail(request: HttpRequest, survey_id: UUID) -> Any:
    return selectors.survey_detail(request.user, survey_id)


@router.get("/{survey_id}/versions", response=list[VersionOut], url_name="survey_versions")
def survey_versions(request: HttpRequest, survey_id: UUID) -> Any:
    """Every version with its exact wording, newest first."""
    survey = selectors.survey_detail(request.user, survey_id)
    return list(survey.versions.order_by("-number"))


@router.post("/{survey_id}/questions", response={201: QuestionOut}, url_name="survey_question_add")
def survey_question_add(request: HttpRequest, survey_id: UUID, payload: QuestionIn) -> Any:
    """Add a question to the draft (a published survey gets a new draft version)."""
    return Status(201, _add_question(request, _managed(request, survey_id), payload))


@router.post("/{survey_id}/publish", response=VersionOut, url_name="survey_publish")
def survey_publish(request: HttpRequest, survey_id: UUID) -> Any:
    return services.survey_publish(
        actor=signed_in_user(request), survey=_managed(request, survey_id)
    )


@router.post("/{survey_id}/close", response=SurveyOut, url_name="survey_close")
def survey_close(request: HttpRequest, survey_id: UUID) -> Any:
    return services.survey_close(actor=signed_in_user(request), survey=_managed(request, survey_id))


@router.get("/{survey_id}/invitations", response=list[InvitationOut], url_name="survey_invitations")
def survey_invitations(request: HttpRequest, survey_id: UUID) -> Any:
    survey = _managed(request, survey_id)
    return selectors.invitations_for(request.user, survey).select_related("survey", "version")


@router.post("/{survey_id}/invitations", response={201: InvitationOut}, url_name="survey_invite")
def survey_invite(request: HttpRequest, survey_id: UUID, payload: InvitationIn) -> Any:
    """Invite one person by e-mail (an account holder answers signed in)."""
    invitation = services.invitation_create(
        actor=signed_in_user(request),
        survey=_managed(request, survey_id),
        email=payload.email,
        name=payload.name,
    )
    return Status(201, invitation)


@router.get("/invitations/mine", response=list[InvitationOut], url_name="my_invitations")
def my_invitations(request: HttpRequest) -> Any:
    """Your unanswered invitations."""
    return selectors.pending_invitations_for(request.user).select_related("version")


@router.post(
    "/invitations/{invitation_id}/response",
    response={201: ResponseOut},
    url_name="invitation_respond",
)
def invitation_respond(request: HttpRequest, invitation_id: UUID, payload: ResponseIn) -> Any:
    """Answer one of your invitations. Answered once only: a second call answers 409."""
    invitation = selectors.invitation_for_user(request.user, invitation_id)
    response = services.response_submit(
        actor=signed_in_user(request), invitation=invitation, data=payload.answers
    )
    return Status(201, response)


class AnswerOut(Schema):
    question: str
    key: str
    value: Any

    @staticmethod
    def resolve_question(obj: Any) -> str:
        return obj.question.text

    @staticmethod
    def resolve_key(obj: Any) -> str:
        return obj.question.key


class IndividualResponseOut(Schema):
    id: UUID = Field(..., alias="public_id")
    respondent: str | None
    about: str
    version: int
    submitted_on: date
    answers: list[AnswerOut]

    @staticmethod
    def resolve_respondent(obj: SurveyResponse) -> str | None:
        if obj.respondent is not None:
            return obj.respondent.full_name
        return obj.invitation.recipient_label if obj.invitation else None

    @staticmethod
    def resolve_about(obj: SurveyResponse) -> str:
        return obj.invitation.subject_label if obj.invitation else ""

    @staticmethod
    def resolve_version(obj: SurveyResponse) -> int:
        return obj.version.number

    @staticmethod
    def resolve_answers(obj: SurveyResponse) -> list[Any]:
        return list(obj.answers.all())


@router.get(
    "/{survey_id}/responses",
    response=list[IndividualResponseOut],
    url_name="survey_responses",
)
@paginate(PageNumberPagination, page_size=20)
def survey_responses(request: HttpRequest, survey_id: UUID) -> Any:
    """Individual responses of a survey that is not anonymous (the owner's coordinators)."""
    survey = selectors.survey_detail(request.user, survey_id)
    if not can_read_individual_responses(request.user, survey):
        raise PermissionDenied
    return selectors.individual_responses(request.user, survey)


@router.get("/{survey_id}/results", response=ResultsOut, url_name="survey_results")
def survey_results(request: HttpRequest, survey_id: UUID) -> Any:
    """Aggregates with small counts suppressed; free text only for the owner's coordinators."""
    survey = selectors.survey_detail(request.user, survey_id)
    return selectors.survey_results(request.user, survey)
