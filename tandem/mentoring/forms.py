"""Forms of the pair workspace and the program health page. Times are typed in the
viewer's local time zone and stored in UTC."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import DateField, DateTimeField

from .models import SESSION_MAX_MINUTES, SESSION_MIN_MINUTES, GoalStatus


class GoalForm(forms.Form):
    title = forms.CharField(label=_("Goal"), max_length=200)
    target_date = DateField(label=_("Target date"), required=False)
    progress = forms.IntegerField(
        label=_("Progress (%)"), min_value=0, max_value=100, initial=0, required=False
    )


class GoalUpdateForm(forms.Form):
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("Status"), choices=GoalStatus.choices)


def _minutes(initial: int = 60) -> forms.IntegerField:
    return forms.IntegerField(
        label=_("Length (minutes)"),
        min_value=SESSION_MIN_MINUTES,
        max_value=SESSION_MAX_MINUTES,
        initial=initial,
    )


class SessionLogForm(forms.Form):
    starts_at = DateTimeField(label=_("Date and time"))
    minutes = _minutes()
    topics = forms.CharField(label=_("Topics"), max_length=500, required=False)
    notes = forms.CharField(
        label=_("Notes"),
        max_length=10000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Private to the two of you unless you share the session."),
    )
    shared_with_coordinator = forms.BooleanField(
        label=_("Share this session's notes with the coordinator"), required=False
    )


class ScheduleForm(forms.Form):
    starts_at = DateTimeField(label=_("Date and time"))
    minutes = _minutes()
    place = forms.CharField(label=_("Place"), max_length=300, required=False)
    video_link = forms.URLField(
        label=_("Video link"), max_length=500, required=False, assume_scheme="https"
    )
    topics = forms.CharField(label=_("Topics"), max_length=500, required=False)


class RescheduleForm(forms.Form):
    starts_at = DateTimeField(label=_("New date and time"))
    minutes = _minutes()


class RematchForm(forms.Form):
    reason = forms.CharField(
        label=_("Why would you like a rematch?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the coordinators read this, not your mentor or mentee."),
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label=_("Why does the pair end?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both members see this."),
    )


class ReflectionForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("How was the mentoring overall?"),
        coerce=int,
        choices=[(i, str(i)) for i in range(5, 0, -1)],
        help_text=_("5 is the best. The coordinator sees ratings only for ten people or more."),
    )
    went_well = forms.CharField(
        label=_("What went well?"),
        max_length=5000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class SettingsForm(forms.Form):
    quiet_days = forms.IntegerField(
        label=_("Days without a session before a pair counts as quiet"),
        min_value=3,
        max_value=365,
    )
    checkin_weeks = forms.IntegerField(
        label=_("Weeks between check-in surveys"),
        help_text=_(
            "Each mentor and mentee is sent the check-in survey this often after the pairs "
            "are published; 0 sends none."
        ),
        min_value=0,
        max_value=26,
    )
