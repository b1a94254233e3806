"""Background jobs of the profiles app (django-tasks)."""

from __future__ import annotations

import logging

from django_tasks import task

logger = logging.getLogger(__name__)


@task()
def refresh_course_profiles(course_id: int) -> int:
    """Recompute the skills a course gives to the students who completed it (see
    ``services.rebuild.profile_course_refresh``). Returns how many entries changed."""
    from .services.rebuild import profile_course_refresh

    result = profile_course_refresh(course_id=course_id)
    logger.info(
        "course %s: profiles refreshed, %s entries added, %s removed",
        course_id,
        result.added,
        result.removed,
    )
    return result.added + result.removed


@task()
def refresh_recommendations(student_ids: list[int]) -> int:
    """Recompute and store the "For you" rankings of these students (see
    ``services.recommendations.recommendations_refresh``). Returns how many were stored."""
    from .services.recommendations import recommendations_refresh

    stored = recommendations_refresh(student_ids=student_ids)
    logger.info("recommendations: %s rankings refreshed", stored)
    return stored


@task()
def merge_recommendations(opportunity_ids: list[int], changed_at: str) -> int:
    """Fold changed opportunities into the stored "For you" rankings computed before
    ``changed_at`` (ISO time; see ``services.recommendations.recommendations_merge``).
    Returns how many rankings changed."""
    from datetime import datetime

    from .services.recommendations import recommendations_merge

    changed = recommendations_merge(
        opportunity_ids=opportunity_ids, before=datetime.fromisoformat(changed_at)
    )
    logger.info(
        "recommendations: %s opportunities merged, %s rankings changed",
        len(opportunity_ids),
        changed,
    )
    return changed
