"""Form helpers shared by every app's views."""

from __future__ import annotations

from django import forms

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
