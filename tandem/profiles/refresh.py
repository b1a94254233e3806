"""When profiles refresh by themselves. Other apps' services call these explicitly (no
signals), inside their transaction; the refresh happens once it commits, so it sees the change
and a rolled-back change refreshes nothing.

* A course's confirmed skills changed (an educator confirmed or rejected an outcome skill):
  every student who completed the course may gain or lose a skill. A course may have hundreds
  of completions, so a background task does it (``tasks.refresh_course_profiles``), and only
  when someone completed the course.
* An application reached *Completed*: one student gains the opportunity's skills. That is
  cheap (its skills are usually extracted already), so it runs at once after the commit. If it
  fails, the stage change stands, the error is logged, and the student's **Refresh** (or the
  next completion) catches up.

This module imports no service at load time, so that the apps it serves may import it.
"""

from __future__ import annotations

from functools import partial

from django.db import transaction

from .models import CourseCompletion
from .tasks import refresh_course_profiles


def course_skills_changed(*, course_id: int) -> None:
    """The confirmed outcome skills of a course changed: after commit, refresh the profiles
    of the students who completed it (if any did) in the background."""
    if CourseCompletion.objects.filter(course_id=course_id).exists():
        transaction.on_commit(partial(refresh_course_profiles.enqueue, course_id=course_id))


def _refresh_placement(application_id: int) -> None:
    from .services.rebuild import profile_placement_refresh

    profile_placement_refresh(application_id=application_id)


def placement_completed(*, application_id: int) -> None:
    """An application reached *Completed*: after commit, give its student the skills of the
    opportunity."""
    transaction.on_commit(partial(_refresh_placement, application_id), robust=True)
