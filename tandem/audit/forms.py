from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField, DateInput


class AuditFilterForm(forms.Form):
    """Filters for the audit trail. Choices are the values present in what the viewer sees."""

    target_type = forms.ChoiceField(label=_("Object type"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False)
    date_from = DateField(label=_("From"), required=False, widget=DateInput())
    date_to = DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(
        self, *args: Any, target_types: list[str], actions: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["target_type"].choices = everything + [(t, t) for t in target_types]  # type: ignore[attr-defined]
        self.fields["action"].choices = everything + [(a, a) for a in actions]  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data
