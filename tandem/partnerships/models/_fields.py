"""Field shapes several partnership models share."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tandem.core.validation import validate_positive


def owner_field() -> models.ForeignKey[Any, Any]:
    """The optional person responsible; emptied (not deleted) when they are erased."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("owner"),
    )


def measure_field(verbose_name: Any, *, max_digits: int) -> models.DecimalField[Any, Any]:
    """An optional amount or quantity with two decimal places that must be above zero."""
    return models.DecimalField(
        verbose_name,
        max_digits=max_digits,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[validate_positive],
    )
