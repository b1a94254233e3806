from django.apps import AppConfig


class PlacementsConfig(AppConfig):
    name = "tandem.placements"
    label = "placements"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register
        from tandem.core import guards
        from tandem.messaging.data import register_subject

        from .permissions import conversation_subject
        from .services import (
            placement_personal_data_erase,
            placement_personal_data_export,
            placement_start_guard,
        )
        from .tasks import register_kinds

        guards.register(guards.PLACEMENT_START, placement_start_guard)
        register_kinds()
        register_subject(conversation_subject())
        register(
            "placements",
            export=placement_personal_data_export,
            erase=placement_personal_data_erase,
        )
