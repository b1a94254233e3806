"""Pages for placements: the compliance board, requirements, one placement (clearances,
terms, hours), evidence download, the supervisor's hours queue and the hours report.

Views parse input, call one selector or service, and render. Placements outside the viewer's
scope answer 404, so their existence does not leak.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tandem.applications.models import Application
from tandem.core.pagination import CappedPaginator
from tandem.core.view_errors import submit
from tandem.organizations.models import Organization
from tandem.organizations.permissions import coordinator_institution_ids

from . import selectors, services
from .forms import (
    BoardFilterForm,
    DecideForm,
    EvidenceForm,
    HoursDecisionForm,
    HoursForm,
    ReportForm,
    RequirementForm,
    TermsForm,
)
from .models import Clearance, ClearanceRequirement
from .permissions import (
    can_decide_clearance,
    can_download_evidence,
    can_log_hours,
    can_review_hours,
    can_send_hours_link,
    can_set_terms,
    can_upload_evidence,
    can_view_board,
)
from .reports import csv_response, xlsx_response
from .views_agreements import placement_agreement_context
from .views_visits import visits_summary

PAGE_SIZE = 25


def _placement(request: HttpRequest, public_id: uuid.UUID) -> Application:
    application = selectors.placement_for(request.user, public_id)
    if application is None:
        raise Http404
    return application


@login_required
@require_GET
def board(request: HttpRequest) -> HttpResponse:
    """Coordinators: who is blocked by what, for how long."""
    if not can_view_board(request.user):
        raise PermissionDenied
    form = BoardFilterForm(request.GET or None)
    filters: dict[str, Any] = {}
    if form.is_valid():
        filters = {
            "status": form.cleaned_data["status"],
            "kind": form.cleaned_data["kind"],
            "search": form.cleaned_data["q"].strip(),
        }
    rows = selectors.compliance_board(request.user, **filters)
    page_obj = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "placements/board.html",
        {
            "form": form,
            "page_obj": page_obj,
            "entries": _with_diligence(
                selectors.board_page_applications(list(page_obj.object_list))
            ),
            "today": timezone.localdate(),
            "querystring_without_page": f"{query.urlencode()}&" if query else "",
        },
    )


def _with_diligence(entries: list[selectors.BoardEntry]) -> list[selectors.BoardEntry]:
    """Each entry with ``diligence``: its partner's expired due-diligence items."""
    flags = selectors.diligence_flags([e.application for e in entries])
    for entry in entries:
        setattr(entry, "diligence", flags.get(entry.application.pk, []))  # noqa: B010
    return entries


@login_required
@require_http_methods(["GET", "POST"])
def requirements(request: HttpRequest) -> HttpResponse:
    """Coordinators: the clearance requirements of their institutions; add one."""
    institutions = sorted(coordinator_institution_ids(request.user))
    if not institutions:
        raise PermissionDenied
    form = RequirementForm(request.POST or None, initial={"evidence_required": True})
    status = 200
    if request.method == "POST":
        institution = Organization.objects.get(pk=institutions[0])
        outcome = submit(
            form,
            lambda d: services.clearance_requirement_create(
                actor=request.user,
                institution=institution,
                kind=d["kind"],
                name=d["name"],
                opportunity_type=d["opportunity_type"],
                evidence_required=d["evidence_required"],
                validity_days=d["validity_days"],
                host_may_verify=d["host_may_verify"],
            ),
        )
        if outcome.ok:
            messages.success(request, _("Requirement added."))
            return redirect("placements:requirements")
        status = 422
    return render(
        request,
        "placements/requirements.html",
        {"form": form, "requirements": selectors.requirements_for(request.user)},
        status=status,
    )


def _placement_context(request: HttpRequest, application: Application, **extra: Any) -> dict:
    user = request.user
    lines = selectors.clearance_lines(application)
    start, end = selectors.placement_dates(application)
    return {
        "application": application,
        "lines": [
            {
                "line": line,
                "may_decide": can_decide_clearance(user, application, line.requirement),
                "may_download": line.clearance is not None
                and bool(line.clearance.evidence)
                and can_download_evidence(user, line.clearance),
            }
            for line in lines
        ],
        "start_date": start,
        "end_date": end,
        "may_upload": can_upload_evidence(user, application),
        "may_set_terms": can_set_terms(user, application),
        "may_log": can_log_hours(user, application) and application.stage == "placed",
        "may_send_hours_link": can_send_hours_link(user, application)
        and application.stage == "placed",
        "hours": selectors.hours_of(application),
        "totals": selectors.hours_totals(application),
        "terms_form": extra.pop("terms_form", None)
        or TermsForm(initial={"start_date": start, "end_date": end, **_required(application)}),
        "hours_form": extra.pop("hours_form", None) or HoursForm(),
        **placement_agreement_context(user, application),
        **visits_summary(request, application),
        **extra,
    }


def _required(application: Application) -> dict[str, Any]:
    terms = selectors.terms_of(application)
    return {"required_hours": terms.required_hours} if terms else {}


