"""Forms of the learning agreement pages (shape only; the rules are in the services)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.opportunities.models import OpportunityType

from .models import AgreementSection, AgreementTemplate, SignerRole

MAX_SIGNERS = len(SignerRole.values)
OBJECTIVE_ROWS = 5


class TemplateForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    opportunity_type = forms.ChoiceField(
        label=_("Only for this placement type"),
        choices=[("", _("Any type")), *OpportunityType.choices],
        required=False,
    )
    sections = forms.MultipleChoiceField(
        label=_("Sections"),
        choices=AgreementSection.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    insurance_text = forms.CharField(
        label=_("Insurance"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    stipend_text = forms.CharField(
        label=_("Stipend"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    minors_text = forms.CharField(
        label=_("Minors' terms"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    clauses = forms.CharField(
        label=_("Other clauses"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    required_before_start = forms.BooleanField(
        label=_("The placement cannot start before the agreement is fully signed"),
        required=False,
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, MAX_SIGNERS + 1):
            self.fields[f"signer_{i}"] = forms.ChoiceField(
                label=_("Signer %(n)d") % {"n": i},
                choices=[("", _("(nobody)")), *SignerRole.choices],
                required=i == 1,
            )

    def signing_order(self) -> list[str]:
        return [
            self.cleaned_data[f"signer_{i}"]
            for i in range(1, MAX_SIGNERS + 1)
            if self.cleaned_data.get(f"signer_{i}")
        ]

    @staticmethod
    def initial_for(template: AgreementTemplate | None) -> dict[str, Any]:
        if template is None:
            order = [
                SignerRole.STUDENT,
                SignerRole.SUPERVISOR,
                SignerRole.EDUCATOR,
                SignerRole.COORDINATOR,
            ]
            initial: dict[str, Any] = {
                "sections": list(AgreementSection.values),
                "is_active": True,
            }
        else:
            order = list(template.signing_order)
            initial = {
                "name": template.name,
                "opportunity_type": template.opportunity_type,
                "sections": template.sections,
                "insurance_text": template.insurance_text,
                "stipend_text": template.stipend_text,
                "minors_text": template.minors_text,
                "clauses": template.clauses,
                "required_before_start": template.required_before_start,
                "is_active": template.is_active,
            }
        for i, role in enumerate(order, start=1):
            initial[f"signer_{i}"] = str(role)
        return initial


class AgreementForm(forms.Form):
    """A draft's editable terms and up to five objectives, each optionally linked to a
    program outcome and ESCO skills."""

    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    required_hours = forms.DecimalField(
        label=_("Required hours"), required=False, max_digits=7, decimal_places=2
    )
    hours_per_week = forms.DecimalField(
        label=_("Hours a week"), required=False, max_digits=5, decimal_places=2
    )
    site = forms.CharField(label=_("Site"), required=False, max_length=5000)
    supervisor = forms.CharField(label=_("Supervisor"), required=False, max_length=5000)
    insurance = forms.CharField(
        label=_("Insurance"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    stipend = forms.CharField(
        label=_("Stipend"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    minors = forms.CharField(
        label=_("Minors' terms"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    clauses = forms.CharField(
        label=_("Other clauses"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(
        self,
        *args: Any,
        outcomes: list[tuple[str, str]] | None = None,
        skills: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        for i in range(1, OBJECTIVE_ROWS + 1):
            self.fields[f"objective_{i}"] = forms.CharField(
                label=_("Objective %(n)d") % {"n": i}, required=False, max_length=1000
            )
            self.fields[f"objective_{i}_outcome"] = forms.ChoiceField(
                label=_("Objective %(n)d: program outcome") % {"n": i},
                choices=[("", _("(none)")), *(outcomes or [])],
                required=False,
            )
            self.fields[f"objective_{i}_skills"] = forms.MultipleChoiceField(
                label=_("Objective %(n)d: ESCO skills") % {"n": i},
                choices=skills or [],
                required=False,
            )

    @staticmethod
    def initial_for(content: dict[str, Any]) -> dict[str, Any]:
        initial = {
            k: content.get(k)
            for k in (
                "start_date",
                "end_date",
                "required_hours",
                "hours_per_week",
                "site",
                "supervisor",
                "insurance",
                "stipend",
                "minors",
                "clauses",
            )
        }
        for i, o in enumerate(content.get("objectives") or [], start=1):
            if i > OBJECTIVE_ROWS:
                break
            initial[f"objective_{i}"] = o.get("text", "")
            initial[f"objective_{i}_outcome"] = (o.get("outcome") or {}).get("id", "")
            initial[f"objective_{i}_skills"] = [s["uri"] for s in o.get("skills") or []]
        return initial


class SignForm(forms.Form):
    """What the signer read: the step and the content's hash (checked by the service when
    given)."""

    step = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    content_hash = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you decline?"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
