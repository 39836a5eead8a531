"""Answering an :class:`~.base.EngineQuery` from PostgreSQL, as the embedded engine does.

Matching is SQL: each clause is a ``tsquery`` on a vector column (a stemmed word on
``stemmed``; an exact word, a stop word or a phrase on ``exact``, a phrase once per
field through its weight label, ``'a':A <-> 'b':A``), so the GIN indexes find the
candidates. Ranking is the embedded engine's BM25F (``search/engine/ranking.py``: field
boosts, the exact-form bonus, the quantised field lengths, the same idf), computed with
numpy over the candidates: their term frequencies per field come back from
``ts_rank`` with one field's weight label switched on (see :func:`_title_count`), the
statistics from what the writer keeps (document frequencies per field, total field
lengths). Facets are counted over the same candidates. One search is one read-only,
repeatable-read transaction: its counts, hits and documents come from one state of the
index.

A query without words (the welcome page, browsing by filters) is all SQL: counts,
facets and the page by date.

Measured on ANT (31.5k articles): the same top ten as the embedded engine for all 200
benchmark queries, but every candidate row is read and scored, so a common word costs
hundreds of milliseconds (docs/scaling.md); posting lists per term are the way on.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from search.analysis.spelling import one_edit_variants
from search.document import StoredDocument, from_record

from .base import (
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
)
from .postgres_rows import BODY, BODY_EXACT, FIELDS, TITLE, TITLE_EXACT
from .ranking import EXACT_BONUS, K1, LENGTHS, TITLE_BOOST, B

if TYPE_CHECKING:
    from .postgres import PostgresIndex

BOOSTS = (TITLE_BOOST, 1.0, TITLE_BOOST, 1.0)
#: A live view's name in SQL, to be replaced by its generation's table.
_GENERATION_TABLES = re.compile(r"(\b\w+\.(?:docs|terms|stats))\b")
_STORED = (
    "id, title, body, date, date_source, sources, source_rules, url, category, origin, content_hash"
)
#: Facet -> its column and whether it holds several values.
_FACETS = {
    "sources": ("sources", True),
    "year": ("year", False),
    "month": ("month", False),
    "category": ("category", False),
}


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
    }
    return from_record(record, content_hash or "")


@dataclass
class _Match:
    """One clause as SQL: boolean expressions over ``d`` (one per field for a phrase)."""

    clause: Clause
    conditions: list[str]


@dataclass
class _Plan:
    """What one search asks of the database, with its bound parameters."""

    params: dict[str, Any] = field(default_factory=dict)
    stemmed_terms: set[str] = field(default_factory=set)
    exact_terms: set[str] = field(default_factory=set)

    def bind(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f"%({name})s"


class PostgresReader:
    """One view of a PostgreSQL index's live generation (an :class:`~.base.IndexReader`)."""

    def __init__(self, index: PostgresIndex, generation: str, stamp: tuple[int, ...]) -> None:
        self.index = index
        self.generation = generation
        self.memo = Memo()
        self._version = stamp

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

    @staticmethod
    def _filters_sql(filters: Filters, plan: _Plan) -> str:
        parts = []
        for facet, values in filters.values.items():
            if not values:
                continue
            column, many = _FACETS.get(facet, (None, False))
            if column is None:
                return "false"  # a facet this engine lacks matches nothing
            if facet == "year":
                years = [int(v) for v in values if v.isdecimal()]
                parts.append(f"d.year = ANY({plan.bind(years)}::smallint[])")
            elif many:
                parts.append(f"d.{column} && {plan.bind(list(values))}::text[]")
            else:
                parts.append(f"d.{column} = ANY({plan.bind(list(values))}::text[])")
        if filters.date_from:
            parts.append(f"d.date >= {plan.bind(filters.date_from)}")
        if filters.date_to:
            parts.append(f"d.date <= {plan.bind(filters.date_to)}")
        return " AND ".join(parts) or "true"

    def _match(self, clause: Clause, mode: str, plan: _Plan) -> _Match:
        if isinstance(clause, Phrase) and len(clause.exacts) > 1:
            plan.exact_terms.update(clause.exacts)
            conditions = []
            for label in ("A", "D"):
                query = " <-> ".join(_lexeme(word, label) for word in clause.exacts)
                conditions.append(f"d.exact @@ {plan.bind(query)}::tsquery")
            return _Match(clause, conditions)
        if isinstance(clause, Phrase):
            plan.exact_terms.add(clause.exacts[0])
            return _Match(clause, [f"d.exact @@ {plan.bind(_lexeme(clause.exacts[0]))}::tsquery"])
        if mode == "exact" or clause.stopped:
            plan.exact_terms.add(clause.exact)
            return _Match(clause, [f"d.exact @@ {plan.bind(_lexeme(clause.exact))}::tsquery"])
        plan.stemmed_terms.add(clause.term)
        plan.exact_terms.add(clause.exact)
        return _Match(clause, [f"d.stemmed @@ {plan.bind(_lexeme(clause.term))}::tsquery"])

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
    ) -> EngineResult:
        plan = _Plan()
        excluded = [self._match(c, query.mode, plan) for c in query.excluded]
        not_excluded = (
            " AND ".join(
                f"NOT ({condition})" for match in excluded for condition in match.conditions
            )
            or "true"
        )

        def work(conn: Any) -> EngineResult:
            with conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                # The generation's own tables, named from the snapshot itself: the views
                # would be resolved against the latest catalog, and a rebuild committed
                # after this snapshot would show tables whose rows it cannot see.
                (live,) = conn.execute(
                    self.index.q("SELECT value FROM {s}.meta WHERE key = 'current'")
                ).fetchone()
                if not query.groups:
                    return self._browse(
                        conn, live, plan, not_excluded, filters, sort, offset, limit, facets
                    )
                return self._ranked(
                    conn, live, query, plan, not_excluded, filters, sort, offset, limit, facets
                )

        return self.index.read(work)

    def _in(self, generation: str, sql: str) -> str:
        """``sql`` on the tables of ``generation`` rather than the live views."""
        return _GENERATION_TABLES.sub(rf"\1_{generation}", self.index.q(sql))

    def _browse(
        self,
        conn: Any,
        live: str,
        plan: _Plan,
        not_excluded: str,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None,
    ) -> EngineResult:
        def q(sql: str) -> str:
            return self._in(live, sql)

        where = f"{not_excluded} AND {self._filters_sql(filters, plan)}"
        total = conn.execute(q(f"SELECT count(*) FROM {{s}}.docs d WHERE {where}"), plan.params)
        result = EngineResult(total=int(total.fetchone()[0]), hits=[])
        if facets is not None:
            for facet, facet_filters in facets.counts.items():
                if facet not in _FACETS:
                    continue
                column, many = _FACETS[facet]
                value = f"unnest(d.{column})" if many else f"d.{column}"
                if facet == "year":  # 0: undated, in no year
                    value = "CASE WHEN d.year > 0 THEN d.year::text END"
                facet_where = f"{not_excluded} AND {self._filters_sql(facet_filters, plan)}"
                rows = conn.execute(
                    q(
                        f"SELECT v, count(*) FROM (SELECT {value} AS v FROM {{s}}.docs d "
                        f"WHERE {facet_where}) x WHERE v IS NOT NULL GROUP BY v"
                    ),
                    plan.params,
                ).fetchall()
                result.facets[facet] = {str(v): int(n) for v, n in rows}
        if limit > 0 and result.total:
            order = "d.date ASC" if sort == "oldest" else "d.date DESC"
            rows = conn.execute(
                q(
                    f"SELECT {_STORED} FROM {{s}}.docs d WHERE {where} "
                    f"ORDER BY d.date IS NULL, {order}, d.id LIMIT %(limit)s OFFSET %(offset)s"
                ),
                {**plan.params, "limit": limit, "offset": offset},
            ).fetchall()
            result.hits = [EngineHit(_stored(r), 0.0) for r in rows]
        return result

    def _ranked(
        self,
        conn: Any,
        live: str,
        query: EngineQuery,
        plan: _Plan,
        not_excluded: str,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None,
    ) -> EngineResult:
        def q(sql: str) -> str:
            return self._in(live, sql)

        groups = [[self._match(c, query.mode, plan) for c in g.alternatives] for g in query.groups]
        conditions = [cond for group in groups for match in group for cond in match.conditions]
        # Each (column, term) the scores need, with its frequency in both fields.
        needed = sorted(
            {("stemmed", t) for t in plan.stemmed_terms} | {("exact", t) for t in plan.exact_terms}
        )
        ranks = ", ".join(
            f"ts_rank('{{0,0,0,1}}', d.{column}, {plan.bind(_lexeme(term))}::tsquery), "
            f"ts_rank('{{1,0,0,0}}', d.{column}, {plan.bind(_lexeme(term))}::tsquery)"
            for column, term in needed
        )
        flags = ", ".join(f"({c})" for c in conditions)
        any_clause = " OR ".join(f"({c})" for c in conditions)
        rows = conn.execute(
            q(
                f"""SELECT d.docnum, d.id, d.date, d.year, d.month, d.sources, d.category,
                       d.lengths, {ranks}, {flags}
                    FROM {{s}}.docs d WHERE ({any_clause}) AND {not_excluded}"""
            ),
            plan.params,
        ).fetchall()
        result = EngineResult(total=0, hits=[])
        if not rows:
            result.facets = {facet: {} for facet in (facets.counts if facets else {})}
            return result
        columns = list(zip(*rows, strict=True))
        stats = dict(conn.execute(q("SELECT key, value FROM {s}.stats")).fetchall())
        frequencies = {
            (int(f), t): int(n)
            for f, t, n in conn.execute(
                q("SELECT field, term, df FROM {s}.terms WHERE term = ANY(%s::text[])"),
                ([term for _, term in needed],),
            ).fetchall()
        }
        table = _Table(columns, needed, len(conditions))
        scorer = _Scorer(stats, frequencies, table)
        scores = np.zeros(table.size)
        counts = np.zeros(table.size, np.int32)
        flag = iter(table.flags)
        for group in groups:
            in_group = np.zeros(table.size, bool)
            for match in group:
                hit = [next(flag) for _ in match.conditions]
                for mask in hit:
                    in_group |= mask
                scores += scorer.clause(match.clause, query.mode, hit)
            counts += in_group
        required = min(max(query.min_match, 1), len(groups))
        matched = counts >= required
        complete = counts == len(groups)
        if facets is not None:
            result.facets = table.facet_counts(matched, facets)
        kept = np.flatnonzero(matched & table.passes(filters))
        result.total = len(kept)
        if not len(kept) or limit <= 0:
            return result
        ordinal = table.ordinal[kept]
        rank = table.id_rank[kept]
        if sort == "relevance":
            tier = (~complete[kept]).astype(np.int8) if required < len(groups) else 0 * rank
            order = np.lexsort((rank, -ordinal, -np.round(scores[kept], 6), tier))
        else:
            undated = ordinal == 0
            key = ordinal if sort == "oldest" else -ordinal
            order = np.lexsort((rank, key, undated))
        page = kept[order[offset : offset + limit]]
        docnums = [int(table.docnum[i]) for i in page]
        stored = {
            r[0]: _stored(r[1:])
            for r in conn.execute(
                q(f"SELECT docnum, {_STORED} FROM {{s}}.docs d WHERE d.docnum = ANY(%s)"),
                (docnums,),
            ).fetchall()
        }
        result.hits = [
            EngineHit(stored[docnum], float(scores[i]))
            for docnum, i in zip(docnums, page, strict=True)
            if docnum in stored
        ]
        return result

    # --- documents and terms -----------------------------------------------------------

    def get(self, doc_id: str) -> StoredDocument | None:
        rows = self._rows(f"SELECT {_STORED} FROM {{s}}.docs d WHERE d.id = %s", (doc_id,))
        return _stored(rows[0]) if rows else None

    def more_like_this(self, doc_id: str, limit: int) -> list[EngineHit]:
        """The documents sharing the most distinctive body terms with ``doc_id``: its
        twelve terms of highest tf × idf, searched as alternatives."""
        rows = self._rows(
            """SELECT u.lexeme, cardinality(u.positions), t.df
               FROM {s}.docs d, unnest(d.stemmed) u
               JOIN {s}.terms t ON t.field = 1 AND t.term = u.lexeme
               WHERE d.id = %s""",
            (doc_id,),
        )
        if not rows:
            return []
        stats = dict(self._rows("SELECT key, value FROM {s}.stats"))
        size = max(1, int(stats.get("documents", 1)))
        ranked = sorted(rows, key=lambda r: -r[1] * (math.log(size / (r[2] + 1)) + 1))[:12]
        from .base import Group, Word

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
        for label in ("A", "D"):
            rows = self._rows(
                f"SELECT {_STORED} FROM {{s}}.docs d WHERE d.exact @@ %s::tsquery "
                "ORDER BY d.docnum LIMIT 1",
                (_lexeme(exact, label),),
            )
            if rows:
                return _stored(rows[0])
        return None

    def content_hashes(self) -> Iterator[tuple[str, str]]:
        for doc_id, content_hash in self._rows("SELECT id, content_hash FROM {s}.docs"):
            yield doc_id, content_hash or ""

    def stats(self) -> IndexStats:
        (documents, low, high), *_ = self._rows(
            "SELECT count(*), min(date), max(date) FROM {s}.docs"
        )
        sources = self._rows(
            "SELECT s, count(*) FROM {s}.docs d, unnest(d.sources) s GROUP BY s "
            "ORDER BY count(*) DESC, s"
        )
        return IndexStats(
            documents=int(documents),
            date_min=low,
            date_max=high,
            sources={name: int(n) for name, n in sources},
            size_bytes=self.index.size_bytes(),
            generation=self.generation,
        )


