"""The embedded Whoosh engine: schema, writing, and the translation of
:class:`~.base.EngineQuery` into Whoosh queries.

Fields (``python -m search stats`` shows what is in them):

* ``title`` / ``body``: stemmed analysis, scored with BM25F; ``title`` is
  boosted. Stored, so snippets can show the original words.
* ``title_exact`` / ``body_exact``: normalised, unstemmed, with positions,
  for exact-word mode and phrases.
* ``date`` (sortable), ``has_date``, ``year``, ``month``: sorting and facets.
* ``sources`` (multi-valued keyword), ``category``: filters and facets.
* ``url``, ``origin``, ``date_source``, ``source_rules``: stored only.
* ``content_hash``: lets an incremental reindex skip unchanged documents.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import json
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.fields import DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search.analysis import exact_analyzer, stemmed_analyzer
from search.document import Document

from .base import (
    Clause,
    EngineHit,
    EngineQuery,
    EngineResult,
    FacetSpec,
    Filters,
    Group,
    IndexStats,
    Phrase,
    Sort,
    StoredDocument,
)

TITLE_BOOST = 2.5
# Exact-word matches add a little to the stemmed score: a document with the
# very word the reader typed ranks above one with only a sibling form.
EXACT_BONUS = 0.3
# BM25F parameters: Whoosh's defaults (B=0.75, K1=1.2).
WEIGHTING = scoring.BM25F(B=0.75, K1=1.2)
SOURCE_SEPARATOR = ","
# Whoosh's posting buffer per writing process, in MB (see WhooshEngine.writer).
WRITER_LIMIT_MB = 64


def build_schema() -> Schema:
    stemmed = stemmed_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=TEXT(analyzer=stemmed, stored=True, phrase=False, field_boost=TITLE_BOOST),
        title_exact=TEXT(analyzer=exact, phrase=True, field_boost=TITLE_BOOST),
        body=TEXT(analyzer=stemmed, stored=True, phrase=False),
        body_exact=TEXT(analyzer=exact, phrase=True),
        date=DATETIME(stored=True, sortable=True),
        has_date=NUMERIC(int, bits=8, sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
        sources=KEYWORD(stored=True, commas=True, scorable=False, sortable=True),
        category=ID(stored=True, sortable=True),
        url=STORED(),
        origin=STORED(),
        date_source=STORED(),
        source_rules=STORED(),
        content_hash=ID(stored=True),
    )


def _fields(document: Document) -> dict[str, Any]:
    """The Whoosh field values for one document."""
    fields: dict[str, Any] = {
        "id": document.id,
        "title": document.title,
        "title_exact": document.title,
        "body": document.body,
        "body_exact": document.body,
        "has_date": 1 if document.date else 0,
        "sources": SOURCE_SEPARATOR.join(
            s.replace(SOURCE_SEPARATOR, " ") for s in document.sources
        ),
        "url": document.url,
        "origin": document.origin,
        "date_source": document.date_source,
        "source_rules": json.dumps(document.source_rules, ensure_ascii=False),
        "content_hash": document.content_hash,
    }
    if document.date:
        fields["date"] = dt.datetime.combine(document.date, dt.time())
        fields["year"] = f"{document.date.year:04d}"
        fields["month"] = f"{document.date.year:04d}-{document.date.month:02d}"
    if document.category:
        fields["category"] = document.category
    return fields


def _stored(fields: dict[str, Any]) -> StoredDocument:
    date = fields.get("date")
    sources = fields.get("sources") or ""
    rules = fields.get("source_rules")
    return StoredDocument(
        id=fields["id"],
        title=fields.get("title") or "",
        body=fields.get("body") or "",
        date=date.date() if isinstance(date, dt.datetime) else None,
        sources=[s for s in sources.split(SOURCE_SEPARATOR) if s],
        url=fields.get("url"),
        category=fields.get("category"),
        origin=fields.get("origin") or "",
        date_source=fields.get("date_source"),
        source_rules=json.loads(rules) if rules else {},
        content_hash=fields.get("content_hash") or "",
    )


class WhooshWriter:
    """An :class:`~.base.EngineWriter` over a Whoosh writer."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer

    def add(self, document: Document) -> None:
        self._writer.add_document(**_fields(document))

    def update(self, document: Document) -> None:
        self._writer.update_document(**_fields(document))

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


