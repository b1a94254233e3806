from django.apps import AppConfig


class OrganizationsConfig(AppConfig):
    name = "tandem.organizations"
    label = "organizations"
    default_auto_field = "django.db.models.BigAutoField"
