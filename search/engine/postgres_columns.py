"""Per-document columns of the PostgreSQL engine, as arrays indexed by document number.

Ranking, filters, facets and the order of results read a few values of every candidate
(its field lengths, date, year, sources…). Read as rows, that is a row per candidate:
hundreds of milliseconds for a common word. Kept as one ``bytea`` array per column
(the ``columns_<g>`` table, rewritten by each reindex), a search reads them in one
statement and numpy indexes them by document number. Nothing stays in the searching
process between searches: its memory does not grow with the archive.

Values with names (months, categories, sources) are stored as codes into a list of
labels; a document's several sources as one list of codes and an offset per document.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .base import DAY_FACET, STORY_FACET, Filters
from .counting import day_counts
from .ranking import LENGTHS

LENGTHS_ARRAY = np.array(LENGTHS, np.int64)
#: Column name -> numpy type of its array (little-endian).
TYPES = {
    "live": "u1",
    "lengths": "u1",
    "ordinal": "<i4",
    "id_rank": "<i4",
    "year": "<i2",
    "month": "<i2",
    "category": "<i2",
    "sources_at": "<i4",
    "sources": "<i2",
    STORY_FACET: "<i4",
}
#: What :func:`build` reads of each document.
SOURCE_COLUMNS = "docnum, id, year, month, date, category, sources, lengths, story"


def _codes(values: Sequence[str | None], dtype: str = "<i2") -> tuple[np.ndarray, list[str]]:
    labels = sorted({v for v in values if v})
    at = {label: code for code, label in enumerate(labels)}
    return np.array([at[v] if v else -1 for v in values], dtype), labels


def build(rows: Iterable[Sequence[Any]], size: int) -> list[tuple[str, bytes, list[str]]]:
    """The columns of the documents ``rows`` (as :data:`SOURCE_COLUMNS` reads them), for
    document numbers below ``size``: ``(name, array bytes, labels)``."""
    rows = sorted(rows, key=lambda r: r[0])
    docnum = np.array([r[0] for r in rows], np.int64)

    def spread(values: Sequence[Any], dtype: str, fill: int = 0) -> np.ndarray:
        out = np.full(size, fill, dtype)
        out[docnum] = values
        return out

    ids = [r[1] for r in rows]
    rank = np.empty(len(rows), np.int64)
    rank[sorted(range(len(rows)), key=ids.__getitem__)] = np.arange(len(rows))
    raw = np.array([r[7] for r in rows], np.int64).reshape(len(rows), 4)
    codes = np.minimum(np.searchsorted(LENGTHS_ARRAY, raw), 255).astype("u1")
    lengths = np.zeros((size, 4), "u1")
    lengths[docnum] = codes
    months, month_labels = _codes([r[3] for r in rows])
    categories, category_labels = _codes([r[5] for r in rows])
    stories, story_labels = _codes([r[8] for r in rows], "<i4")  # groups outnumber int16
    source_labels = sorted({s for r in rows for s in r[6] or ()})
    source_code = {label: code for code, label in enumerate(source_labels)}
    per_doc: list[list[int]] = [[] for _ in range(size)]
    for r in rows:
        per_doc[r[0]] = [source_code[s] for s in dict.fromkeys(r[6] or ())]
    sources_at = np.zeros(size + 1, "<i4")
    sources_at[1:] = np.cumsum([len(s) for s in per_doc])
    sources = np.array([c for s in per_doc for c in s], "<i2")
    ordinals = [r[4].toordinal() if r[4] else 0 for r in rows]
    arrays = {
        "live": (spread(np.ones(len(rows)), "u1"), []),
        "lengths": (lengths, []),
        "ordinal": (spread(ordinals, "<i4"), []),
        "id_rank": (spread(rank, "<i4"), []),
        "year": (spread([r[2] for r in rows], "<i2"), []),
        "month": (spread(months, "<i2", -1), month_labels),
        "category": (spread(categories, "<i2", -1), category_labels),
        "sources_at": (sources_at, []),
        "sources": (sources, source_labels),
        STORY_FACET: (spread(stories, "<i4", -1), story_labels),
    }
    return [(name, array.tobytes(), labels) for name, (array, labels) in arrays.items()]


@dataclass
class Columns:
    """The columns as arrays (:meth:`read` from the table's rows)."""

    arrays: dict[str, np.ndarray]
    labels: dict[str, list[str]]

    @classmethod
    def read(cls, rows: Iterable[Sequence[Any]]) -> Columns:
        arrays, labels = {}, {}
        for name, data, names in rows:
            arrays[name] = np.frombuffer(data, TYPES[name])
            labels[name] = list(names or ())
        arrays["lengths"] = arrays["lengths"].reshape(-1, 4)
        return cls(arrays, labels)

    @property
    def nbytes(self) -> int:
        return sum(array.nbytes for array in self.arrays.values())

    @property
    def live(self) -> np.ndarray:
        """The document numbers of the documents there are (deleted ones leave holes)."""
        return np.flatnonzero(self.arrays["live"])

    def take(self, docnums: np.ndarray) -> Candidates:
        return Candidates(self, docnums)

    def take_all(self) -> Candidates:
        """Every document there is."""
        return Candidates(self, self.live)


class Candidates:
    """The columns of some documents (``docnums``, ascending): what one search ranks,
    filters and counts."""

    def __init__(self, columns: Columns, docnums: np.ndarray) -> None:
        self.columns = columns
        self.docnum = docnums
        self.size = len(docnums)
        a = columns.arrays
        self.ordinal = a["ordinal"][docnums].astype(np.int64)
        self.id_rank = a["id_rank"][docnums].astype(np.int64)
        self.year = a["year"][docnums].astype(np.int64)
        self.lengths = LENGTHS_ARRAY[a["lengths"][docnums]]
        starts = a["sources_at"][docnums].astype(np.int64)
        counts = a["sources_at"][docnums + 1].astype(np.int64) - starts
        #: Each (candidate, source) pair: the candidate's row and the source's code.
        self.source_row = np.repeat(np.arange(self.size), counts)
        within = np.arange(len(self.source_row)) - np.repeat(np.cumsum(counts) - counts, counts)
        self.source_code = a["sources"][np.repeat(starts, counts) + within].astype(np.int64)

    def _single(self, facet: str) -> tuple[np.ndarray, list[str]]:
        """Code per candidate (-1: none) and the labels, of a one-valued facet."""
        if facet == "year":
            years = sorted({int(y) for y in np.unique(self.year) if y > 0})
            code = np.searchsorted(np.array(years, np.int64), self.year)
            return np.where(self.year > 0, code, -1), [str(y) for y in years]
        return self.columns.arrays[facet][self.docnum].astype(np.int64), self.columns.labels[facet]

    def passes(self, filters: Filters) -> np.ndarray:
        mask = np.ones(self.size, bool)
        for facet, allowed in filters.values.items():
            if not allowed:
                continue
            if facet == "sources":
                labels = self.columns.labels["sources"]
                wanted = np.zeros(len(labels), bool)
                wanted[[labels.index(v) for v in allowed if v in labels]] = True
                hit = np.zeros(self.size, bool)
                hit[self.source_row[wanted[self.source_code]]] = True
                mask &= hit
                continue
            if facet not in ("year", "month", "category", STORY_FACET) or (
                facet not in self.columns.arrays and facet != "year"
            ):
                return np.zeros(self.size, bool)  # a facet this engine lacks matches nothing
            codes, labels = self._single(facet)
            chosen = [labels.index(v) for v in allowed if v in labels]
            mask &= np.isin(codes, chosen) & (codes >= 0)
        if filters.date_from:
            mask &= self.ordinal >= filters.date_from.toordinal()
        if filters.date_to:
            mask &= (self.ordinal <= filters.date_to.toordinal()) & (self.ordinal > 0)
        return mask

    def counts(self, facet: str, rows: np.ndarray) -> dict[str, int]:
        """How many of the candidates ``rows`` (a mask) hold each value of ``facet``."""
        if facet == DAY_FACET:
            return day_counts(self.ordinal[rows])
        if facet == "sources":
            labels = self.columns.labels["sources"]
            found = np.bincount(self.source_code[rows[self.source_row]], minlength=len(labels))
        else:
            codes, labels = self._single(facet)
            chosen = codes[rows]
            found = np.bincount(chosen[chosen >= 0], minlength=len(labels))
        return {labels[i]: int(found[i]) for i in np.flatnonzero(found)}
