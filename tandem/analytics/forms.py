from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField
from tandem.organizations.models import Sector

from .selectors import Filters

ISO_DATE = "%Y-%m-%d"


def _date_field(label: Any) -> forms.DateField:
    # ISO dates only, whatever the server's or the browser's locale: a date input sends
    # YYYY-MM-DD, and so must a hand-made link or a script.
    return DateField(
        label=label,
        required=False,
        input_formats=[ISO_DATE],
        widget=forms.DateInput(
            format=ISO_DATE,
            attrs={"type": "date", "pattern": r"\d{4}-\d{2}-\d{2}", "placeholder": "YYYY-MM-DD"},
        ),
        error_messages={"invalid": _("Enter a date as YYYY-MM-DD, e.g. 2026-09-01.")},
    )


class FiltersForm(forms.Form):
    """Dashboard filters (GET). Invalid filters are an error (HTTP 400 with the field's
    message), never silently dropped: numbers shown under a filter the reader did not get
    would mislead."""

    date_from = _date_field(_("From"))
    date_to = _date_field(_("To"))
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    program = forms.CharField(label=_("Program"), required=False, max_length=200)

    def __init__(self, *args: Any, programs: tuple[str, ...] | None = None, **kwargs: Any):
        """``programs``: the program filter's choices where the page offers it (institution
        dashboard); a program outside them is an error there, like an unknown sector."""
        super().__init__(*args, **kwargs)
        self.programs = programs

    def clean_program(self) -> str:
        program: str = self.cleaned_data.get("program", "")
        if program and self.programs is not None and program not in self.programs:
            raise forms.ValidationError(
                _("No student of this institution is in this program."), code="unknown_program"
            )
        return program

    @property
    def date_fields(self) -> list[forms.BoundField]:
        return [self["date_from"], self["date_to"]]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return data


def dashboard_filters(
    data: Mapping[str, Any] | None, *, kind: str, programs: tuple[str, ...]
) -> tuple[FiltersForm, Filters | None]:
    """The dashboard filters in ``data`` (a page's query string, an API call's parameters),
    or ``None`` with the form's errors when they are invalid. Only the institution dashboard
    offers a program filter: there its value must be one of ``programs``. Pages, exports and
    the API all go through here, so they accept and refuse the same filters."""
    form = FiltersForm(data or None, programs=programs if kind == "institution" else None)
    values: dict[str, Any] = {}
    if form.is_bound:
        if not form.is_valid():
            return form, None
        values = {k: v for k, v in form.cleaned_data.items() if v}
    return form, Filters(
        date_from=values.get("date_from"),
        date_to=values.get("date_to"),
        sector=values.get("sector", ""),
        program=values.get("program", ""),
    )
