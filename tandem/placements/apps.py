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
            minor_start_guard,
            placement_agreement_guard,
            placement_personal_data_erase,
            placement_personal_data_export,
            placement_start_guard,
        )
        from .tasks import register_kinds

        guards.register(guards.PLACEMENT_START, placement_start_guard)
        guards.register(guards.PLACEMENT_START, placement_agreement_guard)
        guards.register(guards.PLACEMENT_START, minor_start_guard)
        from .services.visits_personal_data import (
            visits_personal_data_erase,
            visits_personal_data_export,
        )

        register(
            "placement_visits",
            export=visits_personal_data_export,
            erase=visits_personal_data_erase,
        )
        register_kinds()
        register_subject(conversation_subject())
        register(
            "placements",
            export=placement_personal_data_export,
            erase=placement_personal_data_erase,
        )
