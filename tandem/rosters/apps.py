from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RostersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tandem.rosters"
    verbose_name = _("Rosters")

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .personal_data import erase, export

        register("rosters", export=export, erase=erase)
