"""Shared API schema pieces."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from ninja import Schema


class PublicIdSchema(Schema):
    """Output schema whose ``id`` is the object's non-enumerable ``public_id``."""

    id: UUID

    @staticmethod
    def resolve_id(obj: Any) -> UUID:
        return obj.public_id