@login_required
@require_GET
def placement(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _placement(request, public_id)
    return render(request, "placements/placement.html", _placement_context(request, application))


def _requirement(public_id: uuid.UUID) -> ClearanceRequirement:
    requirement = ClearanceRequirement.objects.filter(public_id=public_id).first()
    if requirement is None:
        raise Http404
    return requirement


def _rerender(
    request: HttpRequest, application: Application, error: Any, **extra: Any
) -> HttpResponse:
    context = _placement_context(request, application, **extra)
    context["error"] = error
    return render(request, "placements/placement.html", context, status=error_status(error))


def error_status(error: Any) -> int:
    return int(getattr(error, "status", 400)) if error is not None else 422


@login_required
@require_POST
def evidence_upload(
    request: HttpRequest, public_id: uuid.UUID, requirement_id: uuid.UUID
) -> HttpResponse:
    application = _placement(request, public_id)
    requirement = _requirement(requirement_id)
    if not can_upload_evidence(request.user, application):
        raise PermissionDenied
    form = EvidenceForm(request.POST, request.FILES)
    outcome = submit(
        form,
        lambda d: services.clearance_evidence_upload(
            actor=request.user, application=application, requirement=requirement, file=d["evidence"]
        ),
    )
    if outcome.ok:
        messages.success(request, _("Evidence uploaded; it waits for verification."))
        return redirect("placements:placement", public_id=application.public_id)
    error = outcome.error or _first_error(form)
    return _rerender(request, application, error)


def _first_error(form: Any) -> str:
    for errors in form.errors.values():
        return str(errors[0])
    return _("Check the form.")


@login_required
@require_POST
def clearance_decide(
    request: HttpRequest, public_id: uuid.UUID, requirement_id: uuid.UUID
) -> HttpResponse:
    application = _placement(request, public_id)
    requirement = _requirement(requirement_id)
    if not can_decide_clearance(request.user, application, requirement):
        raise PermissionDenied
    form = DecideForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.clearance_decide(
            actor=request.user,
            application=application,
            requirement=requirement,
            verified=d["decision"] == "verify",
            reason=d["reason"],
            expires_on=d["expires_on"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Clearance decided."))
        return redirect("placements:placement", public_id=application.public_id)
    return _rerender(request, application, outcome.error or _first_error(form))


@login_required
@require_POST
def terms(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _placement(request, public_id)
    if not can_set_terms(request.user, application):
        raise PermissionDenied
    form = TermsForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.placement_terms_set(
            actor=request.user,
            application=application,
            start_date=d["start_date"],
            end_date=d["end_date"],
            required_hours=d["required_hours"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Placement terms saved."))
        return redirect("placements:placement", public_id=application.public_id)
    return _rerender(request, application, outcome.error, terms_form=form)


@login_required
@require_POST
def hours_log(request: HttpRequest, public_id: uuid.UUID) -> HttpResponse:
    application = _placement(request, public_id)
    if not can_log_hours(request.user, application):
        raise PermissionDenied
    form = HoursForm(request.POST)
    outcome = submit(
        form,
        lambda d: services.hours_log(
            actor=request.user,
            application=application,
            date=d["date"],
            hours=d["hours"],
            activity=d["activity"],
        ),
    )
    if outcome.ok:
        messages.success(request, _("Hours logged; they wait for your supervisor's approval."))
        return redirect("placements:placement", public_id=application.public_id)
    return _rerender(request, application, outcome.error, hours_form=form)


@login_required
@require_GET
def evidence_download(request: HttpRequest, clearance_id: uuid.UUID) -> FileResponse:
    clearance = (
        Clearance.objects.select_related("application__opportunity", "requirement")
        .filter(public_id=clearance_id)
        .first()
    )
    if clearance is None or not clearance.evidence:
        raise Http404
    if not can_download_evidence(request.user, clearance):
        raise Http404
    extension = clearance.evidence.name.rsplit(".", 1)[-1]
    response = FileResponse(
        clearance.evidence.open("rb"),
        as_attachment=True,
        filename=f"evidence-{clearance.public_id}.{extension}",
        content_type=clearance.evidence_content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def hours_review(request: HttpRequest) -> HttpResponse:
    """Workplace supervisors: approve or return waiting hours in bulk."""
    if not can_review_hours(request.user):
        raise PermissionDenied
    waiting = list(selectors.hours_to_review(request.user)[:500])
    ids = [str(e.public_id) for e in waiting]
    form = HoursDecisionForm(request.POST or None, entry_ids=ids)
    status = 200
    if request.method == "POST":
        outcome = submit(
            form,
            lambda d: services.hours_decide(
                actor=request.user,
                entry_ids=d["entries"],
                approve=d["decision"] == "approve",
                reason=d["reason"],
            ),
        )
        if outcome.ok:
            messages.success(request, _("%(n)d entries decided.") % {"n": outcome.value or 0})
            return redirect("placements:hours_review")
        status = 422
    return render(
        request,
        "placements/hours_review.html",
        {"form": form, "entries": waiting},
        status=status,
    )


@login_required
@require_GET
def hours_report(request: HttpRequest) -> HttpResponse:
    """Coordinators: hours per placement by program, partner and period (CSV or Excel)."""
    if not can_view_board(request.user):
        raise PermissionDenied
    form = ReportForm(request.GET or None)
    if not request.GET:
        return render(request, "placements/report.html", {"form": form})
    if not form.is_valid():
        return render(request, "placements/report.html", {"form": form}, status=400)
    d = form.cleaned_data
    rows = selectors.hours_report(
        request.user, program=d["program"].strip(), start=d["start"], end=d["end"]
    )
    if d["format"] == "xlsx":
        return xlsx_response(rows)
    return csv_response(rows)
