"""Browse and search the ESCO taxonomy."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from tandem.core.htmx import is_htmx

from . import selectors
from .forms import TaxonomySearchForm
from .models import SkillGroup


@login_required
def browse(request: HttpRequest) -> HttpResponse:
    form = TaxonomySearchForm(request.GET or None)
    query, group = "", None
    if form.is_valid():
        query = form.cleaned_data["q"]
        code = form.cleaned_data["group"]
        if code:
            group = (
                SkillGroup.objects.select_related("parent__parent__parent")
                .filter(code=code)
                .first()
            )
    concepts = selectors.concept_search(viewer=request.user, query=query, group=group)
    page = Paginator(concepts, 25).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    context = {
        "form": form,
        "query": query,
        "group": group,
        "breadcrumbs": selectors.group_ancestors(group),
        "children": selectors.group_children(viewer=request.user, parent=group),
        "page_obj": page,
        "querystring_without_page": f"{encoded}&" if encoded else "",
        "release": selectors.latest_release(),
        "mode": selectors.extraction_mode(),
    }
    template = "skills/browse.html#results" if is_htmx(request) else "skills/browse.html"
    return render(request, template, context)


@login_required
def concept(request: HttpRequest, esco_id: str) -> HttpResponse:
    obj = selectors.concept_detail(viewer=request.user, esco_id=esco_id)
    if obj is None:
        raise Http404
    labels = list(obj.labels.all())
    context = {
        "concept": obj,
        "preferred": [lab for lab in labels if lab.is_preferred],
        "alternatives": [lab for lab in labels if not lab.is_preferred],
        "paths": [selectors.group_ancestors(g) for g in obj.groups.all()],
        "release": selectors.latest_release(),
    }
    return render(request, "skills/concept.html", context)
