"""Analytics pages: dashboards (institution, program, partner, partnership) with CSV/Excel
exports of each table, and partnership health. Every page answers 404 to viewers who may
not see it (after sign-in)."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tandem.core import charts, exports
from tandem.organizations.models import Organization
from tandem.organizations.permissions import is_platform_admin
from tandem.partnerships.models import Partnership
from tandem.partnerships.selectors import partnerships_for

from . import health, pdf, permissions, selectors
from .forms import FiltersForm, dashboard_filters
from .presentation import (
    dashboard_tables,
    funnel_label,
    health_tables,
    reason_lines,
    review_tables,
)


# --- partnership health ------------------------------------------------------------------------
def _health(request: HttpRequest, public_id: UUID) -> dict[str, Any]:
    """Today's health (computed live), its reasons and the kept daily trend, for a partnership
    the viewer may see (404 otherwise)."""
    partnership = get_object_or_404(partnerships_for(request.user), public_id=public_id)
    current = health.score(selectors.health_inputs(partnership, timezone.localdate()))
    reasons = [
        {
            "component": r.component,
            "code": r.code,
            "params": r.params,
            "score": r.score,
            "weight": r.weight,
            "points": r.points,
        }
        for r in current.reasons
    ]
    return {
        "partnership": partnership,
        "current": current,
        "reasons": reason_lines(reasons),
        "trend": list(selectors.health_trend(request.user, partnership)),
    }


@login_required
@require_GET
def partnership_health(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Today's health (computed live), its reasons, and the kept daily trend."""
    context = _health(request, public_id)
    trend = context["trend"]
    chart = charts.line_chart(
        _("Health score over time"),
        [s.date.isoformat() for s in trend],
        [s.score for s in trend],
    )
    return render(
        request,
        "analytics/partnership_health.html",
        {
            **context,
            "chart": chart,
            "at_risk_below": health.AT_RISK_BELOW,
            "healthy_from": health.HEALTHY_FROM,
        },
    )


@login_required
@require_GET
def partnership_health_export(
    request: HttpRequest, public_id: UUID, table: str, fmt: str
) -> HttpResponse:
    """One table of the health page (``components`` or ``trend``) as CSV or Excel."""
    context = _health(request, public_id)
    name = f"partnership-health-{table}-{timezone.localdate().isoformat()}"
    tables = health_tables(context["reasons"], context["trend"])
    return exports.table_download(tables, table, fmt, name)


# --- dashboards -----------------------------------------------------------------------------
def _institution(request: HttpRequest, public_id: UUID) -> Organization:
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None or not permissions.can_view_institution_dashboard(request.user, org):
        raise Http404
    return org


def _partner(request: HttpRequest, public_id: UUID) -> Organization:
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None or not permissions.can_view_partner_dashboard(request.user, org):
        raise Http404
    return org


def _partnership(request: HttpRequest, public_id: UUID) -> Partnership:
    return get_object_or_404(partnerships_for(request.user), public_id=public_id)


def _scope(request: HttpRequest, kind: str, public_id: UUID, program: str) -> tuple[Any, str]:
    """(scope, title) for a dashboard the viewer may open; Http404 otherwise."""
    if kind == "institution":
        org = _institution(request, public_id)
        return selectors.Scope("institution", organization=org), org.name
    if kind == "program":
        if "\x00" in program:  # no program holds one (PostgreSQL refuses it: a 500 there)
            raise Http404
        org = _institution(request, public_id)
        return selectors.Scope(
            "program", organization=org, program=program
        ), f"{org.name}: {program}"
    if kind == "partner":
        org = _partner(request, public_id)
        return selectors.Scope("partner", organization=org), org.name
    partnership = _partnership(request, public_id)
    return selectors.Scope("partnership", partnership=partnership), partnership.title


def _filters(
    request: HttpRequest, kind: str, programs: tuple[str, ...]
) -> tuple[FiltersForm, selectors.Filters | None]:
    """The page's filters, or ``None`` with the form's errors when they are invalid."""
    return dashboard_filters(request.GET, kind=kind, programs=programs)


def _base_url(kind: str, public_id: UUID, program: str) -> str:
    if kind == "program":
        return reverse("analytics:program", args=[public_id, program])
    return reverse(f"analytics:{kind}", args=[public_id])


