"""The search page: every kind of result the viewer may see, grouped, or one kind paged."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from tandem.core.htmx import is_htmx_partial
from tandem.core.pagination import CappedPaginator

from . import selectors

PER_TYPE = 5
PER_PAGE = 20


@login_required
@require_GET
def search_page(request: HttpRequest) -> HttpResponse:
    q = selectors.clean_query(request.GET.get("q"))
    kind = request.GET.get("type", "")
    context: dict[str, Any] = {"q": q, "types": selectors.TYPES, "kind": ""}
    if kind in selectors.TYPE_KEYS and selectors.search_words(q):
        rows = selectors.results_of(request.user, kind, q)
        page: Page[Any] = CappedPaginator(rows, PER_PAGE).get_page(request.GET.get("page"))
        params = request.GET.copy()
        params.pop("page", None)
        context.update(
            kind=kind,
            kind_label=next(t.label for t in selectors.TYPES if t.key == kind),
            page_obj=page,
            page_hits=selectors.hits(kind, page.object_list),
            querystring_without_page=f"{params.urlencode()}&",
        )
    else:
        context["groups"] = selectors.search_overview(
            request.user, q, types=list(selectors.TYPE_KEYS), per_type=PER_TYPE
        )
    context["searched"] = bool(selectors.search_words(q))
    template = "search/search.html"
    if is_htmx_partial(request):
        template += "#results"
    return render(request, template, context)
