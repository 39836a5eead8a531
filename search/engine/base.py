"""The engine interface: what the search layer needs from a full-text engine.

An index lives at a *location*, a string: a folder for the embedded Whoosh
engine, a ``postgresql://`` URL for archives past one machine.
:func:`search.engine.open_index` turns a location into an :class:`Index`, and
nothing above :mod:`search.engine` knows which engine it got. An index has a
reading side (:class:`IndexReader`: one consistent view of the live documents)
and a writing side (:class:`IndexWriter`: an incremental change, or a full
rebuild that replaces everything at once when it commits). Crash recovery,
durability and an engine's own tuning (processes, buffers) stay inside the
engine. The search layer (query parsing, snippets, suggestions, the request
and response) speaks only these types.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol, TypeVar

from search.document import Document, StoredDocument

Mode = Literal["stemmed", "exact"]
#: Memory for decoded postings per process when the opener names none (``NABA_CACHE_MB``).
DEFAULT_CACHE_MB = 128
#: Seconds a read replica may lag behind its primary and still be searched.
DEFAULT_MAX_REPLICA_LAG = 30.0
#: Milliseconds one statement of a search may run on a database engine.
DEFAULT_QUERY_TIMEOUT_MS = 10_000
Sort = Literal["relevance", "newest", "oldest"]


@dataclass(frozen=True, slots=True)
class IndexOptions:
    """How this process opens an index, beside its location (from the settings). Each
    engine takes what applies to it; asking an engine for what it cannot do (replicas of
    a folder) is an error, not silently ignored."""

    #: Memory for the engine's caches of decoded postings (``NABA_CACHE_MB``).
    cache_mb: int = DEFAULT_CACHE_MB
    #: Read replicas of a database index (``NABA_INDEX_REPLICAS``): searches go there.
    replicas: tuple[str, ...] = ()
    #: A replica further behind (seconds) is skipped (``NABA_MAX_REPLICA_LAG``).
    max_replica_lag: float = DEFAULT_MAX_REPLICA_LAG
    #: A database search statement running longer is stopped (``NABA_QUERY_TIMEOUT_MS``).
    query_timeout_ms: int = DEFAULT_QUERY_TIMEOUT_MS
    #: The editor's file of spelling variants (``NABA_VARIANTS``); a folder index has its
    #: own ``variants.txt`` by default, a database index none.
    variants_file: str | None = None


@dataclass(frozen=True, slots=True)
class ServerHealth:
    """One database server an index reads from, as ``/healthz`` reports it."""

    #: Its location without a password.
    location: str
    role: Literal["primary", "replica"]
    #: ``ok``; ``lagging`` (behind by more than the allowed lag: skipped); ``down``.
    status: Literal["ok", "lagging", "down"]
    #: Seconds behind the primary (a replica that answered), else ``None``.
    lag_seconds: float | None = None
    #: Why it is down or lagging.
    error: str | None = None


class IndexMissing(LookupError):
    """There is no index at the location yet (run ``python -m search reindex``)."""


class IndexIncompatible(IndexMissing):
    """The location holds an index this version cannot read (``reindex --full`` rebuilds it)."""


class IndexUnsafe(IndexMissing):
    """The index's files could have been changed by someone other than its owner; an
    engine that unpickles them (Whoosh) would run what they hold, so it refuses."""


class ReindexRunning(RuntimeError):
    """Another reindex of the same index holds its lock."""


#: What a reindex keeps with an index's commit (:meth:`Index.save_manifest`).
ManifestKind = Literal["manifest", "variants"]
MANIFEST_KINDS: tuple[ManifestKind, ...] = ("manifest", "variants")


# --- the query the search layer hands to an engine --------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One query word, analysed: ``term`` for the stemmed fields, ``exact`` for the exact ones.

    ``weight`` scales its score: a spelling variant the search layer adds beside the
    word the reader typed (:mod:`search.variants`) scores a little below it."""

    text: str
    term: str
    exact: str
    stopped: bool = False
    weight: float = 1.0


@dataclass(frozen=True, slots=True)
class Phrase:
    """Consecutive exact terms, matched on positions in the exact fields."""

    text: str
    exacts: tuple[str, ...]


Clause = Word | Phrase


@dataclass(frozen=True, slots=True)
class Group:
    """Alternatives joined by OR / أو; a plain word is a group of one."""

    alternatives: tuple[Clause, ...]


@dataclass(frozen=True, slots=True)
class Filters:
    """Restrictions that do not score: accepted values per facet, and a date range.

    ``values`` maps a facet's name (``sources``, ``year``, ``month``, ``category``:
    the facets of :data:`search.params.FACETS`) to the values a document may have;
    within one facet they are alternatives, across facets all must hold.
    """

    values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    date_from: dt.date | None = None
    date_to: dt.date | None = None

    def __getitem__(self, facet: str) -> tuple[str, ...]:
        return self.values.get(facet, ())

    def without(self, facets: Iterable[str]) -> Filters:
        """These filters minus some facets': what a facet is counted under."""
        dropped = set(facets)
        return Filters(
            {k: v for k, v in self.values.items() if k not in dropped},
            self.date_from,
            self.date_to,
        )


