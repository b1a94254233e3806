"""The form renderer writes its widget templates in Python: the HTML must be exactly what
Django's templates produce, for every widget and case it takes over."""

from __future__ import annotations

import datetime

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy, override

from tandem.core.forms_renderer import FastWidgetRenderer
from tandem.opportunities.forms import OpportunityFilterForm


class EveryWidget(forms.Form):
    text = forms.CharField(label="Text", max_length=10, required=False)
    search = forms.CharField(widget=forms.TextInput(attrs={"type": "search", "placeholder": "<q>"}))
    number = forms.IntegerField(min_value=-5, max_value=12345)
    decimal = forms.DecimalField(max_digits=6, decimal_places=2, required=False)
    email = forms.EmailField(disabled=True)
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    when = forms.DateTimeField()
    time = forms.TimeField()
    agree = forms.BooleanField(required=False)
    flag = forms.BooleanField(widget=forms.CheckboxInput(attrs={"data-x": True, "data-y": False}))
    choice = forms.ChoiceField(
        choices=[("", "Any"), ("a&b", "A & B"), ("c", gettext_lazy("Status")), (3, 3)]
    )
    grouped = forms.ChoiceField(
        choices=[("", "—"), ("Group <1>", [("x", "X"), ("y", mark_safe("<b>Y</b>"))]), ("z", "Z")]
    )
    many = forms.MultipleChoiceField(choices=[("1", "One"), ("2", "Two"), ("3", "Three")])
    tuple_attr = forms.CharField(widget=forms.TextInput(attrs={"data-t": ("a", "b")}))
    safe_attr = forms.CharField(widget=forms.TextInput(attrs={"title": mark_safe("<i>ok</i>")}))


BOUND = {
    "text": 'quote " & <tag>',
    "search": "python",
    "number": "12",
    "decimal": "1.5",
    "email": "a@example.org",
    "url": "https://example.org/?a=1&b=2",
    "password": "s3cret<",
    "hidden": "h'1",
    "date": "2026-12-07",
    "when": "2026-12-07 10:00",
    "time": "10:30",
    "flag": "on",
    "choice": "a&b",
    "grouped": "y",
    "many": ["1", "3"],
    "tuple_attr": "t",
    "safe_attr": "s",
}


def _render_all(form: forms.Form, renderer: object) -> list[str]:
    form.renderer = renderer
    return [str(field) for field in form]


@pytest.mark.parametrize("data", [None, BOUND, {"number": "x", "choice": "nope"}])
@pytest.mark.parametrize("language", ["en", "fr"])
def test_fast_renderer_writes_what_djangos_templates_write(data, language):
    with override(language):
        django_html = _render_all(EveryWidget(data), DjangoTemplates())
        fast_html = _render_all(EveryWidget(data), FastWidgetRenderer())
    assert fast_html == django_html
    assert any("<select" in html for html in fast_html)


def test_filter_form_with_initial_values_is_the_same_html():
    data = {"q": "<script>", "type": "internship", "status": "published"}
    assert _render_all(OpportunityFilterForm(data), FastWidgetRenderer()) == _render_all(
        OpportunityFilterForm(data), DjangoTemplates()
    )


def test_the_project_uses_the_fast_renderer():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FastWidgetRenderer)
    html = str(OpportunityFilterForm({"q": "a&b"})["q"])
    assert 'value="a&amp;b"' in html


def test_dates_keep_their_format():
    form = EveryWidget(initial={"date": datetime.date(2026, 1, 2), "when": None})
    assert (
        str(form["date"])
        == _render_all(EveryWidget(initial={"date": datetime.date(2026, 1, 2)}), DjangoTemplates())[
            list(EveryWidget.base_fields).index("date")
        ]
    )
