"""What the partnership detail page shows beside the partnership: typed rows that pair each
objective, KPI and commitment with its form (and a commitment with its delivered share),
so that nothing is tacked onto model instances."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .forms import DeliveryForm, KPIForm, MeasurementForm
from .models import KPI, Commitment, Objective, Partnership
from .selectors import DeliveryShare, commitment_delivery_share


def measurement_prefix(kpi: KPI) -> str:
    return f"kpi-{kpi.public_id.hex[:12]}"


def new_kpi_prefix(objective: Objective) -> str:
    return f"newkpi-{objective.public_id.hex[:12]}"


def delivery_prefix(commitment: Commitment) -> str:
    return f"del-{commitment.public_id.hex[:12]}"


@dataclass(frozen=True)
class KPIRow:
    kpi: KPI
    measurement_form: MeasurementForm


@dataclass(frozen=True)
class ObjectiveRow:
    objective: Objective
    kpis: list[KPIRow]
    kpi_form: KPIForm | None = None


@dataclass(frozen=True)
class CommitmentRow:
    commitment: Commitment
    delivery: DeliveryShare
    delivery_form: DeliveryForm


@dataclass(frozen=True)
class DetailRows:
    objectives: list[ObjectiveRow] = field(default_factory=list)
    commitments: list[CommitmentRow] = field(default_factory=list)

    def kpi_context(self, kpi: KPI) -> dict[str, Any]:
        """The names the ``kpi`` partial needs for ``kpi`` (as shown in these rows)."""
        row = next(
            (r for o in self.objectives for r in o.kpis if r.kpi.pk == kpi.pk),
            KPIRow(kpi, MeasurementForm(prefix=measurement_prefix(kpi))),
        )
        return {"kpi": row.kpi, "measurement_form": row.measurement_form}


def detail_rows(
    partnership: Partnership,
    *,
    can_edit: bool,
    kpi_forms: Mapping[int, MeasurementForm] | None = None,
    delivery_forms: Mapping[int, DeliveryForm] | None = None,
    new_kpi_forms: Mapping[int, KPIForm] | None = None,
) -> DetailRows:
    """The objectives (with their KPIs) and commitments of ``partnership`` with their forms;
    the bound forms given (by primary key) replace fresh ones after an invalid POST."""
    kpi_forms, delivery_forms = kpi_forms or {}, delivery_forms or {}
    new_kpi_forms = new_kpi_forms or {}
    objectives = [
        ObjectiveRow(
            objective=objective,
            kpis=[
                KPIRow(
                    kpi,
                    kpi_forms.get(kpi.pk) or MeasurementForm(prefix=measurement_prefix(kpi)),
                )
                for kpi in objective.kpis.all()
            ],
            kpi_form=(
                new_kpi_forms.get(objective.pk)
                or KPIForm(partnership=partnership, prefix=new_kpi_prefix(objective))
            )
            if can_edit
            else None,
        )
        for objective in partnership.objectives.all()
    ]
    commitments = [
        CommitmentRow(
            commitment,
            commitment_delivery_share(commitment),
            delivery_forms.get(commitment.pk) or DeliveryForm(prefix=delivery_prefix(commitment)),
        )
        for commitment in partnership.commitments.all()
    ]
    return DetailRows(objectives=objectives, commitments=commitments)
