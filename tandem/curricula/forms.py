"""Forms of the curriculum pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField, DateInput, limit_choices
from tandem.organizations.models import Organization

from .models import MAX_NOTE_LENGTH, MAX_OUTCOME_LENGTH, MappingStatus


class ProgramForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.none()
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if institutions is None:
            del self.fields["institution"]
        else:
            limit_choices(self, "institution", institutions)


class CourseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    code = forms.CharField(label=_("Code"), max_length=40, required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class OutcomeForm(forms.Form):
    text = forms.CharField(
        label=_("Learning outcome"),
        max_length=MAX_OUTCOME_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("For example: “Students can clean and analyse data in Python.”"),
    )


class DecisionForm(forms.Form):
    status = forms.ChoiceField(
        choices=[(MappingStatus.CONFIRMED, _("Confirm")), (MappingStatus.REJECTED, _("Reject"))]
    )


class SkillSearchForm(forms.Form):
    q = forms.CharField(label=_("Search ESCO skills"), max_length=100, required=False)


class AddSkillForm(forms.Form):
    concept = forms.UUIDField(label=_("ESCO concept"))


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Comment"), max_length=MAX_NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2})
    )


class ProposeSkillForm(forms.Form):
    concept = forms.UUIDField(label=_("ESCO concept"))
    note = forms.CharField(label=_("Why"), max_length=MAX_NOTE_LENGTH, required=False)


class EndorseForm(forms.Form):
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=MAX_NOTE_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", _("Accept")), ("decline", _("Decline"))])


class GapFilterForm(forms.Form):
    source = forms.ChoiceField(
        label=_("Demand from"),
        required=False,
        choices=[
            ("all", _("Imported postings and platform opportunities")),
            ("imports", _("Imported postings only")),
            ("opportunities", _("Platform opportunities only")),
        ],
    )
    sector = forms.CharField(label=_("Sector"), max_length=100, required=False)
    region = forms.CharField(label=_("Region"), max_length=100, required=False)
    occupation = forms.CharField(label=_("Occupation"), max_length=200, required=False)
    date_from = DateField(label=_("From"), required=False, widget=DateInput())
    date_to = DateField(label=_("To"), required=False, widget=DateInput())
    level = forms.TypedChoiceField(
        label=_("Roll up at ESCO level"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=[(0, "0"), (1, "1"), (2, "2"), (3, "3")],
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", _("The end comes before the start."))
        return data


class ImportForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.none()
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_(
            "CSV with columns title, description, date, sector, region (occupation optional), "
            "or schema.org JobPosting JSON-LD (.json, .jsonld). At most 20 MB."
        ),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)


JOB_SCOPES = [
    ("outcomes", _("All learning outcomes of the institution")),
    ("opportunities", _("All platform opportunities (demand for the gap analysis)")),
    ("import", _("An import of job postings, again")),
]


class ExtractionJobForm(forms.Form):
    """Start a batch skill extraction. The curriculum, gap and import pages post the
    program or import they show; the jobs page offers the institution-wide scopes."""

    scope = forms.ChoiceField(label=_("Extract the skills of"), choices=JOB_SCOPES)
    institution = forms.ModelChoiceField(
        label=_("Institution"),
        queryset=Organization.objects.none(),
        required=False,
        to_field_name="public_id",
    )
    program = forms.UUIDField(required=False, widget=forms.HiddenInput)
    posting_import = forms.UUIDField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)
        # The form shown on the jobs page names no import: offering "an import, again" there
        # could only fail. An import page posts that scope with its import (still valid).
        self.fields["scope"].widget.choices = [c for c in JOB_SCOPES if c[0] != "import"]
