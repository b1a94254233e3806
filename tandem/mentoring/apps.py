from django.apps import AppConfig


class MentoringConfig(AppConfig):
    name = "tandem.mentoring"
    label = "mentoring"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register
        from tandem.messaging.data import register_subject

        from .permissions import conversation_subject
        from .services import mentoring_personal_data_erase, mentoring_personal_data_export
        from .tasks import register_kinds

        register_kinds()
        register_subject(conversation_subject())
        register(
            "mentoring",
            export=mentoring_personal_data_export,
            erase=mentoring_personal_data_erase,
        )