@login_required
@require_GET
def dashboard_view(
    request: HttpRequest, kind: str, public_id: UUID, program: str = ""
) -> HttpResponse:
    scope, title = _scope(request, kind, public_id, program)
    programs = selectors.dashboard_programs(scope)
    form, filters = _filters(request, kind, programs)
    show_program_filter = kind == "institution" and bool(programs)
    if filters is None:
        context = {
            "title": title,
            "kind": kind,
            "form": form,
            "tables": (),
            # The form keeps every filter, the program too, so that it can be corrected.
            "programs": programs,
            "selected_program": form.data.get("program", ""),
            "show_program_filter": show_program_filter,
        }
        return render(request, "analytics/dashboard.html", context, status=400)
    board = selectors.dashboard(scope, filters, programs=programs)
    display = dashboard_tables(board)
    query = request.GET.urlencode()
    base = _base_url(kind, public_id, program)
    funnel_chart = charts.bar_chart(
        _("From application to hire"),
        [funnel_label(s.key) for s in board.funnel],
        [s.count for s in board.funnel],
    )
    sector_rows = display[1].rows[:-1]
    sector_chart = charts.bar_chart(
        _("Applications by sector"), [str(r[0]) for r in sector_rows], [r[-1] for r in sector_rows]
    )
    ratings_chart = charts.line_chart(
        _("Mean rating by month"),
        [p.month.strftime("%Y-%m") for p in board.ratings],
        [None if p.mean is None else float(p.mean) for p in board.ratings],
        max_value=5,
    )
    return render(
        request,
        "analytics/dashboard.html",
        {
            "title": title,
            "kind": kind,
            "board": board,
            "form": form,
            "tables": display,
            "charts": {
                "funnel": funnel_chart,
                "sector": sector_chart,
                "ratings": ratings_chart,
            },
            "export_base": base,
            "query": query,
            "programs": programs,
            "selected_program": filters.program,
            "show_program_filter": show_program_filter,
        },
    )


@login_required
@require_GET
def dashboard_export(
    request: HttpRequest, kind: str, public_id: UUID, table: str, fmt: str, program: str = ""
) -> HttpResponse:
    """One dashboard table as CSV or Excel, with the page's filters."""
    scope, _title = _scope(request, kind, public_id, program)
    programs = selectors.dashboard_programs(scope)
    form, filters = _filters(request, kind, programs)
    if filters is None:
        errors = "; ".join(
            f"{field}: {' '.join(str(m) for m in msgs)}" for field, msgs in form.errors.items()
        )
        return HttpResponseBadRequest(errors, content_type="text/plain; charset=utf-8")
    board = selectors.dashboard(scope, filters, programs=programs)
    name = f"{kind}-{table}-{timezone.localdate().isoformat()}"
    return exports.table_download(dashboard_tables(board), table, fmt, name)


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The dashboards this viewer may open."""
    if is_platform_admin(request.user):
        institutions = Organization.objects.filter(kind="institution")
        partners = Organization.objects.filter(kind="partner")
    else:
        inst_ids, partner_ids = permissions.dashboard_organizations(request.user)
        institutions = Organization.objects.filter(pk__in=inst_ids, kind="institution")
        partners = Organization.objects.filter(pk__in=partner_ids, kind="partner")
    return render(
        request,
        "analytics/index.html",
        {
            "institutions": institutions.order_by("name"),
            "partners": partners.order_by("name"),
            "partnerships": partnerships_for(request.user).order_by("title")[:200],
        },
    )


# --- review report ----------------------------------------------------------------------------
def _review(request: HttpRequest, public_id: UUID) -> selectors.ReviewReport:
    partnership = _partnership(request, public_id)
    return selectors.review_report(request.user, partnership, today=timezone.localdate())


@login_required
@require_GET
def review_report(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """The partnership review report as a page (print-friendly) with a PDF link."""
    report = _review(request, public_id)
    reasons = [
        {"component": r.component, "code": r.code, "params": r.params, "score": r.score,
         "weight": r.weight, "points": r.points}
        for r in report.health.reasons
    ]  # fmt: skip
    return render(
        request,
        "analytics/review.html",
        {"report": report, "partnership": report.partnership, "reasons": reason_lines(reasons)},
    )


@login_required
@require_GET
def review_report_pdf(request: HttpRequest, public_id: UUID) -> HttpResponse:
    report = _review(request, public_id)
    response = HttpResponse(pdf.review_pdf(report), content_type="application/pdf")
    name = f"partnership-review-{report.today.isoformat()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def review_report_export(
    request: HttpRequest, public_id: UUID, table: str, fmt: str
) -> HttpResponse:
    """One table of the review report (``kpis``, ``commitments``, ``surveys``, and
    ``highlights`` for viewers who may read free text) as CSV or Excel."""
    report = _review(request, public_id)
    name = f"partnership-review-{table}-{report.today.isoformat()}"
    return exports.table_download(review_tables(report), table, fmt, name)