class WhooshEngine:
    """One Whoosh index directory (one generation), open for reading and writing."""

    def __init__(self, path: Path, ix: Any) -> None:
        self.path = path
        self._ix = ix
        self._searcher = ix.searcher(weighting=WEIGHTING)
        self._lock = threading.Lock()
        self._column_cache: _Columns | None = None

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, whoosh_index.create_in(str(path), build_schema()))

    @classmethod
    def open(cls, path: Path) -> WhooshEngine:
        return cls(path, whoosh_index.open_dir(str(path)))

    # --- writing ---------------------------------------------------------

    def writer(self, *, procs: int = 1, batch: bool = False) -> WhooshWriter:
        """A writer; ``procs > 1`` analyses and writes segments in parallel processes.

        ``batch`` is for a fresh rebuild: the per-process segments are kept
        as they are instead of being merged, which is where a multi-process
        build loses its speed-up.

        Posting buffer: 64 MB per writing process. Measured on a full ANT
        build (one process): 64 MB took the same CPU time as 256 MB (148 s
        vs 152 s) with a peak RSS of 270 MB instead of 940 MB; Whoosh's
        estimate of its buffer undercounts Python objects about 3×, and with
        two writer processes 256 MB each would exceed 1 GiB.
        """
        options: dict[str, Any] = {"limitmb": WRITER_LIMIT_MB}
        if procs > 1:
            options.update(procs=procs, multisegment=batch)
        return WhooshWriter(self._ix.writer(**options))

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        with self._ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                yield fields["id"], fields.get("content_hash", "")

    # --- reading ---------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up a newer commit of this generation; True if it changed."""
        with self._lock:
            if self._searcher.up_to_date():
                return False
            # A fresh searcher rather than Searcher.refresh(): refresh() fails
            # on an index whose previous commit was empty. The old searcher is
            # left to the garbage collector, as a request may still hold it.
            self._searcher = self._ix.searcher(weighting=WEIGHTING)
            return True

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    def get(self, doc_id: str) -> StoredDocument | None:
        fields = self._searcher.document(id=doc_id)
        return _stored(fields) if fields else None

    def search(
        self,
        query: EngineQuery,
        filters: Filters,
        *,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None = None,
    ) -> EngineResult:
        """Match, filter, count facets and rank, with Whoosh doing only what needs scoring.

        Whoosh finds the documents that match the words (and scores one page
        of them); filters and facet counts are set arithmetic over the
        per-generation :class:`_Columns`, which is what keeps a query with
        thousands of hits and three facets fast in pure Python.
        """
        searcher = self._searcher
        columns = self._columns()
        scoring_query = self._translate(query)
        matched, complete = self._matching_docs(searcher, query, columns)
        hits_set = columns.restrict(matched, filters)
        result = EngineResult(total=len(hits_set), hits=[])
        if facets is not None:
            result.facets = self._facet_counts(columns, matched, facets)
        if not hits_set or limit <= 0:
            return result
        window = offset + limit
        if sort != "relevance" or not query.groups:
            ordered = columns.by_date(hits_set, oldest=sort == "oldest", limit=window)
            page = ordered[offset:window]
            scores = self._scores(searcher, scoring_query, set(page)) if query.groups else {}
            ranked = [(doc, scores.get(doc, 0.0)) for doc in page]
        else:
            tiers = [hits_set]
            if complete is not None:
                every_word = hits_set & complete
                tiers = [every_word, hits_set - every_word]  # every word first
            # One word, no filter, no exclusion: the hits are all the query matches.
            whole = (
                len(query.groups) == 1
                and len(query.groups[0].alternatives) == 1
                and not query.excluded
                and len(hits_set) == len(matched)
            )
            ranked = []
            for tier in tiers:
                if len(ranked) >= window:
                    break
                if tier:
                    ranked.extend(
                        self._ranked(
                            searcher,
                            scoring_query,
                            tier,
                            window - len(ranked),
                            columns,
                            whole=whole,
                        )
                    )
            ranked = ranked[offset:window]
        result.hits = [
            EngineHit(_stored(searcher.stored_fields(doc)), score) for doc, score in ranked
        ]
        return result

    def _columns(self) -> _Columns:
        """Filter and facet values of every document of the current searcher, built once."""
        searcher = self._searcher
        with self._lock:
            if self._column_cache is None or self._column_cache.searcher is not searcher:
                self._column_cache = _Columns(searcher)
            return self._column_cache

    def _matching_docs(
        self, searcher: Any, query: EngineQuery, columns: _Columns
    ) -> tuple[set[int], set[int] | None]:
        """Live documents matching the words (at least ``min_match`` groups), no filters,
        and, when fewer than all groups are required, those that match every group."""
        complete = None
        if not query.groups:
            matched = set(columns.live)
        elif query.min_match >= len(query.groups):
            groups = [self._group(g, query.mode, scoring=False) for g in query.groups]
            matching = groups[0] if len(groups) == 1 else wq.And(groups)
            matched = set(searcher.docs_for_query(matching))
        else:
            counts: Counter[int] = Counter()
            for group in query.groups:
                matching = self._group(group, query.mode, scoring=False)
                counts.update(set(searcher.docs_for_query(matching)))
            matched = {doc for doc, n in counts.items() if n >= query.min_match}
            complete = {doc for doc, n in counts.items() if n == len(query.groups)}
        if query.excluded and matched:
            mask = wq.Or([self._clause(c, query.mode, scoring=False) for c in query.excluded])
            matched -= set(searcher.docs_for_query(mask))
        return matched, complete

    @staticmethod
    def _scores(searcher: Any, scoring_query: wq.Query, docs: set[int]) -> dict[int, float]:
        """BM25F scores of exactly ``docs``, by skipping the query's matcher to each one.

        Much cheaper than a filtered Whoosh search when ``docs`` is a small part of
        what the words match (a long query's candidates are a few hundred of the
        tens of thousands of documents its common words appear in).
        """
        matcher = scoring_query.matcher(searcher)
        scores: dict[int, float] = {}
        for doc in sorted(docs):
            if not matcher.is_active():
                break
            if matcher.id() < doc:
                matcher.skip_to(doc)
                if not matcher.is_active():
                    break
            if matcher.id() == doc:
                scores[doc] = float(matcher.score())
        return scores

    def _ranked(
        self,
        searcher: Any,
        scoring_query: wq.Query,
        docs: set[int],
        k: int,
        columns: _Columns,
        *,
        whole: bool = False,
    ) -> list[tuple[int, float]]:
        """The best ``k`` of ``docs`` by score; equal scores by date (newest), then id.

        ``whole`` says ``docs`` is exactly what ``scoring_query`` matches.
        """
        if whole:
            # ``docs`` is everything the query matches: Whoosh's own top-k skips
            # low-scoring blocks; a few more than ``k`` let ties at the cut be
            # ordered by date and id below.
            results = searcher.search(scoring_query, limit=k + 10)
            scores = {hit.docnum: float(hit.score) for hit in results}
            docs = set(scores)
        else:
            scores = self._scores(searcher, scoring_query, docs)
        return heapq.nsmallest(
            k,
            ((doc, scores.get(doc, 0.0)) for doc in docs),
            key=lambda pair: (-round(pair[1], 6), *columns.newest_key(pair[0])),
        )

    @staticmethod
    def _facet_counts(
        columns: _Columns, matched: set[int], spec: FacetSpec
    ) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        if spec.sources is not None:
            base = columns.restrict(matched, spec.sources)
            counts = {name: len(docs & base) for name, docs in columns.sources.items()}
            out["sources"] = dict(
                sorted(((k, v) for k, v in counts.items() if v), key=lambda kv: (-kv[1], kv[0]))
            )
        if spec.dates is not None:
            base = columns.restrict(matched, spec.dates)
            for name, values in (("year", columns.years), ("month", columns.months)):
                counts = {key: len(docs & base) for key, docs in values.items()}
                out[name] = dict(sorted(((k, v) for k, v in counts.items() if v), reverse=True))
        return out

    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]:
        searcher = self._searcher
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return []
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title', '')}\n{fields.get('body', '')}"
        results = searcher.more_like(docnum, "body", text=text, top=limit, numterms=12)
        return [EngineHit(_stored(hit.fields()), float(hit.score or 0.0)) for hit in results]

    def doc_frequency(self, exact: str) -> int:
        reader = self._searcher.reader()
        return reader.doc_frequency("body_exact", exact) + reader.doc_frequency(
            "title_exact", exact
        )

    def similar_terms(self, exact: str, max_distance: int) -> Iterable[str]:
        reader = self._searcher.reader()
        return reader.terms_within("body_exact", exact, max_distance)

    def example(self, exact: str) -> StoredDocument | None:
        """Some document containing the exact term (to show how articles write it)."""
        searcher = self._searcher
        for field in ("title_exact", "body_exact"):
            for doc in searcher.docs_for_query(wq.Term(field, exact)):
                return _stored(searcher.stored_fields(doc))
        return None

    def complete(self, prefix: str, limit: int) -> list[str]:
        reader = self._searcher.reader()
        counts: Counter[str] = Counter()
        for field in ("title_exact", "body_exact"):
            for term in reader.expand_prefix(field, prefix):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                counts[text] += reader.doc_frequency(field, text)
                if len(counts) > 2000:  # a one-letter prefix: enough candidates
                    break
        return [term for term, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]

    def stats(self) -> IndexStats:
        """From the per-generation columns: no stored field (no body) is read."""
        columns = self._columns()
        sources = {name: len(docs & columns.live) for name, docs in columns.sources.items()}
        dated = columns.dated
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return IndexStats(
            documents=len(columns.live),
            date_min=dt.date.fromordinal(dated[0][0]) if dated else None,
            date_max=dt.date.fromordinal(dated[-1][0]) if dated else None,
            sources=dict(
                sorted(((k, v) for k, v in sources.items() if v), key=lambda kv: (-kv[1], kv[0]))
            ),
            size_bytes=size,
            generation=self.path.name,
        )

    # --- query translation ------------------------------------------------

    def _clause(self, clause: Clause, mode: str, *, scoring: bool = True) -> wq.Query:
        """One word or phrase as a Whoosh query.

        ``scoring=False`` leaves out the exact-field bonus terms: a document
        with the exact word has its stem too, so they change scores, never
        which documents match, and matching is cheaper without them.
        """
        if isinstance(clause, Phrase):
            if len(clause.exacts) == 1:
                return wq.Or([wq.Term(f, clause.exacts[0]) for f in ("title_exact", "body_exact")])
            return wq.Or([wq.Phrase(f, list(clause.exacts)) for f in ("title_exact", "body_exact")])
        if mode == "exact" or clause.stopped:
            return wq.Or(
                [wq.Term("title_exact", clause.exact), wq.Term("body_exact", clause.exact)]
            )
        stems = [wq.Term("title", clause.term), wq.Term("body", clause.term)]
        if not scoring:
            return wq.Or(stems)
        return wq.Or(
            [
                *stems,
                wq.Term("title_exact", clause.exact, boost=EXACT_BONUS),
                wq.Term("body_exact", clause.exact, boost=EXACT_BONUS),
            ]
        )

    def _group(self, group: Group, mode: str, *, scoring: bool = True) -> wq.Query:
        parts = [self._clause(c, mode, scoring=scoring) for c in group.alternatives]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _translate(self, query: EngineQuery) -> wq.Query:
        """The scoring query: BM25F over every group (which documents qualify is
        decided by :meth:`_matching_docs`; scores only order them)."""
        groups = [self._group(g, query.mode) for g in query.groups]
        if not groups:
            return wq.Every()
        return groups[0] if len(groups) == 1 else wq.Or(groups)


