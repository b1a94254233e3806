from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import notifications_personal_data_erase, notifications_personal_data_export

        register(
            "notifications",
            export=notifications_personal_data_export,
            erase=notifications_personal_data_erase,
        )
