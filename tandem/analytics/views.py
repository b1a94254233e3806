"""Analytics pages: partnership health (score, reasons, trend)."""

from __future__ import annotations

from uuid import UUID

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from tandem.partnerships.selectors import partnerships_for

from . import charts, health, selectors
from .presentation import reason_lines


@login_required
@require_GET
def partnership_health(request: HttpRequest, public_id: UUID) -> HttpResponse:
    """Today's health (computed live), its reasons, and the kept daily trend."""
    partnership = get_object_or_404(partnerships_for(request.user), public_id=public_id)
    today = timezone.localdate()
    current = health.score(selectors.health_inputs(partnership, today))
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
    trend = list(selectors.health_trend(request.user, partnership))
    chart = charts.line_chart(
        _("Health score over time"),
        [s.date.isoformat() for s in trend],
        [s.score for s in trend],
    )
    return render(
        request,
        "analytics/partnership_health.html",
        {
            "partnership": partnership,
            "current": current,
            "reasons": reason_lines(reasons),
            "trend": trend,
            "chart": chart,
            "at_risk_below": health.AT_RISK_BELOW,
            "healthy_from": health.HEALTHY_FROM,
        },
    )
