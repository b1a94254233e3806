from django.apps import AppConfig


class MatchingConfig(AppConfig):
    name = "tandem.matching"
    label = "matching"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import matching_personal_data_erase, matching_personal_data_export
        from .tasks import register_kinds

        register_kinds()

        register(
            "matching", export=matching_personal_data_export, erase=matching_personal_data_erase
        )
