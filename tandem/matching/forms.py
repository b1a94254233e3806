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


# --- Mentor programs: settings, constraints, applications -----------------------------------
def _slot_choices() -> list[tuple[str, str]]:
    from .services import SLOTS

    days = {
        "mon": _("Mon"),
        "tue": _("Tue"),
        "wed": _("Wed"),
        "thu": _("Thu"),
        "fri": _("Fri"),
        "sat": _("Sat"),
        "sun": _("Sun"),
    }
    parts = {"morning": _("morning"), "afternoon": _("afternoon"), "evening": _("evening")}
    out = []
    for slot in SLOTS:
        day, _sep, part = slot.partition("-")
        out.append((slot, f"{days[day]} {parts[part]}"))
    return out


class ProgramSettingsForm(forms.Form):
    """Goals, eligibility, application window and default capacity of a program."""

    goals = forms.CharField(
        label=_("Goals of the program"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    mentee_programmes = forms.CharField(
        label=_("Students of these programmes"),
        required=False,
        help_text=_("Separate with commas; leave empty for every programme."),
    )
    mentee_min_year = forms.IntegerField(
        label=_("From year of study"), required=False, min_value=1, max_value=12
    )
    mentee_max_year = forms.IntegerField(
        label=_("To year of study"), required=False, min_value=1, max_value=12
    )
    mentor_source = forms.ChoiceField(
        label=_("Who may apply as a mentor"), choices=(), required=False
    )
    opens_at = forms.DateTimeField(
        label=_("Applications open"),
        required=False,
        widget=DATETIME,
        help_text=_("Leave empty to accept applications at once."),
    )
    closes_at = forms.DateTimeField(
        label=_("Applications close"),
        required=False,
        widget=DATETIME,
    )
    default_capacity = forms.IntegerField(
        label=_("Mentees per mentor by default"),
        min_value=1,
        max_value=20,
        initial=2,
        required=False,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from .models import MentorSource

        self.fields["mentor_source"].choices = MentorSource.choices  # type: ignore[attr-defined]
        self.fields["mentor_source"].initial = MentorSource.PARTNERS

    def settings_data(self) -> dict[str, Any]:
        d = dict(self.cleaned_data)
        d["mentee_programmes"] = _split(d.get("mentee_programmes", ""))
        # left empty: the program keeps (or starts with) its default
        for key in ("mentor_source", "default_capacity"):
            if d.get(key) in (None, ""):
                d.pop(key, None)
        return {k: d[k] for k in ProgramSettingsForm.base_fields if k in d}


class ProgramCreateForm(ProgramForm, ProgramSettingsForm):
    """Start a program: institution, title, description, settings, and draft or open."""

    draft = forms.BooleanField(
        label=_("Save as a draft (open it for applications later)"), required=False
    )

    def __init__(self, *args: Any, institutions: QuerySet[Organization], **kwargs: Any) -> None:
        ProgramForm.__init__(self, *args, institutions=institutions, **kwargs)
        from .models import MentorSource

        self.fields["mentor_source"].choices = MentorSource.choices  # type: ignore[attr-defined]


class RunForm(forms.Form):
    """The matching constraints and weights the coordinator sets before computing pairs."""

    require_shared_language = forms.BooleanField(
        label=_("At least one shared language"), required=False
    )
    min_shared_slots = forms.IntegerField(
        label=_("Overlapping weekly slots at least"), min_value=0, max_value=21
    )
    require_same_institution = forms.BooleanField(
        label=_("Mentors from an institution mentor only its own students"), required=False
    )
    weight_skills = forms.IntegerField(label=_("Weight: skills"), min_value=0, max_value=100)
    weight_interests = forms.IntegerField(label=_("Weight: interests"), min_value=0, max_value=100)
    weight_goals = forms.IntegerField(label=_("Weight: goals"), min_value=0, max_value=100)
    weight_availability = forms.IntegerField(
        label=_("Weight: availability"), min_value=0, max_value=100
    )
    weight_language = forms.IntegerField(label=_("Weight: language"), min_value=0, max_value=100)

    WEIGHT_KEYS = ("skills", "interests", "goals", "availability", "language")

    @classmethod
    def initial_for(cls, program: Any) -> dict[str, Any]:
        from .services import normalized_weights

        weights = normalized_weights(program.weights)
        return {
            "require_shared_language": program.require_shared_language,
            "min_shared_slots": program.min_shared_slots,
            "require_same_institution": program.require_same_institution,
            **{f"weight_{k}": round(100 * weights[k]) for k in cls.WEIGHT_KEYS},
        }

    def constraints(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "require_shared_language": d["require_shared_language"],
            "min_shared_slots": d["min_shared_slots"],
            "require_same_institution": d["require_same_institution"],
            "weights": {k: d[f"weight_{k}"] for k in self.WEIGHT_KEYS},
        }


class ApplyForm(forms.Form):
    """A person's application (or answer to a nomination): their profile."""

    kind = forms.ChoiceField(
        label=_("Apply as"),
        choices=[("mentee", _("Mentee")), ("mentor", _("Mentor"))],
        widget=forms.RadioSelect,
    )
    skills = forms.CharField(
        label=_("Skills"),
        required=False,
        help_text=_(
            "Mentees: skills you want to learn; mentors: skills you can teach. "
            "Separate with commas."
        ),
    )
    interests = forms.CharField(
        label=_("Interests"), required=False, help_text=_("Separate with commas.")
    )
    goals = forms.CharField(label=_("Goals"), required=False, help_text=_("Separate with commas."))
    availability = forms.MultipleChoiceField(
        label=_("Weekly availability"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        choices=(),
    )
    languages = forms.CharField(
        label=_("Languages"), required=False, help_text=_("Separate with commas.")
    )
    capacity = forms.IntegerField(
        label=_("Mentees at most (mentors)"),
        required=False,
        help_text=_("1 to 20."),
    )

    def __init__(self, *args: Any, kinds: list[str], default_capacity: int = 2, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.fields["availability"].choices = _slot_choices()  # type: ignore[attr-defined]
        if len(kinds) < 2:
            del self.fields["kind"]
        if "mentor" not in kinds:
            del self.fields["capacity"]
        else:
            self.fields["capacity"].initial = default_capacity

    def application_data(self) -> dict[str, Any]:
        d = self.cleaned_data
        data: dict[str, Any] = {
            k: _split(d.get(k, "")) for k in ("skills", "interests", "goals", "languages")
        }
        data["availability"] = list(d.get("availability") or [])
        if "capacity" in self.fields:
            data["capacity"] = d.get("capacity")
        return data


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("decline", _("Decline"))])
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class NominateForm(forms.Form):
    kind = forms.ChoiceField(choices=[("mentor", _("Mentor")), ("mentee", _("Mentee"))])
    membership = forms.UUIDField(label=_("Person"))
    capacity = forms.IntegerField(
        label=_("Mentees at most (mentors)"), min_value=1, max_value=20, required=False
    )
