from django.apps import AppConfig


def _course_skills_changed(ids: list[int]) -> None:
    from .refresh import course_skills_changed

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
        from tandem.accounts.personal_data import register
        from tandem.core.changes import (
            COURSE_SKILLS_CHANGED,
            OPPORTUNITIES_CHANGED,
            OPPORTUNITY_SKILLS_CHANGED,
            PLACEMENTS_COMPLETED,
            subscribe,
        )

        from .services import profile_personal_data_erase, profile_personal_data_export

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
