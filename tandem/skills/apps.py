from django.apps import AppConfig


def _opportunities_changed(ids: list[int]) -> None:
    from .services.opportunities import opportunities_changed

    opportunities_changed(opportunity_ids=ids)


class SkillsConfig(AppConfig):
    name = "tandem.skills"
    label = "skills"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.core.changes import OPPORTUNITIES_CHANGED, subscribe

        # Opportunities sit below skills: they announce their changes, skills refreshes the
        # opportunity skills index and the recommendation lists derived from it.
        subscribe(OPPORTUNITIES_CHANGED, _opportunities_changed)

        from tandem.accounts.personal_data import register

        from .selectors import skill_extractions_export
        from .services.on_demand import skill_extractions_erase

        register("skills", export=skill_extractions_export, erase=skill_extractions_erase)
