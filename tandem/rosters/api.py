"""REST endpoints for roster imports (mounted at /api/v1/rosters by tandem.api.main).

Upload a .zip export (it is checked in the background: a dry run), read the result, confirm.
An upload the caller may not see is a 404; an institution they do not coordinate is a 403.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import File, Form, Router, Schema, Status, UploadedFile

from tandem.accounts.models import signed_in_user
from tandem.core.errors import DomainError
from tandem.organizations.models import Organization

from . import selectors, services
from .models import RosterImport

router = Router(tags=["rosters"])


class CountsOut(Schema):
    created: int
    updated: int
    unchanged: int
    deactivated: int


class RosterResultOut(Schema):
    orgs: CountsOut
    users: CountsOut
    classes: CountsOut
    enrollments: CountsOut
    dry_run: bool
    warnings: list[str]


class RosterImportOut(Schema):
    id: UUID
    institution_id: UUID
    filename: str
    status: str
    dry_run_result: RosterResultOut | None
    result: RosterResultOut | None
    problems: list[str]
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_id(obj: RosterImport) -> UUID:
        return obj.public_id

    @staticmethod
    def resolve_institution_id(obj: RosterImport) -> UUID:
        return obj.institution.public_id

    @staticmethod
    def resolve_dry_run_result(obj: RosterImport) -> dict[str, Any] | None:
        return obj.result or None

    @staticmethod
    def resolve_result(obj: RosterImport) -> dict[str, Any] | None:
        return obj.applied_result or None


def _get(request: HttpRequest, roster_import_id: UUID) -> RosterImport:
    upload = selectors.roster_import_get(request.user, roster_import_id)
    if upload is None:
        raise Http404
    return upload


@router.post("/imports", response={202: RosterImportOut})
def roster_import_create(
    request: HttpRequest,
    institution_id: Form[UUID],
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    """Upload a OneRoster 1.1/1.2 export as a .zip. It is checked in the background (a dry
    run): poll the import until ``status`` is ``previewed`` (``dry_run_result`` holds the
    counts it would change) or ``failed`` (``problems`` lists ``FILE:LINE: message``)."""
    institution = Organization.objects.filter(public_id=institution_id).first()
    if institution is None:
        message = _("No such institution.")
        raise DomainError(message, fields={"institution_id": [message]})
    if (file.size or 0) > services.MAX_UPLOAD_BYTES:
        message = _("The file is larger than 50 MB.")
        raise DomainError(message, fields={"file": [message]})
    upload = services.roster_upload_create(
        actor=signed_in_user(request),
        institution=institution,
        filename=file.name or "roster.zip",
        content=file.read(),
    )
    return Status(202, _get(request, upload.public_id))


@router.get("/imports/{roster_import_id}", response=RosterImportOut)
def roster_import_detail(request: HttpRequest, roster_import_id: UUID) -> Any:
    """An upload: its status, the dry run's counts and warnings, and after the import its
    own counts (``result``)."""
    return _get(request, roster_import_id)


@router.post("/imports/{roster_import_id}/confirm", response={202: RosterImportOut})
def roster_import_confirm(request: HttpRequest, roster_import_id: UUID) -> Any:
    """Import a checked upload (``status`` ``previewed``); 409 otherwise. Poll until
    ``status`` is ``done``."""
    upload = services.roster_upload_confirm(
        actor=signed_in_user(request), upload=_get(request, roster_import_id)
    )
    return Status(202, _get(request, upload.public_id))
