"""Forms of the profile and completion pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from tandem.accounts.models import User
from tandem.core.forms import DateField, DateInput, limit_choices
from tandem.curricula.models import Course
from tandem.organizations.models import Organization

from .services import MAX_CV_CHARS, MAX_GRADE_LENGTH


class StudentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}>"


class CourseChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.program.institution.name} · {obj.program.title} · {obj}"


class CvForm(forms.Form):
    """A PDF or pasted text: exactly one of them."""

    cv = forms.FileField(
        label=_("CV as a PDF"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
    text = forms.CharField(
        label=_("…or paste the text of your CV"),
        required=False,
        max_length=MAX_CV_CHARS,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Tandem keeps only the skills it finds and a few words around each; the CV itself "
            "is not stored."
        ),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        cv, text = data.get("cv"), (data.get("text") or "").strip()
        if cv and text:
            self.add_error("text", _("Upload a PDF or paste text, not both."))
        elif not cv and not text and not self.errors:
            self.add_error("text", _("Upload a PDF or paste the text of your CV."))
        if cv and (cv.size or 0) > settings.UPLOAD_MAX_BYTES:
            self.add_error("cv", _("The file is too large."))
        return data


class SkillSearchForm(forms.Form):
    q = forms.CharField(label=_("Search ESCO skills"), max_length=100, required=False)


class ConceptForm(forms.Form):
    concept = forms.UUIDField(label=_("ESCO concept"))


class CompletionForm(forms.Form):
    student = StudentChoiceField(
        label=_("Student"), queryset=User.objects.none(), to_field_name="public_id"
    )
    course = CourseChoiceField(
        label=_("Course"), queryset=Course.objects.none(), to_field_name="public_id"
    )
    completed_on = DateField(label=_("Completed on"), widget=DateInput())
    grade = forms.CharField(
        label=_("Grade (optional)"), max_length=MAX_GRADE_LENGTH, required=False
    )

    def __init__(self, *args: Any, students: Any, courses: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        student_field = self.fields["student"]
        course_field = self.fields["course"]
        assert isinstance(student_field, forms.ModelChoiceField)
        assert isinstance(course_field, forms.ModelChoiceField)
        student_field.queryset = students
        course_field.queryset = courses


class CompletionImportForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: student_email, course (code or title), completed_on (YYYY-MM-DD), "
            "grade (optional). The first line holds the column names."
        ),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)
