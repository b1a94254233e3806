from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "tandem.messaging"
    label = "messaging"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from tandem.accounts.personal_data import register
        from tandem.notifications.data import Kind, register_kind

        from .services import messaging_personal_data_erase, messaging_personal_data_export

        register(
            "messaging", export=messaging_personal_data_export, erase=messaging_personal_data_erase
        )
        register_kind(
            Kind(
                key="messaging.message",
                label=_("New messages"),
                description=_("Someone wrote in one of your conversations."),
                default="email",
            )
        )
        register_kind(
            Kind(
                key="messaging.abuse_report",
                label=_("Reported messages"),
                description=_(
                    "A message in your institution's conversations was reported as abusive "
                    "(coordinators; cannot be turned off)."
                ),
                default="email",
                locked=True,
            )
        )
