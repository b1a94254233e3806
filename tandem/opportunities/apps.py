from typing import Any

from django.apps import AppConfig

#: The name of the cached listings of postings (``core.listing_cache``).
LISTING = "opportunities"


def _postings_changed(**_signal: Any) -> None:
    """Receiver of ``post_save``/``post_delete`` of postings, their approvals and
    organizations (a host's name is searched, its sector filtered): the counts and page ids of
    the cached lists are stale. Every write, services, imports and cascades alike."""
    from tandem.core.listing_cache import bump_version

    bump_version(LISTING)


class OpportunitiesConfig(AppConfig):
    name = "tandem.opportunities"
    label = "opportunities"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_delete, post_save

        from tandem.organizations.models import Organization

        from .models import Opportunity, OpportunityApproval

        for model in (Opportunity, OpportunityApproval, Organization):
            uid = f"opportunity-listings-{model._meta.label_lower}"
            post_save.connect(_postings_changed, sender=model, dispatch_uid=uid)
            post_delete.connect(_postings_changed, sender=model, dispatch_uid=uid + "-d")
