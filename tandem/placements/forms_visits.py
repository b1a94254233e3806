"""Forms of the site-visit, incident, minors and due-diligence pages (shape only; the rules
are in the services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    DiligenceKind,
    IncidentKind,
    IncidentSeverity,
    IncidentStatus,
    VisitMode,
    VisitOutcome,
    VisitStatus,
)


class VisitForm(forms.Form):
    mode = forms.ChoiceField(label=_("Kind of visit"), choices=VisitMode.choices)
    scheduled_at = forms.DateTimeField(
        label=_("Date and time (local time of the visit)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    time_zone = forms.CharField(
        label=_("Time zone"),
        max_length=64,
        help_text=_("For example Europe/Paris or America/New_York."),
    )
    location = forms.CharField(label=_("Location (in person)"), max_length=300, required=False)
    link = forms.CharField(label=_("Meeting link (virtual)"), max_length=500, required=False)


class VisitRecordForm(forms.Form):
    status = forms.ChoiceField(
        label=_("The visit was"),
        choices=[
            (VisitStatus.COMPLETED, VisitStatus.COMPLETED.label),
            (VisitStatus.CANCELLED, VisitStatus.CANCELLED.label),
        ],
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=[("", "—"), *VisitOutcome.choices], required=False
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea, required=False, max_length=5000
    )
    notes_shared = forms.BooleanField(
        label=_("Share the notes with the student and the host supervisor"), required=False
    )


class IncidentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of incident"), choices=IncidentKind.choices)
    severity = forms.ChoiceField(label=_("Severity"), choices=IncidentSeverity.choices)
    occurred_at = forms.DateTimeField(
        label=_("When it happened"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
    )
    description = forms.CharField(label=_("What happened"), widget=forms.Textarea, max_length=5000)
    about_supervisor = forms.BooleanField(
        label=_("The report is about the workplace supervisor (they will not be told)"),
        required=False,
    )
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)


class IncidentStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("New status"),
        choices=[
            (IncidentStatus.UNDER_REVIEW, IncidentStatus.UNDER_REVIEW.label),
            (IncidentStatus.CLOSED, IncidentStatus.CLOSED.label),
        ],
    )
    resolution = forms.CharField(
        label=_("Resolution (when closing)"), widget=forms.Textarea, required=False, max_length=5000
    )


class MinorsRulesForm(forms.Form):
    max_hours_per_day = forms.DecimalField(
        label=_("Most hours a day for students under 18"),
        required=False,
        max_digits=4,
        decimal_places=2,
    )
    max_hours_per_week = forms.DecimalField(
        label=_("Most hours a week (Monday to Sunday) for students under 18"),
        required=False,
        max_digits=5,
        decimal_places=2,
    )


class BirthDateForm(forms.Form):
    email = forms.EmailField(label=_("Student's e-mail address"))
    date_of_birth = forms.DateField(
        label=_("Date of birth"), widget=forms.DateInput(attrs={"type": "date"})
    )


class DiligenceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Item"), choices=DiligenceKind.choices)
    evidence = forms.FileField(label=_("Document"))
    expires_on = forms.DateField(
        label=_("Expires on (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
