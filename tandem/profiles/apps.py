from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "tandem.profiles"
    label = "profiles"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import profile_personal_data_erase, profile_personal_data_export

        register(
            "profiles",
            export=profile_personal_data_export,
            erase=profile_personal_data_erase,
        )
