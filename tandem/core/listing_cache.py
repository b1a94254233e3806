"""Lists whose capped count and page ids are cached (issue 12).

At 100,000 postings a student's list page costs two database queries that dominate its time
under load: the capped count of the visible postings and the page's rows (an ``EXISTS`` per
posting walked). Every student of the same institution, program and year, with the same
filters, gets the same answer until a posting changes. :class:`CachedListing` keeps, in the
shared cache, the capped count and the ids of each page under a key that names everything
they depend on (the viewer's *scope* — what decides what they may see —, the filters, and a
version moved by every change of the rows, see :func:`bump_version`), for at most
:data:`CACHE_SECONDS`.

What is never taken from the cache: the rows themselves. A page's ids are read again through
the list's queryset (``pk IN (…)``, a handful of rows), so a posting the viewer may no longer
see — closed, or its deadline passed a second ago — is dropped at once; the cached count may
be off by such a posting for at most :data:`CACHE_SECONDS`.

A read-through cache like the stage counts (``applications/stage_counts.py``): a GET may fill
it, it never changes data. The sequence plugs into :class:`~.pagination.CappedPaginator` and
the API's :class:`~.pagination.PageNumberPagination` like any lazy sequence with
``capped_count``.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any, overload

from django.core.cache import cache
from django.db import transaction
from django.db.models import QuerySet

from .pagination import capped_count, sorted_not_walked

CACHE_SECONDS = 60


def _version_key(name: str) -> str:
    return f"listing:{name}:version"


def bump_version(name: str) -> None:
    """The rows behind the listings called ``name`` changed: the counts and page ids cached so
    far are stale — now, and again once the transaction commits (a reader in another
    transaction may have cached the rows before the change meanwhile)."""

    def bump() -> None:
        cache.set(_version_key(name), uuid.uuid4().hex, None)

    bump()
    transaction.on_commit(bump)


def cached_ids(name: str, scope: Any, compute: Callable[[], list[int]]) -> list[int]:
    """``compute()`` (ids of rows of the listings called ``name``, for this ``scope``), from the
    cache while no row changed, for at most :data:`CACHE_SECONDS`. The caller reads the rows
    again through its own (visibility) queryset."""
    return list(cached_value(name, scope, compute))


def cached_value(
    name: str, scope: Any, compute: Callable[[], Any], *, timeout: int = CACHE_SECONDS
) -> Any:
    """``compute()`` for this ``scope`` (anything ``repr`` names fully), from the cache while
    the version called ``name`` has not moved (:func:`bump_version`), for at most
    ``timeout`` seconds. One cache round trip when found."""
    listing = _Versioned(name, scope)
    key = f"{listing.prefix}:value"
    found = listing.read(key)
    if key in found:
        return found[key]
    value = compute()
    listing.write(key, value, timeout)
    return value


class _Versioned:
    """Entries of the cache tagged with the version of the listings called ``name``."""

    def __init__(self, name: str, scope: Any) -> None:
        self.name = name
        digest = hashlib.sha256(repr(scope).encode()).hexdigest()[:24]
        self.prefix = f"listing:{name}:{digest}"
        self.version: str | None = None

    def read(self, *keys: str) -> dict[str, Any]:
        """These keys and the version, in one round trip; entries of another version are
        dropped."""
        vkey = _version_key(self.name)
        found = cache.get_many([vkey, *keys])
        version = found.get(vkey)
        if version is None:  # first use, or evicted: tag the rows, cache from the next read
            cache.add(vkey, uuid.uuid4().hex, None)
            version = cache.get(vkey) or ""
        self.version = str(version)
        out = {}
        for k in keys:
            entry = found.get(k)
            if isinstance(entry, tuple) and len(entry) == 2 and entry[0] == self.version:
                out[k] = entry[1]
        return out

    def write(self, key: str, value: Any, timeout: int = CACHE_SECONDS) -> None:
        if self.version:
            cache.set(key, (self.version, value), timeout)


class CachedListing(Sequence[Any]):
    """``queryset`` (ordered) as a lazy sequence whose capped count and page ids come from the
    cache (see the module docstring). ``name`` names the kind of list (its version);
    ``scope`` is anything hashable by ``repr`` that, with the filters, decides the rows.

    ``rows`` (default: ``queryset``) is what a page's cached ids are read through: the
    viewer's visibility, without the costly filters (a search's subqueries) whose answer the
    cached ids already hold — a filtered row that changed moves the version anyway."""

    def __init__(
        self,
        queryset: QuerySet[Any],
        *,
        name: str,
        scope: Any,
        rows: QuerySet[Any] | None = None,
    ) -> None:
        self.queryset = queryset
        self.rows_queryset = rows
        self._cache = _Versioned(name, scope)
        self._prefix = self._cache.prefix
        self._counts: dict[int, int] = {}

    def select_related(self, *fields: str) -> CachedListing:
        """The same listing, its rows read with these relations too (ids unchanged)."""
        self.queryset = self.queryset.select_related(*fields)
        if self.rows_queryset is not None:
            self.rows_queryset = self.rows_queryset.select_related(*fields)
        return self

    def capped_count(self, cap: int) -> int:
        """The number of rows, counted no further than ``cap + 1``."""
        if cap not in self._counts:
            key = f"{self._prefix}:count:{cap}"
            found = self._cache.read(key)
            if key in found:
                self._counts[cap] = int(found[key])
            else:
                self._counts[cap] = capped_count(self.queryset, cap)
                self._cache.write(key, self._counts[cap])
        return self._counts[cap]

    def __len__(self) -> int:
        from .pagination import COUNT_CAP

        return min(self.capped_count(COUNT_CAP), COUNT_CAP)

    def _ids(self, start: int, stop: int) -> list[int]:
        key = f"{self._prefix}:ids:{start}:{stop}"
        found = self._cache.read(key)
        if key in found:
            return list(found[key])
        qs = self.queryset
        if any(n <= cap for cap, n in self._counts.items()):
            # Few rows (counted under the cap): sort them rather than walk an index.
            qs = sorted_not_walked(qs)
        ids = list(qs.values_list("pk", flat=True)[start:stop])
        self._cache.write(key, ids)
        return ids

    def _rows(self, start: int, stop: int) -> list[Any]:
        ids = self._ids(start, stop)
        if not ids:
            return []
        source = self.queryset if self.rows_queryset is None else self.rows_queryset
        by_pk = {o.pk: o for o in source.filter(pk__in=ids).order_by()}
        return [by_pk[pk] for pk in ids if pk in by_pk]

    @overload
    def __getitem__(self, index: int) -> Any: ...

    @overload
    def __getitem__(self, index: slice) -> list[Any]: ...

    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            start, stop, step = index.start or 0, index.stop, index.step
            if stop is None or step not in (None, 1) or start < 0 or stop < start:
                return list(self)[index]
            return self._rows(start, stop)
        rows = self._rows(index, index + 1) if index >= 0 else list(self)[index : index + 1]
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self) -> Iterator[Any]:
        n = len(self)
        for start in range(0, n, 500):
            yield from self._rows(start, min(n, start + 500))
