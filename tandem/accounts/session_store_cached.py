"""The ``cached_db`` engine over :class:`~tandem.accounts.models.UserSession` (see
``tandem.accounts.session_store``)."""

from __future__ import annotations

from typing import Any

from django.contrib.sessions.backends.cached_db import SessionStore as CachedDbStore

from .session_store import _user_id


class SessionStore(CachedDbStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = super().create_model_instance(data)
        instance.user_id = _user_id(data)  # type: ignore[attr-defined]
        return instance
