from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "tandem.surveys"
    label = "surveys"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import survey_personal_data_erase, survey_personal_data_export
        from .tasks import register_kinds

        register_kinds()

        register("surveys", export=survey_personal_data_export, erase=survey_personal_data_erase)
