from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tandem.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from typing import Any

        from tandem.accounts.mfa_policy import register_requirement
        from tandem.accounts.personal_data import register

        from .invitations import invitations_personal_data_erase, invitations_personal_data_export
        from .partner_signup import signups_personal_data_erase, signups_personal_data_export
        from .permissions import user_requires_mfa
        from .services import memberships_personal_data_erase

        def erase(user: Any) -> None:
            invitations_personal_data_erase(user)
            memberships_personal_data_erase(user)

        register("organizations", export=invitations_personal_data_export, erase=erase)
        register(
            "partner_signups",
            export=signups_personal_data_export,
            erase=signups_personal_data_erase,
        )
        register_requirement("organizations.staff", user_requires_mfa)