# --- scoring ------------------------------------------------------------------------

# How a term's frequency in one field comes back from PostgreSQL without reading the
# vector in SQL row by row: ts_rank with the weight of one field's label at 1 and the
# others at 0. For one term, ts_rank (calc_rank_or) is sum(w_j / j^2) over the term's
# positions j = 1, 2, … in order, plus the largest weight minus its own share, all over
# zeta(2). Title positions come first (the body starts after them), so n title positions
# give H(n) / zeta(2), with H(n) = 1 + 1/4 + … + 1/n^2; and n_b body positions after n_t
# title ones give (1 + H(n_t + n_b) - H(n_t) - 1/(n_t + 1)^2) / zeta(2). Successive
# values differ by at least 1/257^2 / zeta(2) (PostgreSQL keeps 256 positions per term),
# far more than ts_rank's single-precision rounding, so the counts are exact.
_ZETA2 = 1.64493406685  # as PostgreSQL writes it (tsrank.c)
_H = np.concatenate(([0.0], np.cumsum(1.0 / np.arange(1, 258, dtype=np.float64) ** 2)))


def _nearest(values: np.ndarray, table: np.ndarray) -> np.ndarray:
    """Index of the nearest entry of the increasing ``table`` for each of ``values``."""
    right = np.clip(np.searchsorted(table, values), 1, len(table) - 1)
    left = right - 1
    return np.where(values - table[left] <= table[right] - values, left, right)


