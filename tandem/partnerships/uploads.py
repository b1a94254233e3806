"""Recognising uploaded documents by their content: the shared helper in ``tandem.core``."""

from __future__ import annotations

from tandem.core.uploads import ACCEPTED, detect_document_type

__all__ = ["ACCEPTED", "detect_document_type"]
