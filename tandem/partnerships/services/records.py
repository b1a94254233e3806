"""The partnership's working record: contacts, communication entries, action items and
documents."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tandem.accounts.models import User
from tandem.accounts.types import Actor, signed_in
from tandem.core.errors import DomainError
from tandem.core.validation import conflict_on_integrity, validated
from tandem.organizations.models import Membership, Organization, Role

from ..models import (
    ActionItem,
    CommunicationEntry,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
)
from ..uploads import detect_document_type
from ._common import audit, check_member, check_side, require_edit, stripped


# --- contacts ------------------------------------------------
@transaction.atomic
def partnership_contact_create(
    *,
    actor: Actor,
    partnership: Partnership,
    organization: Organization,
    user: User | None = None,
    name: str = "",
    email: str = "",
    role_title: str = "",
    is_primary: bool = False,
) -> PartnershipContact:
    """Add a contact person for one side; a new primary contact replaces the old one.

    A person is a contact of one side once: a second add of the same user (even by two
    requests at the same moment) is a conflict (409)."""
    require_edit(actor, partnership)
    check_side(organization, partnership)
    contact = validated(
        PartnershipContact(
            partnership=partnership,
            organization=organization,
            user=user,
            name=stripped(name),
            email=stripped(email).lower(),
            role_title=stripped(role_title),
            is_primary=is_primary,
        ),
        message=_("Check the contact details."),
    )
    if (
        user is not None
        and not Membership.objects.filter(user=user, organization=organization, is_active=True)
        .exclude(role=Role.STUDENT)
        .exists()
    ):
        msg = _("This person does not belong to the chosen organization.")
        raise DomainError(msg, fields={"user": msg})
    if is_primary:
        PartnershipContact.objects.filter(
            partnership=partnership, organization=organization, is_primary=True
        ).update(is_primary=False)
    conflict = (
        _("This person is already a contact for this organization.")
        if user is not None
        else _("Someone else changed this organization's contacts just now; try again.")
    )
    with conflict_on_integrity(conflict, field="user" if user is not None else None):
        contact.save()
    audit(
        actor=actor,
        action="partnership.contact_added",
        partnership=partnership,
        obj=contact,
        organization=organization.name,
        is_primary=is_primary,
    )
    return contact


@transaction.atomic
def partnership_contact_delete(*, actor: Actor, contact: PartnershipContact) -> None:
    """Remove a contact from a partnership."""
    partnership = contact.partnership
    require_edit(actor, partnership)
    audit(
        actor=actor,
        action="partnership.contact_removed",
        partnership=partnership,
        organization=contact.organization.name,
    )
    contact.delete()


# --- communication record ------------------------------------------------
@transaction.atomic
def communication_entry_create(
    *,
    actor: Actor,
    partnership: Partnership,
    kind: str,
    title: str,
    date: dt.date | None = None,
    body: str = "",
) -> CommunicationEntry:
    """Add a meeting, decision, note or call to the communication record."""
    require_edit(actor, partnership)
    entry = validated(
        CommunicationEntry(
            partnership=partnership,
            kind=kind,
            date=date or timezone.localdate(),
            title=stripped(title),
            body=stripped(body),
            author=signed_in(actor),
        )
    )
    entry.save()
    audit(
        actor=actor,
        action="partnership.communication_added",
        partnership=partnership,
        obj=entry,
        kind=kind,
    )
    return entry


@transaction.atomic
def action_item_create(
    *,
    actor: Actor,
    partnership: Partnership,
    description: str,
    owner: User | None = None,
    due_date: dt.date | None = None,
    entry: CommunicationEntry | None = None,
) -> ActionItem:
    """Add a follow-up with an owner and an optional due date."""
    require_edit(actor, partnership)
    item = validated(
        ActionItem(
            partnership=partnership,
            entry=entry,
            description=stripped(description),
            owner=owner,
            due_date=due_date,
            created_by=signed_in(actor),
        )
    )
    check_member(owner, partnership, "owner")
    if entry is not None and entry.partnership_id != partnership.pk:
        msg = _("Choose an entry of this partnership.")
        raise DomainError(msg, fields={"entry": msg})
    item.save()
    audit(
        actor=actor,
        action="partnership.action_item_added",
        partnership=partnership,
        obj=item,
        due_date=due_date,
    )
    return item


@transaction.atomic
def action_item_set_done(*, actor: Actor, item: ActionItem, done: bool = True) -> ActionItem:
    """Mark an action item done (or open again)."""
    partnership = item.partnership
    require_edit(actor, partnership)
    item.done_at = timezone.now() if done else None
    item.save(update_fields=["done_at", "updated_at"])
    audit(
        actor=actor,
        action="partnership.action_item_done" if done else "partnership.action_item_reopened",
        partnership=partnership,
        obj=item,
    )
    return item


# --- documents ------------------------------------------------
def _check_file(file: UploadedFile | None) -> tuple[str, str]:
    """The detected ``(extension, content type)`` of an upload within the size limit."""
    if file is None:
        raise DomainError(_("Choose a file."), fields={"file": _("Choose a file.")})
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        msg = _("The file is too large (at most %(mb).0f MB).") % {
            "mb": settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        }
        raise DomainError(msg, fields={"file": msg})
    if not file.size:
        raise DomainError(_("The file is empty."), fields={"file": _("The file is empty.")})
    detected = detect_document_type(file)
    if detected is None:
        msg = _("Upload a PDF, Word (DOCX) or OpenDocument (ODT) file.")
        raise DomainError(msg, fields={"file": msg})
    return detected


@transaction.atomic
def partnership_document_upload(
    *,
    actor: Actor,
    partnership: Partnership,
    kind: str,
    title: str,
    file: UploadedFile,
) -> PartnershipDocument:
    """Store a PDF, DOCX or ODT (detected from its content, not its name) of at most
    ``settings.UPLOAD_MAX_BYTES`` under a random name in MEDIA_ROOT."""
    require_edit(actor, partnership)
    document = validated(
        PartnershipDocument(
            partnership=partnership,
            kind=kind,
            title=stripped(title),
            uploaded_by=signed_in(actor),
        ),
        exclude=["file", "original_name", "content_type", "size"],
    )
    extension, content_type = _check_file(file)
    document.original_name = (file.name or "")[:200]
    document.content_type = content_type
    document.size = file.size or 0
    document.file.save(f"upload.{extension}", file, save=False)
    try:
        document.save()
        audit(
            actor=actor,
            action="partnership.document_uploaded",
            partnership=partnership,
            obj=document,
            kind=kind,
            content_type=content_type,
            size=file.size,
        )
    except Exception:
        # Do not leave an orphan file behind when the row could not be written.
        document.file.delete(save=False)
        raise
    return document
