from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from tandem.core.forms import limit_choices
from tandem.organizations.models import Organization


class RosterUploadForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Organization.objects.none(), to_field_name="public_id"
    )
    file = forms.FileField(
        label=_("OneRoster export (.zip)"),
        help_text=_(
            "A .zip of the OneRoster 1.1 or 1.2 CSV files your student information system "
            "exports (manifest.csv, orgs.csv, users.csv, classes.csv, enrollments.csv, …). "
            "It is checked first; nothing changes until you confirm."
        ),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)
