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
