"""Paginators: the pages' :class:`CappedPaginator`, and the API's (django-ninja's, with the
page number and offset bounded, and the count capped).

Counting every matching row of a list that grows with the data (100,000 postings) costs as
much as reading them all, on every page view. So lists count at most :data:`COUNT_CAP` rows:
below that the count is exact ("Page 3 of 12"); past it the page says "more than 1,000" and
offers the first :data:`COUNT_CAP` rows in pages, as search engines do (narrow the filters to
see others). A page number past the last answers the last page. The deepest OFFSET is then
1,000 rows: every page answers in the same bounded time whatever the data size.

The API's page-number paginator counts the same way: ``count`` is exact up to
:data:`API_COUNT_CAP`, then ``API_COUNT_CAP + 1`` (read: "more than 1,000"); the pages past
it can still be read by number (the offset is bounded by :data:`MAX_OFFSET` only).


django-ninja accepts any ``page`` or ``offset``; ``?page=37048790014591326224384`` then
reaches the database as an OFFSET no 64-bit integer holds, and SQLite ("datatype mismatch")
or PostgreSQL answers with an error, a 500. Bounded here, such a request is a 422 naming the
field, like every other malformed query parameter. The bounds are far past any real list.
"""

from __future__ import annotations

from functools import cached_property
from math import isinf
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F, OrderBy, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from ninja import Field, Schema
from ninja import pagination as ninja_pagination
from ninja.conf import settings as ninja_settings
from ninja.pagination import paginate

__all__ = [
    "API_COUNT_CAP",
    "COUNT_CAP",
    "MAX_OFFSET",
    "MAX_PAGE",
    "CappedPaginator",
    "LimitOffsetPagination",
    "PageNumberPagination",
    "paginate",
]

#: Pages count at most this many rows (see the module docstring).
COUNT_CAP = 1000
#: The API's ``count`` is exact up to this many rows.
API_COUNT_CAP = COUNT_CAP


def capped_count(queryset: QuerySet[Any], cap: int) -> int:
    """The number of rows of ``queryset``, counting no further than ``cap + 1`` (one
    ``SELECT COUNT(*) FROM (… LIMIT cap + 1)``)."""
    return queryset.order_by()[: cap + 1].count()


def sorted_not_walked(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """``queryset`` in the same order, written so the database sorts the rows rather than
    walking an index in that order (each field ``f`` becomes ``COALESCE(f, f)``: the same
    value, nulls included, but no index has it).

    For a page of a list known to have few rows (its count is under the cap): with ``LIMIT``
    and ``ORDER BY created_at``, PostgreSQL's planner prefers walking the ``created_at`` index
    backwards, filtering each row, expecting to meet the few matches early — and for a rare
    search term reads every posting to find none (1.5 s at 100,000 postings), where finding
    the few matches by their trigram indexes and sorting them costs milliseconds."""
    order: list[OrderBy] = []
    for item in queryset.query.order_by:
        if not isinstance(item, str) or item == "?":
            return queryset
        name = item.lstrip("-")
        if name in queryset.query.extra_select:
            return queryset  # a raw ``extra()`` column (a full-text rank): no F() reaches it
        expression = Coalesce(F(name), F(name))
        order.append(expression.desc() if item.startswith("-") else expression.asc())
    return queryset.order_by(*order) if order else queryset


class CappedPaginator(Paginator):  # type: ignore[type-arg]
    """Django's paginator counting at most :data:`COUNT_CAP` rows: ``count`` is exact up to
    the cap; past it, ``capped`` is true and the pages cover the first ``COUNT_CAP`` rows."""

    def __init__(self, object_list: Any, per_page: int, *, cap: int = COUNT_CAP) -> None:
        super().__init__(object_list, per_page)
        self.cap = cap

    @cached_property
    def _counted(self) -> int:
        if isinstance(self.object_list, QuerySet):
            return capped_count(self.object_list, self.cap)
        if hasattr(self.object_list, "capped_count"):  # a lazy sequence that counts capped
            return int(self.object_list.capped_count(self.cap))
        return len(self.object_list)

    @cached_property
    def count(self) -> int:  # type: ignore[override]
        return min(self._counted, self.cap)

    @cached_property
    def capped(self) -> bool:
        """True when there are more rows than the pages show."""
        return self._counted > self.cap

    def page(self, number: Any) -> Page[Any]:
        number = self.validate_number(number)  # counts
        if isinstance(self.object_list, QuerySet) and not self.capped:
            # Few rows: sort them rather than walk an index for them (sorted_not_walked).
            self.object_list = sorted_not_walked(self.object_list)
        return super().page(number)


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
    """``?page=&page_size=``; ``page`` at most :data:`MAX_PAGE`; ``count`` exact up to
    :data:`API_COUNT_CAP` (then ``API_COUNT_CAP + 1``)."""

    Input = PageNumberInput  # type: ignore[assignment]

    def _items_count(self, queryset: Any) -> int:
        if isinstance(queryset, QuerySet):
            return capped_count(queryset, API_COUNT_CAP)
        return super()._items_count(queryset)

    def paginate_queryset(
        self, queryset: QuerySet[Any], pagination: Any, request: HttpRequest, **params: Any
    ) -> Any:
        page_size = self._get_page_size(pagination.page_size)
        offset = (pagination.page - 1) * page_size
        if hasattr(queryset, "capped_count"):  # a lazy sequence that counts capped
            count = int(queryset.capped_count(API_COUNT_CAP))
            return {self.items_attribute: queryset[offset : offset + page_size], "count": count}
        if not isinstance(queryset, QuerySet):
            return super().paginate_queryset(queryset, pagination, request, **params)
        # (The paginator object serves every request: nothing is kept on it.)
        count = self._items_count(queryset)
        if count <= API_COUNT_CAP:
            # Few rows: sort them rather than walk an index for them (sorted_not_walked).
            queryset = sorted_not_walked(queryset)
        return {self.items_attribute: queryset[offset : offset + page_size], "count": count}


class LimitOffsetPagination(ninja_pagination.LimitOffsetPagination):
    """``?limit=&offset=``; ``offset`` at most :data:`MAX_OFFSET`."""

    Input = LimitOffsetInput  # type: ignore[assignment]
