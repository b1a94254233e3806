"""Recognising uploaded documents by their content (magic bytes), never by their name, and
the one upload check (size limit, not empty, an accepted kind) apps share before they store a
file under a random name in private storage (MEDIA_ROOT, no public route)."""

from __future__ import annotations

from collections.abc import Mapping

import filetype
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from .errors import DomainError

# extension, MIME type of the kinds of documents accepted by default.
ACCEPTED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
}
#: Documents and scans (a photographed vaccination card, a signed form).
ACCEPTED_WITH_IMAGES: dict[str, tuple[str, str]] = {
    **ACCEPTED,
    "jpg": ("jpg", "image/jpeg"),
    "png": ("png", "image/png"),
}

_HEADER_BYTES = 65536


def detect_document_type(
    file: UploadedFile, accepted: Mapping[str, tuple[str, str]] = ACCEPTED
) -> tuple[str, str] | None:
    """(extension, content type) of an upload of an ``accepted`` kind, or None."""
    file.seek(0)
    head = file.read(_HEADER_BYTES)
    file.seek(0)
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is None:
        return None
    return accepted.get(kind.extension)


def check_document(
    file: UploadedFile | None,
    *,
    field: str = "file",
    accepted: Mapping[str, tuple[str, str]] = ACCEPTED,
    kinds_message: str = "",
) -> tuple[str, str]:
    """The detected ``(extension, content type)`` of an upload within
    ``settings.UPLOAD_MAX_BYTES``; a :class:`DomainError` on ``field`` otherwise."""
    if file is None:
        raise DomainError(_("Choose a file."), fields={field: _("Choose a file.")})
    if file.size is not None and file.size > settings.UPLOAD_MAX_BYTES:
        msg = _("The file is too large (at most %(mb).0f MB).") % {
            "mb": settings.UPLOAD_MAX_BYTES / (1024 * 1024)
        }
        raise DomainError(msg, fields={field: msg})
    if not file.size:
        raise DomainError(_("The file is empty."), fields={field: _("The file is empty.")})
    detected = detect_document_type(file, accepted)
    if detected is None:
        msg = kinds_message or _("Upload a PDF, Word (DOCX) or OpenDocument (ODT) file.")
        raise DomainError(msg, fields={field: msg})
    return detected
