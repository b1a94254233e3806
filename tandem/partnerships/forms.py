"""Forms for the partnership pages. They parse input; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import DateField, DateTimeField
from tandem.organizations.models import Membership, Organization, OrganizationKind, Role

from .models import (
    BoundMetric,
    CommitmentKind,
    CommunicationEntry,
    CommunicationKind,
    DocumentKind,
    Partnership,
    PartnershipStatus,
    PartnershipType,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class UserChoiceField(forms.ModelChoiceField):
    """Chooses a person by public id (no database ids in pages)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("to_field_name", "public_id")
        super().__init__(*args, **kwargs)

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>"


def people_of(partnership: Partnership) -> QuerySet[User]:
    """Active staff (not students) of the partnership's organizations: owners, contacts."""
    org_ids = list(partnership.institutions.values_list("pk", flat=True)) + list(
        partnership.partners.values_list("pk", flat=True)
    )
    user_ids = (
        Membership.objects.filter(organization_id__in=org_ids, is_active=True)
        .exclude(role=Role.STUDENT)
        .values("user_id")
    )
    return User.objects.filter(pk__in=user_ids, is_active=True).order_by("full_name")


def orgs_of(partnership: Partnership) -> QuerySet[Organization]:
    ids = list(partnership.institutions.values_list("pk", flat=True)) + list(
        partnership.partners.values_list("pk", flat=True)
    )
    return Organization.objects.filter(pk__in=ids).order_by("name")


class PartnershipFilterForm(forms.Form):
    q = forms.CharField(label=_("Search by title"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status")), *PartnershipStatus.choices],
    )
    type = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("Any type")), *PartnershipType.choices]
    )


class PartnershipForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    summary = forms.CharField(label=_("Summary"), required=False, widget=forms.Textarea)
    types = forms.MultipleChoiceField(
        label=_("Types"),
        choices=PartnershipType.choices,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Choose one or more."),
    )
    institutions = forms.ModelMultipleChoiceField(
        label=_("Institutions"),
        queryset=Organization.objects.filter(kind=OrganizationKind.INSTITUTION),
        to_field_name="public_id",
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Industry partners"),
        queryset=Organization.objects.filter(kind=OrganizationKind.PARTNER),
        to_field_name="public_id",
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
    )
    start_date = DateField(label=_("Start date"), required=False, widget=DATE)
    end_date = DateField(label=_("End date"), required=False, widget=DATE)
    next_review_date = DateField(label=_("Next review"), required=False, widget=DATE)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_date"), data.get("end_date")
        if start and end and end < start:
            self.add_error("end_date", _("The end date cannot be before the start date."))
        return data

    @classmethod
    def initial_for(cls, partnership: Partnership) -> dict[str, Any]:
        return {
            "title": partnership.title,
            "summary": partnership.summary,
            "types": partnership.types,
            "institutions": list(partnership.institutions.all()),
            "partners": list(partnership.partners.all()),
            "start_date": partnership.start_date,
            "end_date": partnership.end_date,
            "next_review_date": partnership.next_review_date,
        }


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(label=_("New status"), choices=PartnershipStatus.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


def _choices(form: forms.BaseForm, name: str) -> forms.ModelChoiceField[Any]:
    """The model-choice field ``name`` of ``form`` (whose choices a partnership narrows)."""
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    return field


class _PartnershipBoundForm(forms.Form):
    """A form whose choices depend on the partnership (its people or organizations)."""

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.partnership = partnership
        if "owner" in self.fields:
            _choices(self, "owner").queryset = people_of(partnership)
        if "organization" in self.fields:
            _choices(self, "organization").queryset = orgs_of(partnership)


class ObjectiveForm(_PartnershipBoundForm):
    title = forms.CharField(label=_("Objective"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)


class KPIForm(_PartnershipBoundForm):
    name = forms.CharField(label=_("KPI"), max_length=200)
    unit = forms.CharField(label=_("Unit"), max_length=40, required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=16, decimal_places=4)
    target = forms.DecimalField(
        label=_("Target"),
        help_text=_("Lower than the baseline when the aim is a reduction."),
        max_digits=16,
        decimal_places=4,
    )
    start_date = DateField(
        label=_("Start date"), required=False, widget=DATE, help_text=_("Defaults to today.")
    )
    due_date = DateField(label=_("Due date"), widget=DATE)
    metric = forms.ChoiceField(
        label=_("Measured by"), choices=BoundMetric.choices, initial=BoundMetric.MANUAL
    )
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)


class MeasurementForm(forms.Form):
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=4)
    measured_at = DateTimeField(
        label=_("Measured at"), required=False, widget=DATETIME, help_text=_("Defaults to now.")
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class CommitmentForm(_PartnershipBoundForm):
    organization = forms.ModelChoiceField(
        label=_("Committed by"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=CommitmentKind.choices)
    description = forms.CharField(label=_("Description"), max_length=300)
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        max_digits=14,
        decimal_places=2,
        min_value=0,
        help_text=_("For funding."),
    )
    currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        help_text=_("ISO 4217 code, such as GBP or EUR (for funding)."),
    )
    quantity = forms.DecimalField(
        label=_("Quantity"),
        required=False,
        max_digits=12,
        decimal_places=2,
        min_value=0,
        help_text=_("Hours, items or places (for everything but funding)."),
    )
    due_date = DateField(label=_("Due date"), required=False, widget=DATE)


class DeliveryForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount delivered"), required=False, max_digits=14, decimal_places=2
    )
    quantity = forms.DecimalField(
        label=_("Quantity delivered"), required=False, max_digits=12, decimal_places=2
    )
    delivered_on = DateField(label=_("Delivered on"), required=False, widget=DATE)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class ContactForm(_PartnershipBoundForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    user = UserChoiceField(
        label=_("Tandem user"),
        queryset=User.objects.none(),
        required=False,
        help_text=_("Or enter a name and e-mail address below."),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail address"), required=False)
    role_title = forms.CharField(label=_("Role or title"), max_length=120, required=False)
    is_primary = forms.BooleanField(label=_("Primary contact"), required=False)

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, partnership=partnership, **kwargs)
        _choices(self, "user").queryset = people_of(partnership)


class CommunicationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CommunicationKind.choices)
    date = DateField(label=_("Date"), widget=DATE, required=False)
    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ActionItemForm(_PartnershipBoundForm):
    description = forms.CharField(label=_("Action"), max_length=300)
    owner = UserChoiceField(label=_("Owner"), queryset=User.objects.none(), required=False)
    due_date = DateField(label=_("Due date"), required=False, widget=DATE)
    entry = forms.ModelChoiceField(
        label=_("From entry"),
        queryset=CommunicationEntry.objects.none(),
        required=False,
        to_field_name="public_id",
    )

    def __init__(self, *args: Any, partnership: Partnership, **kwargs: Any) -> None:
        super().__init__(*args, partnership=partnership, **kwargs)
        _choices(self, "entry").queryset = partnership.communications.all()


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=DocumentKind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    file = forms.FileField(
        label=_("File"),
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".pdf,.docx,.odt,application/pdf,"
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document,"
                "application/vnd.oasis.opendocument.text"
            }
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].help_text = _(
            "PDF, Word (DOCX) or OpenDocument (ODT), at most %(mb)d MB."
        ) % {"mb": max(1, settings.UPLOAD_MAX_BYTES // (1024 * 1024))}
