"""Forms for browsing, drafting, submitting and deciding on opportunities.

Forms parse and shape input; the rules live in ``services`` and come back as field errors.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import (
    DateField,
    DateInput,
    DateTimeField,
    DateTimeInput,
    ModelMultipleChoiceField,
)
from tandem.organizations.models import Organization, OrganizationKind, Sector, Site
from tandem.partnerships.models import Partnership

from .models import OpportunityStatus, OpportunityType, PayPeriod, WorkMode


def _with_blank(choices: Any, label: Any) -> list[Any]:
    return [("", label), *choices]


class OpportunityFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=_with_blank(OpportunityType.choices, _("Any"))
    )
    work_mode = forms.ChoiceField(
        label=_("Work mode"), required=False, choices=_with_blank(WorkMode.choices, _("Any"))
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_with_blank(Sector.choices, _("Any"))
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(OpportunityStatus.choices, _("Any")),
    )


class OpportunityForm(forms.Form):
    """Create and edit. ``hosts`` are the organizations the person may post for (create only)."""

    host = forms.ModelChoiceField(
        label=_("Host organization"), queryset=Organization.objects.none(), required=True
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    type = forms.ChoiceField(label=_("Type"), choices=OpportunityType.choices)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 6}))
    skills_wanted = forms.CharField(
        label=_("Skills wanted"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Skills and tools you hope students bring or will learn."),
    )
    location = forms.CharField(label=_("Location"), required=False, max_length=200)
    work_mode = forms.ChoiceField(label=_("Work mode"), choices=WorkMode.choices)
    site = forms.ModelChoiceField(label=_("Site"), queryset=Site.objects.none(), required=False)
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), required=False
    )
    start_date = DateField(label=_("Start date"), required=False, widget=DateInput())
    end_date = DateField(label=_("End date"), required=False, widget=DateInput())
    hours_per_week = forms.DecimalField(
        label=_("Hours per week"), required=False, max_digits=4, decimal_places=1
    )
    pay_amount = forms.DecimalField(
        label=_("Pay or stipend"), required=False, max_digits=10, decimal_places=2
    )
    pay_currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        initial="GBP",
        help_text=_("ISO 4217 code, such as GBP, EUR or USD."),
    )
    pay_period = forms.ChoiceField(
        label=_("Pay period"), required=False, choices=_with_blank(PayPeriod.choices, "—")
    )
    seats = forms.IntegerField(label=_("Seats"), initial=1)
    eligible_programs = forms.CharField(
        label=_("Eligible programs"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One program per line. Leave empty to welcome every program."),
    )
    min_year_of_study = forms.IntegerField(label=_("Lowest year of study"), required=False)
    max_year_of_study = forms.IntegerField(label=_("Highest year of study"), required=False)
    application_deadline = DateTimeField(
        label=_("Application deadline"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d"],
    )

    def __init__(
        self, *args: Any, hosts: list[Organization] | None = None, editing: Any = None, **kw: Any
    ) -> None:
        super().__init__(*args, **kw)
        if editing is not None:
            del self.fields["host"]
            host_ids = [editing.host_id]
        else:
            host_ids = [h.pk for h in hosts or []]
            self.fields["host"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
                pk__in=host_ids
            ).order_by("name")
            if len(host_ids) == 1:
                self.fields["host"].initial = host_ids[0]
        self.fields["site"].queryset = Site.objects.filter(  # type: ignore[attr-defined]
            organization_id__in=host_ids
        ).select_related("organization")
        self.fields["partnership"].queryset = (  # type: ignore[attr-defined]
            Partnership.objects.filter(Q(partners__in=host_ids) | Q(institutions__in=host_ids))
            .distinct()
            .order_by("title")
        )

    def service_fields(self) -> dict[str, Any]:
        """Cleaned data in the shape ``opportunity_create``/``opportunity_update`` take."""
        data = dict(self.cleaned_data)
        data.pop("host", None)
        data["eligible_programs"] = [
            line.strip() for line in (data.get("eligible_programs") or "").splitlines()
        ]
        data["pay_period"] = data.get("pay_period") or ""
        data["pay_currency"] = (data.get("pay_currency") or "").upper()
        return data


def initial_from(opportunity: Any) -> dict[str, Any]:
    data = {name: getattr(opportunity, name) for name in OpportunityForm.base_fields}
    data.pop("host", None)
    data["site"] = opportunity.site_id
    data["partnership"] = opportunity.partnership_id
    data["eligible_programs"] = "\n".join(opportunity.eligible_programs or [])
    return data


class SubmitForm(forms.Form):
    institutions = ModelMultipleChoiceField(
        label=_("Institutions"),
        queryset=Organization.objects.filter(kind=OrganizationKind.INSTITUTION).order_by("name"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Each institution's career office reviews the posting before students see it."),
        error_messages={"required": _("Choose at least one institution.")},
    )


class DecisionForm(forms.Form):
    institution = forms.UUIDField(widget=forms.HiddenInput)
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    application_deadline = DateTimeField(
        label=_("New application deadline"),
        required=False,
        widget=DateTimeInput(),
        help_text=_("Required to approve a posting whose deadline has passed."),
    )
