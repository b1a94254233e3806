from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tandem.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .invitations import invitations_personal_data_erase, invitations_personal_data_export

        register(
            "organizations",
            export=invitations_personal_data_export,
            erase=invitations_personal_data_erase,
        )
