from django.apps import AppConfig


class EventsConfig(AppConfig):
    name = "tandem.events"
    label = "events"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register
        from tandem.messaging.data import register_subject

        from .permissions import conversation_subject
        from .services import event_personal_data_erase, event_personal_data_export
        from .tasks import register_kinds

        register("events", export=event_personal_data_export, erase=event_personal_data_erase)
        register_kinds()
        register_subject(conversation_subject())