@dataclass(frozen=True, slots=True)
class EngineQuery:
    """A parsed query, engine-neutral.

    ``groups`` are the scoring clauses; a document that matches any of them
    matches. Ranked ``tiered`` (Naba's order), documents come in tiers, each
    ranked by score: every group first; then, when ``min_match`` is below the
    number of groups (a long query), those with at least ``min_match``; then
    those that miss one group more, and so on (:func:`.counting.tiers`). Untiered, by
    score alone. ``excluded`` clauses must not match. With no groups the query
    matches every document that passes the filters.
    """

    groups: tuple[Group, ...] = ()
    excluded: tuple[Clause, ...] = ()
    min_match: int = 0
    mode: Mode = "stemmed"
    tiered: bool = True

    @property
    def first_tier(self) -> int:
        """How many groups put a document in the first tier that ``complete`` counts."""
        return min(max(self.min_match, 1), len(self.groups))


#: The facet of story groups: a document's value is its group's first article (none
#: for an article that is a story of its own). Filtering by it lists a story's versions.
STORY_FACET = "story"

#: The facet of matches per publication day (``2023-08-16`` -> count), for timelines:
#: no parameter filters it, and a search counts it only when asked (it is the one facet
#: with as many values as the archive has days).
DAY_FACET = "day"
#: The ``day`` facet's key for the matches without a date (shown apart, not as a day).
UNDATED = "undated"


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """Which facets to count, each under its own filters (the others', not its own).

    Besides the facets of :data:`search.params.FACETS`, :data:`DAY_FACET`."""

    counts: Mapping[str, Filters] = field(default_factory=dict)


# --- what an engine returns ---------------------------------------------------


@dataclass(slots=True)
class EngineHit:
    document: StoredDocument
    score: float
    #: With ``collapse``: the other matches of the hit's story, oldest first.
    versions: list[StoredDocument] = field(default_factory=list)


@dataclass(slots=True)
class EngineResult:
    """A page of hits, the total, and per facet the count of matches per value (unordered).
    ``stories``: with ``collapse``, how many stories the matches make (else ``None``).
    ``complete``: how many matches are in the first tier (every word, for up to three
    words: :attr:`EngineQuery.first_tier`); ``None`` for a query without words."""

    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    stories: int | None = None
    complete: int | None = None


@dataclass(slots=True)
class IndexStats:
    documents: int
    date_min: dt.date | None
    date_max: dt.date | None
    sources: dict[str, int]
    size_bytes: int
    generation: str


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Memo:
    """A small least-recently-used memo owned by one reader, bounded in bytes.

    What the search layer derives from one view of an index (how articles write a
    word, say) belongs to that view: kept on the reader, it dies with it, where a
    module-level cache keyed by reader would keep every replaced generation open.
    Bounded in bytes as well as entries: a key or value is as long as the corpus's
    longest word or the query (4,096 written forms of megabyte-long "words" would be
    gigabytes).
    """

    def __init__(self, size: int = 4096, max_bytes: int = 16 << 20) -> None:
        self._size = size
        self._max_bytes = max_bytes
        self._bytes = 0
        self._items: OrderedDict[Hashable, tuple[object, int]] = OrderedDict()

    @property
    def bytes(self) -> int:
        """About how much memory the memo holds (strings counted, objects estimated)."""
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: K, compute: Callable[[K], V]) -> V:
        try:
            value, _ = self._items[key]
        except KeyError:
            value = compute(key)
            cost = _weight(key) + _weight(value)
            if cost <= self._max_bytes:
                self._items[key] = (value, cost)
                self._bytes += cost
                while len(self._items) > self._size or self._bytes > self._max_bytes:
                    self._bytes -= self._items.popitem(last=False)[1][1]
        else:
            self._items.move_to_end(key)
        return value  # type: ignore[return-value]


def _weight(value: object) -> int:
    """Bytes ``value`` holds: strings and bytes as measured, tuples by their items,
    anything else as a small fixed cost (objects shared by many entries, numbers)."""
    if isinstance(value, str | bytes):
        return sys.getsizeof(value)
    if isinstance(value, tuple):
        return 56 + sum(_weight(item) for item in value)
    return 64


#: What finds story groups (:func:`search.indexing.stories.regroup`): every document's
#: (id, date, first source, story text) in, ``{id: group}`` for the grouped ones out.
StoryArticle = tuple[str, dt.date | None, str, bytes]
StoryGrouping = Callable[[Iterable[StoryArticle]], Mapping[str, str]]


