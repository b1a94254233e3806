from django.apps import AppConfig


class CurriculaConfig(AppConfig):
    name = "tandem.curricula"
    label = "curricula"
    default_auto_field = "django.db.models.BigAutoField"
