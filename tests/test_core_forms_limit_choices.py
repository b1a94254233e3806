"""limit_choices: a choice field offers only the given objects, preselected when there is one."""

from __future__ import annotations

import pytest
from django import forms
from factories import InstitutionFactory

from tandem.core.forms import limit_choices
from tandem.organizations.models import Organization

pytestmark = pytest.mark.django_db


class PickForm(forms.Form):
    institution = forms.ModelChoiceField(
        queryset=Organization.objects.none(), to_field_name="public_id"
    )

    def __init__(self, *args, institutions, **kwargs):
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)


def test_one_institution_is_offered_and_preselected():
    mine, _other = InstitutionFactory(), InstitutionFactory()
    form = PickForm(institutions=Organization.objects.filter(pk=mine.pk))
    assert form.fields["institution"].initial == mine
    assert f'value="{mine.public_id}" selected' in str(form["institution"])


def test_several_institutions_are_offered_without_a_preselection():
    a, b, _outsider = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    form = PickForm(institutions=Organization.objects.filter(pk__in=[a.pk, b.pk]))
    assert form.fields["institution"].initial is None
    assert f'value="{a.public_id}" selected' not in str(form["institution"])
    assert 'value="" selected' in str(form["institution"])
    assert set(form.fields["institution"].queryset) == {a, b}


def test_an_institution_outside_the_choices_is_refused():
    mine, outsider = InstitutionFactory(), InstitutionFactory()
    form = PickForm(
        {"institution": str(outsider.public_id)},
        institutions=Organization.objects.filter(pk=mine.pk),
    )
    assert not form.is_valid()
    assert "institution" in form.errors
