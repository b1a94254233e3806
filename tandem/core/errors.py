"""One error type for domain-rule violations.

Services raise :class:`DomainError`; views turn it into form errors, the API into an
``application/problem+json`` response with HTTP 400/409, the CLI into a message and exit
status 2.
"""

from __future__ import annotations

from collections.abc import Mapping


class DomainError(Exception):
    """A request that breaks a business rule. ``fields`` maps field names to messages."""

    status = 400

    def __init__(
        self,
        message: str,
        *,
        fields: Mapping[str, list[str] | str] | None = None,
        code: str = "invalid",
    ) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.fields: dict[str, list[str]] = {
            k: ([v] if isinstance(v, str) else list(v)) for k, v in (fields or {}).items()
        }


class ConflictError(DomainError):
    """The request is valid but conflicts with the current state (full seats, stale stage)."""

    status = 409


class PermissionDeniedError(DomainError):
    """The actor may not do this. Views answer 403 (or 404 where existence must not leak)."""

    status = 403

    def __init__(self, message: str = "You do not have permission to do this.") -> None:
        super().__init__(message, code="forbidden")
