from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "tandem.applications"
    label = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import application_personal_data_erase, application_personal_data_export

        register(
            "applications",
            export=application_personal_data_export,
            erase=application_personal_data_erase,
        )
