"""Answering an :class:`~.base.EngineQuery` from PostgreSQL, as the embedded engine does.

A ranked search reads, in one read-only repeatable-read transaction (one state of the
index for its counts, hits and documents):

* the posting lists of its terms (``postings``: per field and term, the documents'
  numbers and frequencies as arrays, a row per segment the writer added), by primary
  key: a few rows per word however common it is;
* the per-document columns (``columns``, :mod:`.postgres_columns`): which documents
  exist, their quantised field lengths, dates, years, sources, categories;
* for a quoted phrase, the documents holding it: of those with all its words, the ones
  whose ``exact`` vector has them in a row (``'a':A <-> 'b':A`` per field label);
* the stored fields of the one page of hits.

Matching, BM25F (``search/engine/ranking.py``: field boosts, the exact-form bonus, the
quantised lengths, the same idf), filters, facet counts and the order are numpy over
those arrays, so the answers are the embedded engine's (the parity tests) and nothing
is kept in the process between searches. A query without words (the welcome page,
browsing by filters) is SQL: counts, facets and the page by date.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np

from search.analysis.spelling import one_edit_variants
from search.document import StoredDocument, from_record

from .base import (
    DAY_FACET,
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
    Word,
)
from .counting import collapsed_page, story_count, tiers
from .postgres_columns import Candidates, Columns
from .postgres_rows import BODY, BODY_EXACT, FIELDS, TITLE, TITLE_EXACT, analyse
from .ranking import EXACT_BONUS, K1, TITLE_BOOST, B

if TYPE_CHECKING:
    from .postgres import PostgresIndex

T = TypeVar("T")
BOOSTS = (TITLE_BOOST, 1.0, TITLE_BOOST, 1.0)
#: A live view's name in SQL, to be replaced by its generation's table.
_GENERATION_TABLES = re.compile(r"(\b\w+\.(?:docs|terms|stats|postings|columns))\b")
_STORED = (
    "id, title, body, date, date_source, sources, source_rules, url, category, origin, author, "
    "content_hash"
)
#: Segments of a posting list :meth:`PostgresReader.example` looks through for a
#: document not deleted since.
EXAMPLE_SEGMENTS = 4
#: The facets this engine counts (:mod:`.postgres_columns`).
_FACETS = frozenset({"sources", "year", "month", "category", DAY_FACET})


def _lexeme(text: str, label: str = "") -> str:
    """One term as ``tsquery`` input, quoted so that no character of it is an operator."""
    quoted = "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"
    return f"{quoted}:{label}" if label else quoted


def _stored(values: Sequence[Any]) -> StoredDocument:
    (
        doc_id,
        title,
        body,
        date,
        date_source,
        sources,
        rules,
        url,
        category,
        origin,
        author,
        content_hash,
    ) = values
    record = {
        "id": doc_id,
        "title": title,
        "body": body,
        "date": date.isoformat() if date else None,
        "date_source": date_source,
        "sources": sources,
        "source_rules": rules or {},
        "url": url,
        "category": category,
        "origin": origin,
        "author": author,
    }
    return from_record(record, content_hash or "")


class PostgresReader:
    """One view of a PostgreSQL index's live generation (an :class:`~.base.IndexReader`)."""

    def __init__(self, index: PostgresIndex, generation: str, stamp: tuple[int, ...]) -> None:
        self.index = index
        self.generation = generation
        self.memo = Memo()
        self._version = stamp
        self._kept_columns: tuple[tuple[Any, ...], Columns] | None = None

    def refresh(self, stamp: tuple[int, ...]) -> None:
        """``stamp``: the generation's statistics now. When an incremental reindex
        changed them, what was memoised may be gone."""
        if stamp != self._version:
            self._version = stamp
            self.memo = Memo()

    def close(self) -> None:
        """Connections belong to the index's pool."""

    # --- SQL helpers -------------------------------------------------------------------

    def _rows(self, sql: str, params: Any = None) -> list[Any]:
        return self.index.read(
            lambda conn: list(conn.execute(self.index.q(sql), params).fetchall())
        )

    # --- searching ---------------------------------------------------------------------

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
        return self._snapshot(
            lambda conn, live, stats: self._search(
                conn, live, stats, query, filters, sort, offset, limit, facets, collapse
            )
        )

    def _snapshot(self, work: Callable[[Any, str, dict[str, int]], T]) -> T:
        """``work(connection, generation, statistics)`` in one read-only, repeatable-read
        transaction: counts, hits and documents from one state of the index. The
        generation is the one this snapshot shows, and its own tables are named after
        it: the views would be resolved against the latest catalog, and a rebuild
        committed after this snapshot would show tables whose rows it cannot see."""

        def run(conn: Any) -> T:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                (live,) = conn.execute(
                    self.index.q("SELECT value FROM {s}.meta WHERE key = 'current'")
                ).fetchone()
                live = str(live)
                stats = dict(
                    conn.execute(self._in(live, "SELECT key, value FROM {s}.stats")).fetchall()
                )
                return work(conn, live, stats)

        return self.index.read(run)

    def _in(self, generation: str, sql: str) -> str:
        """``sql`` on the tables of ``generation`` rather than the live views."""
        return _GENERATION_TABLES.sub(rf"\1_{generation}", self.index.q(sql))

    def _search(
        self,
        conn: Any,
        live: str,
        stats: dict[str, int],
        query: EngineQuery,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None,
        collapse: bool = False,
    ) -> EngineResult:
        """Match, rank, filter, count and page (browsing: every document matches, newest
        first); with ``collapse``, one hit per story."""

        def q(sql: str) -> str:
            return self._in(live, sql)

        clauses = [c for g in query.groups for c in g.alternatives] + list(query.excluded)
        needed = sorted({key for c in clauses for key in _keys(c, query.mode)})
        columns = self._columns(conn, live, stats)
        with conn.cursor(binary=True) as cursor:
            rows = (
                cursor.execute(
                    q(
                        "SELECT field, term, docnums, tfs FROM {s}.postings WHERE (field, term) IN "
                        "(SELECT * FROM unnest(%s::smallint[], %s::text[])) "
                        "ORDER BY field, term, segment"
                    ),
                    ([f for f, _ in needed], [t for _, t in needed]),
                ).fetchall()
                if needed
                else []
            )
        postings = _Postings(rows, columns.arrays["live"])
        phrases = {
            c: self._phrase_matches(conn, live, c, postings)
            for c in clauses
            if isinstance(c, Phrase) and len(c.exacts) > 1
        }

        everyone = columns.arrays["live"].astype(bool)

        def matches(clause: Clause) -> list[np.ndarray]:
            """Where a clause matches, as masks over document numbers (a phrase: one for
            the title, one for the body)."""
            if clause in phrases:
                found = phrases[clause]
            else:
                keys = _keys(clause, query.mode)[:2]
                found = [np.concatenate([postings.docnums(key) for key in keys])]
            masks = []
            for docnums in found:
                mask = np.zeros(len(everyone), bool)
                mask[docnums] = True
                masks.append(mask)
            return masks

        # Masks over every document number, not sorted lists: a long pasted headline's
        # common words match most of the archive.
        group_masks = [[matches(c) for c in g.alternatives] for g in query.groups]
        in_groups = np.zeros(len(everyone), np.int16)
        for clause_masks in group_masks:
            in_groups += np.logical_or.reduce([m for masks in clause_masks for m in masks])
        wanted = in_groups > 0 if query.groups else everyone.copy()
        for clause in query.excluded:
            for gone in matches(clause):
                wanted &= ~gone
        candidates = np.flatnonzero(wanted & everyone)
        result = EngineResult(total=0, hits=[])
        if not len(candidates):
            result.facets = {facet: {} for facet in (facets.counts if facets else {})}
            result.complete = 0 if query.groups else None
            return result
        table = columns.take(candidates)
        scorer = _Scorer(stats, postings, table)
        scores = np.zeros(table.size)
        for group, clause_masks in zip(query.groups, group_masks, strict=True):
            for clause, masks in zip(group.alternatives, clause_masks, strict=True):
                weight = clause.weight if isinstance(clause, Word) else 1.0
                scores += weight * scorer.clause(clause, query.mode, [m[candidates] for m in masks])
        counts = in_groups[candidates]
        if facets is not None:
            result.facets = {
                facet: table.counts(facet, table.passes(facet_filters))
                for facet, facet_filters in facets.counts.items()
                if facet in _FACETS
            }
        kept = np.flatnonzero(table.passes(filters))
        result.total = len(kept)
        if query.groups:
            result.complete = int(np.count_nonzero(counts[kept] >= query.first_tier))
        story = columns.arrays.get(STORY_FACET) if collapse else None
        codes = story[table.docnum].astype(np.int64) if story is not None else None
        if collapse:
            result.stories = story_count(codes[kept]) if codes is not None else len(kept)
        if not len(kept) or limit <= 0:
            return result
        # By score or by date, within the tiers of words matched.
        tier = tiers(query, counts[kept]) if query.groups else None
        if sort == "relevance" and tier is not None:

            def rank(wanted: int) -> np.ndarray:
                return kept[_top(kept, scores[kept], tier, table, wanted)]
        else:

            def rank(wanted: int) -> np.ndarray:
                by_date = _by_date(kept, table, oldest=sort == "oldest", wanted=wanted, tier=tier)
                return kept[by_date]

        if codes is None:
            page = rank(offset + limit)[offset : offset + limit]
        else:
            page = collapsed_page(rank, lambda rows: codes[rows], len(kept), offset, limit)
        versions: dict[int, np.ndarray] = {}
        if codes is not None:
            kept_codes = codes[kept]
            for row in page:
                if codes[row] >= 0:
                    others = kept[(kept_codes == codes[row]) & (kept != row)]
                    versions[int(row)] = others[
                        _by_date(others, table, oldest=True, wanted=len(others))
                    ]
        wanted = [*page, *(r for rows in versions.values() for r in rows)]
        docnums = [int(table.docnum[i]) for i in wanted]
        stored = {
            r[0]: _stored(r[1:])
            for r in conn.execute(
                q(f"SELECT docnum, {_STORED} FROM {{s}}.docs d WHERE d.docnum = ANY(%s)"),
                (docnums,),
            ).fetchall()
        }
        result.hits = []
        for i in page:
            docnum = int(table.docnum[i])
            if docnum not in stored:
                continue
            hit = EngineHit(stored[docnum], float(scores[i]))
            hit.versions = [
                stored[int(table.docnum[r])]
                for r in versions.get(int(i), ())
                if int(table.docnum[r]) in stored
            ]
            result.hits.append(hit)
        return result

    def _columns(self, conn: Any, live: str, stats: dict[str, int]) -> Columns:
        """The per-document columns of the state this transaction sees: kept between
        searches while they fit the process's cache budget (``NABA_CACHE_MB``, 8 MB at
        315,000 articles: reading them is most of a search's time there) and the index
        is unchanged, read again otherwise."""
        key = (live, tuple(sorted(stats.items())))
        kept = self._kept_columns
        if kept is not None and kept[0] == key:
            return kept[1]
        with conn.cursor(binary=True) as cursor:
            found = cursor.execute(
                self._in(live, "SELECT name, data, labels FROM {s}.columns")
            ).fetchall()
        columns = Columns.read(found)
        fits = columns.nbytes <= self.index.cache_bytes // 2
        self._kept_columns = (key, columns) if fits else None
        return columns

    def _phrase_matches(
        self, conn: Any, live: str, phrase: Phrase, postings: _Postings
    ) -> list[np.ndarray]:
        """The documents holding ``phrase`` in the title, and in the body: those with
        all its words (the posting lists), whose positions in the ``exact`` vector then
        make the phrase (``<->`` on one field's label). A GIN index over the vectors
        would only find the same candidates (it keeps no positions) and cost a tenth of
        a build."""
        found = []
        for field, label in ((TITLE_EXACT, "A"), (BODY_EXACT, "D")):
            candidates = postings.docnums((field, phrase.exacts[0]))
            for word in phrase.exacts[1:]:
                candidates = np.intersect1d(candidates, postings.docnums((field, word)))
            if not len(candidates):
                found.append(candidates)
                continue
            tsquery = " <-> ".join(_lexeme(word, label) for word in phrase.exacts)
            rows = conn.execute(
                self._in(
                    live,
                    "SELECT docnum FROM {s}.docs d WHERE d.docnum = ANY(%s) "
                    "AND d.exact @@ %s::tsquery",
                ),
                (candidates.tolist(), tsquery),
            ).fetchall()
            found.append(np.unique(np.array([r[0] for r in rows], np.int64)))
        return found

    # --- documents and terms -----------------------------------------------------------

    def get(self, doc_id: str) -> StoredDocument | None:
        rows = self._rows(f"SELECT {_STORED} FROM {{s}}.docs d WHERE d.id = %s", (doc_id,))
        return _stored(rows[0]) if rows else None

    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]:
        """The documents sharing the most distinctive body terms with ``doc_id``: its
        twelve terms of highest tf × idf, searched as alternatives."""
        found = self._rows("SELECT title, body FROM {s}.docs d WHERE d.id = %s", (doc_id,))
        if not found:
            return []
        frequencies: Counter[str] = Counter()
        for field_, term, tf in analyse(*found[0])[2]:
            if field_ in (TITLE, BODY):
                frequencies[term] += tf
        rows = [
            (term, frequencies[term], df)
            for term, df in self._rows(
                "SELECT term, df FROM {s}.terms WHERE field = %s AND term = ANY(%s::text[])",
                (BODY, list(frequencies)),
            )
        ]
        stats = dict(self._rows("SELECT key, value FROM {s}.stats"))
        size = max(1, int(stats.get("documents", 1)))
        # Ties in the order of a vector's words (by their bytes), as before.
        ranked = sorted(
            rows, key=lambda r: (-r[1] * (math.log(size / (r[2] + 1)) + 1), r[0].encode())
        )[:12]
        from .base import Group

        query = EngineQuery(
            groups=tuple(Group((Word(term, term, term),)) for term, _, _ in ranked),
            min_match=1,
        )
        found = self.search(query, Filters(), sort="relevance", offset=0, limit=limit + 1)
        return [hit for hit in found.hits if hit.document.id != doc_id][:limit]

    def doc_frequency(self, exact: str) -> int:
        rows = self._rows(
            "SELECT coalesce(sum(df), 0) FROM {s}.terms WHERE field IN (%s, %s) AND term = %s",
            (TITLE_EXACT, BODY_EXACT, exact),
        )
        return int(rows[0][0])

    def vocabulary(self, min_df: int) -> dict[str, int]:
        rows = self._rows(
            "SELECT term, sum(df) FROM {s}.terms WHERE field = %s GROUP BY term "
            "HAVING sum(df) >= %s",
            (BODY, min_df),
        )
        return {term: int(n) for term, n in rows}

    def similar_terms(self, exact: str, max_distance: int) -> Iterable[str]:
        """One edit: the variants the index holds; two: words sharing the first letters
        (after an article) within two edits, as the embedded engine does."""
        variants = sorted(one_edit_variants(exact))
        found = [
            t
            for (t,) in self._rows(
                "SELECT term FROM {s}.terms WHERE field = %s AND term = ANY(%s::text[]) "
                "ORDER BY term",
                (BODY_EXACT, variants),
            )
        ]
        if found or max_distance < 2 or len(exact) > 12:
            return found
        prefix = exact[: 4 if exact.startswith("ال") else 2]
        return [
            t
            for (t,) in self._rows(
                "SELECT term FROM {s}.terms WHERE field = %s AND term LIKE %s ORDER BY term",
                (BODY_EXACT, _like_prefix(prefix)),
            )
            if t != exact and _within(exact, t, max_distance)
        ]

    def complete(self, prefix: str, limit: int) -> list[str]:
        rows = self._rows(
            "SELECT term, sum(df) AS n FROM {s}.terms WHERE field IN (%s, %s) AND term LIKE %s "
            "GROUP BY term ORDER BY n DESC, term LIMIT %s",
            (TITLE_EXACT, BODY_EXACT, _like_prefix(prefix), limit),
        )
        return [term for term, _ in rows]

    def example(self, exact: str) -> StoredDocument | None:
        """The first document (by number) with ``exact`` in its title, else in its body:
        from the posting lists' first segments (whose documents may have been deleted
        since: the first one still there)."""

        def work(conn: Any) -> StoredDocument | None:
            for field_ in (TITLE_EXACT, BODY_EXACT):
                with conn.cursor(binary=True) as cursor:
                    segments = cursor.execute(
                        self.index.q(
                            "SELECT docnums FROM {s}.postings WHERE field = %s AND term = %s "
                            "ORDER BY segment LIMIT %s"
                        ),
                        (field_, exact, EXAMPLE_SEGMENTS),
                    ).fetchall()
                for (docnums,) in segments:
                    found = conn.execute(
                        self.index.q(
                            f"SELECT {_STORED} FROM {{s}}.docs d WHERE d.docnum = ANY(%s) "
                            "ORDER BY d.docnum LIMIT 1"
                        ),
                        (np.frombuffer(docnums, "<i4").tolist(),),
                    ).fetchone()
                    if found:
                        return _stored(found)
            return None

        return self.index.read(work)

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        for doc_id, content_hash in self._rows("SELECT id, content_hash FROM {s}.docs"):
            yield doc_id, content_hash or ""

    def story_texts(self) -> Iterator[StoryArticle]:
        """A document's source here is its first in code-point order (``COLLATE "C"``), as
        in every engine, whatever the database's own collation."""
        found = self._rows(
            "SELECT id, date, coalesce((SELECT min(s COLLATE \"C\") FROM unnest(sources) s), ''), "
            "story_text FROM {s}.docs"
        )
        for doc_id, date, source, text in found:
            yield doc_id, date, source, bytes(text or b"")

    def story_of(self, doc_id: str) -> str | None:
        found = self._rows("SELECT story FROM {s}.docs d WHERE d.id = %s", (doc_id,))
        return found[0][0] if found and found[0][0] else None

    def stats(self) -> IndexStats:
        """From the per-document columns (one statement, not a scan of the articles:
        ``/healthz`` and the welcome page ask for it)."""

        everything = self._snapshot(self._columns).take_all()
        dated = everything.ordinal[everything.ordinal > 0]
        counts = everything.counts("sources", np.ones(everything.size, bool))
        return IndexStats(
            documents=everything.size,
            date_min=dt.date.fromordinal(int(dated.min())) if len(dated) else None,
            date_max=dt.date.fromordinal(int(dated.max())) if len(dated) else None,
            sources=dict(sorted(counts.items(), key=lambda item: (-item[1], item[0]))),
            size_bytes=self.index.size_bytes(),
            generation=self.generation,
        )


