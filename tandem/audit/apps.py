from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "tandem.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from tandem.accounts.personal_data import register

        from .services import audit_personal_data_erase, audit_personal_data_export

        register("audit", export=audit_personal_data_export, erase=audit_personal_data_erase)
