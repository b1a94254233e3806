from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "tandem.sso"
    label = "sso"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import sso_personal_data_erase, sso_personal_data_export

        # allauth's SocialAccount rows (the IdP's subject id and the claims it sent) are
        # personal data that this app brings in.
        register("sso", export=sso_personal_data_export, erase=sso_personal_data_erase)
