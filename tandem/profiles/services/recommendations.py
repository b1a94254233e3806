"""Students' "For you" rankings, computed in the background and stored
(:class:`~tandem.profiles.models.StudentRanking`), so that the page reads a list instead of
ranking in the request.

* :func:`recommendations_refresh` recomputes the rankings of some students (or all) with
  ``selectors.RankingBatch`` — the one ranking rule of ``selectors.compute_ranking`` — and
  stores them in bulk. Queued (``tasks.refresh_recommendations``) after a student's skills
  change (their own edits, a CV, a rebuild, a course or placement refresh) and after
  memberships change; the demo and the big-world generator call it for everyone.
* :func:`recommendations_merge` folds changed opportunities into every stored ranking:
  postings created, edited, approved or withdrawn, or whose skills were extracted again.
  Recomputing 10,000 rankings for one edited posting would cost minutes; the merge scores
  the changed postings against each student's skills (``fit``) and moves them in, out or
  within the list — a bounded amount of work per change. A posting that merely stopped being
  visible to a student needs nothing: the page re-checks visibility when it reads the list.

The platform acts (no actor): these are caches of what the student and the partners did,
which their own services audit. Never during a request.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from tandem.accounts.models import User
from tandem.opportunities.models import Opportunity
from tandem.opportunities.permissions import student_memberships
from tandem.opportunities.selectors import student_visible_opportunities

from .. import fit
from ..models import StudentRanking
from ..selectors import (
    RankedEntry,
    RankingBatch,
    _skill,
    _targets,
    ranking_key,
)

logger = logging.getLogger(__name__)

RANKED_STORED = 200  # opportunities kept per student; the rest of the page follows by title
BATCH = 500  # students per read and bulk write
MERGE_LIMIT = 100  # changed opportunities merged one by one; more: every ranking recomputed


def _entry(e: RankedEntry) -> list[int]:
    return [e.pk, round(e.score * 1000), e.matched]


def _store(rows: list[StudentRanking]) -> None:
    StudentRanking.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["student"],
        update_fields=["entries", "skills_key", "computed_at"],
    )


def recommendations_refresh(*, student_ids: Iterable[int] | None = None) -> int:
    """Recompute and store the rankings of these students (all active students with a
    student membership when None), :data:`BATCH` at a time, each batch in one transaction.
    Students who are inactive or no longer students lose their stored ranking. Returns how
    many rankings were stored."""
    students = User.objects.filter(
        is_active=True, memberships__role="student", memberships__is_active=True
    ).distinct()
    if student_ids is not None:
        wanted = sorted(set(student_ids))
        StudentRanking.objects.filter(student_id__in=wanted).exclude(
            student__in=students.filter(pk__in=wanted)
        ).delete()
        students = students.filter(pk__in=wanted)
    ids = list(students.order_by("pk").values_list("pk", flat=True))
    batch = RankingBatch()
    stored = 0
    for i in range(0, len(ids), BATCH):
        rows = []
        now = timezone.now()
        chunk = list(User.objects.filter(pk__in=ids[i : i + BATCH]).order_by("pk"))
        batch.prepare(chunk)
        for student in chunk:
            key, ranking = batch.rank(student)
            rows.append(
                StudentRanking(
                    student=student,
                    entries=[_entry(e) for e in ranking[:RANKED_STORED]],
                    skills_key=key,
                    computed_at=now,
                )
            )
        with transaction.atomic():
            _store(rows)
        stored += len(rows)
    return stored


def _sort_key(entry: list[int]) -> tuple[int, int]:
    return (-entry[1], -entry[2])


def recommendations_merge(*, opportunity_ids: Iterable[int], before: datetime | None = None) -> int:
    """Fold these (changed) opportunities into every stored ranking: each is taken out of
    every list, then put back, in order of fit, into the lists of the students who may see it
    now, if it fits them at all and beats the last of a full list. Ties with postings already
    listed go after them (a full refresh orders ties by title). Rankings stored for skills
    the student no longer has are left to their own refresh, and so are rankings computed at
    or after ``before`` (the time of the change: they saw it already). More than
    :data:`MERGE_LIMIT` opportunities at once (an import, a bulk approval) are cheaper to
    rank again: every ranking is then recomputed. Returns how many rankings changed."""
    changed_ids = sorted(set(opportunity_ids))
    if not changed_ids:
        return 0
    if len(changed_ids) > MERGE_LIMIT:
        stale = StudentRanking.objects.all()
        if before is not None:
            stale = stale.filter(computed_at__lt=before)
        ids = list(stale.values_list("student_id", flat=True))
        return recommendations_refresh(student_ids=ids) if ids else 0
    opportunities = list(
        Opportunity.objects.filter(pk__in=changed_ids).only("pk", "public_id", "title")
    )
    targets, _concepts = _targets(opportunities)
    target_of = dict(zip([o.pk for o in opportunities], targets, strict=True))
    pk_of = {t.key: pk for pk, t in target_of.items()}
    gone = set(changed_ids)
    visible_by_class: dict[tuple[Any, ...], set[int]] = {}
    batch = RankingBatch()
    changed = 0
    last = 0
    while True:
        scope = StudentRanking.objects.filter(student_id__gt=last)
        if before is not None:
            scope = scope.filter(computed_at__lt=before)
        rows = list(scope.select_related("student").order_by("student_id")[:BATCH])
        if not rows:
            return changed
        last = rows[-1].student_id
        update = []
        batch.prepare([row.student for row in rows])
        for row in rows:
            student = row.student
            held = batch.held(student)
            if row.skills_key != ranking_key(student, held) or not student.is_active:
                continue
            cls = tuple(sorted(student_memberships(student), key=repr))
            visible = visible_by_class.get(cls)
            if visible is None:
                visible = visible_by_class[cls] = set(
                    student_visible_opportunities(student)
                    .filter(pk__in=changed_ids)
                    .values_list("pk", flat=True)
                )
            entries = [e for e in row.entries if e[0] not in gone]
            fits = fit.rank(
                [_skill(c) for c in held],
                [target_of[pk] for pk in sorted(visible) if pk in target_of],
            )
            entries += [
                _entry(RankedEntry(pk_of[f.key], f.score, len(f.matched)))
                for f in fits
                if f.score > 0
            ]
            entries.sort(key=_sort_key)  # stable: the merged ones after their equals
            entries = entries[:RANKED_STORED]
            if entries != row.entries:
                row.entries = entries
                update.append(row)
        if update:
            with transaction.atomic():
                StudentRanking.objects.bulk_update(update, ["entries"], batch_size=BATCH)
            changed += len(update)


def students_skills_changed(*, student_ids: Iterable[int]) -> None:
    """Students' skills changed (call it inside the writing service): once the transaction
    commits, their rankings are recomputed in the background (one task). Until then their
    page ranks in the request (the stored ranking no longer matches their skills)."""
    from ..tasks import refresh_recommendations

    ids = sorted(set(student_ids))
    if ids:
        transaction.on_commit(lambda: refresh_recommendations.enqueue(student_ids=ids), robust=True)


def opportunities_changed(*, opportunity_ids: Iterable[int]) -> None:
    """Opportunities changed (their text, status, approvals, or their extracted skills):
    once the transaction commits, merge them into the stored rankings in the background."""
    from ..tasks import merge_recommendations

    ids = sorted(set(opportunity_ids))
    if ids:
        transaction.on_commit(
            lambda: merge_recommendations.enqueue(
                opportunity_ids=ids, changed_at=timezone.now().isoformat()
            ),
            robust=True,
        )
