"""``GET /api/v1/search/``: the platform search for integrations (docs/search.md)."""

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema

from tandem.core.errors import DomainError
from tandem.core.pagination import PageNumberPagination, paginate

from . import selectors

router = Router(tags=["search"])


class SearchFilters(Schema):
    q: str = ""
    types: str = ""


class HitOut(Schema):
    type: str
    title: str
    snippet: str
    url: str
    public_id: str


@router.get("/", response=list[HitOut])
@paginate(PageNumberPagination)
def search(request: HttpRequest, filters: Query[SearchFilters]) -> Any:
    """What the caller may see matching ``q`` (words, each may be the start of a longer
    word), kind by kind in the order of ``types`` (comma-separated: opportunity,
    partnership, organization, program, course, skill, person; empty = all), best match
    first within a kind. No word in ``q`` → an empty list."""
    wanted = [t.strip() for t in filters.types.split(",") if t.strip()]
    unknown = [t for t in wanted if t not in selectors.TYPE_KEYS]
    if unknown:
        raise DomainError(
            _("Unknown result type."),
            fields={"types": [_("Choose from: %s.") % ", ".join(selectors.TYPE_KEYS)]},
        )
    q = selectors.clean_query(filters.q)
    return selectors.SearchResults(request.user, q, selectors.parse_types(filters.types))
