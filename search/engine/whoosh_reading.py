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
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import accumulate

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.util.numeric import byte_to_length

from .base import Filters

DocMask = np.ndarray  # bool, one entry per document number
_MICROSECONDS_A_DAY = 86_400_000_000
_NO_DATE = 1 << 63
_BYTE_TO_LENGTH = np.array([byte_to_length(b) for b in range(256)], np.float64)


@dataclass(frozen=True, slots=True)
class TermScores:
    """A term's postings in one field: documents (ascending) and BM25F contributions."""

    docs: np.ndarray  # int32
    scores: np.ndarray  # float64

    @property
    def nbytes(self) -> int:
        return int(self.docs.nbytes + self.scores.nbytes)


_EMPTY = TermScores(np.zeros(0, np.int32), np.zeros(0, np.float64))


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


class ValueMasks:
    """A multi-valued facet column (sources): one document mask per value."""

    def __init__(self, masks: dict[str, DocMask]) -> None:
        self.masks = masks

    def allowed(self, values: Iterable[str], size: int) -> DocMask:
        allowed = np.zeros(size, bool)
        for value in values:
            if value in self.masks:
                allowed |= self.masks[value]
        return allowed

    def count(self, base: DocMask) -> dict[str, int]:
        counts = {value: int(np.count_nonzero(mask & base)) for value, mask in self.masks.items()}
        return {value: n for value, n in counts.items() if n}


class ValueCodes:
    """A single-valued facet column (year, month, category): a value code per document
    (-1: none), so counting is one ``bincount``."""

    def __init__(self, names: list[str], code: np.ndarray) -> None:
        self.names = names
        self.code = code

    def allowed(self, values: Iterable[str], size: int) -> DocMask:
        wanted = [self.names.index(v) for v in values if v in self.names]
        return np.isin(self.code, wanted)

    def count(self, base: DocMask) -> dict[str, int]:
        present = self.code[base]
        counts = np.bincount(present[present >= 0], minlength=len(self.names))
        return {self.names[i]: int(n) for i, n in enumerate(counts) if n}


