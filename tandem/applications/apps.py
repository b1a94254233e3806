from django.apps import AppConfig


class ApplicationsConfig(AppConfig):
    name = "tandem.applications"
    label = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tandem.accounts.personal_data import register
        from tandem.messaging.data import register_subject

        from .models import Application
        from .permissions import conversation_subject
        from .services import application_personal_data_erase, application_personal_data_export
        from .stage_counts import applications_changed
        from .tasks import register_kinds

        register_kinds()
        register_subject(conversation_subject())

        # The cached stage counts are stale after any change of an application.
        post_save.connect(applications_changed, sender=Application, dispatch_uid="app-counts")
        post_delete.connect(applications_changed, sender=Application, dispatch_uid="app-counts-d")

        register(
            "applications",
            export=application_personal_data_export,
            erase=application_personal_data_erase,
        )
