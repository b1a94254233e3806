from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.organizations.models import Sector


class FiltersForm(forms.Form):
    """Dashboard filters (GET). Invalid input is ignored field by field."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=[("", _("All sectors")), *Sector.choices]
    )
    program = forms.CharField(label=_("Program"), required=False, max_length=200)
