"""Opportunity pages: browse, read, draft, submit, approve, close and reopen.

Views parse input, ask ``permissions``/``selectors``, call one service and render. A posting
the viewer may not see answers 404 (its existence does not leak); one they may see but not
change answers 403.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tandem.core.htmx import is_htmx_partial
from tandem.core.pagination import CappedPaginator
from tandem.core.view_errors import attempt, form_page
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids, is_platform_admin

from . import selectors, services
from .forms import (
    DecisionForm,
    OpportunityFilterForm,
    OpportunityForm,
    SubmitForm,
    initial_from,
)
from .models import ApprovalStatus, Opportunity, OpportunityStatus
from .permissions import (
    can_apply_to_opportunity,
    can_create_some_opportunity,
    can_edit_opportunity,
    creatable_hosts,
    is_host_staff,
)

PER_PAGE = 20
ONE_MINUTE = timedelta(minutes=1)


def _paginate(request: HttpRequest, qs: Any) -> dict[str, Any]:
    page: Page[Any] = CappedPaginator(qs, PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    encoded = params.urlencode()
    return {"page_obj": page, "querystring_without_page": f"{encoded}&" if encoded else ""}


def _visible_or_404(request: HttpRequest, public_id: Any) -> Opportunity:
    opp = selectors.opportunity_get(request.user, public_id)
    if opp is None:
        raise Http404
    return opp


def _editable_or_403(request: HttpRequest, public_id: Any) -> Opportunity:
    opp = _visible_or_404(request, public_id)
    if not can_edit_opportunity(request.user, opp):
        raise PermissionDenied(_("Only the host's staff may change this posting."))
    return opp


@login_required
def opportunity_list(request: HttpRequest) -> HttpResponse:
    form = OpportunityFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    qs = selectors.opportunity_listing(
        request.user,
        q=filters.get("q", ""),
        type=filters.get("type", ""),
        work_mode=filters.get("work_mode", ""),
        sector=filters.get("sector", ""),
        status=filters.get("status", ""),
    )
    context = {
        "form": form,
        "can_create": can_create_some_opportunity(request.user),
        "is_coordinator": bool(coordinator_institution_ids(request.user)),
        **_paginate(request, qs),
    }
    template = "opportunities/list.html"
    if is_htmx_partial(request):
        template += "#results"
    return render(request, template, context)


@login_required
def opportunity_detail(request: HttpRequest, public_id: Any) -> HttpResponse:
    opp = _visible_or_404(request, public_id)
    user = request.user
    staff_view = is_platform_admin(user) or is_host_staff(user, opp)
    approvals = list(selectors.approvals_of(opp))
    mine = coordinator_institution_ids(user)
    if not staff_view:
        approvals = [a for a in approvals if a.institution_id in mine]
    decidable = [
        a
        for a in approvals
        if a.institution_id in mine
        and a.status == ApprovalStatus.PENDING
        and opp.status in selectors.DECIDABLE_STATES
    ]
    can_edit = can_edit_opportunity(user, opp)
    context = {
        "opportunity": opp,
        "approvals": approvals,
        "show_approvals": staff_view or bool(approvals),
        "decidable": decidable,
        "can_edit": can_edit and opp.status != OpportunityStatus.FILLED,
        "can_submit": can_edit and opp.status == OpportunityStatus.DRAFT,
        "can_close": can_edit
        and opp.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.AWAITING_APPROVAL),
        "can_reopen": can_edit
        and opp.status in (OpportunityStatus.CLOSED, OpportunityStatus.FILLED),
        "can_mark_filled": can_edit
        and opp.status in (OpportunityStatus.PUBLISHED, OpportunityStatus.CLOSED),
        "can_apply": can_apply_to_opportunity(user, opp),
    }
    return render(request, "opportunities/detail.html", context)


@login_required
def opportunity_create(request: HttpRequest) -> HttpResponse:
    hosts = creatable_hosts(request.user)
    if not hosts:
        raise PermissionDenied(_("Only partner recruiters and institution staff post."))
    form = OpportunityForm(request.POST if request.method == "POST" else None, hosts=hosts)

    def saved(opp: Opportunity) -> HttpResponse:
        messages.success(request, _("Draft saved. Submit it to institutions when ready."))
        return redirect("opportunities:detail", public_id=opp.public_id)

    return form_page(
        request,
        form,
        lambda d: services.opportunity_create(
            actor=request.user, host=d["host"], **form.service_fields()
        ),
        template="opportunities/form.html",
        context={"opportunity": None},
        success=saved,
    )


@login_required
def opportunity_edit(request: HttpRequest, public_id: Any) -> HttpResponse:
    opp = _editable_or_403(request, public_id)
    if opp.status == OpportunityStatus.FILLED:
        messages.error(request, _("A filled posting cannot be edited. Reopen it first."))
        return redirect("opportunities:detail", public_id=opp.public_id)
    form = OpportunityForm(
        request.POST if request.method == "POST" else None, editing=opp, initial=initial_from(opp)
    )

    def update(_data: dict[str, Any]) -> None:
        fields = form.service_fields()
        # The form shows the deadline to the minute; an untouched deadline must not count
        # as a change (a posting whose deadline passed could otherwise never be edited).
        old_deadline, new_deadline = opp.application_deadline, fields["application_deadline"]
        if old_deadline and new_deadline and abs(new_deadline - old_deadline) < ONE_MINUTE:
            fields["application_deadline"] = old_deadline
        services.opportunity_update(actor=request.user, opportunity=opp, **fields)

    def saved(_result: None) -> HttpResponse:
        messages.success(request, _("Changes saved."))
        return redirect("opportunities:detail", public_id=opp.public_id)

    return form_page(
        request,
        form,
        update,
        template="opportunities/form.html",
        context={"opportunity": opp},
        success=saved,
    )


@login_required
def opportunity_submit(request: HttpRequest, public_id: Any) -> HttpResponse:
    opp = _editable_or_403(request, public_id)
    initial = {}
    if opp.partnership_id:
        initial["institutions"] = list(opp.partnership.institutions.all())  # type: ignore[union-attr]
    form = SubmitForm(request.POST if request.method == "POST" else None, initial=initial)

    def submitted(_result: object) -> HttpResponse:
        messages.success(request, _("Submitted for approval."))
        return redirect("opportunities:detail", public_id=opp.public_id)

    return form_page(
        request,
        form,
        lambda d: services.opportunity_submit(
            actor=request.user, opportunity=opp, institutions=d["institutions"]
        ),
        template="opportunities/submit.html",
        context={"opportunity": opp},
        success=submitted,
    )


@login_required
def approvals(request: HttpRequest) -> HttpResponse:
    """The coordinator's queue of postings waiting for their institutions' decision."""
    if not coordinator_institution_ids(request.user):
        raise PermissionDenied(_("Only career-office coordinators approve postings."))
    listing = selectors.pending_approvals_listing(request.user)
    return render(request, "opportunities/approvals.html", _paginate(request, listing))


@login_required
@require_POST
def decide(request: HttpRequest, public_id: Any) -> HttpResponse:
    opp = _visible_or_404(request, public_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        if "application_deadline" in form.errors:
            messages.error(request, _("Give the new deadline as a date and time."))
        else:
            messages.error(request, _("Choose approve or reject."))
        if request.POST.get("next") == "approvals":
            return redirect("opportunities:approvals")
        return redirect("opportunities:detail", public_id=opp.public_id)
    institution = Organization.objects.filter(
        public_id=form.cleaned_data["institution"], kind="institution"
    ).first()
    if institution is None:
        raise Http404
    outcome = attempt(
        lambda: services.opportunity_decide(
            actor=request.user,
            opportunity=opp,
            institution=institution,
            approve=form.cleaned_data["decision"] == "approve",
            note=form.cleaned_data["note"],
            application_deadline=form.cleaned_data["application_deadline"],
        )
    )
    if (exc := outcome.error) is not None:
        detail = exc.fields.get("application_deadline", [])
        messages.error(request, " ".join([exc.message, *[m for m in detail if m != exc.message]]))
    else:
        if form.cleaned_data["decision"] == "approve":
            messages.success(request, _("Approved for %(i)s.") % {"i": institution.name})
        else:
            messages.success(request, _("Rejected for %(i)s.") % {"i": institution.name})
    if request.POST.get("next") == "approvals":
        return redirect("opportunities:approvals")
    return redirect("opportunities:detail", public_id=opp.public_id)


def _lifecycle(request: HttpRequest, public_id: Any, service: Any, done: str) -> HttpResponse:
    opp = _editable_or_403(request, public_id)
    outcome = attempt(lambda: service(actor=request.user, opportunity=opp))
    if outcome.error is not None:
        messages.error(request, outcome.error.message)
    else:
        messages.success(request, done)
    return redirect("opportunities:detail", public_id=opp.public_id)


@login_required
@require_POST
def close(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _lifecycle(request, public_id, services.opportunity_close, _("Posting closed."))


@login_required
@require_POST
def reopen(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _lifecycle(request, public_id, services.opportunity_reopen, _("Posting reopened."))


@login_required
@require_POST
def mark_filled(request: HttpRequest, public_id: Any) -> HttpResponse:
    return _lifecycle(
        request, public_id, services.opportunity_mark_filled, _("Posting marked as filled.")
    )
