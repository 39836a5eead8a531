"""The embedded Whoosh engine: schema, writing, and answering an
:class:`~.base.EngineQuery`: which terms of which fields each clause stands
for, evaluated on the arrays of :mod:`.whoosh_reading` (Whoosh itself matches
phrases, more-like-this, spelling neighbours and completions).

Fields (``python -m search stats`` shows what is in them):

* ``title`` / ``body``: stemmed analysis, scored with BM25F; ``title`` is
  boosted. Stored, so snippets can show the original words.
* ``title_exact`` / ``body_exact``: normalised, unstemmed, with positions,
  for exact-word mode and phrases.
* ``date`` (sortable), ``has_date``, ``year``, ``month``: sorting and facets.
* ``sources`` (multi-valued keyword), ``category``: filters and facets.
* ``url``, ``origin``, ``date_source``, ``source_rules``: stored only.
* ``content_hash``: lets an incremental reindex skip unchanged documents.

What is stored is :func:`search.document.to_record` field by field, read back with
:func:`~search.document.from_record`; the index folder and its generations are
:mod:`.whoosh_index`'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh import scoring
from whoosh.columns import VarBytesColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from search.analysis.spelling import one_edit_variants
from search.document import Document, StoredDocument, from_record, to_record

from . import whoosh_arrays as arrays
from . import whoosh_store as store
from .base import (
    DAY_FACET,
    DEFAULT_CACHE_MB,
    STORY_FACET,
    Clause,
    EngineHit,
    EngineQuery,
    EngineResult,
    FacetSpec,
    Filters,
    IndexStats,
    Memo,
    Phrase,
    Sort,
    StoryArticle,
    StoryGrouping,
    Word,
)
from .counting import collapsed_page, day_counts, story_count, tiers
from .ranking import EXACT_BONUS, K1, TITLE_BOOST, B
from .whoosh_analysis import exact_analyzer, stemmed_analyzer
from .whoosh_formats import ExactPositions, SharedAnalysisText, StemmedFrequency
from .whoosh_reading import PostingCache, Snapshot
from .whoosh_storage import install as _read_segments_in_place
from .whoosh_writing import open_writer

# BM25F with Naba's parameters (.ranking, shared with the other engines).
WEIGHTING = scoring.BM25F(B=B, K1=K1)
SOURCE_SEPARATOR = ","
# Whoosh's posting buffer per writing process, in MB (see WhooshEngine.writer).
WRITER_LIMIT_MB = 160
STEMMED_FIELDS = ("title", "body")
EXACT_FIELDS = ("title_exact", "body_exact")
SCORED_FIELDS = STEMMED_FIELDS + EXACT_FIELDS
#: The facet columns (a keyword field of the same name each): facet -> multi-valued.
#: A new facet is a row in :data:`search.params.PARAMS`, a field here and in
#: :func:`build_schema`, and its value in :func:`_fields`.
FACET_FIELDS = {"sources": True, "year": False, "month": False, "category": False}
_LONGEST_FUZZY_WORD = 12
#: Words of one field of one segment a completion considers (in alphabetical order).
_COMPLETION_CANDIDATES = 2000
#: How long a search worker keeps reading the previous commit while the writer stores
#: the new one's arrays (about a second at 315k documents), in seconds.
ARRAYS_GRACE_S = 60.0


def _text(analyzer: Any, *, exact: bool, stored: bool = False, field_boost: float = 1.0) -> TEXT:
    """A TEXT field whose postings come from one analysis shared by a text's stemmed and
    exact fields (:mod:`.whoosh_formats`); its analyzer still serves queries."""
    field = SharedAnalysisText(
        analyzer=analyzer, stored=stored, phrase=exact, field_boost=field_boost
    )
    field.format = (ExactPositions if exact else StemmedFrequency)(field_boost=field_boost)
    return field


def build_schema() -> Schema:
    stemmed = stemmed_analyzer()
    exact = exact_analyzer()
    return Schema(
        id=ID(unique=True, stored=True, sortable=True),
        title=_text(stemmed, exact=False, stored=True, field_boost=TITLE_BOOST),
        title_exact=_text(exact, exact=True, field_boost=TITLE_BOOST),
        body=_text(stemmed, exact=False, stored=True),
        body_exact=_text(exact, exact=True),
        date=DATETIME(stored=True, sortable=True),
        has_date=NUMERIC(int, bits=8, sortable=True),
        year=ID(sortable=True),
        month=ID(sortable=True),
        sources=KEYWORD(stored=True, commas=True, scorable=False, sortable=True),
        category=ID(stored=True, sortable=True),
        url=STORED(),
        origin=STORED(),
        author=STORED(),
        date_source=STORED(),
        source_rules=STORED(),
        content_hash=ID(stored=True),
        # The story text (search.analysis.stories): a column, read only when regrouping.
        story_text=COLUMN(VarBytesColumn()),
    )


def _fields(document: Document) -> dict[str, Any]:
    """The Whoosh field values for one document: its record, in Whoosh's types, plus
    the derived fields that sort and filter (date as a datetime, year, month)."""
    record = to_record(document)
    fields: dict[str, Any] = {
        **record,
        "title_exact": document.title,
        "body_exact": document.body,
        "has_date": 1 if document.date else 0,
        "sources": SOURCE_SEPARATOR.join(
            s.replace(SOURCE_SEPARATOR, " ") for s in document.sources
        ),
        "source_rules": json.dumps(record["source_rules"], ensure_ascii=False),
        "content_hash": document.content_hash,
    }
    del fields["date"], fields["category"]
    if document.date:
        fields["date"] = dt.datetime.combine(document.date, dt.time())
        fields["year"] = f"{document.date.year:04d}"
        fields["month"] = f"{document.date.year:04d}-{document.date.month:02d}"
    if document.category:
        fields["category"] = document.category
    return fields


def _stored(fields: dict[str, Any]) -> StoredDocument:
    """A document back from its stored fields (the inverse of :func:`_fields`)."""
    date = fields.get("date")
    rules = fields.get("source_rules")
    record = {
        **fields,
        "date": date.date().isoformat() if isinstance(date, dt.datetime) else None,
        "sources": [s for s in (fields.get("sources") or "").split(SOURCE_SEPARATOR) if s],
        "source_rules": json.loads(rules) if rules else {},
    }
    return from_record(record, fields.get("content_hash") or "")


# Every index this engine opens reads its segments from the memory map instead of
# copying them into the process (see .whoosh_storage).
_read_segments_in_place()

T = TypeVar("T")


def _younger_than(path: Path, seconds: float) -> bool:
    try:
        return time.time() - path.stat().st_mtime < seconds
    except FileNotFoundError:
        return False


def _reading(method: Callable[..., T]) -> Callable[..., T]:
    """One reader at a time per engine: Whoosh reads its files by seek-then-read, so two
    threads sharing a searcher (the threaded development server) could read each other's
    bytes. Gunicorn's sync workers have one thread each and never wait here."""

    @functools.wraps(method)
    def locked(self: WhooshEngine, *args: Any, **kwargs: Any) -> T:
        with self._read_lock:
            return method(self, *args, **kwargs)

    return locked


