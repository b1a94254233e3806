"""Form helpers shared by every app's views."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models
from django.db.models import QuerySet

from .dates import in_range, out_of_range_message
from .errors import DomainError


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's :class:`DomainError` on ``form``: each field message next to its
    field (messages for fields the form does not have become form-wide errors), or the
    error's message as a form-wide error when it names no field."""
    if not exc.fields:
        form.add_error(None, exc.message)
        return
    for field, messages in exc.fields.items():
        for message in messages:
            form.add_error(field if field in form.fields else None, message)


def limit_choices(form: forms.Form, name: str, queryset: QuerySet[Any]) -> None:
    """Offer only ``queryset`` in the form's model choice field ``name`` (say, the
    institutions the user acts for), preselected when it holds exactly one object."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset
    if queryset.count() == 1:
        field.initial = queryset.first()


# A browser's date input takes and sends YYYY-MM-DD (and a datetime-local input
# YYYY-MM-DDTHH:MM) whatever the reader's language, and shows the date in the reader's own
# locale. Without an explicit format Django would prefill the locale's first input format
# (06/12/2026 in en-GB), which the browser rejects as empty.
ISO_DATE = "%Y-%m-%d"
ISO_DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


class DateInput(forms.DateInput):
    """``<input type="date">`` prefilled in ISO form."""

    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class DateTimeInput(forms.DateTimeInput):
    """``<input type="datetime-local">`` prefilled in ISO form (local time)."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATETIME_LOCAL)


class _InRange:
    """Refuses a value outside the range Tandem accepts (:mod:`tandem.core.dates`)."""

    def to_python(self, value: Any) -> Any:
        result = super().to_python(value)  # type: ignore[misc]
        if result is not None and not in_range(result):
            raise forms.ValidationError(out_of_range_message(), code="out_of_range")
        return result


class DateField(_InRange, forms.DateField):
    """A date within the range Tandem accepts: 9999-12-31 was a 500 where a day is added to
    an end date. Shown as a browser date input prefilled in ISO form."""

    widget = DateInput


class DateTimeField(_InRange, forms.DateTimeField):
    """A date and time within the range Tandem accepts, also once converted to UTC. Shown as
    a browser datetime-local input prefilled in ISO form."""

    widget = DateTimeInput


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that a choice too large for a 64-bit key (``2**64``) is "not
    one of the available choices" instead of a 500: the ``pk__in`` lookup it runs first has
    no range check, and SQLite refuses the number (``OverflowError``)."""

    def _check_values(self, value: Any) -> Any:
        key = self.to_field_name or "pk"
        assert self.queryset is not None
        field = self.queryset.model._meta.get_field(key) if key != "pk" else None
        if field is None or isinstance(field, forms.IntegerField | models.IntegerField):
            for item in value or ():
                try:
                    number = int(str(item))
                except (TypeError, ValueError):
                    continue  # Django's own check answers "not a valid value"
                if not -(2**63) <= number < 2**63:
                    raise forms.ValidationError(
                        self.error_messages["invalid_choice"],
                        code="invalid_choice",
                        params={"value": str(item)},
                    )
        return super()._check_values(value)  # type: ignore[misc]