# --- scoring ------------------------------------------------------------------------


def _keys(clause: Clause, mode: str) -> list[tuple[int, str]]:
    """The posting lists a clause reads: the first two are those it matches on (a
    phrase matches on positions, but scores on its words' lists)."""
    if isinstance(clause, Phrase):
        return [(field, word) for word in clause.exacts for field in (TITLE_EXACT, BODY_EXACT)]
    if mode == "exact" or clause.stopped:
        return [(TITLE_EXACT, clause.exact), (BODY_EXACT, clause.exact)]
    return [
        (TITLE, clause.term),
        (BODY, clause.term),
        (TITLE_EXACT, clause.exact),
        (BODY_EXACT, clause.exact),
    ]


def _top(
    kept: np.ndarray, scores: np.ndarray, tier: np.ndarray, table: Candidates, wanted: int
) -> np.ndarray:
    """Positions in ``kept`` of its first ``wanted`` documents by (tier, score, newer,
    id): those at or above the ``wanted``-th key only are sorted, ties included."""
    scores = np.round(scores, 6)
    if len(scores) > wanted:
        # A rough key to choose by (a missed group outweighs any score), with a margin
        # for its rounding; the order itself is exact.
        rough = scores - tier * 1e9
        cut = np.partition(rough, len(rough) - wanted)[len(rough) - wanted]
        chosen = np.flatnonzero(rough >= cut - 1e-3)
    else:
        chosen = np.arange(len(scores))
    rows = kept[chosen]
    order = np.lexsort((table.id_rank[rows], -table.ordinal[rows], -scores[chosen], tier[chosen]))
    return chosen[order]