class IndexWriter(Protocol):
    """Adds, replaces and deletes documents; nothing is visible before :meth:`commit`.

    A writer from :meth:`Index.rebuild` starts from an empty index and its commit
    replaces the whole live index at once; :meth:`cancel` (or a crash) leaves the
    live index as it was. ``workers`` is how many processes it writes with.
    """

    workers: int

    def add(self, document: Document) -> None:
        """The engine also stores the document's story text (:mod:`search.analysis.
        stories`), made where it analyses the document, so that regrouping never reads
        a body again."""

    def update(self, document: Document) -> None: ...

    def delete(self, doc_id: str) -> None: ...

    def set_grouping(self, group: StoryGrouping) -> None:
        """How the commit finds its story groups: at commit, the engine calls ``group``
        with every document's (id, date, first source in code-point order, story text)
        as the index will hold them, and stores what it answers (each grouped document's
        group, its first article's id; the others are alone) as the :data:`STORY_FACET`
        column, visible with the commit."""

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


class Rebuild(IndexWriter, Protocol):
    """A writer from :meth:`Index.rebuild`: its commit replaces the whole live index.

    ``generation`` names the version it builds; after the commit, ``removed`` names the
    older versions it deleted (all but the one it replaced, kept for searches that
    still hold it).
    """

    generation: str
    removed: list[str]


class IndexReader(Protocol):
    """One consistent view of an index's documents."""

    #: What the search layer memoises for this view (dies with it).
    memo: Memo

    def search(
        self,
        query: EngineQuery,
        filters: Filters,
        *,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None = None,
        collapse: bool = False,
    ) -> EngineResult:
        """``collapse``: one hit per story (its best-ranked match), the page counted in
        stories, the story's other matches as the hit's ``versions``; ``total`` and the
        facets still count articles."""

    def get(self, doc_id: str) -> StoredDocument | None: ...

    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]: ...

    def doc_frequency(self, exact: str) -> int: ...

    def vocabulary(self, min_df: int) -> dict[str, int]:
        """The stems of the articles' bodies found in at least ``min_df`` of them, with
        how many: what spelling variants are learned from."""

    def similar_terms(self, exact: str, max_distance: int) -> Iterable[str]: ...

    def complete(self, prefix: str, limit: int) -> list[str]: ...

    def example(self, exact: str) -> StoredDocument | None: ...

    def content_hashes(self) -> Iterator[tuple[str, str]]: ...

    def story_texts(self) -> Iterator[StoryArticle]:
        """Every document's (id, date, first source or "", stored story text; empty for
        documents written without one)."""

    def story_of(self, doc_id: str) -> str | None:
        """The document's story group (its :data:`STORY_FACET` value), if it has one."""

    def stats(self) -> IndexStats: ...

    def close(self) -> None: ...


class Index(Protocol):
    """The index at one location: its live view, and the ways to change it."""

    location: str
    #: The editor's file of spelling variants for this index (``IndexOptions``), if any.
    variants_file: Path | None

    def reader(self) -> IndexReader:
        """The live view, reopened when a reindex (in any process) changed the index.

        A reader handed out earlier stays usable: a request that holds it finishes
        on the view it started with.
        """
        ...

    def writer(self, *, workers: int | None = None) -> IndexWriter:
        """An incremental change to the live index (``IndexMissing`` if there is none).

        ``workers``: how many processes the engine may use (its own default otherwise).
        """
        ...

    def rebuild(self, *, workers: int | None = None) -> Rebuild:
        """A writer into an empty index that replaces the live one when it commits."""
        ...

    def prune(self) -> list[str]:
        """Delete versions older than the live one (a previous rebuild's, a killed one's);
        only under :meth:`lock`. Returns their names."""
        ...

    def generation(self) -> str | None:
        """The name of the live version (``None``: no index yet)."""
        ...

    def lock(self, *, wait: bool = False) -> AbstractContextManager[None]:
        """Held by a reindex: a second one refuses (:class:`ReindexRunning`) or waits.
        Released when the holder dies, however it dies."""
        ...

    def exists(self) -> bool:
        """Whether there is a live index to read."""
        ...

    def size_bytes(self) -> int:
        """What the live index takes on disk (cheap: no document is read)."""
        ...

    def manifest(self, kind: ManifestKind = "manifest") -> dict[str, Any] | None:
        """What :meth:`save_manifest` stored for the live index as it is now; ``None``
        when nothing was, or the index changed since (a writer killed in between)."""
        ...

    def save_manifest(self, manifest: dict[str, Any], kind: ManifestKind = "manifest") -> None:
        """Store a JSON-ready description of how the live index was made, tied to the
        index's current state; only under :meth:`lock`. Each ``kind`` is kept apart:
        ``manifest``, the corpus files' sizes and times; ``variants``, the spelling
        variants learned from the index (:mod:`search.indexing.variants`)."""
        ...

    def servers(self) -> list[ServerHealth]:
        """The database servers searches go to and how each is doing (an embedded
        index has none: an empty list)."""
        ...

    def close(self) -> None: ...
