"""The stage counts over the applications a viewer may see, cached (issue 12).

Counting a coordinator's applications by stage reads every application of the institution
(50,000 in the big world: ~80 ms) on every list view, the API list and the home page. The
counts are kept in the cache per viewer scope, next to the applications' version: any
application saved or deleted (``post_save``/``post_delete``, connected in ``apps.py``, so
every service and cascade) moves the version once its transaction commits, and the next
view counts again. A read-through cache, like the students' recommendations: a GET may fill
it, it never changes data. :data:`CACHE_SECONDS` bounds how long a change made without
the ORM (raw SQL) could go unseen.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "applications:version"
CACHE_SECONDS = 300


def applications_changed(**_signal: Any) -> None:
    """Receiver of ``post_save``/``post_delete`` of ``Application``: the counts cached so far
    are stale — now, for this transaction's own later reads, and again once it commits (a
    view counting meanwhile in another transaction saw the rows before the change)."""
    from tandem.core.listing_cache import bump_version

    from .apps import LISTING

    _bump_version()
    transaction.on_commit(_bump_version)
    bump_version(LISTING)  # the list's cached counts and page ids (``core.listing_cache``)


def _bump_version() -> None:
    # A fresh random tag, not a counter: a tag evicted from the cache and set again can never
    # match counts cached under an earlier one.
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def cached_counts(scope: tuple[Any, ...], count: Callable[[], dict[str, int]]) -> dict[str, int]:
    """``count()`` for this viewer ``scope``, from the cache while no application changed."""
    digest = hashlib.sha256(repr(scope).encode()).hexdigest()[:24]
    key = f"applications:stage-counts:{digest}"
    found = cache.get_many([VERSION_KEY, key])
    version = found.get(VERSION_KEY)
    if version is None:  # first use, or evicted: tag the applications, cache from next time
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        return count()
    entry = found.get(key)
    if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == version:
        return dict(entry[1])
    counts = count()
    cache.set(key, (version, counts), CACHE_SECONDS)
    return counts