class Snapshot:
    """Per-document arrays of one searcher (one generation at one commit).

    Built once when a searcher is first queried: the small fields' posting
    lists (sources, year, month, category: a few hundred terms), dates and ids
    from their sortable columns, and each scored field's document lengths.
    """

    def __init__(
        self,
        searcher: object,
        *,
        scored_fields: Iterable[str],
        facets: Mapping[str, bool],
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
        self.size = count = reader.doc_count_all()
        self.live = np.zeros(count, bool)
        self.live[np.fromiter(reader.all_doc_ids(), np.int64)] = True
        self.live_count = int(self.live.sum())

        self.facets: dict[str, ValueMasks | ValueCodes] = {
            name: (
                ValueMasks({value: self._mask(ids) for value, ids in self._lexicon(name)})
                if multi
                else self._codes(name)
            )
            for name, multi in facets.items()
        }

        # A DATETIME column holds microseconds since datetime.min (day 1); a document
        # without a date holds the column's default (hence ``has_date``), and an index
        # without the columns at all reads as their type's maximum.
        flags = reader.column_reader("has_date")
        dates = reader.column_reader("date", translate=False)
        self.ordinal = np.array(
            [
                value // _MICROSECONDS_A_DAY + 1 if flag == 1 and value < _NO_DATE else 0
                for value, flag in zip(dates, flags, strict=True)
            ],
            np.int64,
        )
        self.ids = list(reader.column_reader("id"))
        # Ids are compared as strings; their rank makes a numeric tie-break key.
        self.id_rank = np.empty(count, np.int64)
        self.id_rank[np.array(sorted(range(count), key=self.ids.__getitem__), np.int64)] = (
            np.arange(count)
        )
        self.lengths = {field: self._lengths(field) for field in scored_fields}
        self.avg_length = {
            field: (reader.field_length(field) / (count or 1)) or 1.0 for field in scored_fields
        }

    # --- building ---------------------------------------------------------

    def _mask(self, docs: np.ndarray) -> DocMask:
        mask = np.zeros(self.size, bool)
        mask[docs] = True
        return mask

    def _lexicon(self, field: str) -> list[tuple[str, np.ndarray]]:
        out = []
        for term in self._reader.lexicon(field):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            out.append((text, self._postings(field, text)[0]))
        return out

    def _codes(self, field: str) -> ValueCodes:
        """A single-valued field as value names and a code per document (-1: none)."""
        names = []
        code = np.full(self.size, -1, np.int32)
        for number, (name, ids) in enumerate(self._lexicon(field)):
            names.append(name)
            code[ids] = number
        return ValueCodes(names, code)

    def _lengths(self, field: str) -> np.ndarray:
        """Every document's length in ``field``, as Whoosh's scorer sees it (byte-quantised)."""
        quantised = np.zeros(self.size, np.uint8)
        for leaf, offset in self._reader.leaf_readers():
            if not leaf._perdoc.has_column(_lenfield(field)):
                continue  # a field no document of this segment has
            column = leaf._perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
            # One byte per document, up to the last non-zero one (Whoosh's layout).
            raw = column._dbfile.get(column._basepos, column._count)
            quantised[offset : offset + len(raw)] = np.frombuffer(raw, np.uint8)
        return _BYTE_TO_LENGTH[quantised]

    # --- postings ---------------------------------------------------------

    def term(self, field: str, text: str) -> TermScores:
        """``text``'s documents in ``field`` and its BM25F contribution to each."""
        key = (self._key, field, text)
        found = self._cache.get(key)
        if found is not None:
            return found
        docs, weights = self._postings(field, text)
        if not len(docs):
            return _EMPTY
        frequency = self._reader.doc_frequency(field, text)
        idf = math.log(self.size / (frequency + 1)) + 1
        b, k1 = self._b, self._k1
        norm = k1 * ((1 - b) + b * self.lengths[field][docs] / self.avg_length[field])
        scores = idf * (weights * (k1 + 1)) / (weights + norm)
        found = TermScores(docs, scores)
        self._cache.put(key, found)
        return found

    def _postings(self, field: str, text: str) -> tuple[np.ndarray, np.ndarray]:
        ids: list[int] = []
        weights: list[np.ndarray] = []
        for leaf, offset in self._reader.leaf_readers():
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

    # --- filters, facets, order -------------------------------------------

    def docs(self, docs: np.ndarray) -> DocMask:
        return self._mask(docs)

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

    def by_date(self, docs: np.ndarray, *, oldest: bool, limit: int) -> np.ndarray:
        """The first ``limit`` of ``docs`` by date (undated last either way), then id."""
        ordinal = self.ordinal[docs]
        # Undated documents (ordinal 0) go last both ways.
        undated_last = np.where(ordinal == 0, np.iinfo(np.int64).max, ordinal)
        primary = undated_last if oldest else -ordinal
        return _top(docs, primary, self.id_rank[docs], limit)

    def by_score(
        self, docs: np.ndarray, scores: np.ndarray, tier: np.ndarray, limit: int
    ) -> np.ndarray:
        """The best ``limit`` of ``docs``: lower tier first, then score, then newest, then id.

        Scores are rounded to 6 decimals so that sums reached in a different
        order still tie, and ties fall to the date and id order.
        """
        primary = tier * 1e9 - np.round(scores, 6)
        newest_then_id = -self.ordinal[docs] * self.size + self.id_rank[docs]
        return _top(docs, primary, newest_then_id, limit)


def _top(docs: np.ndarray, primary: np.ndarray, secondary: np.ndarray, limit: int) -> np.ndarray:
    """``docs`` ordered by ``primary`` then ``secondary``, the first ``limit`` of them.

    A partition first, so that a query with tens of thousands of hits sorts
    only the few that can reach the page.
    """
    if len(docs) > 2 * limit:
        cut = np.partition(primary, limit - 1)[limit - 1]
        keep = primary <= cut
        docs, primary, secondary = docs[keep], primary[keep], secondary[keep]
    return docs[np.lexsort((secondary, primary))[:limit]]


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
