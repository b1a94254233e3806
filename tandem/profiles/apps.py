from typing import Any

from django.apps import AppConfig

#: The name of the cached explanations of "For you" pages (``core.listing_cache``).
EXPLANATIONS = "recommendation-explanations"


def _explanations_changed(**_signal: Any) -> None:
    """Receiver of ``post_save``/``post_delete`` of what a "For you" page explains with
    besides the student's skills and the postings' (which are in its cache key): the courses
    that teach a missing skill (their outcomes' confirmed mappings, code, title, program) and
    the skills' labels and groups. The cached explanations are stale."""
    from tandem.core.listing_cache import bump_version

    bump_version(EXPLANATIONS)


def _course_skills_changed(ids: list[int]) -> None:
    from .refresh import course_skills_changed

    _explanations_changed()  # bulk writes of mappings send no post_save
    for course_id in ids:
        course_skills_changed(course_id=course_id)


def _placements_completed(ids: list[int]) -> None:
    from .refresh import placement_completed

    for application_id in ids:
        placement_completed(application_id=application_id)


def _opportunities_changed(ids: list[int]) -> None:
    from .services.recommendations import opportunities_changed

    opportunities_changed(opportunity_ids=ids)


class ProfilesConfig(AppConfig):
    name = "tandem.profiles"
    label = "profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tandem.accounts.personal_data import register
        from tandem.core.changes import (
            COURSE_SKILLS_CHANGED,
            OPPORTUNITIES_CHANGED,
            OPPORTUNITY_SKILLS_CHANGED,
            PLACEMENTS_COMPLETED,
            subscribe,
        )
        from tandem.curricula.models import Course, LearningOutcome, OutcomeSkill, Program
        from tandem.skills.models import SkillConcept, SkillGroup

        from .services import profile_personal_data_erase, profile_personal_data_export

        for model in (Course, LearningOutcome, OutcomeSkill, Program, SkillConcept, SkillGroup):
            uid = f"recommendation-explanations-{model._meta.label_lower}"
            post_save.connect(_explanations_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_explanations_changed, sender=model, dispatch_uid=uid + "-d")

        register(
            "profiles",
            export=profile_personal_data_export,
            erase=profile_personal_data_erase,
        )
        # Curricula sit below profiles: they announce that a course's confirmed skills
        # changed, and the profiles of the students who completed it refresh.
        subscribe(COURSE_SKILLS_CHANGED, _course_skills_changed)
        # Applications sit below profiles too: a completed placement gives its student the
        # opportunity's skills.
        subscribe(PLACEMENTS_COMPLETED, _placements_completed)
        # Postings created, edited, approved or withdrawn, or their skills extracted again:
        # the stored "For you" rankings take them in (services.recommendations).
        subscribe(OPPORTUNITIES_CHANGED, _opportunities_changed)
        subscribe(OPPORTUNITY_SKILLS_CHANGED, _opportunities_changed)