def _by_date(
    kept: np.ndarray,
    table: Candidates,
    *,
    oldest: bool,
    wanted: int,
    tier: np.ndarray | None = None,
) -> np.ndarray:
    """Positions in ``kept`` of its first ``wanted`` documents by ``tier`` (when given),
    date (undated last), then id: one integer key per document (tier in bits 57–62,
    undated in 56, the day in 32–53, the id's rank below), partitioned rather than
    sorted whole."""
    ordinal = table.ordinal[kept]
    undated = (ordinal == 0).astype(np.int64)
    day = ordinal if oldest else _MAX_ORDINAL - ordinal
    key = (undated << 56) | (day << 32) | table.id_rank[kept]
    if tier is not None:
        key |= np.minimum(tier, 63).astype(np.int64) << 57
    if len(key) <= wanted:
        return np.argsort(key)
    chosen = np.argpartition(key, wanted - 1)[:wanted]
    return chosen[np.argsort(key[chosen])]


_MAX_ORDINAL = 4_000_000  # above date.max's ordinal (3,652,059): a day fits in 22 bits


class _Postings:
    """The posting lists one search read, without the documents a reindex deleted."""

    def __init__(self, rows: Sequence[Any], live: np.ndarray) -> None:
        parts: dict[tuple[int, str], list[tuple[bytes, bytes]]] = {}
        for field_, term, docnums, tfs in rows:
            parts.setdefault((int(field_), term), []).append((docnums, tfs))
        self.lists: dict[tuple[int, str], tuple[np.ndarray, np.ndarray]] = {}
        for key, segments in parts.items():
            docnums = np.concatenate([np.frombuffer(d, "<i4") for d, _ in segments])
            tfs = np.concatenate([np.frombuffer(t, "<u2") for _, t in segments])
            alive = live[docnums].astype(bool)
            self.lists[key] = (docnums[alive].astype(np.int64), tfs[alive].astype(np.int64))

    def docnums(self, key: tuple[int, str]) -> np.ndarray:
        found = self.lists.get(key)
        return found[0] if found is not None else np.zeros(0, np.int64)

    def df(self, key: tuple[int, str]) -> int:
        return len(self.docnums(key))

    def frequencies(self, key: tuple[int, str], candidates: np.ndarray) -> np.ndarray:
        """The term's frequency in each candidate (0 where it is absent)."""
        found = self.lists.get(key)
        if found is None or not len(found[0]):
            return np.zeros(len(candidates), np.int64)
        docnums, tfs = found
        at = np.minimum(np.searchsorted(docnums, candidates), len(docnums) - 1)
        return np.where(docnums[at] == candidates, tfs[at], 0)


