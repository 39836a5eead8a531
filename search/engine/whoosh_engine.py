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

import datetime as dt
import json
import math
import threading
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring, sorting
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
        searcher = self._searcher
        scoring_query, all_query = self._translate(query)
        filter_query = self._filter_query(filters)
        allowed = self._min_match_docs(searcher, query, filter_query)
        if allowed is not None and not allowed:
            # Whoosh reads an empty filter as "no filter": nothing qualifies, say so.
            empty = {"sources": {}, "year": {}, "month": {}} if facets is not None else {}
            return EngineResult(total=0, hits=[], facets=empty)
        sortedby, score_at = self._sort_facet(searcher, sort, all_query)
        kwargs: dict[str, Any] = {"sortedby": sortedby, "limit": offset + limit}
        if allowed is not None:
            kwargs["filter"] = allowed
        elif filter_query is not None:
            kwargs["filter"] = filter_query
        if query.excluded:
            kwargs["mask"] = wq.Or([self._clause(c, query.mode) for c in query.excluded])
        results = searcher.search(scoring_query, **kwargs)
        # With sortedby, Whoosh's "score" is the sort key; ScoreFacet's part
        # of it is the negated score.
        hits = [
            EngineHit(_stored(hit.fields()), -float(hit.score[score_at]))
            for hit in results[offset : offset + limit]
        ]
        result = EngineResult(total=len(results), hits=hits)
        if facets is not None:
            result.facets = self._facets(searcher, query, scoring_query, facets)
        return result

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
        searcher = self._searcher
        sources: Counter[str] = Counter()
        date_min = date_max = None
        for fields in searcher.all_stored_fields():
            for source in (fields.get("sources") or "").split(SOURCE_SEPARATOR):
                if source:
                    sources[source] += 1
            date = fields.get("date")
            if isinstance(date, dt.datetime):
                day = date.date()
                date_min = day if date_min is None or day < date_min else date_min
                date_max = day if date_max is None or day > date_max else date_max
        size = sum(p.stat().st_size for p in self.path.iterdir() if p.is_file())
        return IndexStats(
            documents=searcher.doc_count(),
            date_min=date_min,
            date_max=date_max,
            sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
            size_bytes=size,
            generation=self.path.name,
        )

    # --- query translation ------------------------------------------------

    def _clause(self, clause: Clause, mode: str) -> wq.Query:
        if isinstance(clause, Phrase):
            if len(clause.exacts) == 1:
                return wq.Or([wq.Term(f, clause.exacts[0]) for f in ("title_exact", "body_exact")])
            return wq.Or([wq.Phrase(f, list(clause.exacts)) for f in ("title_exact", "body_exact")])
        if mode == "exact" or clause.stopped:
            return wq.Or(
                [wq.Term("title_exact", clause.exact), wq.Term("body_exact", clause.exact)]
            )
        return wq.Or(
            [
                wq.Term("title", clause.term),
                wq.Term("body", clause.term),
                wq.Term("title_exact", clause.exact, boost=EXACT_BONUS),
                wq.Term("body_exact", clause.exact, boost=EXACT_BONUS),
            ]
        )

    def _group(self, group: Group, mode: str) -> wq.Query:
        parts = [self._clause(c, mode) for c in group.alternatives]
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _translate(self, query: EngineQuery) -> tuple[wq.Query, wq.Query | None]:
        """The scoring query, and the query "every group matches" (None if they coincide)."""
        groups = [self._group(g, query.mode) for g in query.groups]
        if not groups:
            return wq.Every(), None
        if query.min_match >= len(groups):
            return (groups[0] if len(groups) == 1 else wq.And(groups)), None
        return wq.Or(groups), wq.And(groups)

    @staticmethod
    def _filter_query(filters: Filters) -> wq.Query | None:
        parts: list[wq.Query] = []
        if filters.sources:
            parts.append(wq.Or([wq.Term("sources", s) for s in filters.sources]))
        if filters.years:
            parts.append(wq.Or([wq.Term("year", f"{y:04d}") for y in filters.years]))
        if filters.months:
            parts.append(wq.Or([wq.Term("month", m) for m in filters.months]))
        if filters.categories:
            parts.append(wq.Or([wq.Term("category", c) for c in filters.categories]))
        if filters.date_from or filters.date_to:
            start = dt.datetime.combine(filters.date_from, dt.time()) if filters.date_from else None
            end = dt.datetime.combine(filters.date_to, dt.time.max) if filters.date_to else None
            parts.append(wq.DateRange("date", start, end))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else wq.And(parts)

    def _min_match_docs(
        self, searcher: Any, query: EngineQuery, filter_query: wq.Query | None
    ) -> set[int] | None:
        """Documents matching at least ``min_match`` groups (and the filters).

        Whoosh has no minimum-should-match, so long queries count, per
        document, how many groups it matches. Only used when some but not all
        groups are required (queries of four words or more).
        """
        n = len(query.groups)
        if not n or query.min_match >= n:
            return None
        counts: Counter[int] = Counter()
        for group in query.groups:
            counts.update(set(searcher.docs_for_query(self._group(group, query.mode))))
        allowed = {doc for doc, matched in counts.items() if matched >= query.min_match}
        if filter_query is not None and allowed:
            allowed &= set(searcher.docs_for_query(filter_query))
        return allowed

    @staticmethod
    def _sort_facet(
        searcher: Any, sort: Sort, all_query: wq.Query | None
    ) -> tuple[sorting.MultiFacet, int]:
        """The sort facets, and where the score sits in a hit's sort key.

        Ties are broken by date (newest first), then id, so the order of
        equal-scoring results is stable from one page to the next.
        """
        score = sorting.ScoreFacet()
        by_id = sorting.FieldFacet("id")
        if sort == "newest":
            facets = [sorting.FieldFacet("date", reverse=True), score, by_id]
        elif sort == "oldest":
            # Undated documents last: has_date first, descending.
            facets = [
                sorting.FieldFacet("has_date", reverse=True),
                sorting.FieldFacet("date"),
                score,
                by_id,
            ]
        else:
            facets = [score, sorting.FieldFacet("date", reverse=True), by_id]
            if all_query is not None:
                complete = set(searcher.docs_for_query(all_query))
                # Documents with every word come first, then by score.
                facets.insert(0, sorting.FunctionFacet(lambda _s, doc: 0 if doc in complete else 1))
        return sorting.MultiFacet(facets), facets.index(score)

    def _facets(
        self, searcher: Any, query: EngineQuery, scoring_query: wq.Query, spec: FacetSpec
    ) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        mask = (
            wq.Or([self._clause(c, query.mode) for c in query.excluded]) if query.excluded else None
        )

        def count(filters: Filters, facet_fields: dict[str, Any]) -> dict[str, dict[str, int]]:
            filter_query = self._filter_query(filters)
            allowed = self._min_match_docs(searcher, query, filter_query)
            if allowed is not None and not allowed:
                return {name: {} for name in facet_fields}
            kwargs: dict[str, Any] = {
                "limit": 1,
                "groupedby": facet_fields,
                "maptype": sorting.Count,
            }
            if allowed is not None:
                kwargs["filter"] = allowed
            elif filter_query is not None:
                kwargs["filter"] = filter_query
            if mask is not None:
                kwargs["mask"] = mask
            results = searcher.search(scoring_query, **kwargs)
            return {
                name: {
                    str(k): v
                    for k, v in sorted(results.groups(name).items(), key=lambda kv: str(kv[0]))
                    if k  # undated documents have no year or month: no facet value
                }
                for name in facet_fields
            }

        if spec.sources is not None:
            sources = count(
                spec.sources, {"sources": sorting.FieldFacet("sources", allow_overlap=True)}
            )["sources"]
            out["sources"] = dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0])))
        if spec.dates is not None:
            dates = count(
                spec.dates,
                {"year": sorting.FieldFacet("year"), "month": sorting.FieldFacet("month")},
            )
            out["year"] = dict(sorted(dates["year"].items(), reverse=True))
            out["month"] = dict(sorted(dates["month"].items(), reverse=True))
        return out


def pages(total: int, per_page: int) -> int:
    return max(1, math.ceil(total / per_page)) if per_page else 1
