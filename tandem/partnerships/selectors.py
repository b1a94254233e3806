"""Reading partnerships: every selector takes the viewer and returns scoped data."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

from django.db.models import Prefetch, QuerySet, Sum, TextField
from django.db.models.functions import Cast
from django.http import Http404

from tandem.core.fulltext import FullTextIndex, ranked_matches

from .models import (
    KPI,
    ActionItem,
    Commitment,
    CommitmentKind,
    CommunicationEntry,
    KPIMeasurement,
    KPIStatus,
    Objective,
    Partnership,
    PartnershipContact,
    PartnershipDocument,
    PartnershipStatus,
    PartnershipType,
)
from .permissions import restrict_partnerships

if TYPE_CHECKING:
    from tandem.accounts.types import Actor


def partnerships_for(
    viewer: Actor,
    *,
    q: str = "",
    status: str = "",
    type: str = "",
) -> QuerySet[Partnership]:
    """Partnerships ``viewer`` may see, optionally searched by title and filtered by status
    and type, with their organizations prefetched."""
    qs = restrict_partnerships(viewer, Partnership.objects.all())
    if q:
        qs = qs.filter(title__icontains=q.strip())
    if status and status in PartnershipStatus.values:
        qs = qs.filter(status=status)
    elif status:
        qs = qs.none()
    if type and type in PartnershipType.values:
        # Portable JSON-list membership test (SQLite and PostgreSQL): match the quoted value.
        qs = qs.alias(types_text=Cast("types", TextField())).filter(
            types_text__contains=f'"{type}"'
        )
    elif type:
        qs = qs.none()
    return qs.prefetch_related("institutions", "partners").order_by("title", "pk")


#: The partnerships' full-text index (migration 0006; docs/decisions/0012-platform-search.md).
SEARCH_INDEX = FullTextIndex(Partnership._meta.db_table, (("title", "A"), ("summary", "C")))


def partnership_search(viewer: Actor, text: str) -> QuerySet[Partnership]:
    """Partnerships ``viewer`` may see (:func:`~.permissions.restrict_partnerships`) matching
    ``text``, best match first (``search_rank``)."""
    return ranked_matches(
        restrict_partnerships(viewer, Partnership.objects.all()), SEARCH_INDEX, text
    )


def partnership_get(viewer: Actor, public_id: UUID | str) -> Partnership:
    """One partnership the viewer may see (organizations prefetched), else Http404."""
    try:
        return partnerships_for(viewer).get(public_id=public_id)
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such partnership") from None


def partnership_detail(viewer: Actor, public_id: UUID | str) -> Partnership:
    """A partnership with everything its detail page shows, prefetched; Http404 if the
    viewer may not see it."""
    qs = partnerships_for(viewer).prefetch_related(
        Prefetch(
            "objectives",
            queryset=Objective.objects.select_related("owner").prefetch_related(
                Prefetch(
                    "kpis",
                    queryset=KPI.objects.select_related("owner").prefetch_related(
                        Prefetch(
                            "measurements",
                            queryset=KPIMeasurement.objects.select_related("recorded_by").order_by(
                                "-measured_at", "-id"
                            ),
                        )
                    ),
                )
            ),
        ),
        Prefetch(
            "commitments",
            queryset=Commitment.objects.select_related("organization").annotate(
                delivered_amount=Sum("deliveries__amount"),
                delivered_quantity=Sum("deliveries__quantity"),
            ),
        ),
        Prefetch(
            "contacts",
            queryset=PartnershipContact.objects.select_related("organization", "user"),
        ),
        Prefetch(
            "communications",
            queryset=CommunicationEntry.objects.select_related("author"),
        ),
        Prefetch("action_items", queryset=ActionItem.objects.select_related("owner")),
        Prefetch("documents", queryset=PartnershipDocument.objects.select_related("uploaded_by")),
        "transitions__actor",
    )
    try:
        return qs.get(public_id=public_id)
    except (Partnership.DoesNotExist, ValueError, TypeError):
        raise Http404("No such partnership") from None


def kpis_at_risk_for(viewer: Actor) -> QuerySet[KPI]:
    """At-risk and off-track KPIs in partnerships the viewer can see (coordinator dashboard),
    worst first, then by due date."""
    visible = partnerships_for(viewer).values("pk")
    return (
        KPI.objects.filter(
            objective__partnership__in=visible,
            status__in=[KPIStatus.AT_RISK, KPIStatus.OFF_TRACK],
        )
        .exclude(objective__partnership__status=PartnershipStatus.CONCLUDED)
        .select_related("objective__partnership", "owner")
        .order_by("-status", "due_date", "pk")  # descending: off_track before at_risk
    )


def kpis_for(viewer: Actor, partnership: Partnership) -> QuerySet[KPI]:
    """KPIs of a partnership the viewer may see (empty otherwise)."""
    visible = partnerships_for(viewer).filter(pk=partnership.pk).values("pk")
    return KPI.objects.filter(objective__partnership__in=visible).select_related(
        "objective", "owner"
    )


@dataclass(frozen=True)
class DeliveryShare:
    """Delivered versus promised for a commitment (share is a fraction, 1 = 100 %)."""

    promised: Decimal
    delivered: Decimal

    @property
    def share(self) -> Decimal:
        if not self.promised:
            return Decimal(0)
        return self.delivered / self.promised

    @property
    def percent(self) -> int:
        return round(self.share * 100)

    @property
    def bar_percent(self) -> int:
        return max(0, min(100, self.percent))


def commitment_delivery_share(commitment: Commitment) -> DeliveryShare:
    """Delivered-vs-promised for one commitment (uses annotations when present)."""
    if commitment.kind == CommitmentKind.FUNDING:
        delivered = getattr(commitment, "delivered_amount", None)
        if delivered is None and not hasattr(commitment, "delivered_amount"):
            delivered = commitment.deliveries.aggregate(s=Sum("amount"))["s"]
    else:
        delivered = getattr(commitment, "delivered_quantity", None)
        if delivered is None and not hasattr(commitment, "delivered_quantity"):
            delivered = commitment.deliveries.aggregate(s=Sum("quantity"))["s"]
    cents = Decimal("0.01")  # amounts and quantities both have two decimal places
    return DeliveryShare(
        promised=commitment.promised or Decimal(0),
        delivered=Decimal(delivered or 0).quantize(cents),
    )


def commitments_for(viewer: Actor, partnership: Partnership) -> QuerySet[Commitment]:
    visible = partnerships_for(viewer).filter(pk=partnership.pk).values("pk")
    return (
        Commitment.objects.filter(partnership__in=visible)
        .select_related("organization")
        .prefetch_related("deliveries")
        .annotate(
            delivered_amount=Sum("deliveries__amount"),
            delivered_quantity=Sum("deliveries__quantity"),
        )
        .order_by("created_at", "pk")
    )


def open_action_items(partnership: Partnership) -> QuerySet[ActionItem]:
    return partnership.action_items.filter(done_at__isnull=True)


__all__ = [
    "DeliveryShare",
    "commitment_delivery_share",
    "commitments_for",
    "kpis_at_risk_for",
    "kpis_for",
    "open_action_items",
    "partnership_detail",
    "partnership_get",
    "partnerships_for",
]
