"""Full-text search over one table: PostgreSQL ``tsvector`` in production, SQLite FTS5 embedded
(docs/decisions/0012-platform-search.md).

An app declares a :class:`FullTextIndex` for a table it owns (columns with weights), creates
it with :func:`index_operation` in a migration, and filters and ranks its querysets with
:func:`ranked_matches` (or :func:`match_q` inside a larger condition):

- PostgreSQL: a stored generated column ``search_document`` (``tsvector``, ``'simple'``
  configuration, accents folded by ``unaccent`` through an immutable wrapper) with a GIN
  index; queries are ``to_tsquery('simple', 'word:* & other:*')``, ranked by ``ts_rank``.
- SQLite: an external-content FTS5 table ``<table>_fts`` (``unicode61 remove_diacritics 2``)
  kept in step by triggers on the table; queries are ``"word"* "other"*``, ranked by
  ``bm25`` with the same column weights.

A search ranks at most :data:`CANDIDATES` rows: the newest matches the viewer may see, found
by the index without computing a rank (docs/decisions/0021-search-and-board-at-scale.md), so
its cost does not grow with how common a word is.

What a person types becomes words only (letters and digits; every other character separates
words), so FTS syntax (``"``, ``*``, ``NEAR(``, ``-``, ``:``) never reaches the engine: each
word matches words that start with it (search-as-you-type: ``pyth`` finds Python), all words
must match.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.migrations import RunPython
from django.db.models import BooleanField, Model, Q, QuerySet, TextField
from django.db.models.expressions import Col, Expression, RawSQL

M = TypeVar("M", bound=Model)

#: What a search looks at: the first this many characters and this many words.
MAX_QUERY_CHARS = 200
MAX_WORDS = 8
MAX_WORD_CHARS = 40
#: Column weights, PostgreSQL's letters and the bm25 weights SQLite uses for them.
WEIGHTS = {"A": 10.0, "B": 4.0, "C": 2.0, "D": 1.0}
PG_COLUMN = "search_document"
_WORD = re.compile(r"[^\W_]+")


@dataclass(frozen=True)
class FullTextIndex:
    """The searched columns of one table, most important first, each with a weight A–D."""

    table: str
    columns: tuple[tuple[str, str], ...]

    @property
    def fts_table(self) -> str:
        return f"{self.table}_fts"


def fold(text: str) -> str:
    """Lower case without accents (``Café`` → ``cafe``), as both engines index."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def search_words(text: str) -> list[str]:
    """The words of a query, folded; at most :data:`MAX_WORDS`, each cut to
    :data:`MAX_WORD_CHARS`. Empty when the text holds no letter or digit."""
    words = _WORD.findall(fold((text or "")[:MAX_QUERY_CHARS]))
    return [w[:MAX_WORD_CHARS] for w in dict.fromkeys(words)][:MAX_WORDS]


def _fts5_query(words: list[str]) -> str:
    return " ".join(f'"{w}"*' for w in words)


def _tsquery(words: list[str]) -> str:
    return " & ".join(f"{w}:*" for w in words)


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def match_q(index: FullTextIndex, text: str) -> Q:
    """Rows of ``index.table`` matching ``text`` (by primary key ``id``), as a condition to
    combine with others. No word → no row."""
    words = search_words(text)
    if not words:
        return Q(pk__in=[])
    if connection.vendor == "sqlite":
        sql = f"SELECT rowid FROM {_q(index.fts_table)} WHERE {_q(index.fts_table)} MATCH %s"  # noqa: S608
        return Q(pk__in=RawSQL(sql, [_fts5_query(words)]))  # noqa: S611 (constant SQL)
    if connection.vendor == "postgresql":
        sql = (
            f"SELECT id FROM {_q(index.table)} "  # noqa: S608
            f"WHERE {_q(PG_COLUMN)} @@ to_tsquery('simple', %s)"
        )
        return Q(pk__in=RawSQL(sql, [_tsquery(words)]))  # noqa: S611 (constant SQL)
    condition = Q()  # another database: every word in some column (no index)
    for word in words:
        condition &= _any_column_contains(index, word)
    return condition


def _any_column_contains(index: FullTextIndex, word: str) -> Q:
    condition = Q()
    for column, _weight in index.columns:
        condition |= Q(**{f"{column}__icontains": word})
    return condition


#: How many matching rows a search ranks at most: the newest this many the viewer may see.
#: Equal to the pages' count cap, so that every list of results (at most 1,000 rows, "more
#: than 1,000" past it) is the same as ranking every match whenever a query matches fewer.
CANDIDATES = 1000


