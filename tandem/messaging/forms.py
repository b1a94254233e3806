"""Forms of the messaging pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.organizations.models import StudentMessaging

from .services import BODY_MAX


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=BODY_MAX
    )
    attachment = forms.FileField(
        label=_("Attachment (optional: PDF, DOCX, ODT, JPEG or PNG)"), required=False
    )


class StartForm(MessageForm):
    title = forms.CharField(label=_("Subject"), max_length=200, required=False)
    participants = forms.MultipleChoiceField(
        label=_("With"), widget=forms.CheckboxSelectMultiple, required=True
    )

    field_order = ["title", "participants", "body", "attachment"]

    def __init__(self, *args: Any, people: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.people = {str(p.public_id): p for p in people}
        field: Any = self.fields["participants"]
        field.choices = [(k, str(p)) for k, p in self.people.items()]


class ReportForm(forms.Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class StudentMessagingForm(forms.Form):
    student_messaging = forms.ChoiceField(
        label=_("Who may start a conversation with your students?"),
        choices=StudentMessaging.choices,
        widget=forms.RadioSelect,
    )
