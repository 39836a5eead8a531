"""The PostgreSQL engine: an index location ``postgresql://user@host:port/db``.

For archives and readerships past one machine: PostgreSQL brings streaming replicas,
partitioning, backups and managed hosting that newsrooms already run. The analysis is
Naba's (:mod:`.postgres_rows` makes the very terms the embedded engine indexes); the
ranking is the embedded engine's BM25F over posting lists kept in the database
(:mod:`.postgres_search`); searches go to read replicas (:mod:`.postgres_servers`).

Layout, in one PostgreSQL schema (``naba`` unless the URL says ``?schema=…``):

* ``meta``: the schema version, the live generation, each generation's manifest;
* per generation ``<g>``: ``docs_<g>`` (stored fields and the ``exact`` vector of
  positions, partitioned by publication year, a partition per year and one for
  undated articles), ``postings_<g>`` (per field and term, a row per batch of documents
  written: their numbers and frequencies as arrays), ``columns_<g>`` (per-document
  arrays for ranking, filters and facets, :mod:`.postgres_columns`), ``terms_<g>``
  (document frequency per field and term: suggestions, corrections) and ``stats_<g>``
  (document count, total field lengths, counters);
* views ``docs``, ``terms``… over the live generation, for single statements. A search
  (several statements in one repeatable-read transaction) reads ``meta`` first and
  names that generation's tables: a view is resolved against the latest catalog, so
  after a rebuild committed during the transaction it would name tables whose rows the
  transaction's snapshot cannot see.

A full rebuild builds a new generation in one transaction and, in the same
transaction, makes it live: a reindex killed at any moment (``kill -9``) rolls back
and leaves the previous data serving, and searches never see a half-built index. The
generation it replaced is kept until the next reindex, for searches still reading it.
An incremental reindex changes the live generation in one transaction: new documents
get new numbers and a new posting segment, replaced and deleted ones leave the
``live`` column (their postings stay until the next full rebuild). Two reindexes never
run at once: a session advisory lock, which dies with its connection.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import multiprocessing
import os
import re
import threading
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from search.document import Document

from .base import (
    MANIFEST_KINDS,
    IndexIncompatible,
    IndexMissing,
    IndexOptions,
    ManifestKind,
    ReindexRunning,
    ServerHealth,
    StoryGrouping,
)
from .postgres_columns import SOURCE_COLUMNS, build
from .postgres_rows import COLUMNS, Packed, analyse, rows
from .postgres_servers import CONNECT_TIMEOUT_S, Server, Servers, first_line, public
from .whoosh_processes import workers_die_with_us

T = TypeVar("T")

SCHEMA_VERSION = 5
DEFAULT_SCHEMA = "naba"
#: Documents sent per COPY: each batch adds one segment to the posting lists of its
#: terms, so a common word of 315,000 articles is read in 63 rows.
BATCH = 5000
#: Documents per task of an analysing process: the writing process joins the tasks'
#: posting lists term by term, so fewer, larger tasks leave it less to do.
CHUNK = 500
#: Each generation's tables (``<name>_<generation>``), and the live views of them.
TABLES = ("docs", "terms", "stats", "postings", "columns")
_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,40}$")
#: The advisory lock of reindexing (two int keys: "naba", the schema's hash).
_LOCK_KEY = 0x6E616261


def _split_location(location: str) -> tuple[str, str]:
    """The connection string without Naba's own parameter, and the schema it names."""
    parts = urlsplit(location)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), DEFAULT_SCHEMA)
    if not _NAME.match(schema):
        raise IndexMissing(f"schema must be a lower-case SQL name, not {schema!r}")
    rest = [(key, value) for key, value in query if key != "schema"]
    if not any(key == "connect_timeout" for key, _ in rest):
        rest.append(("connect_timeout", str(CONNECT_TIMEOUT_S)))
    return urlunsplit(parts._replace(query=urlencode(rest))), schema


@contextlib.contextmanager
def refusals() -> Iterator[None]:
    """What the database refuses to a writer (a permission, a full disk) is a failed
    write, an ``OSError`` as on the embedded engine: the command says so in one line."""
    import psycopg

    try:
        yield
    except psycopg.Error as error:
        raise OSError(f"the database refused: {first_line(error)}") from None