class _Scorer:
    """BM25F as the embedded engine computes it (``.whoosh_reading.Snapshot.term``), over
    the candidates' arrays."""

    def __init__(self, stats: dict[str, int], postings: _Postings, table: Candidates) -> None:
        self.size = max(1, int(stats.get("documents", 0)))
        self.avg = [(int(stats.get(f"length:{name}", 0)) / self.size) or 1.0 for name in FIELDS]
        self.postings = postings
        self.table = table

    def term(self, field: int, term: str) -> np.ndarray:
        tf = self.postings.frequencies((field, term), self.table.docnum)
        weight = tf * BOOSTS[field]
        idf = math.log(self.size / (self.postings.df((field, term)) + 1)) + 1
        lengths = self.table.lengths[:, field]
        norm = K1 * ((1 - B) + B * lengths / self.avg[field])
        return np.where(tf > 0, idf * (weight * (K1 + 1)) / (weight + norm), 0.0)

    def clause(self, clause: Clause, mode: str, hit: list[np.ndarray]) -> np.ndarray:
        if isinstance(clause, Phrase) and len(clause.exacts) > 1:
            score = np.zeros(self.table.size)
            for matched, field in zip(hit, (TITLE_EXACT, BODY_EXACT), strict=True):
                words = sum(self.term(field, word) for word in clause.exacts)
                score += np.where(matched, words, 0.0)
            return score
        if isinstance(clause, Phrase) or mode == "exact" or clause.stopped:
            word = clause.exacts[0] if isinstance(clause, Phrase) else clause.exact
            return self.term(TITLE_EXACT, word) + self.term(BODY_EXACT, word)
        score = self.term(TITLE, clause.term) + self.term(BODY, clause.term)
        score += EXACT_BONUS * self.term(TITLE_EXACT, clause.exact)
        return score + EXACT_BONUS * self.term(BODY_EXACT, clause.exact)


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _within(a: str, b: str, limit: int) -> bool:
    """Whether ``a`` and ``b`` are at most ``limit`` edits apart (Damerau's transpositions
    counted as one, as Whoosh's automaton does)."""
    if abs(len(a) - len(b)) > limit:
        return False
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1] <= limit