class _Columns:
    """Per-document filter and facet values of one searcher's index, as sets and arrays.

    Built from the small fields' posting lists (a few hundred terms) and two
    sortable columns, once per index generation or commit; every query's
    filters and facet counts are then set operations in C.
    """

    def __init__(self, searcher: Any) -> None:
        self.searcher = searcher
        reader = searcher.reader()
        self.live = frozenset(reader.all_doc_ids())
        self.sources = self._postings(reader, "sources")
        self.years = self._postings(reader, "year")
        self.months = self._postings(reader, "month")
        self.categories = self._postings(reader, "category")
        count = reader.doc_count_all()
        has_date = reader.column_reader("has_date")
        dates = reader.column_reader("date")
        ids = reader.column_reader("id")
        self.ordinal = [self._ordinal(dates, has_date, doc) for doc in range(count)]
        self.ids = [ids[doc] for doc in range(count)]
        self.dated = sorted((o, d) for d, o in enumerate(self.ordinal) if o and d in self.live)

    @staticmethod
    def _ordinal(dates: Any, has_date: Any, doc: int) -> int:
        """The document's day number, 0 when undated (Whoosh's missing date overflows)."""
        if not has_date[doc]:
            return 0
        try:
            return dates[doc].toordinal()
        except (OverflowError, AttributeError):
            return 0

    @staticmethod
    def _postings(reader: Any, field: str) -> dict[str, frozenset[int]]:
        out = {}
        for term in reader.lexicon(field):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            out[text] = frozenset(reader.postings(field, term).all_ids())
        return out

    def restrict(self, docs: set[int], filters: Filters) -> set[int]:
        """``docs`` that pass ``filters`` (values within one filter are alternatives)."""
        result = docs
        for values, table in (
            (filters.sources, self.sources),
            (filters.years and [f"{y:04d}" for y in filters.years], self.years),
            (filters.months, self.months),
            (filters.categories, self.categories),
        ):
            if values:
                allowed: set[int] = set()
                for value in values:
                    allowed |= table.get(value, frozenset())
                result = result & allowed
        if filters.date_from or filters.date_to:
            low = filters.date_from.toordinal() if filters.date_from else 1
            high = filters.date_to.toordinal() if filters.date_to else dt.date.max.toordinal()
            start = bisect.bisect_left(self.dated, (low, -1))
            end = bisect.bisect_right(self.dated, (high, len(self.ordinal)))
            result = result & {doc for _, doc in self.dated[start:end]}
        return result if result is not docs else set(docs)

    def newest_key(self, doc: int) -> tuple[int, str]:
        return (-self.ordinal[doc], self.ids[doc])

    def by_date(self, docs: set[int], *, oldest: bool, limit: int) -> list[int]:
        """The first ``limit`` of ``docs`` by date (undated last either way), then id."""
        if oldest:
            key = lambda doc: (self.ordinal[doc] == 0, self.ordinal[doc], self.ids[doc])  # noqa: E731
        else:
            key = self.newest_key
        return heapq.nsmallest(limit, docs, key=key)
