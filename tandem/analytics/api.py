"""REST endpoints for analytics (mounted at /api/v1/analytics by tandem.api.main).

Same selectors and permissions as the pages: a dashboard or partnership the caller may not
see answers 404. Suppressed numbers are ``null``.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.http import Http404, HttpRequest
from django.utils import timezone
from ninja import Field, Query, Router, Schema
from ninja.errors import ValidationError as NinjaValidationError

from tandem.organizations.models import Organization
from tandem.partnerships.models import Partnership
from tandem.partnerships.selectors import partnerships_for
from tandem.surveys.data import DEFAULT_THRESHOLD

from . import health, permissions, selectors, tables
from .forms import dashboard_filters
from .presentation import reason_text

router = Router(tags=["analytics"])


class FiltersIn(Schema):
    """The dashboard page's filters, checked by the same form (:func:`.forms.dashboard_filters`):
    an invalid one is a 422 with the field's message, never numbers for another filter."""

    date_from: str = Field(
        "", description="ISO date (YYYY-MM-DD).", json_schema_extra={"format": "date"}
    )
    date_to: str = Field(
        "",
        description="ISO date (YYYY-MM-DD), not before date_from.",
        json_schema_extra={"format": "date"},
    )
    sector: str = Field("", description="A partner sector code, e.g. technology.")
    program: str = Field(
        "",
        description="A program of the institution's students (institution dashboard only).",
    )


class FunnelStepOut(Schema):
    step: str
    count: int | None
    rate: float | None


class OutcomeRowOut(Schema):
    group: str
    cells: dict[str, int | None]
    total: int | None


class OutcomeTableOut(Schema):
    rows: list[OutcomeRowOut]
    totals: dict[str, int | None]
    grand_total: int | None


class RatingOut(Schema):
    month: date
    mean: Decimal | None
    responses: int | None


class DashboardOut(Schema):
    scope: str
    threshold: int
    funnel: list[FunnelStepOut]
    by_sector: OutcomeTableOut
    by_program: OutcomeTableOut
    ratings: list[RatingOut]


class ReasonOut(Schema):
    component: str
    code: str
    text: str
    points: int | None
    weight: int
    counted: bool


class SnapshotOut(Schema):
    date: date
    score: int | None
    band: str


class HealthOut(Schema):
    score: int | None
    band: str
    reasons: list[ReasonOut]
    trend: list[SnapshotOut]


def _table(table: tables.OutcomeTable) -> dict[str, Any]:
    return {
        "rows": [
            {"group": r.key, "cells": dict(zip(tables.OUTCOMES, r.cells, strict=True)),
             "total": r.total}
            for r in table.rows
        ],
        "totals": dict(zip(tables.OUTCOMES, table.totals, strict=True)),
        "grand_total": table.grand_total,
    }  # fmt: skip


def _dashboard(scope: selectors.Scope, params: FiltersIn) -> dict[str, Any]:
    programs = selectors.dashboard_programs(scope)
    form, filters = dashboard_filters(params.model_dump(), kind=scope.kind, programs=programs)
    if filters is None:
        # The API's own shape for invalid input: 422 problem+json with the field messages.
        raise NinjaValidationError(
            [
                {"loc": ["query", field], "msg": error["message"], "type": error["code"]}
                for field, errors in form.errors.get_json_data().items()
                for error in errors
            ]
        )
    board = selectors.dashboard(scope, filters, programs=programs)
    return {
        "scope": scope.kind,
        "threshold": DEFAULT_THRESHOLD,
        "funnel": [{"step": s.key, "count": s.count, "rate": s.rate} for s in board.funnel],
        "by_sector": _table(board.by_sector),
        "by_program": _table(board.by_program),
        "ratings": [
            {"month": p.month, "mean": p.mean, "responses": p.responses} for p in board.ratings
        ],
    }


def _organization(public_id: UUID) -> Organization:
    org = Organization.objects.filter(public_id=public_id).first()
    if org is None:
        raise Http404
    return org


def _partnership(request: HttpRequest, public_id: UUID) -> Partnership:
    partnership = partnerships_for(request.user).filter(public_id=public_id).first()
    if partnership is None:
        raise Http404
    return partnership


@router.get(
    "/institutions/{institution_id}/dashboard",
    response=DashboardOut,
    url_name="analytics_institution",
)
def institution_dashboard(
    request: HttpRequest, institution_id: UUID, filters: Query[FiltersIn]
) -> Any:
    """Funnel, outcomes by sector and program, ratings by month for an institution's
    students (coordinators and educators of the institution)."""
    org = _organization(institution_id)
    if not permissions.can_view_institution_dashboard(request.user, org):
        raise Http404
    return _dashboard(selectors.Scope("institution", organization=org), filters)


@router.get(
    "/institutions/{institution_id}/programs/{program}/dashboard",
    response=DashboardOut,
    url_name="analytics_program",
)
def program_dashboard(
    request: HttpRequest, institution_id: UUID, program: str, filters: Query[FiltersIn]
) -> Any:
    """The same for the students of one program (``Membership.program``)."""
    org = _organization(institution_id)
    if not permissions.can_view_institution_dashboard(request.user, org):
        raise Http404
    scope = selectors.Scope("program", organization=org, program=program)
    return _dashboard(scope, filters)


@router.get("/partners/{partner_id}/dashboard", response=DashboardOut, url_name="analytics_partner")
def partner_dashboard(request: HttpRequest, partner_id: UUID, filters: Query[FiltersIn]) -> Any:
    """Applications to a partner's opportunities (recruiters of the partner)."""
    org = _organization(partner_id)
    if not permissions.can_view_partner_dashboard(request.user, org):
        raise Http404
    return _dashboard(selectors.Scope("partner", organization=org), filters)


@router.get(
    "/partnerships/{partnership_id}/dashboard",
    response=DashboardOut,
    url_name="analytics_partnership",
)
def partnership_dashboard(
    request: HttpRequest, partnership_id: UUID, filters: Query[FiltersIn]
) -> Any:
    """Applications to a partnership's opportunities (whoever may see the partnership)."""
    partnership = _partnership(request, partnership_id)
    return _dashboard(selectors.Scope("partnership", partnership=partnership), filters)


@router.get(
    "/partnerships/{partnership_id}/health", response=HealthOut, url_name="analytics_health"
)
def partnership_health(request: HttpRequest, partnership_id: UUID) -> Any:
    """Today's health score (computed live) with its reasons, and the kept daily trend."""
    partnership = _partnership(request, partnership_id)
    current = health.score(selectors.health_inputs(partnership, timezone.localdate()))
    reasons = []
    for r in current.reasons:
        row = {"component": r.component, "code": r.code, "params": r.params}
        reasons.append(
            {
                "component": r.component,
                "code": r.code,
                "text": reason_text(row),
                "points": r.points,
                "weight": r.weight,
                "counted": r.score is not None,
            }
        )
    trend = selectors.health_trend(request.user, partnership)
    return {
        "score": current.score,
        "band": current.band,
        "reasons": reasons,
        "trend": [{"date": s.date, "score": s.score, "band": s.band} for s in trend],
    }
