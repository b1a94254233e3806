from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "tandem.partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register
        from tandem.messaging.data import register_subject

        from .permissions import conversation_subject
        from .services import partnership_personal_data_erase, partnership_personal_data_export
        from .tasks import register_kinds

        register_kinds()
        register_subject(conversation_subject())

        register(
            "partnerships",
            export=partnership_personal_data_export,
            erase=partnership_personal_data_erase,
        )
