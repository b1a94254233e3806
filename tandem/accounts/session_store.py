"""Session engines that record the signed-in account on each session row
(:class:`~tandem.accounts.models.UserSession`), Django's own ``db`` and ``cached_db`` engines
otherwise: ``SESSION_ENGINE = "tandem.accounts.session_store"`` (database) or
``"tandem.accounts.session_store_cached"`` (database with Redis in front, several servers)."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore as DbStore


def _user_id(data: dict[str, Any]) -> int | None:
    value = data.get(SESSION_KEY)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class SessionStore(DbStore):
    @classmethod
    def get_model_class(cls) -> Any:
        from .models import UserSession

        return UserSession

    def create_model_instance(self, data: dict[str, Any]) -> Any:
        instance = super().create_model_instance(data)
        instance.user_id = _user_id(data)  # type: ignore[attr-defined]
        return instance
