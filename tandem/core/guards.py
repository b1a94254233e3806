"""Guards: rules an upper app owns over a write a lower app makes.

The apps are layered (docs/decisions/0007-app-layers-and-public-modules.md): an app imports
only the apps below it. Sometimes a lower app's service must not go ahead unless a rule kept
by an upper app holds — an application may not move to *Placed* while the student's
placement clearances (kept by ``tandem.placements``, above applications) are missing. The
lower service calls :func:`check` explicitly at the point of the write; the upper app
registers its guard once in its ``AppConfig.ready()``. A guard raises
:class:`~tandem.core.errors.DomainError` to refuse, inside the caller's transaction, so the
write does not happen.

Like :mod:`tandem.core.changes` this is not Django's signals: the checking service names the
gate, and the gates are listed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from typing import Any

#: An application is about to move to *Placed*: the placement starts (kwargs: ``actor``,
#: ``application``, the locked row).
PLACEMENT_START = "placement.start"

GATES = frozenset({PLACEMENT_START})

Guard = Callable[..., None]
_guards: dict[str, list[Guard]] = defaultdict(list)


def register(gate: str, guard: Guard) -> None:
    """Call ``guard(**kwargs)`` at every :func:`check` of ``gate`` (idempotent)."""
    if gate not in GATES:
        raise ValueError(f"unknown gate {gate!r}")
    if guard not in _guards[gate]:
        _guards[gate].append(guard)


def check(gate: str, **kwargs: Any) -> None:
    """Run the guards of ``gate``; the first that refuses raises its ``DomainError``."""
    if gate not in GATES:
        raise ValueError(f"unknown gate {gate!r}")
    for guard in list(_guards[gate]):
        guard(**kwargs)


__all__ = ["GATES", "PLACEMENT_START", "check", "register"]