def open_postgres(location: str, options: IndexOptions) -> PostgresIndex:
    """The factory's opener for ``postgresql://`` (and ``postgres://``) locations."""
    return PostgresIndex(location, options)


class PostgresIndex:
    """An index in a PostgreSQL database (one schema of it), read through its primary
    and its replicas (:mod:`.postgres_servers`), written through its primary only."""

    def __init__(self, location: str, options: IndexOptions | None = None) -> None:
        options = options or IndexOptions()
        self.location = location
        #: The editor's spelling variants (``NABA_VARIANTS``): a database has no folder.
        self.variants_file = Path(options.variants_file) if options.variants_file else None
        #: What a searching process may keep between searches (``NABA_CACHE_MB``).
        self.cache_bytes = max(0, options.cache_mb) << 20
        self.conninfo, self.schema = _split_location(location)
        timeout = options.query_timeout_ms
        replicas = []
        for url in options.replicas:
            conninfo, schema = _split_location(url)
            if schema != self.schema:
                raise IndexIncompatible(
                    f"the replica {public(url)} names schema {schema!r}; the primary's is "
                    f"{self.schema!r} (a replica holds the primary's very tables)"
                )
            replicas.append(Server(url, conninfo, "replica", timeout))
        self.cluster = Servers(
            Server(location, self.conninfo, "primary", timeout), replicas, options.max_replica_lag
        )
        self._lock = threading.Lock()
        self._reader: Any = None

    # --- connections ----------------------------------------------------------------

    def _connect_error(self, error: BaseException) -> IndexMissing:
        return IndexMissing(
            f"the index database at {public(self.location)} cannot be reached: {first_line(error)}"
        )

    @contextlib.contextmanager
    def connection(self) -> Iterator[Any]:
        """A pooled connection to the primary; an unreachable database is
        :class:`IndexMissing`."""
        import psycopg
        from psycopg_pool import PoolTimeout

        primary = self.cluster.primary
        try:
            with primary.pool().connection() as conn:
                yield conn
        except psycopg.errors.QueryCanceled:
            raise primary.timed_out() from None
        except (psycopg.OperationalError, PoolTimeout) as error:
            raise self._connect_error(error) from None

    def read(self, work: Callable[[Any], T]) -> T:
        """``work(connection)`` for a search: on a healthy replica, else the primary."""
        return self.cluster.read(work, self._connect_error)

    def servers(self) -> list[ServerHealth]:
        return self.cluster.health()

    def _direct(self) -> Any:
        """A connection of its own (writers and the reindex lock hold theirs)."""
        import psycopg

        try:
            return psycopg.connect(self.conninfo, autocommit=True)
        except psycopg.OperationalError as error:
            raise self._connect_error(error) from None

    def q(self, sql: str) -> str:
        """``sql`` with ``{s}`` standing for this index's schema (a checked name)."""
        return sql.replace("{s}", self.schema)

    # --- the live generation ----------------------------------------------------------

    def _meta(self, conn: Any, key: str) -> Any:
        try:
            found = conn.execute(
                self.q("SELECT value FROM {s}.meta WHERE key = %s"), (key,)
            ).fetchone()
        except Exception as error:  # no schema yet: an undefined table
            if type(error).__name__ in ("UndefinedTable", "InvalidSchemaName"):
                return None
            raise
        return found[0] if found else None

    def _state(self, conn: Any, *, check: bool = True) -> tuple[str | None, tuple[int, ...]]:
        """The live generation and its statistics (which change with every incremental
        reindex), in one statement; ``(None, ())`` where no index was built yet.
        ``check``: an index of another schema version is :class:`IndexIncompatible`."""
        try:
            live, version, stamp = conn.execute(
                self.q(
                    "SELECT (SELECT value FROM {s}.meta WHERE key = 'current'), "
                    "(SELECT value FROM {s}.meta WHERE key = 'version'), "
                    "(SELECT array_agg(value ORDER BY key) FROM {s}.stats)"
                )
            ).fetchone()
        except Exception as error:  # no index here yet: no schema, or no table
            if type(error).__name__ not in ("UndefinedTable", "InvalidSchemaName"):
                raise
            return None, ()
        if check and live is not None and version != SCHEMA_VERSION:
            raise IndexIncompatible(
                f"the index at {public(self.location)} has schema version {version}, this "
                f"Naba reads version {SCHEMA_VERSION}: rebuild it with "
                "`python -m search reindex --full`"
            )
        return live, tuple(stamp or ())

    def generation(self) -> str | None:
        """The primary's live generation (what a reindex changes), whatever its schema
        version: a reindex finds an old one through :meth:`reader` and rebuilds it."""
        with self.connection() as conn:
            return self._state(conn, check=False)[0]

    def exists(self) -> bool:
        return self.generation() is not None

    def reader(self) -> Any:
        """A reader of the live generation as the server searched sees it; a new one
        when a reindex changed it (so what the search layer memoised for the old one
        goes with it). One round trip."""
        from .postgres_search import PostgresReader

        live, stamp = self.read(self._state)
        if live is None:
            raise IndexMissing(
                f"no index at {public(self.location)} yet: build one with "
                f"`python -m search reindex --index {public(self.location)}`"
            )
        with self._lock:
            if self._reader is None or self._reader.generation != live:
                self._reader = PostgresReader(self, live, stamp)
            else:
                self._reader.refresh(stamp)
            return self._reader

    def size_bytes(self) -> int:
        def size(conn: Any) -> int:
            live = self._state(conn)[0]
            if live is None:
                return 0
            found = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = %s AND c.relkind IN ('r', 'p') AND c.relname LIKE %s",
                (self.schema, f"%\\_{live}%"),
            ).fetchone()
            return int(found[0])

        return self.read(size)

    def manifest(self, kind: ManifestKind = "manifest") -> dict[str, Any] | None:
        live = self.generation()
        if live is None:
            return None
        with self.connection() as conn:
            found: dict[str, Any] | None = self._meta(conn, f"{kind}:{live}")
        return found

    def save_manifest(self, manifest: dict[str, Any], kind: ManifestKind = "manifest") -> None:
        from psycopg.types.json import Jsonb

        live = self.generation()
        if live is None:
            raise IndexMissing("no index to keep a manifest for")
        with self.connection() as conn:
            conn.execute(
                self.q(
                    "INSERT INTO {s}.meta (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"
                ),
                (f"{kind}:{live}", Jsonb(manifest)),
            )

    def close(self) -> None:
        with self._lock:
            self.cluster.close()
            self._reader = None

    # --- writing ----------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, *, wait: bool = False) -> Iterator[None]:
        """Only one reindex at a time: an advisory lock on a connection of its own,
        released when the connection ends, however the process ends."""
        conn = self._direct()
        try:
            key = zlib.crc32(self.schema.encode()) & 0x7FFFFFFF  # the same in every process
            if wait:
                conn.execute("SELECT pg_advisory_lock(%s, %s)", (_LOCK_KEY, key))
            elif not conn.execute(
                "SELECT pg_try_advisory_lock(%s, %s)", (_LOCK_KEY, key)
            ).fetchone()[0]:
                raise ReindexRunning(f"another reindex of {public(self.location)} is running")
            yield
        finally:
            conn.close()

    def prune(self) -> list[str]:
        """Drop every generation but the live one (under :meth:`lock`): a rebuild's
        replaced generation has served its last search by the next reindex."""
        return self.drop_generations(keep={self.generation() or ""})

    def drop_generations(self, keep: set[str]) -> list[str]:
        """Drop the generations not in ``keep``; one still read by a long search is left
        for the next reindex rather than waited for."""
        removed = []
        with refusals(), self.connection() as conn:
            names = [
                name
                for (name,) in conn.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s "
                    "AND tablename LIKE 'stats\\_%%'",
                    (self.schema,),
                ).fetchall()
            ]
            for name in names:
                generation = name.removeprefix("stats_")
                if generation in keep or not _NAME.match(generation):
                    continue
                try:
                    with conn.transaction():
                        conn.execute("SET LOCAL lock_timeout = '2s'")
                        for table in TABLES:
                            conn.execute(self.q(f"DROP TABLE IF EXISTS {{s}}.{table}_{generation}"))
                        conn.execute(
                            self.q("DELETE FROM {s}.meta WHERE key = ANY(%s)"),
                            ([f"{kind}:{generation}" for kind in MANIFEST_KINDS],),
                        )
                    removed.append(generation)
                except Exception as error:  # a lock timeout: still read; next time
                    if type(error).__name__ != "LockNotAvailable":
                        raise
        return sorted(removed)

    def writer(self, *, workers: int | None = None) -> PostgresWriter:
        live = self.generation()
        if live is None:
            raise IndexMissing(f"no index at {public(self.location)} to change")
        return PostgresWriter(self, live, fresh=False, workers=workers)

    def rebuild(self, *, workers: int | None = None) -> PostgresWriter:
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%d%H%M%S%f")
        return PostgresWriter(self, f"g{stamp}_{os.getpid()}", fresh=True, workers=workers)


