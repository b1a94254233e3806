"""Forms for the survey builder, invitations, and turning an answer page's POST into data."""

from __future__ import annotations

from email.utils import parseaddr
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.http import QueryDict
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from tandem.organizations.models import Organization

from .answers import skills_for
from .library import TEMPLATES
from .models import Audience, Question, QuestionType, Survey


class SurveyForm(forms.ModelForm):
    institution = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Owner institution")
    )

    class Meta:
        model = Survey
        fields = [
            "institution",
            "title",
            "description",
            "audience",
            "is_anonymous",
            "min_responses",
            "closes_at",
        ]
        widgets = {
            "closes_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["min_responses"].min_value = 1  # type: ignore[attr-defined]
        self.fields["min_responses"].widget.attrs["min"] = 1
        if self.instance.pk:
            del self.fields["institution"]


class TemplateForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Organization.objects.none(), label=_("Institution")
    )
    template = forms.ChoiceField(
        label=_("Template"), choices=[(k, _(v["title"])) for k, v in TEMPLATES.items()]
    )

    def __init__(self, *args: Any, institutions: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]


class SectionForm(forms.Form):
    title = forms.CharField(label=_("Section title"), max_length=200)


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    type = forms.ChoiceField(label=_("Type"), choices=QuestionType.choices)
    section = forms.TypedChoiceField(label=_("Section"), coerce=int)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    options = forms.CharField(
        label=_("Options (choice questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line."),
    )
    min_value = forms.DecimalField(label=_("Minimum (number questions)"), required=False)
    max_value = forms.DecimalField(label=_("Maximum (number questions)"), required=False)
    skills = forms.CharField(
        label=_("Skills to rate (skills questions)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line; ESCO skill names work best."),
    )
    condition_question = forms.ChoiceField(label=_("Show only if the answer to"), required=False)
    condition_values = forms.CharField(
        label=_("is one of"),
        required=False,
        help_text=_("Option values or numbers, separated by commas."),
    )

    def __init__(self, *args: Any, sections: Any = (), earlier: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        section_field: Any = self.fields["section"]
        section_field.choices = [(s.position, s.title) for s in sections]
        condition_field: Any = self.fields["condition_question"]
        condition_field.choices = [("", "—")] + [(q.key, q.text[:80]) for q in earlier]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        options = []
        for line in data["options"].splitlines():
            label = line.strip()
            if label:
                options.append({"value": slugify(label)[:60] or label, "label": label})
        condition: dict[str, Any] = {}
        if data["condition_question"]:
            values = [v.strip() for v in data["condition_values"].split(",") if v.strip()]
            condition = {"question": data["condition_question"], "op": "in", "values": values}
        return {
            "text": data["text"],
            "type": data["type"],
            "section_position": data["section"],
            "required": data["required"],
            "help_text": data["help_text"],
            "options": options,
            "min_value": data["min_value"],
            "max_value": data["max_value"],
            "skills": [s for s in data["skills"].splitlines() if s.strip()],
            "condition": condition,
        }


class QuestionEditForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=500, required=False)
    options = forms.CharField(
        label=_("Options"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: value | label. Keep a value to keep its answers together."),
    )
    min_value = forms.DecimalField(label=_("Minimum"), required=False)
    max_value = forms.DecimalField(label=_("Maximum"), required=False)
    skills = forms.CharField(
        label=_("Skills to rate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line."),
    )

    def __init__(self, *args: Any, question: Question, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "text": question.text,
                "required": question.required,
                "help_text": question.help_text,
                "options": "\n".join(f"{o['value']} | {o['label']}" for o in question.options),
                "min_value": question.min_value,
                "max_value": question.max_value,
                "skills": "\n".join(question.skills),
            },
        )
        super().__init__(*args, **kwargs)
        self.question = question
        if question.type not in ("single", "multiple"):
            del self.fields["options"]
        if question.type != "number":
            del self.fields["min_value"], self.fields["max_value"]
        if question.type != "skills":
            del self.fields["skills"]

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        kwargs: dict[str, Any] = {
            "text": data["text"],
            "required": data["required"],
            "help_text": data["help_text"],
            "min_value": data.get("min_value"),
            "max_value": data.get("max_value"),
        }
        if "options" in self.fields:
            options = []
            for line in data["options"].splitlines():
                if not line.strip():
                    continue
                value, _sep, label = line.partition("|")
                label = label.strip() or value.strip()
                options.append({"value": value.strip() or slugify(label), "label": label})
            kwargs["options"] = options
        if "skills" in self.fields:
            kwargs["skills"] = [s for s in data["skills"].splitlines() if s.strip()]
        return kwargs


class InviteForm(forms.Form):
    recipients = forms.CharField(
        label=_("People to invite"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One per line: an e-mail address, or Name <address>. At most 200."),
    )

    def clean_recipients(self) -> list[tuple[str, str]]:
        people: list[tuple[str, str]] = []
        for line in self.cleaned_data["recipients"].splitlines():
            if not line.strip():
                continue
            name, address = parseaddr(line.strip())
            try:
                validate_email(address)
            except ValidationError as exc:
                raise ValidationError(
                    _("“%(line)s” is not an e-mail address."), params={"line": line.strip()[:80]}
                ) from exc
            people.append((name, address))
        if not people or len(people) > 200:
            raise ValidationError(_("Give between 1 and 200 addresses."))
        return people


def answer_data(
    questions: list[Question], post: QueryDict, extra_skills: list[str] | None = None
) -> dict[str, Any]:
    """The answer page's fields (``q-<key>``, ``q-<key>-<skill index>``) as service data."""
    data: dict[str, Any] = {}
    for q in questions:
        name = f"q-{q.key}"
        if q.type == QuestionType.MULTIPLE:
            data[q.key] = post.getlist(name)
        elif q.type == QuestionType.SKILLS:
            skills = skills_for(q, extra_skills or [])
            data[q.key] = {skill: post.get(f"{name}-{i}", "") for i, skill in enumerate(skills)}
        else:
            data[q.key] = post.get(name, "")
    return data


AUDIENCES = Audience