def _title_count(rank: np.ndarray) -> np.ndarray:
    return _nearest(rank * _ZETA2, _H)


def _body_count(rank: np.ndarray, title: np.ndarray) -> np.ndarray:
    total = rank * _ZETA2 - 1 + 1 / (title + 1) ** 2 + _H[title]
    return np.where(rank > 0, _nearest(total, _H) - title, 0)


class _Table:
    """The candidates' columns as arrays: what scoring, filters and facets read."""

    def __init__(self, columns: list[tuple[Any, ...]], needed: list[tuple[str, str]], flags: int):
        self.size = len(columns[0])
        self.docnum = np.array(columns[0], np.int64)
        ids = columns[1]
        self.id_rank = np.empty(self.size, np.int64)
        self.id_rank[sorted(range(self.size), key=ids.__getitem__)] = np.arange(self.size)
        self.dates = columns[2]
        self.ordinal = np.array([d.toordinal() if d else 0 for d in self.dates], np.int64)
        self.year = np.array(columns[3], np.int64)
        self.month = columns[4]
        self.sources = columns[5]
        self.category = columns[6]
        raw = np.array(columns[7], np.int64).reshape(self.size, 4)
        self.lengths = np.take(LENGTHS_ARRAY, np.minimum(np.searchsorted(LENGTHS_ARRAY, raw), 255))
        self.tf: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        at = 8
        for key in needed:
            title = _title_count(np.array(columns[at], np.float64))
            body = _body_count(np.array(columns[at + 1], np.float64), title)
            self.tf[key] = (title, body)
            at += 2
        self.flags = [np.array(columns[at + i], bool) for i in range(flags)]

    def frequency(self, column: str, term: str, label: int) -> np.ndarray:
        found = self.tf.get((column, term))
        return found[label] if found is not None else np.zeros(self.size, np.int64)

    def values(self, facet: str) -> list[list[str]]:
        if facet == "sources":
            return [list(s or ()) for s in self.sources]
        if facet == "year":
            return [[str(y)] if y else [] for y in self.year.tolist()]
        column = self.month if facet == "month" else self.category
        return [[v] if v else [] for v in column]

    def passes(self, filters: Filters) -> np.ndarray:
        mask = np.ones(self.size, bool)
        for facet, allowed in filters.values.items():
            if allowed:
                wanted = set(allowed)
                mask &= np.array([bool(wanted.intersection(v)) for v in self.values(facet)], bool)
        if filters.date_from:
            mask &= self.ordinal >= filters.date_from.toordinal()
        if filters.date_to:
            mask &= (self.ordinal <= filters.date_to.toordinal()) & (self.ordinal > 0)
        return mask

    def facet_counts(self, matched: np.ndarray, spec: FacetSpec) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for facet, filters in spec.counts.items():
            if facet not in _FACETS:
                continue
            rows = np.flatnonzero(matched & self.passes(filters)).tolist()
            values = self.values(facet)
            counts: Counter[str] = Counter()
            for i in rows:
                counts.update(values[i])
            out[facet] = dict(counts)
        return out


LENGTHS_ARRAY = np.array(LENGTHS, np.int64)


class _Scorer:
    """BM25F as the embedded engine computes it (``.whoosh_reading.Snapshot.term``), over
    the candidates' arrays."""

    def __init__(
        self, stats: dict[str, int], frequencies: dict[tuple[int, str], int], table: _Table
    ) -> None:
        self.size = max(1, int(stats.get("documents", 0)))
        self.avg = [(int(stats.get(f"length:{name}", 0)) / self.size) or 1.0 for name in FIELDS]
        self.df = frequencies
        self.table = table

    def term(self, field: int, term: str) -> np.ndarray:
        column = "stemmed" if field in (TITLE, BODY) else "exact"
        tf = self.table.frequency(column, term, field % 2)
        weight = tf * BOOSTS[field]
        idf = math.log(self.size / (self.df.get((field, term), 0) + 1)) + 1
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
