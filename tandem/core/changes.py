"""Announcing that rows changed, to the apps that keep something derived from them.

The apps are layered (docs/decisions/0007-app-layers-and-public-modules.md): an app imports
only the apps below it. When an upper app keeps a cache of a lower app's rows (the skills
index of opportunities, say), the lower app's service cannot call the upper app. It calls
:func:`announce` instead, explicitly, at the point of the write; the upper app subscribes its
handler once in its ``AppConfig.ready()``. Handlers run at once, inside the writer's
transaction, exactly as if the service had called them: they look at what they need and defer
their work with ``transaction.on_commit`` (nothing happens for a rolled-back write, and a
failing refresh does not undo the committed one).

This is not Django's model signals: nothing fires on ``save()`` behind the caller's back, the
announcing service names the topic, and the topics are listed here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

#: Opportunities were created, or their text, status or approvals changed (payload: their ids).
OPPORTUNITIES_CHANGED = "opportunities.changed"

#: The extracted skills of opportunities changed (payload: the opportunity ids).
OPPORTUNITY_SKILLS_CHANGED = "skills.opportunity_skills_changed"

#: The confirmed skills of courses changed (payload: the course ids).
COURSE_SKILLS_CHANGED = "curricula.course_skills_changed"

#: Applications reached *Completed*: a placement was done (payload: the application ids).
PLACEMENTS_COMPLETED = "applications.placements_completed"

TOPICS = frozenset(
    {
        OPPORTUNITIES_CHANGED,
        OPPORTUNITY_SKILLS_CHANGED,
        COURSE_SKILLS_CHANGED,
        PLACEMENTS_COMPLETED,
    }
)

Handler = Callable[[list[int]], None]
_handlers: dict[str, list[Handler]] = defaultdict(list)


def subscribe(topic: str, handler: Handler) -> None:
    """Call ``handler(ids)`` on each announcement of ``topic`` (idempotent)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    if handler not in _handlers[topic]:
        _handlers[topic].append(handler)


def announce(topic: str, *, ids: Iterable[int]) -> None:
    """Tell the subscribers of ``topic`` that the rows ``ids`` changed (they schedule their
    work for after the current transaction commits)."""
    if topic not in TOPICS:
        raise ValueError(f"unknown topic {topic!r}")
    changed = sorted(set(ids))
    if not changed:
        return
    for handler in list(_handlers[topic]):
        handler(changed)


__all__ = [
    "COURSE_SKILLS_CHANGED",
    "OPPORTUNITIES_CHANGED",
    "OPPORTUNITY_SKILLS_CHANGED",
    "PLACEMENTS_COMPLETED",
    "TOPICS",
    "announce",
    "subscribe",
]
