"""The API's paginators: django-ninja's, with the page number and offset bounded.

django-ninja accepts any ``page`` or ``offset``; ``?page=37048790014591326224384`` then
reaches the database as an OFFSET no 64-bit integer holds, and SQLite ("datatype mismatch")
or PostgreSQL answers with an error, a 500. Bounded here, such a request is a 422 naming the
field, like every other malformed query parameter. The bounds are far past any real list.
"""

from __future__ import annotations

from math import isinf

from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from ninja.conf import settings as ninja_settings
from ninja.pagination import paginate

__all__ = ["MAX_OFFSET", "MAX_PAGE", "LimitOffsetPagination", "PageNumberPagination", "paginate"]

MAX_PAGE = 1_000_000
MAX_OFFSET = 100_000_000
_MAX_LIMIT = ninja_settings.PAGINATION_MAX_LIMIT


class PageNumberInput(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE)
    page_size: int | None = Field(None, ge=1)


class LimitOffsetInput(Schema):
    limit: int = Field(
        ninja_settings.PAGINATION_PER_PAGE,
        ge=1,
        le=None if isinf(_MAX_LIMIT) else _MAX_LIMIT,
    )
    offset: int = Field(0, ge=0, le=MAX_OFFSET)


class PageNumberPagination(ninja_pagination.PageNumberPagination):
    """``?page=&page_size=``; ``page`` at most :data:`MAX_PAGE`."""

    Input = PageNumberInput  # type: ignore[assignment]


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    """``?limit=&offset=``; ``offset`` at most :data:`MAX_OFFSET`."""

    Input = LimitOffsetInput  # type: ignore[assignment]
