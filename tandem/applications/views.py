"""Web pages for applications: list, detail with stage actions, apply, move, CV download.

Views parse input, call one selector or service, and render. Applications outside the
viewer's scope answer 404, so their existence does not leak.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import (
    FileResponse,
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
)
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.core.htmx import is_htmx
from tandem.core.pagination import CappedPaginator
from tandem.core.view_errors import attempt, describe_domain_error, submit
from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import can_apply_to_opportunity
from tandem.opportunities.selectors import opportunities_visible_to

from . import selectors, services
from .forms import ApplyForm, FilterForm, HireForm, MoveForm, OpportunitySearchForm
from .models import Application, Stage
from .permissions import can_download_cv, can_record_hire

PAGE_SIZE = 25


@login_required
@require_GET
def application_list(request: HttpRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        opportunity_id = form.cleaned_data["opportunity"]
        title = form.cleaned_data["opportunity_title"].strip()
        if opportunity_id:
            chosen = selectors.opportunity_with_applications_for(request.user, opportunity_id)
            chosen_title = chosen.title if chosen else ""
            if (
                "opportunity_title" not in request.GET
                or title.casefold() == chosen_title.casefold()
            ):
                # A link (no title) or the chosen suggestion: one opportunity, titled in the field.
                title = ""
                if chosen and form.data.get("opportunity_title") != chosen.title:
                    form = _filter_form_with(request, opportunity_title=chosen.title)
            else:
                # The title was edited after choosing (without JavaScript): the text counts.
                opportunity_id = None
                form = _filter_form_with(request, opportunity="")
        filters = {
            "stage": form.cleaned_data["stage"] or None,
            "opportunity_id": opportunity_id,
            "opportunity_title": title or None,
            "search": form.cleaned_data["q"] or None,
        }
    elif form.is_bound:
        filters = {"opportunity_id": uuid.UUID(int=0)}  # invalid filter: show nothing
    qs = selectors.application_listing(request.user, **filters)
    page_obj = CappedPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = selectors.stage_counts_for(request.user)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page_obj": page_obj,
        "applications": page_obj.object_list,
        "querystring_without_page": (query.urlencode() + "&") if query else "",
        "stage_summary": [
            (stage.value, stage.label, counts[stage.value])
            for stage in Stage
            if counts[stage.value]
        ],
    }
    template = "applications/list.html#results" if is_htmx(request) else "applications/list.html"
    return render(request, template, context)


def _filter_form_with(request: HttpRequest, **changes: str) -> FilterForm:
    """The filter form as submitted, with ``changes`` to show (validated again)."""
    data = request.GET.copy()
    for name, value in changes.items():
        data[name] = value
    form = FilterForm(data)
    form.is_valid()
    return form


@login_required
@require_GET
def opportunity_search(request: HttpRequest) -> HttpResponse:
    """Suggestions for the list's opportunity filter (htmx): at most
    :data:`~tandem.applications.selectors.OPPORTUNITY_SUGGESTIONS` opportunities with an
    application the viewer may see, whose title contains the text typed so far."""
    form = OpportunitySearchForm(request.GET)
    if not form.is_valid():
        return HttpResponseBadRequest(_("The search text is too long."))
    term = form.cleaned_data["opportunity_title"]
    context = {
        "opportunities": selectors.opportunity_suggestions_for(request.user, term),
        "searched": bool(term.strip()),
    }
    return render(request, "applications/opportunity_options.html", context)


def _detail_context(request: HttpRequest, application: Application, **extra: Any) -> dict[str, Any]:
    options = services.application_stage_options(request.user, application)
    hire_history = list(selectors.hire_history(application))
    hire = hire_history[-1] if hire_history else None
    return {
        "application": application,
        "history": selectors.stage_history(application),
        "options": options,
        "move_form": MoveForm(),
        "can_download_cv": bool(application.cv) and can_download_cv(request.user, application),
        "is_student": application.student_id == request.user.pk,
        "hire": hire,
        "hire_history": hire_history,
        "can_record_hire": can_record_hire(request.user, application),
        "hire_form": HireForm(current=hire),
        **extra,
    }


@login_required
@require_GET
def application_detail(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = selectors.application_detail(request.user, public_id)
    return render(request, "applications/detail.html", _detail_context(request, application))


@login_required
@require_POST
def application_move(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = selectors.application_detail(request.user, public_id)
    form = MoveForm(request.POST)
    error: str | None = None
    status = 200
    if not form.is_valid():
        error = _("Choose a valid stage.")
        status = 400
    else:
        outcome = attempt(
            lambda: services.application_move(
                actor=request.user,
                application=application,
                to_stage=form.cleaned_data["to_stage"],
                note=form.cleaned_data["note"],
            )
        )
        if outcome.error is not None:
            answer = describe_domain_error(outcome.error)
            error, status = answer.message, answer.status
    if error is None and not is_htmx(request):
        messages.success(
            request,
            _("Stage changed to “%(stage)s”.") % {"stage": application.get_stage_display()},
        )
        return redirect("applications:detail", public_id=application.public_id)
    application.refresh_from_db()
    context = _detail_context(request, application, move_error=error, moved=error is None)
    if is_htmx(request):
        # htmx swaps only 2xx answers: the error is shown in the panel it replaces.
        return render(request, "applications/detail.html#panel", context)
    return render(request, "applications/detail.html", context, status=status)


@login_required
@require_POST
def application_record_hire(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    """Record or correct the outcome of a completed placement (host staff, coordinators)."""
    application = selectors.application_detail(request.user, public_id)
    if not can_record_hire(request.user, application):
        raise PermissionDenied(_("You may not record the outcome of this placement."))
    form = HireForm(request.POST)
    result = submit(
        form,
        lambda d: services.application_record_hire(
            actor=request.user,
            application=application,
            outcome=d["outcome"],
            start_date=d["start_date"],
            job_title=d["job_title"],
            note=d["note"],
        ),
    )
    if result.ok:
        if not is_htmx(request):
            messages.success(request, _("Outcome recorded."))
            return redirect("applications:detail", public_id=application.public_id)
        context = _detail_context(request, application, hire_saved=True)
        return render(request, "applications/detail.html#outcome", context)
    status = describe_domain_error(result.error).status if result.error else 400
    context = _detail_context(request, application, hire_form=form)
    if is_htmx(request):
        # htmx swaps only 2xx answers: the errors are shown in the panel it replaces.
        return render(request, "applications/detail.html#outcome", context)
    return render(request, "applications/detail.html", context, status=status)


def _visible_opportunity(request: HttpRequest, opportunity_id: uuid.UUID) -> Opportunity:
    opportunity = opportunities_visible_to(request.user).filter(public_id=opportunity_id).first()
    if opportunity is None:
        raise Http404(_("No such opportunity."))
    return opportunity


@login_required
@require_http_methods(["GET", "POST"])
def application_apply(request: HttpRequest, opportunity_id: uuid.UUID) -> HttpResponse:
    opportunity = _visible_opportunity(request, opportunity_id)
    existing = Application.objects.filter(
        opportunity=opportunity, student_id=request.user.pk
    ).first()
    if existing is not None:
        messages.info(request, _("You have already applied to this opportunity."))
        return redirect("applications:detail", public_id=existing.public_id)
    if not can_apply_to_opportunity(request.user, opportunity):
        raise PermissionDenied(_("You cannot apply to this opportunity."))
    institutions = selectors.apply_institutions_for(request.user, opportunity)
    form = ApplyForm(request.POST or None, request.FILES or None, institutions=institutions)
    status = 200
    if request.method == "POST":
        result = submit(
            form,
            lambda d: services.application_submit(
                actor=request.user,
                opportunity=opportunity,
                institution=d["institution"],
                statement=d["statement"],
                cv=d["cv"] or None,
            ),
        )
        if result.ok and result.value is not None:
            messages.success(request, _("Your application has been sent."))
            return redirect("applications:detail", public_id=result.value.public_id)
        status = describe_domain_error(result.error).status if result.error else 400
    return render(
        request,
        "applications/apply.html",
        {"form": form, "opportunity": opportunity},
        status=status,
    )


@login_required
@require_GET
def application_cv(request: HttpRequest, public_id: uuid.UUID) -> FileResponse:
    application = selectors.application_detail(request.user, public_id)
    if not can_download_cv(request.user, application):
        raise PermissionDenied(_("You may not download this CV."))
    if not application.cv:
        raise Http404(_("This application has no CV."))
    return cv_response(application)


def cv_response(application: Application) -> FileResponse:
    """The CV as an attachment that browsers neither sniff nor cache in shared caches."""
    try:
        handle = application.cv.open("rb")
    except FileNotFoundError:
        raise Http404(_("This application has no CV.")) from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"cv-{str(application.public_id)[:8]}.pdf",
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