class WhooshWriter:
    """An :class:`~.base.EngineWriter` over a Whoosh writer."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer
        # An index built before a stored field was added (``author``) takes documents
        # without it until the next full rebuild, rather than refusing them.
        self._names = set(writer.schema.names())

    def _fields(self, document: Document) -> dict[str, Any]:
        fields = _fields(document)
        return (
            fields
            if fields.keys() <= self._names
            else {k: v for k, v in fields.items() if k in self._names}
        )

    def add(self, document: Document) -> None:
        self._writer.add_document(**self._fields(document))

    def update(self, document: Document) -> None:
        self._writer.update_document(**self._fields(document))

    def delete(self, doc_id: str) -> None:
        self._writer.delete_by_term("id", doc_id)

    def commit(self) -> None:
        self._writer.commit()

    def cancel(self) -> None:
        self._writer.cancel()


class WhooshEngine:
    """One Whoosh index directory (one generation): the :class:`~.base.IndexReader`
    over it, and the writers :mod:`.whoosh_index` opens on it.

    ``cache`` holds decoded postings; :class:`~.whoosh_index.WhooshIndex` shares one
    between the generations it opens, so memory stays bounded across reindexes.
    """

    def __init__(self, path: Path, ix: Any, cache: PostingCache | None = None) -> None:
        self.path = path
        self._ix = ix
        self.cache = cache if cache is not None else PostingCache(DEFAULT_CACHE_MB << 20)
        self.memo = Memo()
        self._searcher = ix.searcher(weighting=WEIGHTING)
        self._lock = threading.Lock()
        self._read_lock = threading.RLock()
        self._snap: Snapshot | None = None

    @classmethod
    def create(cls, path: Path) -> WhooshEngine:
        path.mkdir(parents=True, exist_ok=True)
        return cls(path, whoosh_index.create_in(str(path), build_schema()))

    @classmethod
    def open(cls, path: Path, cache: PostingCache | None = None) -> WhooshEngine:
        return cls(path, whoosh_index.open_dir(str(path)), cache)

    # --- writing ---------------------------------------------------------

    def writer(self, *, procs: int = 1, batch: bool = False) -> WhooshWriter:
        """A writer; ``procs > 1`` analyses and writes segments in parallel processes.

        ``batch`` is for a fresh rebuild: the per-process segments are kept
        as they are instead of being merged, which is where a multi-process
        build loses its speed-up.

        Posting buffer: 160 MB per writing process, as counted by
        :class:`~.whoosh_writing.TermPool` (about the real memory it holds).
        What a small buffer costs is the merge of many run files at the end:
        half of ANT (15,762 articles, what each of two processes indexes of
        it) in one process took 89.6 s with 64 MB (peak RSS 219 MB),
        68.0 s with 160 MB (three runs, 281 MB) and 67.3 s with 256 MB (313 MB).
        Two writer processes and the reading process stay well under 1 GiB
        (``docs/benchmarks.md``).
        """
        writer = open_writer(self._ix, procs=procs, batch=batch, limitmb=WRITER_LIMIT_MB)
        return WhooshWriter(writer)

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        with self._ix.searcher() as searcher:
            for fields in searcher.all_stored_fields():
                yield fields["id"], fields.get("content_hash", "")

    @_reading
    def story_texts(self) -> Iterator[StoryArticle]:
        snap = self._snapshot()
        return iter(arrays.story_texts(snap.searcher.reader(), snap))

    @_reading
    def story_of(self, doc_id: str) -> str | None:
        snap = self._snapshot()
        column = snap.facets.get(STORY_FACET)
        docnum = snap.searcher.document_number(id=doc_id)
        if not isinstance(column, arrays.ValueCodes) or docnum is None:
            return None
        code = int(column.code[docnum])
        return column.names[code] if code >= 0 else None

    # --- reading ---------------------------------------------------------

    def refresh(self) -> bool:
        """Pick up a newer commit of this generation; True if it changed.

        A commit whose arrays are not written yet is taken up only once they are, or
        after :data:`ARRAYS_GRACE_S` (a writer killed between its commit and its arrays):
        searching it before would make every worker build them in memory.
        """
        with self._lock:
            if self._searcher.up_to_date():
                return False
            latest = self._ix.latest_generation()
            if not arrays.exists(self.path, latest) and _younger_than(
                self.path / f"_{self._ix.indexname}_{latest}.toc", ARRAYS_GRACE_S
            ):
                return False
            if self.path.is_dir():  # the new commit's files too (not an in-memory index)
                store.check_safe(self.path.parent, self.path)
            # A fresh searcher rather than Searcher.refresh(): refresh() fails
            # on an index whose previous commit was empty. The old searcher is
            # left to the garbage collector, as a request may still hold it.
            self._searcher = self._ix.searcher(weighting=WEIGHTING)
            self.memo = Memo()  # what was derived from the previous commit may be gone
            return True

    def close(self) -> None:
        self._searcher.close()
        self._ix.close()

    @_reading
    def get(self, doc_id: str) -> StoredDocument | None:
        fields = self._searcher.document(id=doc_id)
        return _stored(fields) if fields else None

    @_reading
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
        """Match, filter, count facets and rank as array operations (see :mod:`.whoosh_reading`).

        Whoosh supplies the postings (and phrase matching); which documents
        qualify, the facet counts over all of them and the top of the ranking
        are computed on per-document arrays of the current snapshot.
        """
        snap = self._snapshot()
        matched, counts, scores = self._evaluate(snap, query)
        restriction = snap.restrict(filters)
        hits = np.flatnonzero(matched if restriction is None else matched & restriction)
        result = EngineResult(total=len(hits), hits=[])
        if counts is not None:
            result.complete = int(np.count_nonzero(counts[hits] >= query.first_tier))
        if facets is not None:
            result.facets = self._facet_counts(snap, matched, facets)
        story = snap.facets.get(STORY_FACET) if collapse else None
        codes = story.code if isinstance(story, arrays.ValueCodes) else None
        if collapse:
            result.stories = story_count(codes[hits]) if codes is not None else len(hits)
        if not len(hits) or limit <= 0:
            return result
        window = offset + limit
        # By date or by score, within the tiers of words matched.
        tier = tiers(query, counts[hits]) if counts is not None else None
        if sort != "relevance" or scores is None or tier is None:

            def rank(wanted: int) -> np.ndarray:
                return snap.by_date(hits, oldest=sort == "oldest", limit=wanted, tier=tier)
        else:

            def rank(wanted: int) -> np.ndarray:
                return snap.by_score(hits, scores[hits], tier, wanted)

        if codes is None:
            page = rank(window)[offset:]
        else:
            page = collapsed_page(rank, lambda docs: codes[docs], len(hits), offset, limit)
        searcher = snap.searcher
        result.hits = [
            EngineHit(
                _stored(searcher.stored_fields(int(doc))),
                float(scores[doc]) if scores is not None else 0.0,
            )
            for doc in page
        ]
        if codes is not None:
            hit_codes = codes[hits]
            for hit, doc in zip(result.hits, page, strict=True):
                if codes[doc] >= 0:
                    others = hits[(hit_codes == codes[doc]) & (hits != doc)]
                    oldest = snap.by_date(others, oldest=True, limit=len(others))
                    hit.versions = [_stored(searcher.stored_fields(int(d))) for d in oldest]
        return result

    def _snapshot(self) -> Snapshot:
        """The current searcher with its per-document arrays, mapped (or built) on its
        first query."""
        searcher = self._searcher
        with self._lock:
            if self._snap is None or self._snap.searcher is not searcher:
                reader = searcher.reader()
                stored = arrays.load(self.path, arrays.commit_of(reader), reader.doc_count_all())
                self._snap = Snapshot(
                    searcher,
                    stored or self.build_arrays(reader),
                    scored_fields=SCORED_FIELDS,
                    cache=self.cache,
                    b=WEIGHTING.B,
                    k1=WEIGHTING.K1,
                )
            return self._snap

    @staticmethod
    def build_arrays(reader: Any) -> arrays.DocArrays:
        return arrays.build(reader, scored_fields=SCORED_FIELDS, facets=FACET_FIELDS)

    def write_arrays(self, group: StoryGrouping | None = None) -> Path:
        """Store the per-document arrays of this generation's latest commit (the writer's
        last step, so that no search worker has to build them), with the story groups
        ``group`` finds in it."""
        with self._ix.reader() as reader:
            return arrays.write(
                self.path, reader, scored_fields=SCORED_FIELDS, facets=FACET_FIELDS, group=group
            )

    def _evaluate(
        self, snap: Snapshot, query: EngineQuery
    ) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
        """Live documents that match (any group, none of the excluded clauses), how
        many groups each document matches, and every document's score (both None for
        a query without words)."""
        if not query.groups:
            matched, counts, scores = snap.live, None, None
        else:
            scores = np.zeros(snap.size)
            counts = np.zeros(snap.size, np.int16)
            for group in query.groups:
                in_group = np.zeros(snap.size, bool)
                for clause in group.alternatives:
                    self._clause(snap, clause, query.mode, scores, in_group)
                counts += in_group
            matched = (counts > 0) & snap.live
        if query.excluded and matched.any():
            excluded = np.zeros(snap.size, bool)
            for clause in query.excluded:
                self._clause(snap, clause, query.mode, None, excluded)
            matched = matched & ~excluded
        return matched, counts, scores

    def _clause(
        self,
        snap: Snapshot,
        clause: Clause,
        mode: str,
        scores: np.ndarray | None,
        into: np.ndarray,
    ) -> None:
        """Marks in ``into`` the documents one word or phrase matches; adds its BM25F
        score (times a variant's weight) to ``scores``.

        A stemmed word matches on its stem in ``title``/``body``; its exact
        form adds a small bonus (a document with the very word the reader
        typed ranks above one with only a sibling form) but never decides
        which documents match: a document with the exact word has its stem too.
        """
        if isinstance(clause, Phrase) and len(clause.exacts) > 1:
            for field in EXACT_FIELDS:
                docs = snap.phrase(field, list(clause.exacts))
                if not len(docs):
                    continue
                into[docs] = True
                if scores is not None:  # a phrase scores as its words, where it occurs
                    words = np.zeros(snap.size)
                    for exact in clause.exacts:
                        term = snap.term(field, exact)
                        words[term.docs] += term.scores
                    scores[docs] += words[docs]
            return
        weight = clause.weight if isinstance(clause, Word) else 1.0
        if isinstance(clause, Phrase):
            matching = [(field, clause.exacts[0], 1.0) for field in EXACT_FIELDS]
            bonus = []
        elif mode == "exact" or clause.stopped:
            matching = [(field, clause.exact, weight) for field in EXACT_FIELDS]
            bonus = []
        else:
            matching = [(field, clause.term, weight) for field in STEMMED_FIELDS]
            bonus = [(field, clause.exact, weight * EXACT_BONUS) for field in EXACT_FIELDS]
        self._terms(snap, matching, scores, into)
        if scores is not None:
            for field, text, boost in bonus:
                term = snap.term(field, text)
                scores[term.docs] += boost * term.scores

    @staticmethod
    def _terms(
        snap: Snapshot,
        terms: list[tuple[str, str, float]],
        scores: np.ndarray | None,
        into: np.ndarray,
    ) -> None:
        """Marks in ``into`` the documents any of ``terms`` (field, text, boost) occurs
        in; adds their scores."""
        for field, text, boost in terms:
            term = snap.term(field, text)
            into[term.docs] = True
            if scores is not None:
                scores[term.docs] += boost * term.scores

    @staticmethod
    def _facet_counts(
        snap: Snapshot, matched: np.ndarray, spec: FacetSpec
    ) -> dict[str, dict[str, int]]:
        """Each facet counted over the matches under its own filters (the other facets')."""
        out: dict[str, dict[str, int]] = {}
        for facet, filters in spec.counts.items():
            if facet not in snap.facets and facet != DAY_FACET:
                continue
            restriction = snap.restrict(filters)
            base = matched if restriction is None else matched & restriction
            if facet == DAY_FACET:
                out[facet] = day_counts(snap.ordinal[base])
            else:
                out[facet] = snap.facets[facet].count(base)
        return out

    @_reading
    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]:
        searcher = self._searcher
        docnum = searcher.document_number(id=doc_id)
        if docnum is None:
            return []
        fields = searcher.stored_fields(docnum)
        text = f"{fields.get('title', '')}\n{fields.get('body', '')}"
        results = searcher.more_like(docnum, "body", text=text, top=limit, numterms=12)
        return [EngineHit(_stored(hit.fields()), float(hit.score or 0.0)) for hit in results]

    @_reading
    def doc_frequency(self, exact: str) -> int:
        reader = self._searcher.reader()
        return reader.doc_frequency("body_exact", exact) + reader.doc_frequency(
            "title_exact", exact
        )

    @_reading
    def vocabulary(self, min_df: int) -> dict[str, int]:
        found: Counter[str] = Counter()
        for leaf, _ in self._searcher.reader().leaf_readers():
            for term, info in leaf.iter_field("body"):
                found[term.decode("utf-8") if isinstance(term, bytes) else term] += (
                    info.doc_frequency()
                )
        return {term: n for term, n in found.items() if n >= min_df}

    @_reading
    def similar_terms(self, exact: str, max_distance: int) -> Iterable[str]:
        """Indexed words within ``max_distance`` edits of ``exact``.

        One edit: every variant of :func:`~search.analysis.spelling.one_edit_variants`
        the index holds (a few hundred lookups, milliseconds). Two edits, asked for
        long words when one edit finds nothing: Whoosh's edit-distance walk, kept to
        the words that share the first two letters after an article (``ال``), which
        took it from seconds to tens of milliseconds on ANT, and to words of at most
        :data:`_LONGEST_FUZZY_WORD` letters (building the automaton for a longer one
        costs more than a typo in it is worth).
        """
        reader = self._searcher.reader()
        # Bodies only: a headline's words are in its article, and one lookup per variant
        # instead of two.
        found = [
            term for term in sorted(one_edit_variants(exact)) if ("body_exact", term) in reader
        ]
        if found or max_distance < 2 or len(exact) > _LONGEST_FUZZY_WORD:
            return found
        prefix = 4 if exact.startswith("ال") else 2
        return [
            term
            for term in reader.terms_within("body_exact", exact, max_distance, prefix=prefix)
            if term != exact
        ]

    @_reading
    def example(self, exact: str) -> StoredDocument | None:
        """Some document containing the exact term (to show how articles write it)."""
        searcher = self._searcher
        for field in ("title_exact", "body_exact"):
            for doc in searcher.docs_for_query(wq.Term(field, exact)):
                return _stored(searcher.stored_fields(doc))
        return None

    @_reading
    def complete(self, prefix: str, limit: int) -> list[str]:
        """The indexed words that start with ``prefix``, most documents first.

        Each segment's term dictionary is walked once, its entries carrying their
        document frequencies: asking the whole index for each candidate's frequency
        looked it up again in every segment (a quarter of a second for a two-letter
        prefix once incremental reindexes had added a few segments to 315k documents).
        """
        counts: Counter[str] = Counter()
        for leaf, _ in self._searcher.reader().leaf_readers():
            for field in ("title_exact", "body_exact"):
                for n, (term, info) in enumerate(leaf.iter_prefix(field, prefix)):
                    if n == _COMPLETION_CANDIDATES:  # a one-letter prefix: enough of them
                        break
                    text = term.decode("utf-8") if isinstance(term, bytes) else term
                    counts[text] += info.doc_frequency()
        return [term for term, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))][:limit]

    @_reading
    def stats(self) -> IndexStats:
        """From the snapshot's arrays: no stored field (no body) is read."""
        snap = self._snapshot()
        dated = snap.ordinal[snap.live & (snap.ordinal > 0)]
        # An evaluation's in-memory index has no folder.
        files = self.path.iterdir() if self.path.is_dir() else ()
        size = sum(p.stat().st_size for p in files if p.is_file())
        return IndexStats(
            documents=snap.live_count,
            date_min=dt.date.fromordinal(int(dated.min())) if len(dated) else None,
            date_max=dt.date.fromordinal(int(dated.max())) if len(dated) else None,
            sources=dict(
                sorted(
                    snap.facets["sources"].count(snap.live).items(), key=lambda kv: (-kv[1], kv[0])
                )
            ),
            size_bytes=size,
            generation=self.path.name,
        )
