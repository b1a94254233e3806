"""Recognising uploaded documents by their content (magic bytes), never by their name."""

from __future__ import annotations

import filetype
from django.core.files.uploadedfile import UploadedFile

# extension, MIME type of the kinds of documents partnerships accept.
ACCEPTED: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "docx": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "odt": ("odt", "application/vnd.oasis.opendocument.text"),
}

_HEADER_BYTES = 65536


def detect_document_type(file: UploadedFile) -> tuple[str, str] | None:
    """(extension, content type) of a PDF, DOCX or ODT upload, or None for anything else."""
    file.seek(0)
    head = file.read(_HEADER_BYTES)
    file.seek(0)
    if not head:
        return None
    kind = filetype.guess(head)
    if kind is None:
        return None
    return ACCEPTED.get(kind.extension)
