"""Forms for browsing organizations and deciding partner vetting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField, DateInput, ModelMultipleChoiceField

from .models import (
    InvitationStatus,
    Organization,
    OrganizationKind,
    OrganizationType,
    Role,
    Sector,
    VettingStatus,
)


def _with_blank(choices: Any, label: Any) -> list[Any]:
    return [("", label), *choices]


class OrganizationFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=_with_blank(OrganizationKind.choices, _("Any kind")),
    )
    type = forms.ChoiceField(
        label=_("Type"),
        required=False,
        choices=_with_blank(OrganizationType.choices, _("Any type")),
    )
    sector = forms.ChoiceField(
        label=_("Sector"), required=False, choices=_with_blank(Sector.choices, _("Any sector"))
    )


class VettingFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(VettingStatus.choices, _("Any status")),
    )
    q = forms.CharField(label=_("Search partners"), required=False, max_length=100)


class VettingDecisionForm(forms.Form):
    partner = forms.UUIDField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (VettingStatus.APPROVED, _("Approve")),
            (VettingStatus.REJECTED, _("Reject")),
            (VettingStatus.PENDING, _("Back to pending")),
        ],
    )
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MemberAddForm(forms.Form):
    """Invite a person by e-mail (they join when they accept)."""

    email = forms.EmailField(label=_("E-mail address"))
    role = forms.ChoiceField(label=_("Role"))
    title = forms.CharField(label=_("Job title"), required=False, max_length=120)
    program = forms.CharField(label=_("Program of study"), required=False, max_length=200)
    year_of_study = forms.IntegerField(
        label=_("Year of study"), required=False, min_value=1, max_value=10
    )

    def __init__(self, *args: Any, roles: list[tuple[str, Any]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles  # type: ignore[attr-defined]


class InvitationSignupForm(forms.Form):
    """Create an account from an invitation link (the e-mail address is the invited one)."""

    full_name = forms.CharField(
        label=_("Full name"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean_full_name(self) -> str:
        name: str = self.cleaned_data["full_name"].strip()
        if not name:
            raise forms.ValidationError(_("This field is required."), code="required")
        return name

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords differ."))
        elif first:
            try:
                password_validation.validate_password(first)
            except forms.ValidationError as exc:
                self.add_error("password1", exc)
        return data


class CompletionForm(forms.Form):
    """The day a student completed their program (empty clears it)."""

    completed_on = DateField(
        label=_("Program completed on"),
        required=False,
        widget=DateInput(),
        help_text=_("The graduate first-destination survey goes out 182 days later."),
    )


class CompletionImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: email, completed_on (YYYY-MM-DD). The first line holds the column names."
        ),
    )


class InvitationFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=_with_blank(InvitationStatus.choices, _("Any status")),
    )


class InvitationImportForm(forms.Form):
    """A CSV file of invitations; after the preview, its checked content comes back hidden
    (so that "Send" sends exactly what was previewed)."""

    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_(
            "Columns: email, role; optional: program, year_of_study, title. "
            "The first line holds the column names."
        ),
    )
    content = forms.CharField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        data: dict[str, Any] = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            data["bytes"] = upload.read()
        elif data.get("content"):
            data["bytes"] = data["content"].encode()
        else:
            self.add_error("file", _("Choose a CSV file."))
        return data


class MemberFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or e-mail"), required=False, max_length=100)
    role = forms.ChoiceField(
        label=_("Role"), required=False, choices=_with_blank(Role.choices, _("Any role"))
    )
    account = forms.ChoiceField(
        label=_("Account"),
        required=False,
        choices=[("", _("Any")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )


class PartnerSignupForm(InvitationSignupForm):
    """The public partner sign-up: the signer's account, the organization's profile and the
    institutions asked to vet it (the password fields come from ``InvitationSignupForm``)."""

    email = forms.EmailField(
        label=_("Work e-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    name = forms.CharField(label=_("Organization name"), max_length=200)
    sector = forms.ChoiceField(label=_("Sector"), choices=Sector.choices)
    website = forms.URLField(label=_("Website"), max_length=200, assume_scheme="https")
    sites = forms.CharField(
        label=_("Sites"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line: name, city."),
    )
    institutions = ModelMultipleChoiceField(
        label=_("Institutions to work with"),
        queryset=Organization.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["full_name", "email", "password1", "password2", "name", "sector", "website"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institutions"].queryset = Organization.objects.filter(  # type: ignore[attr-defined]
            kind="institution"
        ).order_by("name")