class _OnColumn(Expression):
    """A boolean filter condition on one column of the queryset's own table (resolved in
    ``resolve_expression`` against the query's alias): the column is its one source."""

    conditional = True
    column: Any = None

    def get_source_expressions(self) -> list[Any]:
        return [self.column] if self.column is not None else []

    def set_source_expressions(self, exprs: Sequence[Any]) -> None:
        if exprs:
            self.column = exprs[0]


class _Matches(_OnColumn):
    """PostgreSQL: ``<the queryset's table>.search_document @@ to_tsquery('simple', …)`` as a
    filter condition. The column is resolved against the query's own table alias, so the
    condition stays right when Django aliases the table (``V0``) inside a subquery — a raw
    ``extra(where=…)`` naming the table would silently refer to the outer query there."""

    conditional = True

    def __init__(self, tsquery: str, column: Any = None) -> None:
        super().__init__(output_field=BooleanField())
        self.tsquery = tsquery
        self.column = column

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> _Matches:
        field: TextField[str, str] = TextField()
        field.set_attributes_from_name(PG_COLUMN)
        return _Matches(self.tsquery, Col(query.get_initial_alias(), field))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(self.column)
        return f"{sql} @@ to_tsquery('simple', %s)", [*params, self.tsquery]


def _candidates(queryset: QuerySet[M], index: FullTextIndex, words: list[str], n: int) -> Any:
    """The primary keys of the newest ``n`` rows of ``queryset`` matching ``words`` (a
    subquery: no rank computed, the engine's index finds the matches)."""
    if connection.vendor == "postgresql":
        matching = queryset.filter(_Matches(_tsquery(words)))
    else:
        matching = queryset.filter(match_q(index, " ".join(words)))
    return matching.order_by("-pk").values("pk")[:n]


def _compiled(queryset: QuerySet[Any]) -> tuple[str, list[Any]] | None:
    """The SQL of ``queryset`` and its parameters; None when no row can meet it."""
    if queryset.query.is_empty():
        return None
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a condition no row can meet (``pk__in=[]``)
        return None
    return sql, list(params)


def _newest_of(selects: Sequence[tuple[str, list[Any]] | None], n: int) -> tuple[str, list[Any]]:
    """The newest ``n`` primary keys of the union of ``selects`` (each already the newest
    ``n`` of its own rows: the union's newest ``n`` are among them)."""
    live = [s for s in selects if s is not None]
    if not live:
        return "SELECT NULL WHERE 1 = 0", []
    if len(live) == 1:
        return live[0]
    union = " UNION ".join(
        f"SELECT * FROM ({sql}) {_q(f'part{i}')}"  # noqa: S608
        for i, (sql, _params) in enumerate(live)
    )
    params = [p for _sql, part_params in live for p in part_params]
    return f"SELECT * FROM ({union}) {_q('parts')} ORDER BY 1 DESC LIMIT {int(n)}", params  # noqa: S608


def _candidates_of_parts(
    parts: Sequence[QuerySet[M]], index: FullTextIndex, words: list[str], n: int
) -> tuple[str, list[Any]]:
    """The SQL of the primary keys of the newest ``n`` matching rows of the union of
    ``parts``: the newest ``n`` of each part, then the newest ``n`` of those (the same rows
    as the newest ``n`` of the union, each part's query free of the others' conditions)."""
    return _newest_of([_compiled(_candidates(p, index, words, n)) for p in parts], n)


#: PostgreSQL, several words: the newest this many rows of a table may be walked first
#: (:func:`_windowed`) when the newest :data:`SAMPLE` rows show they hold enough matches.
WINDOW = 20_000
SAMPLE = 2_000


def _in_window(compiled: tuple[str, list[Any]] | None, table: str, window: int) -> Any:
    """``compiled`` (the candidates of one queryset: ``… FROM "table" WHERE …``) read from
    the newest ``window`` rows of ``table`` only, walked newest first: the query stops as soon
    as it has its ``n`` rows. ``ValueError`` when the SQL is not of that form (a join: the
    caller then keeps the plain search)."""
    if compiled is None:
        return None
    sql, params = compiled
    main = f"FROM {_q(table)} WHERE "
    if sql.count(main) != 1:
        raise ValueError(sql)
    newest = f"(SELECT * FROM {_q(table)} ORDER BY {_q('id')} DESC LIMIT {int(window)})"  # noqa: S608
    return sql.replace(main, f"FROM {newest} {_q(table)} WHERE ", 1), params


