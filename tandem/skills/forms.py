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


class TryExtractorForm(forms.Form):
    """The "Try the skill extractor" page (limits as the API's: services.on_demand)."""

    text = forms.CharField(
        label=_("Text"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("A job ad, a course outcome, a CV paragraph: at most 20,000 characters."),
    )
    MODE_CHOICES = (
        ("lexical", _("Lexical: ESCO labels the text spells out (instant)")),
        ("combined", _("Combined: labels and meaning (may run in the background)")),
        ("semantic", _("Semantic: meaning only (may run in the background)")),
    )
    mode = forms.ChoiceField(label=_("Mode"), choices=MODE_CHOICES, initial="lexical")
    limit = forms.IntegerField(label=_("Skills to show"), min_value=1, max_value=50, initial=10)

    def __init__(self, *args: object, modes: tuple[str, ...] = ("lexical",), **kwargs: object):
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["mode"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [c for c in self.MODE_CHOICES if c[0] in modes]
