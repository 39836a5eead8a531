"""Answering an :class:`~.base.EngineQuery` from PostgreSQL, as the embedded engine does.

Matching is SQL: each clause is a ``tsquery`` on a vector column (a stemmed word on
``stemmed``; an exact word, a stop word or a phrase on ``exact``, a phrase once per
field through its weight label, ``'a':A <-> 'b':A``), so the GIN indexes find the
candidates. Ranking is the embedded engine's BM25F (``.whoosh_engine``: field boosts,
the exact-form bonus, Whoosh's quantised field lengths, its idf), computed here over
the candidates from the term frequencies their vectors carry (one query returns, per
candidate, the positions' weight labels of the query's terms) and the statistics the
writer keeps (document frequencies per field, total field lengths). Facets are counted
over the same candidates. One search is one read-only, repeatable-read transaction: its
counts, hits and documents come from one state of the index.

A query without words (the welcome page, browsing by filters) is all SQL: counts,
facets and the page by date.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

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
from .ranking import EXACT_BONUS, K1, TITLE_BOOST, B, quantised

if TYPE_CHECKING:
    from .postgres import PostgresIndex

BOOSTS = (TITLE_BOOST, 1.0, TITLE_BOOST, 1.0)
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

    def __init__(self, index: PostgresIndex, generation: str) -> None:
        self.index = index
        self.generation = generation
        self.memo = Memo()
        self._version = self._stamp()

    def _stamp(self) -> tuple[int, ...]:
        with self.index.connection() as conn:
            rows = conn.execute(
                self.index.q("SELECT key, value FROM {s}.stats ORDER BY key")
            ).fetchall()
        return tuple(int(value) for _, value in rows)

    def refresh(self) -> None:
        """An incremental reindex committed: what was memoised may be gone."""
        stamp = self._stamp()
        if stamp != self._version:
            self._version = stamp
            self.memo = Memo()

    def close(self) -> None:
        """Connections belong to the index's pool."""

    # --- SQL helpers -------------------------------------------------------------------

    def _rows(self, sql: str, params: Any = None) -> list[Any]:
        with self.index.connection() as conn:
            return list(conn.execute(self.index.q(sql), params).fetchall())

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
        with self.index.connection() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            if not query.groups:
                return self._browse(conn, plan, not_excluded, filters, sort, offset, limit, facets)
            return self._ranked(
                conn, query, plan, not_excluded, filters, sort, offset, limit, facets
            )

    def _browse(
        self,
        conn: Any,
        plan: _Plan,
        not_excluded: str,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None,
    ) -> EngineResult:
        q = self.index.q
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
        query: EngineQuery,
        plan: _Plan,
        not_excluded: str,
        filters: Filters,
        sort: Sort,
        offset: int,
        limit: int,
        facets: FacetSpec | None,
    ) -> EngineResult:
        q = self.index.q
        groups = [[self._match(c, query.mode, plan) for c in g.alternatives] for g in query.groups]
        columns = [cond for group in groups for match in group for cond in match.conditions]
        any_clause = " OR ".join(f"({c})" for c in columns)
        stemmed = plan.bind(sorted(plan.stemmed_terms))
        exact = plan.bind(sorted(plan.exact_terms))
        flags = ", ".join(f"({c}) AS c{i}" for i, c in enumerate(columns))
        rows = conn.execute(
            q(f"""SELECT d.docnum, d.id, d.date, d.year, d.month, d.sources, d.category,
                     d.lengths,
                     (SELECT string_agg(u.lexeme || ' ' || array_to_string(u.weights, ''), E'\\t')
                        FROM unnest(d.stemmed) u WHERE u.lexeme = ANY({stemmed}::text[])),
                     (SELECT string_agg(u.lexeme || ' ' || array_to_string(u.weights, ''), E'\\t')
                        FROM unnest(d.exact) u WHERE u.lexeme = ANY({exact}::text[])),
                     {flags}
                  FROM {{s}}.docs d
                  WHERE ({any_clause}) AND {not_excluded}"""),
            plan.params,
        ).fetchall()
        stats = dict(conn.execute(q("SELECT key, value FROM {s}.stats")).fetchall())
        frequencies = {
            (int(f), t): int(n)
            for f, t, n in conn.execute(
                q("SELECT field, term, df FROM {s}.terms WHERE term = ANY(%s::text[])"),
                (sorted(plan.stemmed_terms | plan.exact_terms),),
            ).fetchall()
        }
        scorer = _Scorer(stats, frequencies)
        required = min(max(query.min_match, 1), len(groups))
        candidates = []
        for values in rows:
            flags_of = iter(values[10:])
            matched_groups = 0
            score = 0.0
            tf = _Frequencies(values[8], values[9])
            lengths = values[7]
            for group in groups:
                in_group = False
                for match in group:
                    hit = [bool(next(flags_of)) for _ in match.conditions]
                    if any(hit):
                        in_group = True
                    score += scorer.clause(match.clause, query.mode, hit, tf, lengths)
                matched_groups += in_group
            if matched_groups >= required:
                candidates.append((values, score, matched_groups == len(groups)))
        result = EngineResult(total=0, hits=[])
        if facets is not None:
            result.facets = _facet_counts(candidates, facets)
        kept = [c for c in candidates if _passes(c[0], filters)]
        result.total = len(kept)
        if not kept or limit <= 0:
            return result
        if sort == "relevance":
            partial = required < len(groups)
            kept.sort(
                key=lambda c: (
                    (not c[2]) if partial else False,
                    -round(c[1], 6),
                    -(c[0][2].toordinal() if c[0][2] else 0),
                    c[0][1],
                )
            )
        else:
            oldest = sort == "oldest"
            kept.sort(
                key=lambda c: (
                    c[0][2] is None,
                    (c[0][2].toordinal() if oldest else -c[0][2].toordinal()) if c[0][2] else 0,
                    c[0][1],
                )
            )
        page = kept[offset : offset + limit]
        docnums = [c[0][0] for c in page]
        stored = {
            r[0]: _stored(r[1:])
            for r in conn.execute(
                q(f"SELECT docnum, {_STORED} FROM {{s}}.docs d WHERE d.docnum = ANY(%s)"),
                (docnums,),
            ).fetchall()
        }
        result.hits = [EngineHit(stored[c[0][0]], c[1]) for c in page if c[0][0] in stored]
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


