"""Forms of the placements pages (validation of shape only; the rules are in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.opportunities.models import OpportunityType

from .models import ClearanceKind


class RequirementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=ClearanceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=200)
    opportunity_type = forms.ChoiceField(
        label=_("Only for this placement type"),
        choices=[("", _("Any type")), *OpportunityType.choices],
        required=False,
    )
    evidence_required = forms.BooleanField(label=_("Evidence must be uploaded"), required=False)
    validity_days = forms.IntegerField(
        label=_("Valid for (days after verification)"), required=False, min_value=1
    )
    host_may_verify = forms.BooleanField(label=_("Host staff may verify"), required=False)


class EvidenceForm(forms.Form):
    evidence = forms.FileField(label=_("Evidence file"))


class DecideForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("verify", _("Verify")), ("reject", _("Reject"))]
    )
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=_("Reason (when rejecting)"), required=False, max_length=1000)


class TermsForm(forms.Form):
    start_date = forms.DateField(
        label=_("Start date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label=_("End date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    required_hours = forms.DecimalField(
        label=_("Required hours"), required=False, max_digits=7, decimal_places=2
    )


class HoursForm(forms.Form):
    date = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    hours = forms.DecimalField(label=_("Hours"), max_digits=5, decimal_places=2)
    activity = forms.CharField(label=_("Activity"), max_length=500)


class HoursDecisionForm(forms.Form):
    entries = forms.MultipleChoiceField(label=_("Entries"), choices=[])
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("return", _("Return"))]
    )
    reason = forms.CharField(label=_("Reason (when returning)"), required=False, max_length=1000)

    def __init__(self, *args: object, entry_ids: list[str], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["entries"].choices = [(i, i) for i in entry_ids]  # type: ignore[attr-defined]


class BoardFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Show"),
        choices=[("", _("All placements")), ("blocked", _("Blocked")), ("clear", _("Clear"))],
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Blocked by"),
        choices=[("", _("Any clearance")), *ClearanceKind.choices],
        required=False,
    )
    q = forms.CharField(label=_("Student or placement"), required=False, max_length=100)


class ReportForm(forms.Form):
    program = forms.CharField(label=_("Program"), required=False, max_length=200)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", "CSV"), ("xlsx", _("Excel"))],
        required=False,
    )
