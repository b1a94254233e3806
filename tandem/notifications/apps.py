from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "tandem.notifications"
    label = "notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tandem.accounts.personal_data import register

        from .data import Kind, register_kind
        from .services import notifications_personal_data_erase, notifications_personal_data_export

        register_kind(
            Kind(
                key="notifications.announcement",
                label=_("Announcements"),
                description=_("News about Tandem itself: new features, planned maintenance."),
                default="in_app",
            )
        )

        register(
            "notifications",
            export=notifications_personal_data_export,
            erase=notifications_personal_data_erase,
        )