def _windowed(
    parts: Sequence[QuerySet[M]], index: FullTextIndex, words: list[str], n: int, window: int
) -> tuple[str, list[Any]] | None:
    """The same primary keys as :func:`_candidates_of_parts`, found in two steps: the newest
    ``window`` rows of the table, walked newest first (each row tested, no index), and only
    if fewer than ``n`` were found there, the older rows through the index. One statement
    (the second step's one-time filter skips it). None when a part's SQL is not of the form
    :func:`_in_window` expects."""
    table = _q(index.table)
    try:
        recent = _newest_of(
            [
                _in_window(_compiled(_candidates(p, index, words, n)), index.table, window)
                for p in parts
            ],
            n,
        )
    except ValueError:
        return None
    oldest_recent_sql = (
        f"SELECT min({_q('id')}) FROM (SELECT {_q('id')} FROM {table} "  # noqa: S608
        f"ORDER BY {_q('id')} DESC LIMIT {int(window)}) {_q('w')}"
    )
    oldest_recent = RawSQL(oldest_recent_sql, [])  # noqa: S611 (constant SQL)
    older = _candidates_of_parts([p.filter(pk__lt=oldest_recent) for p in parts], index, words, n)
    sql = (
        f"WITH {_q('recent')} AS MATERIALIZED ({recent[0]}) "  # noqa: S608
        f"SELECT * FROM (SELECT * FROM {_q('recent')} UNION ALL "
        f"SELECT * FROM ({older[0]}) {_q('older')} "
        f"WHERE (SELECT count(*) FROM {_q('recent')}) < {int(n)}) {_q('found')} "
        f"ORDER BY 1 DESC LIMIT {int(n)}"
    )
    return sql, recent[1] + older[1]


def _window_pays(
    parts: Sequence[QuerySet[M]], index: FullTextIndex, words: list[str], n: int, window: int
) -> bool:
    """True when the newest :data:`SAMPLE` rows hold enough matches the viewer may see that
    the newest ``window`` rows should hold ``n`` of them: then walking those rows finds the
    candidates sooner than reading every match through the index. One query walking
    :data:`SAMPLE` rows. (The planner cannot tell: it estimates several words as independent,
    which words typed together rarely are — "data analyst": 3,400 rows expected, 9,200 real.)"""
    try:
        sample = _newest_of(
            [
                _in_window(_compiled(_candidates(p, index, words, n)), index.table, SAMPLE)
                for p in parts
            ],
            n,
        )
    except ValueError:
        return False
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM ({sample[0]}) {_q('sample')}", sample[1])  # noqa: S608
        found = int(cursor.fetchone()[0])
    return found * window >= n * SAMPLE


class _Pool:
    """The candidates' primary keys, read by one query the first time a query using them is
    compiled, then kept: the count of a page and its rows (copies of one queryset) share
    them, so the index search and the visibility rule run once for both. Like Django's result
    cache, they are those of that first read for the life of the queryset (one request);
    printing the query reads them too.

    ``windowed``: the same keys found newest rows first (:func:`_windowed`), used when
    ``worth_it()`` says so (:func:`_window_pays`)."""

    def __init__(
        self,
        plain: tuple[str, list[Any]],
        windowed: tuple[str, list[Any]] | None = None,
        worth_it: Callable[[], bool] | None = None,
    ) -> None:
        self.plain, self.windowed, self.worth_it = plain, windowed, worth_it
        self._ids: list[int] | None = None

    def ids(self) -> list[int]:
        if self._ids is None:
            sql, params = self.plain
            if self.windowed is not None and self.worth_it is not None and self.worth_it():
                sql, params = self.windowed
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._ids = [row[0] for row in cursor.fetchall()]
        return self._ids


class _InPool(_OnColumn):
    """``<the queryset's table>.id`` among the pool's ids, as a filter condition: a
    PostgreSQL array (``= ANY``) or an SQLite JSON array (``json_each``), one parameter
    either way. No candidate → no row (Django's empty result, no query)."""

    conditional = True

    def __init__(self, pool: _Pool, column: Any = None) -> None:
        super().__init__(output_field=BooleanField())
        self.pool = pool
        self.column = column

    def resolve_expression(self, query: Any = None, *args: Any, **kwargs: Any) -> _InPool:
        return _InPool(self.pool, Col(query.get_initial_alias(), query.model._meta.pk))

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        ids = self.pool.ids()
        if not ids:
            raise EmptyResultSet
        sql, params = compiler.compile(self.column)
        if connection.vendor == "postgresql":
            return f"{sql} = ANY(%s)", [*params, ids]
        return f"{sql} IN (SELECT value FROM json_each(%s))", [*params, json.dumps(ids)]  # noqa: S608


