"""Fragment cache: the rendered HTML of list rows that do not depend on who is looking.

A list page of 20–25 rows spends much of its CPU rendering the rows (URL reversing, dates,
labels, pay lines). A row whose HTML depends only on the object — its id, its ``updated_at``,
and what it shows of related rows — plus the language and time zone of the request can be
kept in the shared cache and reused by every viewer and every server process.

:func:`cached_fragments` reads every row of a page with one ``get_many`` (one round trip to
Redis, one query to the database cache), renders only the rows it did not find, and stores
them with one ``set_many``. Anything that depends on the viewer (a score, a "you applied"
mark, an action only some roles may take) stays outside the fragment, in the page's template.

Only with a cache in memory (Redis; ``settings.FRAGMENT_CACHE``, on by default when
``TANDEM_REDIS_URL`` or ``TANDEM_CACHE_URL`` is set): Django's database cache stores each
entry with a few queries and culls its table at 300 entries, which costs more than it saves.

The key holds everything the HTML depends on, so no fragment is ever invalidated by hand: an
edit moves ``updated_at`` and the old entry simply expires. :data:`VERSION` is moved when a
fragment's template changes shape (a deployment then renders the rows again).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

T = TypeVar("T")

VERSION = 1
TIMEOUT = 3600  # seconds; rows are re-rendered at most once an hour per language


def cached_fragments(
    name: str,
    items: Sequence[T],
    *,
    key: Callable[[T], str],
    render: Callable[[T], str],
    timeout: int = TIMEOUT,
) -> list[SafeString]:
    """The HTML of each of ``items`` (in order): from the cache where it is there, else
    ``render(item)``, stored for the next request. ``key(item)`` must change whenever the
    rendered HTML would (e.g. the object's id and ``updated_at``); ``render`` must not depend
    on the viewer."""
    if not items:
        return []
    if not settings.FRAGMENT_CACHE:  # the database cache: rendering is cheaper than storing
        return [mark_safe(render(item)) for item in items]  # noqa: S308
    suffix = f"{get_language() or ''}:{timezone.get_current_timezone_name()}"
    keys = [f"frag{VERSION}:{name}:{key(item)}:{suffix}" for item in items]
    found = cache.get_many(keys)
    rendered = {k: render(item) for k, item in zip(keys, items, strict=True) if k not in found}
    if rendered:
        cache.set_many(rendered, timeout)
    return [mark_safe(found[k] if k in found else rendered[k]) for k in keys]  # noqa: S308
