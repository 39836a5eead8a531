"""One Whoosh index generation read as arrays: how a query stays fast in pure Python.

Whoosh's matchers step through postings one document at a time in Python. A
query with facets touches every document its words match (thousands, for
common words), and stepping costs about a microsecond per posting per pass,
which put Naba's p95 at 100 ms on ANT. Here each term's postings are decoded
once, block by block, into two numpy arrays (document numbers and that term's
BM25F contribution to each document's score) and kept in a bounded LRU cache;
matching, filters, facet counts, scores and the top-k order are then whole-array
operations in C.

The scores are Whoosh's own BM25F with Whoosh's statistics (idf over
``doc_count_all``, average field length, the byte-quantised document lengths),
so moving off Whoosh's matchers changed no ranking; a test compares both on a
real index. Phrases still go through Whoosh, which reads positions.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import accumulate
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.util.numeric import byte_to_length

from .base import Filters

if TYPE_CHECKING:
    from .whoosh_arrays import DocArrays

DocMask = np.ndarray  # bool, one entry per document number
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], np.float64)


@dataclass(frozen=True, slots=True)
class TermScores:
    """A term's postings in one field: documents (ascending) and BM25F contributions."""

    docs: np.ndarray  # int32
    scores: np.ndarray  # float64

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.scores.nbytes)


_NO_SCORES = np.zeros(0, np.float64)
#: Above every day's ordinal (date.max is 3,652,059): where undated documents sort.
_PAST_LAST_DAY = 4_000_000
_EMPTY = TermScores(np.zeros(0, np.int32), _NO_SCORES)


class PostingCache:
    """Decoded postings by (generation, field, term), least recently used evicted first.

    Bounded in bytes, not entries: one common word's postings weigh as much as
    ten thousand rare ones. Shared by every generation an engine opens, so a
    reindex does not double the memory; keys carry the generation's identity.
    """

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[tuple[object, str, str], TermScores] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple[object, str, str]) -> TermScores | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: tuple[object, str, str], value: TermScores) -> None:
        size = value.nbytes
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self._bytes -= old.nbytes
            self._items[key] = value
            self._bytes += size
            while self._bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes

    @property
    def bytes(self) -> int:
        return self._bytes

    def resize(self, max_bytes: int) -> None:
        """A new budget; what no longer fits is evicted (0 turns the cache off)."""
        with self._lock:
            self.max_bytes = max_bytes
            while self._bytes > max_bytes and self._items:
                _, evicted = self._items.popitem(last=False)
                self._bytes -= evicted.nbytes


class Snapshot:
    """One searcher (one generation at one commit) with its per-document arrays
    (:mod:`.whoosh_arrays`: mapped from the files the writer stored, or built in memory)."""

    def __init__(
        self,
        searcher: object,
        arrays: DocArrays,
        *,
        scored_fields: Iterable[str],
        cache: PostingCache,
        b: float,
        k1: float,
    ) -> None:
        self.searcher = searcher
        reader = searcher.reader()  # type: ignore[attr-defined]
        self._reader = reader
        self._cache = cache
        self._key = object()  # this snapshot's identity in the shared cache
        self._b, self._k1 = b, k1
        self.size = count = arrays.size
        self.live = arrays.live
        self.live_count = int(np.count_nonzero(arrays.live))
        self.facets = arrays.facets
        self.ordinal = arrays.ordinal
        self.id_rank = arrays.id_rank
        self.lengths = arrays.lengths  # quantised: _BYTE_TO_LENGTH gives the length
        self.avg_length = {
            field: (reader.field_length(field) / (count or 1)) or 1.0 for field in scored_fields
        }

    # --- postings ---------------------------------------------------------

    def term(self, field: str, text: str) -> TermScores:
        """``text``'s documents in ``field`` and its BM25F contribution to each."""
        key = (self._key, field, text)
        found = self._cache.get(key)
        if found is not None:
            return found
        docs, weights = read_postings(self._reader, field, text)
        if not len(docs):
            return _EMPTY
        frequency = self._reader.doc_frequency(field, text)
        idf = math.log(self.size / (frequency + 1)) + 1
        b, k1 = self._b, self._k1
        lengths = _BYTE_TO_LENGTH[self.lengths[field][docs]]
        norm = k1 * ((1 - b) + b * lengths / self.avg_length[field])
        scores = idf * (weights * (k1 + 1)) / (weights + norm)
        found = TermScores(docs, scores)
        self._cache.put(key, found)
        return found

    def phrase(self, field: str, words: list[str]) -> np.ndarray:
        """Documents where ``words`` occur in this order, next to each other, in ``field``.

        Whoosh matches the positions (stepping through the postings in Python: tens of
        milliseconds for common words at 315k documents), so the answer is kept in the
        posting cache like a term's postings: the next page of the same search, or the
        same search again, reuses it. Words that never occur together skip Whoosh.
        """
        key = (self._key, field, "\x00".join(("phrase", *words)))
        found = self._cache.get(key)
        if found is not None:
            return found.docs
        common: np.ndarray | None = None
        for word in words:
            docs = self.term(field, word).docs
            common = docs if common is None else np.intersect1d(common, docs, assume_unique=True)
            if not len(common):
                return _EMPTY.docs
        found = TermScores(phrase_docs(self.searcher, field, words).astype(np.int32), _NO_SCORES)
        self._cache.put(key, found)
        return found.docs

    # --- filters, facets, order -------------------------------------------

    def restrict(self, filters: Filters) -> DocMask | None:
        """The documents that pass ``filters`` (None: no filter; values within one
        filter are alternatives)."""
        mask: DocMask | None = None

        def narrow(allowed: DocMask) -> None:
            nonlocal mask
            mask = allowed if mask is None else mask & allowed

        for facet, values in filters.values.items():
            if values:
                column = self.facets.get(facet)
                narrow(
                    column.allowed(values, self.size)
                    if column is not None
                    else np.zeros(self.size, bool)  # a facet this index lacks matches nothing
                )
        if filters.date_from or filters.date_to:
            low = filters.date_from.toordinal() if filters.date_from else 1
            high = filters.date_to.toordinal() if filters.date_to else np.iinfo(np.int64).max
            narrow((self.ordinal >= low) & (self.ordinal <= high))
        return mask

    def by_date(
        self, docs: np.ndarray, *, oldest: bool, limit: int, tier: np.ndarray | None = None
    ) -> np.ndarray:
        """The first ``limit`` of ``docs`` by ``tier`` (when given), date (undated last
        either way), then id."""
        if tier is not None:
            docs, tier = _best_tiers(limit, tier, docs)
        ordinal = self.ordinal[docs].astype(np.int64)
        # Undated documents (ordinal 0) go last both ways.
        undated_last = np.where(ordinal == 0, _PAST_LAST_DAY, ordinal)
        primary = undated_last if oldest else -ordinal
        if tier is not None:
            primary = primary + tier.astype(np.int64) * 2 * _PAST_LAST_DAY
        return _top(docs, primary, lambda kept: self.id_rank[kept], limit)

    def by_score(
        self, docs: np.ndarray, scores: np.ndarray, tier: np.ndarray, limit: int
    ) -> np.ndarray:
        """The best ``limit`` of ``docs``: lower tier first, then score, then newest, then id.

        Scores are rounded to 6 decimals so that sums reached in a different
        order still tie, and ties fall to the date and id order.
        """
        docs, scores, tier = _best_tiers(limit, tier, docs, scores)
        primary = tier * 1e9 - np.round(scores, 6)

        def newest_then_id(kept: np.ndarray) -> np.ndarray:
            return -self.ordinal[kept].astype(np.int64) * self.size + self.id_rank[kept]

        return _top(docs, primary, newest_then_id, limit)