def _rows_of(queryset: QuerySet[M], pool: _Pool) -> QuerySet[M]:
    """The rows whose primary key is in ``pool`` (rows of ``queryset``, so already
    narrowed by its conditions), loaded as ``queryset`` loads them (its ``select_related``,
    ``prefetch_related`` and deferred fields), without applying its conditions a second time:
    the planner would otherwise weigh them against the whole table again (a sequential scan
    of 100,000 postings for a coordinator's visibility rule, rather than 1,000 look-ups)."""
    rows = queryset.model._default_manager.filter(_InPool(pool))
    rows.query.select_related = queryset.query.select_related
    rows.query.deferred_loading = queryset.query.deferred_loading
    lookups = getattr(queryset, "_prefetch_related_lookups", ())
    if lookups:
        rows = rows.prefetch_related(*lookups)
    return rows


def ranked_matches(
    queryset: QuerySet[M],
    index: FullTextIndex,
    text: str,
    *,
    candidates: int = CANDIDATES,
    parts: Sequence[QuerySet[M]] | None = None,
    window: int | None = None,
) -> QuerySet[M]:
    """``queryset`` narrowed to rows matching ``text``, annotated ``search_rank`` (higher is
    better) and ordered by it, best first.

    The cost is bounded whatever the number of matches (docs/decisions/0021): the index finds
    the matching rows of ``queryset`` and the newest ``candidates`` of them (a ``LIMIT`` on the
    primary key, no rank computed) are the ones ranked (``ts_rank`` / ``bm25``), so a common
    word ranks 1,000 rows rather than 20,000. Those candidates' primary keys are read by a
    query of their own when the result is first compiled (counted, sliced, listed) and kept
    for every copy of it: a page's count and its rows search once. A query matching fewer
    rows is ranked exactly as if every match were ranked; ``queryset``'s own conditions (who
    may see what) apply to both steps, so the result never holds a row ``queryset`` does not.

    ``parts``: querysets whose union is exactly ``queryset``'s rows (the owner of the rule
    builds both from the same conditions: ``opportunities_visible_parts``). The candidates are
    then found part by part, each without the OR of the others — PostgreSQL plans an OR of a
    subquery as a hash of every row of that subquery on every search.

    ``window`` (PostgreSQL, several words): the newest ``window`` rows may be walked first
    (:func:`_windowed`), when a walk of the newest :data:`SAMPLE` rows finds enough matches
    (:func:`_window_pays`); the same candidates either way."""
    words = search_words(text)
    if not words or queryset.query.is_empty():
        return queryset.none()
    table, fts = _q(index.table), _q(index.fts_table)
    if connection.vendor in ("sqlite", "postgresql"):
        # Part by part on PostgreSQL only: SQLite reads a subquery's rows once for the whole
        # query (no hash rebuilt per part), and would search the FTS5 index once per part.
        if connection.vendor == "postgresql":
            scope = list(parts) if parts is not None else [queryset]
            windowed = (
                _windowed(scope, index, words, candidates, window)
                if window and len(words) > 1
                else None
            )
            pool = _Pool(
                _candidates_of_parts(scope, index, words, candidates),
                windowed,
                lambda: _window_pays(scope, index, words, candidates, window or 0),
            )
        else:
            found = _compiled(_candidates(queryset, index, words, candidates))
            if found is None:
                return queryset.none()
            pool = _Pool(found)
        queryset = _rows_of(queryset, pool)
    if connection.vendor == "sqlite":
        weights = ", ".join(str(WEIGHTS[w]) for _c, w in index.columns)
        qs = queryset.extra(  # noqa: S610 (constant SQL, the query is a parameter)
            tables=[index.fts_table],
            where=[f"{fts}.rowid = {table}.id", f"{fts} MATCH %s"],
            params=[_fts5_query(words)],
            select={"search_rank": f"-bm25({fts}, {weights})"},
        )
    elif connection.vendor == "postgresql":
        qs = queryset.extra(  # noqa: S610
            select={"search_rank": f"ts_rank({table}.{_q(PG_COLUMN)}, to_tsquery('simple', %s))"},
            select_params=[_tsquery(words)],
        )
    else:
        condition = Q()
        for word in words:
            condition &= _any_column_contains(index, word)
        qs = queryset.filter(condition).extra(select={"search_rank": "0"})
    return qs.order_by("-search_rank", "-pk")


