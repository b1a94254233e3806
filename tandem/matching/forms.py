"""Forms for match rounds and mentor programs (labels and help through gettext)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateTimeField, limit_choices
from tandem.opportunities.models import Opportunity
from tandem.organizations.models import Organization

from .models import Proposing

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class RoundForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Institution"), to_field_name="public_id"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    opportunities = forms.ModelMultipleChoiceField(
        queryset=Opportunity.objects.none(),
        label=_("Opportunities"),
        to_field_name="public_id",
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Published opportunities approved for your institution."),
    )
    student_deadline = DateTimeField(label=_("Students rank until"), widget=DATETIME)
    partner_deadline = DateTimeField(
        label=_("Partners rank until"),
        widget=DATETIME,
        help_text=_("The same as or later than the students’ deadline."),
    )
    seed = forms.IntegerField(
        label=_("Lottery seed"),
        min_value=0,
        max_value=2**31 - 1,
        initial=0,
        help_text=_("Breaks ties in hosts’ rankings reproducibly."),
    )
    proposing = forms.ChoiceField(
        label=_("Proposing side"), choices=Proposing.choices, initial=Proposing.STUDENTS
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Organization],
        opportunities: QuerySet[Opportunity],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)
        self.fields["opportunities"].queryset = opportunities  # type: ignore[attr-defined]
        self.fields["opportunities"].label_from_instance = (  # type: ignore[attr-defined]
            lambda o: f"{o.title} — {o.host.name} ({o.seats})"
        )


class RankActionForm(forms.Form):
    """One change to a student's list: add, remove, move up or down one opportunity."""

    action = forms.ChoiceField(
        choices=[("add", "add"), ("remove", "remove"), ("up", "up"), ("down", "down")]
    )
    opportunity = forms.UUIDField()


class ProgramForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Institution"), to_field_name="public_id"
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, institutions: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


def _split(value: str) -> list[str]:
    return [v.strip() for v in (value or "").replace("\n", ",").split(",") if v.strip()]


class ProfileForm(forms.Form):
    """A mentor's or mentee's profile; lists are comma-separated."""

    skills = forms.CharField(
        label=_("Skills"), required=False, help_text=_("Separate with commas.")
    )
    interests = forms.CharField(
        label=_("Interests"), required=False, help_text=_("Separate with commas.")
    )
    goals = forms.CharField(label=_("Goals"), required=False, help_text=_("Separate with commas."))
    availability = forms.CharField(
        label=_("Weekly availability"),
        required=False,
        help_text=_("Slots such as tue-evening, sat-morning (mon…sun, morning/afternoon/evening)."),
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Separate with commas.")
    )

    def profile_data(self) -> dict[str, list[str]]:
        return {k: _split(self.cleaned_data.get(k, "")) for k in self.fields if k != "capacity"}


class MentorProfileForm(ProfileForm):
    capacity = forms.IntegerField(label=_("Mentees at most"), min_value=1, max_value=20)


class AddParticipantForm(forms.Form):
    """A coordinator adds a mentor (mentor membership) or a mentee (student membership)."""

    kind = forms.ChoiceField(choices=[("mentor", _("Mentor")), ("mentee", _("Mentee"))])
    membership = forms.UUIDField(label=_("Membership"))
    capacity = forms.IntegerField(
        label=_("Mentees at most"), min_value=1, max_value=20, required=False
    )