class _Frequencies:
    """A candidate's term frequencies per field, from ``lexeme LABELS`` lines."""

    __slots__ = ("exact", "stemmed")

    def __init__(self, stemmed: str | None, exact: str | None) -> None:
        self.stemmed = _parse(stemmed)
        self.exact = _parse(exact)


def _parse(text: str | None) -> dict[str, tuple[int, int]]:
    out = {}
    for line in (text or "").split("\t"):
        if line:
            term, labels = line.rsplit(" ", 1)
            counts = Counter(labels)
            out[term] = (counts["A"], counts["D"])
    return out


class _Scorer:
    """BM25F as the embedded engine computes it (``.whoosh_reading.Snapshot.term``)."""

    def __init__(self, stats: dict[str, int], frequencies: dict[tuple[int, str], int]) -> None:
        self.size = max(1, int(stats.get("documents", 0)))
        self.avg = [(int(stats.get(f"length:{name}", 0)) / self.size) or 1.0 for name in FIELDS]
        self.df = frequencies
        self.b, self.k1 = B, K1

    def term(self, field: int, term: str, tf: int, lengths: Sequence[int]) -> float:
        if not tf:
            return 0.0
        weight = tf * BOOSTS[field]
        idf = math.log(self.size / (self.df.get((field, term), 0) + 1)) + 1
        norm = self.k1 * ((1 - self.b) + self.b * quantised(lengths[field]) / self.avg[field])
        return idf * (weight * (self.k1 + 1)) / (weight + norm)

    def clause(
        self, clause: Clause, mode: str, hit: list[bool], tf: _Frequencies, lengths: Sequence[int]
    ) -> float:
        if isinstance(clause, Phrase) and len(clause.exacts) > 1:
            score = 0.0
            for matched, field in zip(hit, (TITLE_EXACT, BODY_EXACT), strict=True):
                if matched:
                    label = field - TITLE_EXACT
                    for word in clause.exacts:
                        score += self.term(field, word, tf.exact.get(word, (0, 0))[label], lengths)
            return score
        if isinstance(clause, Phrase) or mode == "exact" or clause.stopped:
            word = clause.exacts[0] if isinstance(clause, Phrase) else clause.exact
            found = tf.exact.get(word, (0, 0))
            return self.term(TITLE_EXACT, word, found[0], lengths) + self.term(
                BODY_EXACT, word, found[1], lengths
            )
        found = tf.stemmed.get(clause.term, (0, 0))
        exact = tf.exact.get(clause.exact, (0, 0))
        score = self.term(TITLE, clause.term, found[0], lengths)
        score += self.term(BODY, clause.term, found[1], lengths)
        score += EXACT_BONUS * self.term(TITLE_EXACT, clause.exact, exact[0], lengths)
        return score + EXACT_BONUS * self.term(BODY_EXACT, clause.exact, exact[1], lengths)


# --- filters and facets over candidate rows ----------------------------------------


def _values(row: Sequence[Any], facet: str) -> list[str]:
    if facet == "sources":
        return list(row[5] or ())
    if facet == "year":
        return [str(row[3])] if row[3] else []
    if facet == "month":
        return [row[4]] if row[4] else []
    if facet == "category":
        return [row[6]] if row[6] else []
    return []


def _passes(row: Sequence[Any], filters: Filters) -> bool:
    for facet, allowed in filters.values.items():
        if allowed and not set(_values(row, facet)) & set(allowed):
            return False
    date: dt.date | None = row[2]
    if filters.date_from and (date is None or date < filters.date_from):
        return False
    return not (filters.date_to and (date is None or date > filters.date_to))


def _facet_counts(candidates: list[Any], spec: FacetSpec) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for facet, filters in spec.counts.items():
        if facet not in _FACETS:
            continue
        counts: Counter[str] = Counter()
        for values, _, _ in candidates:
            if _passes(values, filters):
                counts.update(_values(values, facet))
        out[facet] = dict(counts)
    return out


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
