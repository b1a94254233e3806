"""Demand data an institution uploads: imports of job postings (CSV or JSON-LD).

The file's lines are parsed by :mod:`..importers`; the skills of the stored postings are
extracted in the background (:func:`.demand.posting_import_extract`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from tandem.audit.services import audit_record
from tandem.core.errors import DomainError, PermissionDeniedError
from tandem.organizations.models import Organization

from .. import importers
from ..models import JobPosting, PostingImport
from ..permissions import can_import_postings
from ..tasks import extract_posting_import

if TYPE_CHECKING:
    from tandem.accounts.models import User

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


def posting_import_create(
    *, actor: User, institution: Organization, filename: str, content: bytes
) -> PostingImport:
    """Store the valid postings of an upload and queue their skill extraction. Bad lines are
    kept on the import with their line numbers; a file with no valid posting is refused."""
    if not can_import_postings(actor, institution):
        raise PermissionDeniedError(_("Only educators and coordinators import postings."))
    if len(content) > MAX_UPLOAD_BYTES:
        raise DomainError(
            _("The file is larger than 20 MB."),
            fields={"file": _("The file is larger than 20 MB.")},
        )
    try:
        fmt, parsed = importers.parse(filename, content)
    except ValueError as exc:
        raise DomainError(str(exc), fields={"file": str(exc)}) from exc
    errors = [e.as_dict() for e in parsed.errors]
    if not parsed.rows:
        raise DomainError(
            _("No valid posting in the file."),
            fields={
                "file": [f"{e['line']}: {e['message']}" for e in errors[:50]]
                or [_("The file is empty.")]
            },
            code="no_rows",
        )
    with transaction.atomic():
        batch = PostingImport.objects.create(
            institution=institution,
            created_by=actor,
            filename=filename[:255],
            format=fmt,
            total=len(parsed.rows),
            errors=errors[:1000],
        )
        JobPosting.objects.bulk_create(
            (
                JobPosting(
                    batch=batch,
                    institution=institution,
                    line=r.line,
                    title=r.title,
                    description=r.description,
                    date=r.date,
                    sector=r.sector,
                    region=r.region,
                    occupation=r.occupation,
                )
                for r in parsed.rows
            ),
            batch_size=2000,
        )
        audit_record(
            actor=actor,
            action="curricula.postings.import",
            target=batch,
            organizations=[institution],
            changes={"postings": len(parsed.rows), "errors": len(errors)},
        )
        transaction.on_commit(lambda: extract_posting_import.enqueue(batch.pk))
    return batch


@transaction.atomic
def posting_import_delete(*, actor: User, batch: PostingImport) -> None:
    """Remove an import and its postings from the demand data."""
    if not can_import_postings(actor, batch.institution):
        raise PermissionDeniedError(_("Only educators and coordinators manage imports."))
    audit_record(
        actor=actor,
        action="curricula.postings.delete",
        target=batch,
        organizations=[batch.institution_id],
    )
    batch.delete()
