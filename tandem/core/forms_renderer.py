"""The form renderer (``FORM_RENDERER``): Django's, with its commonest widget templates
written in Python.

Django renders every widget through the template engine: an ``<input>`` is three templates
(``text.html`` → ``input.html`` → ``attrs.html``), a ``<select>`` one more per option. On the
list pages, whose filter forms have four selects, that was a fifth of the page's CPU time. The
templates below are rendered here to the very same HTML (tests/test_core_forms_renderer.py
compares the two for every case); any other template, and any project override of these
(there is none), goes to Django's renderer as before.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.forms.renderers import DjangoTemplates
from django.utils.formats import localize
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeData, mark_safe

_WIDGETS = "django/forms/widgets/"
#: Widget templates that are ``{% include "django/forms/widgets/input.html" %}`` and nothing else.
_INPUT_TEMPLATES = {
    f"{_WIDGETS}{name}.html"
    for name in (
        "input",
        "text",
        "search",
        "number",
        "email",
        "url",
        "password",
        "hidden",
        "date",
        "datetime",
        "time",
        "tel",
        "color",
        "checkbox",
    )
}


def _text(value: Any) -> str:
    """What ``{{ value }}`` prints (localized, then escaped unless safe)."""
    return str(conditional_escape(localize(value)))


def _formatted(value: Any) -> str:
    """What ``{{ value|stringformat:'s' }}`` prints (the filter keeps a safe value safe)."""
    text = "%s" % (str(value) if isinstance(value, tuple) else value)
    return text if isinstance(value, SafeData) else str(escape(text))


def _attrs(attrs: dict[str, Any]) -> str:
    """``django/forms/widgets/attrs.html``."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_text(name)}" if value is True else f' {_text(name)}="{_formatted(value)}"')
    return "".join(out)


def _input(widget: dict[str, Any]) -> str:
    """``django/forms/widgets/input.html``."""
    value = "" if widget["value"] is None else f' value="{_formatted(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _option(option: dict[str, Any]) -> str:
    """``django/forms/widgets/select_option.html``."""
    return (
        f'<option value="{_formatted(option["value"])}"{_attrs(option["attrs"])}>'
        f"{_text(option['label'])}</option>"
    )


def _select(widget: dict[str, Any]) -> str | None:
    """``django/forms/widgets/select.html``; None when an option has another template."""
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in group_choices:
            if option["template_name"] != f"{_WIDGETS}select_option.html":
                return None
            parts.append(f"\n  {_option(option)}\n")  # the included template ends with one
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


_IN_PYTHON: dict[str, Callable[[dict[str, Any]], str | None]] = {
    **dict.fromkeys(_INPUT_TEMPLATES, _input),
    f"{_WIDGETS}select.html": _select,
    f"{_WIDGETS}select_option.html": _option,
}


class FastWidgetRenderer(DjangoTemplates):
    """Django's default renderer, with the widget templates above rendered in Python."""

    def render(self, template_name: str, context: dict[str, Any], request: Any = None) -> str:
        write = _IN_PYTHON.get(template_name)
        widget = context.get("widget") if write is not None else None
        if write is not None and isinstance(widget, dict):
            html = write(widget)
            if html is not None:
                return mark_safe(html)  # noqa: S308 — every value above is escaped
        return super().render(template_name, context, request)
