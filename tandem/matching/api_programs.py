"""REST endpoints for mentor programs' intake (mounted at /api/v1/mentor-programs by
tandem.api.main): the programs open to the caller, applying, the applications list and the
coordinator's decision.

Same selectors, services and permissions as the pages: a program the caller may not see
answers 404; a visible program the caller may not act on 403 (an ineligible applicant gets
403 with the field at fault); bad input 400; applying twice or outside the application
window 409. Errors are ``application/problem+json``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status

from . import selectors, services
from .models import ApplicationKind, ApplicationStatus, ProgramApplication, ProgramStatus
from .permissions import can_manage_program

router = Router(tags=["mentor-programs"])


class ProgramInstitutionRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str


class ProgramApplicantRef(Schema):
    id: UUID = Field(..., alias="public_id")
    name: str = Field(..., alias="full_name")


class ProgramApplicationOut(Schema):
    id: UUID = Field(..., alias="public_id")
    person: ProgramApplicantRef = Field(..., alias="user")
    kind: ApplicationKind
    status: ApplicationStatus
    skills: list[str]
    interests: list[str]
    goals: list[str]
    availability: list[str]
    languages: list[str]
    capacity: int | None
    decision_reason: str
    created_at: datetime
    decided_at: datetime | None


class MentorProgramOpenOut(Schema):
    id: UUID
    title: str
    institution: ProgramInstitutionRef
    status: ProgramStatus
    goals: str
    opens_at: datetime | None
    closes_at: datetime | None
    accepting_applications: bool
    may_apply_as: list[ApplicationKind]
    my_application: ProgramApplicationOut | None


class ProgramApplyIn(Schema):
    kind: ApplicationKind | None = Field(
        None, description="mentee or mentor; optional when you may apply one way only"
    )
    skills: list[str] = Field(default_factory=list, max_length=30)
    interests: list[str] = Field(default_factory=list, max_length=30)
    goals: list[str] = Field(default_factory=list, max_length=30)
    availability: list[str] = Field(
        default_factory=list, max_length=21, description="weekly slots such as tue-evening"
    )
    languages: list[str] = Field(default_factory=list, max_length=30)
    capacity: int | None = Field(None, description="mentors: 1 to 20 mentees")


class ProgramDecisionIn(Schema):
    decision: Literal["approve", "decline"]
    reason: str = Field("", max_length=1000)


@router.get("/open", response=list[MentorProgramOpenOut], url_name="mentor_program_open_list")
def open_programs(request: HttpRequest) -> Any:
    """Mentoring programs open to the caller (eligible as a mentee or a mentor) and the
    programs they applied to or were nominated for, with their application."""
    return [
        {
            "id": e.program.public_id,
            "title": e.program.title,
            "institution": e.program.institution,
            "status": e.program.status,
            "goals": e.program.goals,
            "opens_at": e.program.opens_at,
            "closes_at": e.program.closes_at,
            "accepting_applications": e.window_open,
            "may_apply_as": list(e.kinds),
            "my_application": e.application,
        }
        for e in selectors.programs_open_to(request.user)
    ]


@router.post(
    "/{mentor_program_id}/applications",
    response={201: ProgramApplicationOut},
    url_name="mentor_program_apply",
)
def apply(request: HttpRequest, mentor_program_id: UUID, payload: ProgramApplyIn) -> Any:
    """Apply to a program as a mentee or a mentor (eligible people, while applications are
    open). Refused: not eligible (403), twice or outside the window (409), a profile without
    a language or weekly slot, or a capacity outside 1–20 (400)."""
    program = selectors.program_get(request.user, mentor_program_id)
    data = payload.model_dump(exclude={"kind"})
    application = services.application_submit(
        actor=request.user, program=program, kind=payload.kind, data=data
    )
    return Status(201, application)


@router.get(
    "/{mentor_program_id}/applications",
    response=list[ProgramApplicationOut],
    url_name="mentor_program_applications",
)
def applications(
    request: HttpRequest, mentor_program_id: UUID, status: ApplicationStatus | None = None
) -> Any:
    """The program's applications and nominations, pending first: all of them for its
    coordinators, the caller's own for anyone else who can see the program."""
    program = selectors.program_get(request.user, mentor_program_id)
    if can_manage_program(request.user, program):
        return list(selectors.program_applications(program, status=status)[:1000])
    own = selectors.own_application(request.user, program)
    return [own] if own is not None and (status is None or own.status == status) else []


@router.post(
    "/{mentor_program_id}/applications/{program_application_id}/decision",
    response=ProgramApplicationOut,
    url_name="mentor_program_application_decide",
)
def decide(
    request: HttpRequest,
    mentor_program_id: UUID,
    program_application_id: UUID,
    payload: ProgramDecisionIn,
) -> Any:
    """Approve (the person enters the matching) or decline a pending application
    (coordinators); the applicant is notified, with the reason if given."""
    program = selectors.program_get(request.user, mentor_program_id)
    if not can_manage_program(request.user, program):
        raise PermissionDenied
    application: ProgramApplication = selectors.program_application_get(
        request.user, program, program_application_id
    )
    return services.application_decide(
        actor=request.user,
        application=application,
        approve=payload.decision == "approve",
        reason=payload.reason,
    )
