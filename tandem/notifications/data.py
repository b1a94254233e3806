"""The kinds of notification, registered by the apps that send them.

Like :mod:`tandem.core.guards`, a registry the upper apps fill in their ``AppConfig.ready()``
so that this app (low in the layers) imports none of them. A kind says who it is for (its
label and description on the preferences page), its default channel, and optionally how its
e-mail is written: templates and a function that builds their context from the stored
notification (the owning app reads its own models there), so the e-mails the apps sent
before keep their wording.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import Notification

#: Builds an e-mail's template context from the notification (``None``: send nothing, e.g.
#: its subject has gone since).
EmailContext = Callable[["Notification"], "dict[str, Any] | None"]

CHANNELS = ("in_app", "email", "digest", "off")


@dataclass(frozen=True)
class Kind:
    """One kind of notification."""

    key: str
    label: Any  # a lazy translation
    description: Any = ""
    default: str = "in_app"
    #: ``(subject template, body template)`` of its own e-mail; None: the generic one.
    email_templates: tuple[str, str] | None = None
    email_context: EmailContext | None = None
    #: Channels a person may not choose for it (e.g. a safety report cannot be turned off).
    locked: bool = False

    def __post_init__(self) -> None:
        if self.default not in CHANNELS:
            raise ValueError(f"unknown channel {self.default!r}")


_kinds: dict[str, Kind] = {}


def register_kind(kind: Kind) -> Kind:
    """Register ``kind`` (idempotent for the same definition)."""
    existing = _kinds.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.key!r} registered twice")
    _kinds[kind.key] = kind
    return kind


def get_kind(key: str) -> Kind:
    try:
        return _kinds[key]
    except KeyError:
        raise ValueError(f"unknown notification kind {key!r}") from None


def all_kinds() -> list[Kind]:
    return sorted(_kinds.values(), key=lambda k: k.key)


__all__ = ["CHANNELS", "Kind", "all_kinds", "get_kind", "register_kind"]
