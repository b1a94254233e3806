from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


class TaxonomySearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search skills and knowledge"),
        required=False,
        max_length=200,
        help_text=_("Matches preferred and alternative labels."),
    )
    group = forms.CharField(required=False, max_length=20, widget=forms.HiddenInput)
