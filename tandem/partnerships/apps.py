from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "tandem.partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import partnership_personal_data_erase, partnership_personal_data_export

        register(
            "partnerships",
            export=partnership_personal_data_export,
            erase=partnership_personal_data_erase,
        )