# --- Migrations ------------------------------------------------------------------------------
_PG_UNACCENT = """
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE OR REPLACE FUNCTION tandem_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""


def create_sql(index: FullTextIndex, vendor: str) -> list[str]:
    """The statements that create ``index`` on ``vendor`` (none on another database)."""
    t, cols = index.table, [c for c, _w in index.columns]
    if vendor == "postgresql":
        parts = " || ".join(
            f"setweight(to_tsvector('simple'::regconfig, "
            f"tandem_unaccent(coalesce({c}::text, ''))), '{w}')"
            for c, w in index.columns
        )
        return [
            _PG_UNACCENT,
            f"ALTER TABLE {t} ADD COLUMN {PG_COLUMN} tsvector GENERATED ALWAYS AS ({parts}) STORED",
            f"CREATE INDEX {t}_search_gin ON {t} USING gin ({PG_COLUMN})",
        ]
    if vendor == "sqlite":
        fts, names = index.fts_table, ", ".join(cols)
        new = ", ".join(f"new.{c}" for c in cols)
        old = ", ".join(f"old.{c}" for c in cols)
        delete = f"INSERT INTO {fts}({fts}, rowid, {names}) VALUES ('delete', old.id, {old});"  # noqa: S608
        insert = f"INSERT INTO {fts}(rowid, {names}) VALUES (new.id, {new});"  # noqa: S608
        return [
            f"CREATE VIRTUAL TABLE {fts} USING fts5({names}, content='{t}', content_rowid='id', "
            "tokenize='unicode61 remove_diacritics 2')",
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {t} BEGIN {insert} END",
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {t} BEGIN {delete} END",
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {names} ON {t} BEGIN {delete} {insert} END",
            f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",  # noqa: S608
        ]
    return []


def drop_sql(index: FullTextIndex, vendor: str) -> list[str]:
    t, fts = index.table, index.fts_table
    if vendor == "postgresql":
        return [
            f"DROP INDEX IF EXISTS {t}_search_gin",
            f"ALTER TABLE {t} DROP COLUMN IF EXISTS {PG_COLUMN}",
        ]
    if vendor == "sqlite":
        return [f"DROP TRIGGER IF EXISTS {fts}_{s}" for s in ("ai", "ad", "au")] + [
            f"DROP TABLE IF EXISTS {fts}"
        ]
    return []


def index_operation(*indexes: FullTextIndex) -> RunPython:
    """A reversible migration operation creating ``indexes`` for the database in use."""

    def forward(apps: Any, schema_editor: Any) -> None:
        for index in indexes:
            for sql in create_sql(index, schema_editor.connection.vendor):
                schema_editor.execute(sql)

    def backward(apps: Any, schema_editor: Any) -> None:
        for index in indexes:
            for sql in drop_sql(index, schema_editor.connection.vendor):
                schema_editor.execute(sql)

    return RunPython(forward, backward)


def rebuild_after_table_copy(*indexes: FullTextIndex) -> RunPython:
    """A migration operation for after one that copies a table on SQLite (an added or altered
    column): SQLite's copy drops the FTS5 triggers, so the index is dropped and created again
    (and refilled). PostgreSQL keeps its generated column: nothing to do there."""

    def rebuild(apps: Any, schema_editor: Any) -> None:
        if schema_editor.connection.vendor != "sqlite":
            return
        for index in indexes:
            for sql in drop_sql(index, "sqlite") + create_sql(index, "sqlite"):
                schema_editor.execute(sql)

    return RunPython(rebuild, rebuild)


def index_is_live(index: FullTextIndex) -> bool:
    """True when the database holds ``index`` (its FTS5 triggers, or its PostgreSQL column):
    a migration that rebuilds the table on SQLite drops triggers, and a test asks this."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s "
                "AND name LIKE %s",
                [index.table, f"{index.fts_table}_a_"],
            )
            return bool(cursor.fetchone()[0] == 3)
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT count(*) FROM information_schema.columns "
                "WHERE table_name = %s AND column_name = %s",
                [index.table, PG_COLUMN],
            )
            return bool(cursor.fetchone()[0] == 1)
    return True
