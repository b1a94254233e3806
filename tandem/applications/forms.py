"""Forms parse input; the services hold the rules and report errors back onto these fields."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.template.defaultfilters import filesizeformat
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from tandem.core.errors import DomainError
from tandem.core.forms import DateField
from tandem.organizations.models import Organization

from .models import HireOutcome, HireRecord, Stage
from .services import JOB_TITLE_MAX_CHARS, NOTE_MAX_CHARS, STATEMENT_MAX_CHARS


class ApplyForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Applying through"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="public_id",
        help_text=_("The institution where you study that shares this opportunity."),
    )
    statement = forms.CharField(
        label=_("Personal statement"),
        # Length and emptiness are checked by the service, so every client gets the same rules.
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "maxlength": STATEMENT_MAX_CHARS}),
        help_text=_("Why this opportunity, and what you would bring (20–5000 characters)."),
    )
    cv = forms.FileField(
        label=_("CV (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, institutions: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["cv"].help_text = _("A PDF document of at most %(limit)s.") % {
            "limit": filesizeformat(settings.UPLOAD_MAX_BYTES)
        }
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions
        if len(institutions) == 1:
            # Nothing to choose, but the student sees which institution they apply through.
            field.empty_label = None
        else:
            field.empty_label = _("Choose your institution")

    def add_domain_error(self, exc: DomainError) -> None:
        if not exc.fields:
            self.add_error(None, exc.message)
        for name, messages in exc.fields.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class MoveForm(forms.Form):
    to_stage = forms.ChoiceField(label=_("New stage"), choices=Stage.choices)
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class HireForm(forms.Form):
    """What became of a completed placement; the service checks dates and consistency."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=[("", _("Choose…")), *HireOutcome.choices],
    )
    start_date = DateField(
        label=_("Job start date"),
        required=False,
        # A date input takes YYYY-MM-DD whatever the language (the prefilled value too).
        widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}),
        help_text=_("Required when hired; not before the placement was completed."),
    )
    job_title = forms.CharField(
        label=_("Job title (optional)"), required=False, max_length=JOB_TITLE_MAX_CHARS
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example the source: the host, or the graduate first-destination survey."),
    )

    def __init__(self, *args: Any, current: HireRecord | None = None, **kwargs: Any) -> None:
        """``current``: the outcome recorded so far; correcting it starts from its outcome,
        start date and job title (the note is about each recording, so it starts empty)."""
        if current is not None:
            kwargs.setdefault(
                "initial",
                {
                    "outcome": current.outcome,
                    "start_date": current.start_date,
                    "job_title": current.job_title,
                },
            )
        super().__init__(*args, **kwargs)


class OpportunityCombobox(forms.TextInput):
    """A text input that suggests opportunities as you type (the ARIA combobox pattern):
    htmx asks ``applications:opportunity_search`` for at most a few matches, and
    ``tandem.js`` puts the chosen one's public id in the hidden field named by
    ``data-combobox``. Without JavaScript it is a plain text filter on the title."""

    template_name = "applications/widgets/opportunity_combobox.html"

    def __init__(self, *, value_field: str) -> None:
        super().__init__(
            attrs={
                "role": "combobox",
                "aria-autocomplete": "list",
                "aria-expanded": "false",
                "autocomplete": "off",
                "data-combobox": value_field,
                "hx-get": reverse_lazy("applications:opportunity_search"),
                "hx-trigger": "input changed delay:250ms",
                "hx-sync": "this:replace",
                "hx-swap": "innerHTML",
                "hx-push-url": "false",  # the list's filter form pushes its URL; this does not
            }
        )

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        listbox = f"{widget['attrs'].get('id') or name}_listbox"
        widget["listbox_id"] = listbox
        widget["attrs"]["aria-controls"] = listbox
        widget["attrs"]["hx-target"] = f"#{listbox}"
        return context


class FilterForm(forms.Form):
    """The list's filters. ``opportunity`` (a public id: links and the chosen suggestion)
    filters by one opportunity; ``opportunity_title`` by a part of the title."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    stage = forms.ChoiceField(
        label=_("Stage"), required=False, choices=[("", _("All stages")), *Stage.choices]
    )
    opportunity_title = forms.CharField(
        label=_("Opportunity"),
        required=False,
        max_length=100,
        widget=OpportunityCombobox(value_field="opportunity"),
        help_text=_("Type a part of its title, then choose a suggestion."),
    )
    opportunity = forms.UUIDField(required=False, widget=forms.HiddenInput)


class OpportunitySearchForm(forms.Form):
    """The text typed into the opportunity filter, for its suggestions."""

    opportunity_title = forms.CharField(required=False, max_length=100)