def _made(job: Any) -> list[tuple[list[tuple[Any, ...]], Packed]]:
    """What the analysts made of a batch (or the batch's rows, made here)."""
    return job if isinstance(job, list) else job.get()


class PostgresWriter:
    """Adds, replaces and deletes documents in one transaction (a rebuild: a whole new
    generation, made live in that same transaction)."""

    def __init__(
        self, index: PostgresIndex, generation: str, *, fresh: bool, workers: int | None = None
    ) -> None:
        self.index = index
        #: Processes analysing documents (the analysis is most of a build's time); this
        #: process sends their rows to the database meanwhile.
        self.workers = max(1, workers or min(2, os.cpu_count() or 1))
        self._analysts: Any = None
        self._analysing: Any = None  # the batch the analysts are making rows of
        self.generation = generation
        self.removed: list[str] = []
        self._replaced: str | None = None  # the generation a rebuild's commit replaces
        self._fresh = fresh
        self._conn = index._direct()
        self._conn.autocommit = False
        self._pending: list[Document] = []
        #: What finds the commit's story groups (:meth:`set_grouping`).
        self._group: StoryGrouping | None = None
        self._gone: set[str] = set()
        self._years: set[int] = set()
        self._next = 1
        self._first_new = 1
        self._segment = 0
        #: Document frequencies of the batches written, counted as they go (a count over
        #: the posting lists at commit was 3 % of a build).
        self._df: Counter[tuple[int, str]] = Counter()
        try:
            with refusals():
                if fresh:
                    self._create()
                else:
                    self._next = self._first_new = self._stat("next_docnum") or 1
                    self._segment = self._stat("next_segment")
                    self._years = self._existing_years()
        except BaseException:
            self._conn.rollback()
            self._conn.close()
            raise

    def _x(self, sql: str, params: Any = None) -> Any:
        sql = self.index.q(sql).replace("{g}", self.generation)
        return self._conn.execute(sql, params)

    def _stat(self, key: str) -> int:
        found = self._x("SELECT value FROM {s}.stats_{g} WHERE key = %s", (key,)).fetchone()
        return int(found[0]) if found else 0

    def _existing_years(self) -> set[int]:
        rows = self._x(
            "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
            "JOIN pg_class p ON p.oid = i.inhparent JOIN pg_namespace n ON n.oid = p.relnamespace "
            "WHERE n.nspname = %s AND p.relname = %s",
            (self.index.schema, f"docs_{self.generation}"),
        ).fetchall()
        years = set()
        for (name,) in rows:
            suffix = name.rsplit("_", 1)[1]
            years.add(0 if suffix == "undated" else int(suffix.removeprefix("y")))
        return years

    def _create(self) -> None:
        self._x("CREATE SCHEMA IF NOT EXISTS {s}")
        self._x("CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value jsonb)")
        self._x(
            """CREATE TABLE {s}.docs_{g} (
                docnum integer NOT NULL,
                id text COLLATE "C" NOT NULL,
                year smallint NOT NULL,
                month text,
                date date,
                sources text[] NOT NULL,
                category text,
                title text NOT NULL,
                body text NOT NULL,
                url text,
                origin text,
                author text,
                date_source text,
                source_rules jsonb,
                content_hash text,
                lengths integer[] NOT NULL,
                exact tsvector NOT NULL,
                story_text bytea,
                story text
            ) PARTITION BY LIST (year)"""
        )
        self._x(
            'CREATE TABLE {s}.terms_{g} (field smallint, term text COLLATE "C", '
            "df integer NOT NULL, PRIMARY KEY (field, term))"
        )
        self._x("CREATE TABLE {s}.stats_{g} (key text PRIMARY KEY, value bigint NOT NULL)")
        # Posting lists in segments: each batch of documents adds one row per term it
        # holds (its documents' numbers and frequencies as little-endian arrays); a
        # search reads a term's rows in order. Stored uncompressed: read whole, often.
        self._x(
            'CREATE TABLE {s}.postings_{g} (field smallint NOT NULL, term text COLLATE "C" '
            "NOT NULL, segment integer NOT NULL, docnums bytea NOT NULL, tfs bytea NOT NULL)"
        )
        self._x(
            "ALTER TABLE {s}.postings_{g} ALTER docnums SET STORAGE EXTERNAL, "
            "ALTER tfs SET STORAGE EXTERNAL"
        )
        self._x(
            "CREATE TABLE {s}.columns_{g} (name text PRIMARY KEY, data bytea NOT NULL, "
            "labels text[] NOT NULL)"
        )
        self._x("ALTER TABLE {s}.columns_{g} ALTER data SET STORAGE EXTERNAL")

    def _partition(self, year: int) -> None:
        name = "undated" if year == 0 else f"y{year}"
        self._x(
            f"CREATE TABLE {{s}}.docs_{{g}}_{name} PARTITION OF {{s}}.docs_{{g}} "
            f"FOR VALUES IN ({year})"
        )
        self._years.add(year)

    # --- the IndexWriter interface ---------------------------------------------------

    def add(self, document: Document) -> None:
        self._pending.append(document)
        if len(self._pending) >= BATCH:
            with refusals():
                self._flush()

    def update(self, document: Document) -> None:
        self._gone.add(document.id)
        self.add(document)

    def delete(self, doc_id: str) -> None:
        self._gone.add(doc_id)

    def set_grouping(self, group: StoryGrouping) -> None:
        self._group = group

    def _flush(self, *, last: bool = False) -> None:
        """Hand the pending documents to the analysts and write the batch they made
        before (or, ``last``, every batch still out)."""
        job = None
        if self._pending:
            batch, self._pending = self._pending, []
            for year in {d.date.year if d.date else 0 for d in batch} - self._years:
                self._partition(year)
            numbered = list(zip(range(self._next, self._next + len(batch)), batch, strict=True))
            self._next += len(batch)
            chunks = [numbered[i : i + CHUNK] for i in range(0, len(numbered), CHUNK)]
            if self.workers > 1 and len(chunks) > 1:  # (a few documents: no processes)
                if self._analysts is None:
                    # Forked: the children only analyse (they never touch this process's
                    # connections, and they end with os._exit, closing none of them);
                    # killed with this process, as the embedded engine's writers are.
                    with workers_die_with_us():
                        self._analysts = multiprocessing.get_context("fork").Pool(self.workers)
                job = self._analysts.map_async(rows, chunks)
            else:
                job = [rows(chunk) for chunk in chunks]
        if self._analysing is not None:
            self._write(_made(self._analysing))
        self._analysing = job
        if last and job is not None:
            self._write(_made(job))
            self._analysing = None

    def _write(self, made: list[tuple[list[tuple[Any, ...]], Packed]]) -> None:
        """One batch's rows by ``COPY``, and its posting lists as one new segment."""
        columns = ", ".join(COLUMNS)
        postings: dict[tuple[int, str], list[tuple[bytes, bytes]]] = {}
        with self._conn.cursor() as cursor:
            copy_sql = self.index.q(f"COPY {{s}}.docs_{self.generation} ({columns}) FROM STDIN")
            with cursor.copy(copy_sql) as copy:
                for values, packed in made:
                    for value in values:
                        copy.write_row(value)
                    for key, arrays in packed.items():
                        postings.setdefault(key, []).append(arrays)
            copy_sql = self.index.q(
                f"COPY {{s}}.postings_{self.generation} (field, term, segment, docnums, tfs) "
                "FROM STDIN"
            )
            with cursor.copy(copy_sql) as copy:
                df = self._df
                for key, parts in postings.items():
                    docnums = b"".join(d for d, _ in parts)
                    tfs = b"".join(t for _, t in parts)
                    df[key] += len(docnums) // 4
                    copy.write_row((*key, self._segment, docnums, tfs))
        self._segment += 1

    def _write_stories(self) -> None:
        """The groups :meth:`set_grouping`'s function finds in the story texts of the
        documents as this commit leaves them, in place of the previous ones."""
        if self._group is None:
            return
        texts = self._x(
            "SELECT id, date, coalesce((SELECT min(s COLLATE \"C\") FROM unnest(sources) s), ''), "
            "story_text FROM {s}.docs_{g}"
        ).fetchall()
        stories = self._group((i, d, s, bytes(t or b"")) for i, d, s, t in texts)
        if not self._fresh:
            self._x("UPDATE {s}.docs_{g} SET story = NULL WHERE story IS NOT NULL")
        ids, groups = list(stories), list(stories.values())
        self._x(
            """UPDATE {s}.docs_{g} d SET story = s.story
               FROM unnest(%s::text[], %s::text[]) s(id, story) WHERE d.id = s.id""",
            (ids, groups),
        )

    def _write_columns(self) -> None:
        """Every document's columns, anew (:mod:`.postgres_columns`): a second or two
        at 300,000 documents, so an incremental reindex rewrites them too."""
        self._write_stories()
        rows = self._x(f"SELECT {SOURCE_COLUMNS} FROM {{s}}.docs_{{g}}").fetchall()
        self._x("DELETE FROM {s}.columns_{g}")
        with self._conn.cursor() as cursor:
            copy_sql = self.index.q(
                f"COPY {{s}}.columns_{self.generation} (name, data, labels) FROM STDIN"
            )
            with cursor.copy(copy_sql) as copy:
                for values in build(rows, self._next):
                    copy.write_row(values)

    def commit(self) -> None:
        try:
            with refusals():
                if self._fresh:
                    self._commit_rebuild()
                else:
                    self._commit_change()
                self._conn.commit()
        except BaseException:
            self._conn.rollback()
            raise
        finally:
            self._stop_analysts()
            self._conn.close()
        if self._fresh:
            with contextlib.suppress(Exception):
                # The generation just replaced stays for the searches still reading it.
                self.removed = self.index.drop_generations(
                    keep={self.generation, self._replaced or ""}
                )

    def cancel(self) -> None:
        try:
            self._conn.rollback()
        finally:
            self._stop_analysts()
            self._conn.close()

    def _stop_analysts(self) -> None:
        if self._analysts is not None:
            self._analysts.terminate()
            self._analysts.join()
            self._analysts = None

    # --- committing -------------------------------------------------------------------

    def _copy_terms(self, table: str) -> None:
        """The document frequencies of the documents this writer added, into ``table``."""
        with self._conn.cursor() as cursor:
            copy_sql = self.index.q(f"COPY {table} (field, term, df) FROM STDIN")
            copy_sql = copy_sql.replace("{g}", self.generation)
            with cursor.copy(copy_sql) as copy:
                for (field, term), df in self._df.items():
                    copy.write_row((field, term, df))

    def _lengths(self, where: str, params: dict[str, Any] | None = None) -> list[int]:
        """Documents and their total field lengths, of the rows ``where`` selects."""
        found = self._x(
            "SELECT count(*), coalesce(sum(lengths[1]), 0), coalesce(sum(lengths[2]), 0), "
            "coalesce(sum(lengths[3]), 0), coalesce(sum(lengths[4]), 0) "
            f"FROM {{s}}.docs_{{g}} d WHERE true {where}",
            params,
        ).fetchone()
        return [int(value) for value in found]

    def _set_stats(self, totals: list[int]) -> None:
        keys = (
            "documents",
            "length:title",
            "length:body",
            "length:title_exact",
            "length:body_exact",
        )
        counters = [("next_docnum", self._next), ("next_segment", self._segment)]
        for key, value in [*zip(keys, totals, strict=True), *counters]:
            self._x(
                "INSERT INTO {s}.stats_{g} (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, value),
            )

    def _commit_rebuild(self) -> None:
        from psycopg.types.json import Jsonb

        self._flush(last=True)
        if 0 not in self._years:
            self._partition(0)  # so an empty index still has a table to read
        self._x("CREATE INDEX ON {s}.docs_{g} (id)")
        self._x("CREATE INDEX ON {s}.docs_{g} (docnum)")
        self._x("CREATE INDEX ON {s}.postings_{g} (field, term, segment)")
        self._copy_terms("{s}.terms_{g}")
        self._set_stats(self._lengths(""))
        self._write_columns()
        # Statistics of the columns searches filter on only: those of the vectors and
        # texts cost most of ANALYZE's time and no plan uses them.
        self._x("ANALYZE {s}.docs_{g} (docnum, id, year, date)")
        # Made anew, not replaced: another schema version's tables have other columns.
        # (The views are locked from here to the commit: keep what follows short.)
        for table in TABLES:
            self._x(f"DROP VIEW IF EXISTS {{s}}.{table}")
            self._x(f"CREATE VIEW {{s}}.{table} AS SELECT * FROM {{s}}.{table}_{{g}}")
        self._replaced = self.index._meta(self._conn, "current")
        for key, value in (("current", self.generation), ("version", SCHEMA_VERSION)):
            self._x(
                "INSERT INTO {s}.meta (key, value) VALUES (%s, %s) "
                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value",
                (key, Jsonb(value)),
            )

    def _commit_change(self) -> None:
        self._flush(last=True)
        old = "AND d.id = ANY(%(gone)s) AND d.docnum < %(first)s"
        new = "AND d.docnum >= %(first)s"
        params = {"gone": sorted(self._gone), "first": self._first_new}
        before = self._lengths(old, params)
        # Document frequencies: the replaced documents' out (their terms, analysed
        # again from their text), the new ones' in (from their segments).
        gone: Counter[tuple[int, str]] = Counter()
        for title, body in self._x(
            f"SELECT title, body FROM {{s}}.docs_{{g}} d WHERE true {old}", params
        ).fetchall():
            gone.update((field, term) for field, term, _ in analyse(title, body)[2])
        self._x(
            """UPDATE {s}.terms_{g} t SET df = t.df - c.n
               FROM unnest(%s::smallint[], %s::text[], %s::integer[]) c(field, term, n)
               WHERE t.field = c.field AND t.term = c.term""",
            ([f for f, _ in gone], [t for _, t in gone], list(gone.values())),
        )
        self._x(f"DELETE FROM {{s}}.docs_{{g}} d WHERE true {old}", params)
        self._x("DELETE FROM {s}.terms_{g} WHERE df <= 0")
        self._x(
            'CREATE TEMPORARY TABLE added_terms (field smallint, term text COLLATE "C", '
            "df integer) ON COMMIT DROP"
        )
        self._copy_terms("added_terms")
        self._x(
            """INSERT INTO {s}.terms_{g} (field, term, df) SELECT field, term, df FROM added_terms
               ON CONFLICT (field, term) DO UPDATE SET df = {s}.terms_{g}.df + EXCLUDED.df"""
        )
        added = self._lengths(new, params)
        current = [
            self._stat(k)
            for k in (
                "documents",
                "length:title",
                "length:body",
                "length:title_exact",
                "length:body_exact",
            )
        ]
        self._set_stats([c - b + a for c, b, a in zip(current, before, added, strict=True)])
        # The replaced documents' postings stay in their segments: the ``live`` column
        # leaves them out of every search, and the next full rebuild drops them.
        self._write_columns()
