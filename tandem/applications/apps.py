from typing import Any

from django.apps import AppConfig

#: The name of the cached application listings (``core.listing_cache``): the list page's
#: capped counts and page ids, the opportunity filter's suggestions.
LISTING = "applications"
#: The coordinator's home's "students without a placement" (count and first names), cached
#: until an application, a membership or a person's name or activity changes.
UNPLACED = "applications-unplaced"


def _searched_rows_changed(**signal: Any) -> None:
    """Receiver of ``post_save``/``post_delete`` of what an application list filters or
    searches by besides the applications themselves — postings (title), organizations (host
    and institution names), people (the applicant's name): the cached ids are stale. A
    person's save that names its fields and not the name (the sign-in's ``last_login``) is
    not one."""
    from django.contrib.auth import get_user_model

    fields = signal.get("update_fields")
    person = signal.get("sender") is get_user_model()
    if person and fields is not None and "full_name" not in fields:
        return
    from tandem.core.listing_cache import bump_version

    bump_version(LISTING)


def _unplaced_changed(**signal: Any) -> None:
    """Receiver of ``post_save``/``post_delete`` of applications, memberships and people: who
    holds no seat may have changed. A person's save that names its fields and neither the name
    nor the activity (the sign-in's ``last_login``) is not such a change."""
    from django.contrib.auth import get_user_model

    fields = signal.get("update_fields")
    if (
        signal.get("sender") is get_user_model()
        and fields is not None
        and not {"full_name", "is_active"} & set(fields)
    ):
        return
    from tandem.core.listing_cache import bump_version

    bump_version(UNPLACED)


class ApplicationsConfig(AppConfig):
    name = "tandem.applications"
    label = "applications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import post_delete, post_save

        from tandem.accounts.personal_data import register
        from tandem.messaging.data import register_subject
        from tandem.opportunities.models import Opportunity
        from tandem.organizations.models import Membership, Organization

        from .models import Application
        from .permissions import conversation_subject
        from .services import application_personal_data_erase, application_personal_data_export
        from .stage_counts import applications_changed
        from .tasks import register_kinds

        register_kinds()
        register_subject(conversation_subject())

        # The cached stage counts are stale after any change of an application.
        post_save.connect(applications_changed, sender=Application, dispatch_uid="app-counts")
        post_delete.connect(applications_changed, sender=Application, dispatch_uid="app-counts-d")
        # The cached list ids are stale after a change of what the list searches, too.
        for model in (Opportunity, Organization, get_user_model()):
            uid = f"application-listings-{model._meta.label_lower}"
            post_save.connect(_searched_rows_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_searched_rows_changed, sender=model, dispatch_uid=uid + "-d")

        # Who has no placement yet: applications, memberships and people.
        for changing in (Application, Membership, get_user_model()):
            uid = f"applications-unplaced-{changing._meta.label_lower}"
            post_save.connect(_unplaced_changed, sender=changing, dispatch_uid=uid)
            post_delete.connect(_unplaced_changed, sender=changing, dispatch_uid=uid + "-d")

        register(
            "applications",
            export=application_personal_data_export,
            erase=application_personal_data_erase,
        )
