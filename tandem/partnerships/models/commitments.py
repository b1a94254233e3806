"""What each organization promises, and what it has delivered."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.models import PublicModel
from tandem.organizations.models import Organization

from ._fields import measure_field
from .partnerships import Partnership


class CommitmentKind(models.TextChoices):
    FUNDING = "funding", _("Funding")
    STAFF_HOURS = "staff_hours", _("Staff hours")
    EQUIPMENT = "equipment", _("Equipment")
    PLACES = "places", _("Placement places")


CURRENCY_MESSAGE = _("Enter a three-letter ISO 4217 currency code, such as GBP or EUR.")
CURRENCY_CODE = RegexValidator(r"^[A-Z]{3}$", CURRENCY_MESSAGE)


class Commitment(PublicModel):
    """What one organization of the partnership promises to contribute.

    Funding is an ``amount`` in an ISO 4217 ``currency``; every other kind is a ``quantity``.
    """

    partnership = models.ForeignKey(
        Partnership, on_delete=models.CASCADE, related_name="commitments"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="+", verbose_name=_("organization")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=CommitmentKind.choices)
    description = models.CharField(_("description"), max_length=300)
    amount = measure_field(_("amount"), max_digits=14)
    currency = models.CharField(_("currency"), max_length=3, blank=True, validators=[CURRENCY_CODE])
    quantity = measure_field(_("quantity"), max_digits=12)
    due_date = models.DateField(_("due date"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                name="commitment_measure_matches_kind",
                condition=(
                    models.Q(
                        kind="funding",
                        amount__isnull=False,
                        amount__gt=0,
                        quantity__isnull=True,
                    )
                    & ~models.Q(currency="")
                    | (
                        ~models.Q(kind="funding")
                        & models.Q(quantity__isnull=False, quantity__gt=0, amount__isnull=True)
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organization}: {self.description}"

    def clean(self) -> None:
        """Funding is an amount in a currency; every other kind is a quantity."""
        errors: dict[str, object] = {}
        if self.kind == CommitmentKind.FUNDING:
            if self.amount is None:
                errors["amount"] = _("Funding needs an amount.")
            if not self.currency:
                errors["currency"] = CURRENCY_MESSAGE
        elif self.kind and self.quantity is None:
            errors["quantity"] = _("Enter how many (hours, items or places).")
        if errors:
            raise ValidationError(errors)

    @property
    def is_funding(self) -> bool:
        return self.kind == CommitmentKind.FUNDING

    @property
    def promised(self) -> Decimal | None:
        return self.amount if self.is_funding else self.quantity


class CommitmentDelivery(PublicModel):
    """Part (or all) of a commitment delivered on a date."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="deliveries")
    amount = measure_field(_("amount"), max_digits=14)
    quantity = measure_field(_("quantity"), max_digits=12)
    delivered_on = models.DateField(_("delivered on"))
    note = models.CharField(_("note"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["delivered_on", "id"]
        verbose_name_plural = "commitment deliveries"
        constraints = [
            models.CheckConstraint(
                name="delivery_has_one_positive_measure",
                condition=models.Q(amount__gt=0, quantity__isnull=True)
                | models.Q(quantity__gt=0, amount__isnull=True),
            )
        ]

    def __str__(self) -> str:
        return f"{self.commitment}: {self.amount or self.quantity} on {self.delivered_on}"

    def clean(self) -> None:
        """The measure of the commitment's kind, delivered today or earlier."""
        if self.commitment_id is None:
            return
        errors: dict[str, object] = {}
        if self.commitment.is_funding and self.amount is None:
            errors["amount"] = _("Enter the amount delivered.")
        elif not self.commitment.is_funding and self.quantity is None:
            errors["quantity"] = _("Enter the quantity delivered.")
        if self.delivered_on and self.delivered_on > timezone.localdate():
            errors["delivered_on"] = _("A delivery cannot be in the future.")
        if errors:
            raise ValidationError(errors)