def _best_tiers(limit: int, tier: np.ndarray, *columns: np.ndarray) -> tuple[np.ndarray, ...]:
    """``columns`` (one entry per match) and ``tier`` cut to the best tiers that hold
    ``limit`` matches: nothing below them can reach the first ``limit``. A long query's
    any-word matches are most of an archive; its first tiers, a few hundred."""
    if len(tier) <= 2 * limit:
        return (*columns, tier)
    filled = np.cumsum(np.bincount(tier.astype(np.intp)))
    last = int(np.searchsorted(filled, limit))
    if last >= len(filled) - 1:
        return (*columns, tier)
    keep = tier <= last
    return (*(column[keep] for column in columns), tier[keep])


def _top(
    docs: np.ndarray,
    primary: np.ndarray,
    secondary: Callable[[np.ndarray], np.ndarray],
    limit: int,
) -> np.ndarray:
    """``docs`` ordered by ``primary`` then ``secondary(docs)``, the first ``limit``.

    A partition first, so that a query with tens of thousands of hits sorts
    only the few that can reach the page; the tie-break is computed for those few.
    """
    if len(docs) > 2 * limit:
        cut = np.partition(primary, limit - 1)[limit - 1]
        keep = primary <= cut
        docs, primary = docs[keep], primary[keep]
    return docs[np.lexsort((secondary(docs), primary))[:limit]]


def read_postings(reader: Any, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
    """``text``'s documents in ``field`` (ascending, across segments) and their weights."""
    ids: list[int] = []
    weights: list[np.ndarray] = []
    for leaf, offset in reader.leaf_readers():
        if (field, text) not in leaf:
            continue
        matcher = leaf.postings(field, text)
        start = len(ids)
        if isinstance(matcher, W3LeafMatcher):
            _read_blocks(matcher, ids, weights)
        else:  # a short list inlined in the term dictionary
            while matcher.is_active():
                ids.append(matcher.id())
                weights.append(np.array([matcher.weight()], np.float64))
                matcher.next()
        if offset:
            ids[start:] = [doc + offset for doc in ids[start:]]
    if not ids:
        return np.zeros(0, np.int32), np.zeros(0, np.float64)
    return np.array(ids, np.int32), np.concatenate(weights)


def _read_blocks(matcher: W3LeafMatcher, ids: list[int], weights: list[np.ndarray]) -> None:
    """Append a Whoosh-3 posting list's documents and weights, a block at a time.

    Whoosh keeps each block as a pickled tuple of delta-encoded ids (the first
    one absolute) and weights (None when all are 1, a float when all are
    equal); decoding them wholesale is several times faster than stepping the
    matcher, and this is the only place that knows the block layout (pinned
    with whoosh-reloaded in requirements.txt; the tests would catch a change).
    """
    while not matcher._atend:
        matcher._read_data()
        deltas, block_weights = matcher._data[0], matcher._data[1]
        ids.extend(accumulate(deltas))
        count = len(deltas)
        if block_weights is None:
            weights.append(np.ones(count, np.float64))
        elif isinstance(block_weights, float | int):
            weights.append(np.full(count, float(block_weights)))
        else:
            weights.append(np.asarray(block_weights, np.float64))
        if matcher._lastblock:
            break
        matcher._goto(matcher._nextoffset)


def phrase_docs(searcher: object, field: str, words: list[str]) -> np.ndarray:
    """Documents where ``words`` occur in this order, next to each other, in ``field``."""
    found = searcher.docs_for_query(wq.Phrase(field, words))  # type: ignore[attr-defined]
    return np.fromiter(found, np.int64)
