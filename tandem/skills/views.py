"""Browse and search the ESCO taxonomy; try the skill extractor on a text."""

from __future__ import annotations

import itertools
import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from tandem.core.htmx import is_htmx
from tandem.core.view_errors import submit

from . import selectors, services
from .forms import TaxonomySearchForm, TryExtractorForm
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


def _highlighted(text: str, skills: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``text`` cut into (piece, labels) parts: labels names the skills whose evidence covers
    the piece ("" for plain text), for <mark> highlighting."""
    marks: list[tuple[int, int, str]] = sorted(
        (ev["start"], ev["end"], s["label"]) for s in skills for ev in s["evidence"]
    )
    cuts = sorted({0, len(text), *(a for a, _, _ in marks), *(b for _, b, _ in marks)})
    out: list[tuple[str, str]] = []
    for lo, hi in itertools.pairwise(cuts):
        if lo >= hi:
            continue
        labels = sorted({label for a, b, label in marks if a <= lo and hi <= b})
        out.append((text[lo:hi], "; ".join(labels)))
    return out


@login_required
def try_extractor(request: HttpRequest) -> HttpResponse:
    """Paste a text, see the ESCO skills found in it with their evidence highlighted.
    Lexical answers at once; a semantic mode may be queued (``?extraction=<id>`` then shows
    it, and the page polls until it is done)."""
    modes = services.modes_available()
    context: dict[str, Any] = {"release": selectors.latest_release(), "modes": modes}
    status = 200
    if request.method == "POST":
        form = TryExtractorForm(request.POST, modes=modes)
        outcome = submit(
            form,
            lambda d: services.skills_extract(
                actor=request.user, text=d["text"], mode=d["mode"], limit=d["limit"]
            ),
        )
        answer = outcome.value
        if answer is None:
            error = outcome.error
            status = getattr(error, "status", 422) if error is not None else 422
        elif answer.extraction is not None:
            url = reverse("skills:try") + f"?extraction={answer.extraction.public_id}"
            return redirect(url)
        else:
            context.update(
                text=form.cleaned_data["text"],
                mode=answer.mode,
                skills=answer.skills,
                status="done",
                pieces=_highlighted(form.cleaned_data["text"], answer.skills),
            )
        context["form"] = form
        return render(request, "skills/try.html", context, status=status)
    form = TryExtractorForm(modes=modes)
    wanted = request.GET.get("extraction", "")
    if wanted:
        try:
            public_id = uuid.UUID(wanted)
        except ValueError:
            raise Http404 from None
        row = selectors.skill_extraction_for(viewer=request.user, public_id=public_id)
        if row is None:
            raise Http404
        context.update(
            text=row.text,
            mode=row.mode,
            skills=row.skills,
            status=row.status,
            error=row.error,
            extraction=row,
            pieces=_highlighted(row.text, row.skills) if row.status == "done" else [],
        )
        form = TryExtractorForm(
            initial={"text": row.text, "mode": row.mode, "limit": row.limit}, modes=modes
        )
    context["form"] = form
    template = "skills/try.html#outcome" if is_htmx(request) else "skills/try.html"
    return render(request, template, context)
