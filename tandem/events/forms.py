"""Forms for events. Times are typed as the wall clock of the event's own time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField, DateTimeField, DateTimeInput
from tandem.organizations.models import Membership, Organization
from tandem.partnerships.models import Partnership

from .models import EventKind, EventMode

COMMON_ZONES = (
    "Europe/London",
    "Europe/Dublin",
    "Europe/Paris",
    "Europe/Berlin",
    "Europe/Madrid",
    "America/New_York",
    "America/Chicago",
    "America/Denver",
    "America/Los_Angeles",
    "America/Toronto",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Australia/Sydney",
    "UTC",
)


def _in_zone(value: dt.datetime | None, zone: str) -> dt.datetime | None:
    """The wall-clock time the user typed (parsed by Django in the current zone), placed in
    the event's own zone instead."""
    if value is None:
        return None
    naive = timezone.make_naive(value) if timezone.is_aware(value) else value
    return naive.replace(tzinfo=zoneinfo.ZoneInfo(zone))


class EventForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Organising institution"), queryset=Organization.objects.none()
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    mode = forms.ChoiceField(label=_("Mode"), choices=EventMode.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in COMMON_ZONES], initial="Europe/London"
    )
    starts_at = DateTimeField(label=_("Starts (local time)"), widget=DateTimeInput())
    ends_at = DateTimeField(label=_("Ends (local time)"), widget=DateTimeInput())
    location = forms.CharField(label=_("Location"), max_length=300, required=False)
    join_url = forms.URLField(
        label=_("Join link"), max_length=500, required=False, assume_scheme="https"
    )
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=100000)
    registration_closes_at = DateTimeField(
        label=_("Registration closes (local time)"), widget=DateTimeInput(), required=False
    )
    program = forms.CharField(
        label=_("Only for students of the program"),
        max_length=200,
        required=False,
        help_text=_("Leave empty to open the event to all the institution's students."),
    )
    partnership = forms.ModelChoiceField(
        label=_("Partnership"), queryset=Partnership.objects.none(), required=False
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Organization],
        partnerships: QuerySet[Partnership],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions
        if editing:
            del self.fields["institution"]
        elif institutions.count() == 1:
            field.initial = institutions.first()
        pfield = self.fields["partnership"]
        assert isinstance(pfield, forms.ModelChoiceField)
        pfield.queryset = partnerships

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        zone = data.get("time_zone") or "Europe/London"
        for key in ("starts_at", "ends_at", "registration_closes_at"):
            if key in data:
                data[key] = _in_zone(data[key], zone)
        return data


def initial_from(event: Any) -> dict[str, Any]:
    tz = event.tz

    def local(value: dt.datetime | None) -> dt.datetime | None:
        return (
            None
            if value is None
            else timezone.make_aware(
                value.astimezone(tz).replace(tzinfo=None), timezone.get_current_timezone()
            )
        )

    return {
        "kind": event.kind,
        "mode": event.mode,
        "title": event.title,
        "description": event.description,
        "time_zone": event.time_zone,
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "location": event.location,
        "join_url": event.join_url,
        "capacity": event.capacity,
        "registration_closes_at": local(event.registration_closes_at),
        "program": event.program,
        "partnership": event.partnership,
    }


def _speaker_label(membership: Membership) -> str:
    return f"{membership.user.full_name} — {membership.organization.name}"


class SpeakerAddForm(forms.Form):
    membership = forms.ModelChoiceField(label=_("Speaker"), queryset=Membership.objects.none())
    topic = forms.CharField(label=_("Topic"), max_length=200, required=False)

    def __init__(self, *args: Any, candidates: QuerySet[Membership], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["membership"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = candidates
        field.label_from_instance = _speaker_label  # type: ignore[method-assign,assignment]


class CheckInForm(forms.Form):
    token = forms.CharField(
        label=_("Check-in code"),
        max_length=500,
        help_text=_("Scan the attendee's QR code, or type the code shown under it."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autofocus": True}),
    )


class CancelEventForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (sent to everyone registered)"), max_length=500, required=False
    )


class SpeakerSearchForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.none()
    )
    topic = forms.CharField(label=_("Topic"), max_length=200)
    class_name = forms.CharField(label=_("Class"), max_length=200, required=False)
    preferred_date = DateField(label=_("Preferred date"), required=False)

    def __init__(self, *args: Any, institutions: QuerySet[Organization], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = institutions
        if institutions.count() == 1:
            field.initial = institutions.first()


class SpeakerRequestForm(SpeakerSearchForm):
    speaker = forms.UUIDField(widget=forms.HiddenInput)
    message = forms.CharField(label=_("Message"), widget=forms.Textarea, required=False)


class SpeakerAnswerForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Answer"), choices=[("accept", _("Accept")), ("decline", _("Decline"))]
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SpeakerProfileForm(forms.Form):
    topics = forms.CharField(
        label=_("Topics you can speak about"),
        max_length=500,
        required=False,
        help_text=_("A few words or phrases, separated by commas."),
    )
    skills = forms.CharField(
        label=_("ESCO skills (one per line)"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        help_text=_("Skill names as in the ESCO taxonomy, e.g. “Python (computer programming)”."),
    )
    available = forms.BooleanField(label=_("Open to speaking requests"), required=False)
