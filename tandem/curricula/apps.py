from django.apps import AppConfig


class CurriculaConfig(AppConfig):
    name = "tandem.curricula"
    label = "curricula"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import curricula_personal_data_erase, curricula_personal_data_export

        register(
            "curricula",
            export=curricula_personal_data_export,
            erase=curricula_personal_data_erase,
        )
