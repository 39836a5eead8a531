"""The engine interface: what the search layer needs from a full-text engine.

Whoosh is the embedded default (:mod:`.whoosh_engine`); a PostgreSQL engine
for archives that outgrow one machine is the next one. The search layer
(query parsing, snippets, facets, suggestions) speaks only these types, so a
second engine means implementing :class:`Engine` and :class:`EngineWriter`,
nothing above them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Literal, Protocol

from search.document import Document

Mode = Literal["stemmed", "exact"]
Sort = Literal["relevance", "newest", "oldest"]


# --- the query the search layer hands to an engine --------------------------


@dataclass(frozen=True, slots=True)
class Word:
    """One query word, analysed: ``term`` for the stemmed fields, ``exact`` for the exact ones."""

    text: str
    term: str
    exact: str
    stopped: bool = False


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
    """Restrictions that do not score: sources, date range, year, month, category."""

    sources: tuple[str, ...] = ()
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    years: tuple[int, ...] = ()
    months: tuple[str, ...] = ()  # "YYYY-MM"
    categories: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class EngineQuery:
    """A parsed query, engine-neutral.

    ``groups`` are the scoring clauses; at least ``min_match`` of them must
    match (all of them for short queries). Documents matching every group
    rank before the others. ``excluded`` clauses must not match. With no
    groups the query matches every document that passes the filters.
    """

    groups: tuple[Group, ...] = ()
    excluded: tuple[Clause, ...] = ()
    min_match: int = 0
    mode: Mode = "stemmed"


@dataclass(frozen=True, slots=True)
class FacetSpec:
    """Which facet counts to compute, and under which filters each one is counted."""

    sources: Filters | None = None
    dates: Filters | None = None  # counts for both year and month


# --- what an engine returns ---------------------------------------------------


@dataclass(slots=True)
class StoredDocument:
    """A document as stored in the index (everything needed to show it)."""

    id: str
    title: str
    body: str
    date: dt.date | None
    sources: list[str]
    url: str | None
    category: str | None
    origin: str
    date_source: str | None
    source_rules: dict[str, str]
    content_hash: str


@dataclass(slots=True)
class EngineHit:
    document: StoredDocument
    score: float


@dataclass(slots=True)
class EngineResult:
    total: int
    hits: list[EngineHit]
    facets: dict[str, dict[str, int]] = field(default_factory=dict)


@dataclass(slots=True)
class IndexStats:
    documents: int
    date_min: dt.date | None
    date_max: dt.date | None
    sources: dict[str, int]
    size_bytes: int
    generation: str


class EngineWriter(Protocol):
    """Adds, replaces and deletes documents; nothing is visible before :meth:`commit`."""

    def add(self, document: Document) -> None: ...

    def update(self, document: Document) -> None: ...

    def delete(self, doc_id: str) -> None: ...

    def commit(self) -> None: ...

    def cancel(self) -> None: ...


class Engine(Protocol):
    """A read view of one index generation, plus the means to write to it."""

    def writer(self, *, procs: int = 1, batch: bool = False) -> EngineWriter: ...

    def search(
        self,
        query: EngineQuery,
        filters: Filters,
        *,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None = None,
    ) -> EngineResult: ...

    def get(self, doc_id: str) -> StoredDocument | None: ...

    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]: ...

    def doc_frequency(self, exact: str) -> int: ...

    def similar_terms(self, exact: str, max_distance: int) -> Iterable[str]: ...

    def complete(self, prefix: str, limit: int) -> list[str]: ...

    def example(self, exact: str) -> StoredDocument | None: ...

    def content_hashes(self) -> Iterator[tuple[str, str]]: ...

    def stats(self) -> IndexStats: ...

    def refresh(self) -> bool: ...

    def close(self) -> None: ...
