"""Per-document arrays of one Whoosh commit, written with the commit and memory-mapped.

A query needs, for every document, whether it is live, its date, the rank of its
id (the last tie-break), its length in each scored field and its facet values.
Read from Whoosh's columns and postings these cost seconds at 315k documents
(one Python call per document and column) and, held as arrays, a few MB of
private memory per search worker. So the writer builds them once, right after it
commits (:func:`write`), into ``arrays-<commit>/`` beside the segments, as
``.npy`` files that every worker maps read-only (:func:`load`): opening is a few
``mmap`` calls, and the pages are the page cache's, shared by all workers.

An index without them (built by an older version, or a writer killed between
its commit and this step) still opens: :func:`build` computes the same arrays
in memory (``tests/test_doc_arrays.py`` checks both ways agree).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield

from .base import STORY_FACET, StoryArticle, StoryGrouping
from .whoosh_reading import DocMask, read_postings

logger = logging.getLogger("search.engine")

#: Bumped when the files change meaning; arrays of another version are rebuilt in memory.
FORMAT = 1
_PREFIX = "arrays-"
_META = "meta.json"
_MICROSECONDS_A_DAY = 86_400_000_000
_NO_DATE = 1 << 63
#: The column of each document's story text (written by :mod:`.whoosh_writing`).
STORY_COLUMN = "story_text"


#: Up to this many values, a facet keeps each value's documents as a bit mask too
#: (values × documents / 8 bytes: 2.5 MB for 64 values at 315k articles), made on its
#: first count over many matches: a count is then one AND and one bit count, a third
#: of gathering the matches value by value.
PACKED_VALUES = 64


class ValueDocs:
    """A multi-valued facet column (sources): each value's documents, ascending."""

    def __init__(self, names: list[str], docs: np.ndarray, starts: np.ndarray) -> None:
        self.names = names
        self.docs = docs  # every value's documents, one after another
        self.starts = starts  # value i's documents: docs[starts[i]:starts[i + 1]]
        self._masks: np.ndarray | None = None

    def _of(self, i: int) -> np.ndarray:
        return self.docs[self.starts[i] : self.starts[i + 1]]

    def allowed(self, values: Iterable[str], size: int) -> DocMask:
        allowed = np.zeros(size, bool)
        for value in values:
            if value in self.names:
                allowed[self._of(self.names.index(value))] = True
        return allowed

    def count(self, base: DocMask) -> dict[str, int]:
        if len(self.names) <= PACKED_VALUES:
            if self._masks is None:
                masks = np.zeros((len(self.names), len(base)), bool)
                for i in range(len(self.names)):
                    masks[i, self._of(i)] = True
                self._masks = _words(masks)
            counts = _packed_counts(base, self._masks)
        else:
            counts = _counts_by_value(base, self.docs, self.starts)
        return {name: int(n) for name, n in zip(self.names, counts, strict=True) if n}


class ValueCodes:
    """A single-valued facet column (year, month, category): a value code per document
    (-1: none)."""

    def __init__(self, names: list[str], code: np.ndarray) -> None:
        self.names = names
        self.code = code
        self._masks: np.ndarray | None = None
        self._by_value: tuple[np.ndarray, np.ndarray] | None = None

    def allowed(self, values: Iterable[str], size: int) -> DocMask:
        wanted = [self.names.index(v) for v in values if v in self.names]
        return np.isin(self.code, wanted)

    def count(self, base: DocMask) -> dict[str, int]:
        """A ``bincount`` of the matches' codes when they are few; past a tenth of the
        archive (any word of a query matches, so a common one does), each value's bit
        mask (:data:`PACKED_VALUES`), or each value's documents one after another.

        There the ``bincount`` costs several times more: the codes run in long stretches
        of one value (neighbouring articles share a year, a month, a source's category),
        and adding to one counter again and again waits on itself. The documents in
        value order (8 bytes a document in the worker, 2.5 MB at 315k) are made on the
        first such count of a facet with more values than the masks are kept for."""
        if np.count_nonzero(base) * 10 < len(base):
            present = self.code[base]
            counts = np.bincount(present[present >= 0], minlength=len(self.names))
        elif len(self.names) <= PACKED_VALUES:
            if self._masks is None:
                self._masks = _words(self.code[None, :] == np.arange(len(self.names))[:, None])
            counts = _packed_counts(base, self._masks)
        else:
            if self._by_value is None:
                order = np.argsort(self.code, kind="stable")
                starts = np.searchsorted(self.code[order], np.arange(len(self.names) + 1))
                self._by_value = order, starts
            counts = _counts_by_value(base, *self._by_value)
        return {self.names[i]: int(n) for i, n in enumerate(counts) if n}


def _packed_counts(base: DocMask, masks: np.ndarray) -> np.ndarray:
    """How many documents of each value's mask (``masks``, packed by :func:`_words`)
    ``base`` holds."""
    return np.bitwise_count(masks & _words(base)).sum(axis=-1, dtype=np.int64)


def _words(masks: np.ndarray) -> np.ndarray:
    """Boolean masks (along the last axis) packed into 64-bit words."""
    bits = np.packbits(masks, axis=-1, bitorder="little")
    pad = (-bits.shape[-1]) % 8
    if pad:
        bits = np.concatenate([bits, np.zeros((*bits.shape[:-1], pad), np.uint8)], axis=-1)
    return bits.view(np.uint64)


def _counts_by_value(base: DocMask, docs: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """How many of each value's documents (``docs[starts[i]:starts[i + 1]]``) ``base``
    holds: one gather and one segmented sum, whatever the number of values."""
    counts = np.zeros(len(starts) - 1, np.int64)
    filled = np.diff(starts) > 0
    if filled.any():
        picked = base[docs].view(np.uint8)
        counts[filled] = np.add.reduceat(picked, starts[:-1][filled], dtype=np.int64)
    return counts


FacetColumn = ValueDocs | ValueCodes


@dataclass(frozen=True)
class DocArrays:
    """One commit's per-document arrays (document numbers are Whoosh's, across segments)."""

    size: int
    live: np.ndarray  # bool
    ordinal: np.ndarray  # int32: the date's proleptic ordinal, 0 when undated
    id_rank: np.ndarray  # int32: the id's place in string order (the last tie-break)
    lengths: dict[str, np.ndarray]  # uint8 per scored field: Whoosh's quantised lengths
    facets: dict[str, FacetColumn]


def commit_of(reader: Any) -> int:
    """The number of the commit (Whoosh's TOC generation) a reader reads."""
    return int(reader.generation())


def build(
    reader: Any,
    *,
    scored_fields: Iterable[str],
    facets: Mapping[str, bool],
    group: StoryGrouping | None = None,
) -> DocArrays:
    """The arrays of the commit ``reader`` reads, from Whoosh's columns and postings;
    with ``group`` (from the reindex that made the commit), the
    :data:`~.base.STORY_FACET` column of the groups it finds in the commit's story
    texts. Built without it (an index whose arrays were lost), the commit's articles
    are each a story of their own until the next reindex."""
    size = reader.doc_count_all()
    live = np.ones(size, bool)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_deletions():
            deleted = np.fromiter(leaf.segment().deleted_docs(), np.int64)
            live[deleted + offset] = False

    # A DATETIME column holds microseconds since datetime.min (day 1); a document
    # without a date holds the column's default (hence ``has_date``), and a segment
    # without the columns at all (none of its documents is dated) reads as zero here.
    dates = _column(reader, "date", np.uint64, size, raw=True)
    flags = _column(reader, "has_date", np.int64, size, raw=False)
    dated = (flags == 1) & (dates < _NO_DATE)
    ordinal = np.where(dated, dates // _MICROSECONDS_A_DAY + 1, 0).astype(np.int32)

    # Ids compare as strings; UTF-8 bytes sort in the same order.
    ids = np.empty(size, dtype=object)
    for leaf, offset in reader.leaf_readers():
        leaf_ids = list(leaf.column_reader("id", translate=False))
        ids[offset : offset + len(leaf_ids)] = leaf_ids
    id_rank = np.empty(size, np.int32)
    id_rank[np.argsort(ids.astype(bytes), kind="stable")] = np.arange(size, dtype=np.int32)

    columns: dict[str, FacetColumn] = {
        name: _value_docs(reader, name) if multi else _value_codes(reader, name, size)
        for name, multi in facets.items()
    }
    built = DocArrays(
        size=size,
        live=live,
        ordinal=ordinal,
        id_rank=id_rank,
        lengths={field: _lengths(reader, field, size) for field in scored_fields},
        facets=columns,
    )
    if group is not None:
        stories = group(story_texts(reader, built))
        if stories:
            columns[STORY_FACET] = _story_codes(ids, stories)
    return built


def story_texts(reader: Any, arrays: Any) -> list[StoryArticle]:
    """Every live document's (id, date, first source in code-point order, story text),
    from the columns and arrays, not the stored fields (which hold every body).
    ``arrays`` are the commit's (:class:`DocArrays`, or a snapshot holding them)."""
    first_source = np.full(arrays.size, -1, np.int32)
    sources = arrays.facets.get("sources")
    names = sources.names if isinstance(sources, ValueDocs) else []
    if isinstance(sources, ValueDocs):
        for number in reversed(range(len(names))):  # the lexicon's order: the lowest wins
            first_source[sources._of(number)] = number
    found = []
    for leaf, offset in reader.leaf_readers():
        ids = list(leaf.column_reader("id", translate=False))
        texts = leaf.column_reader(STORY_COLUMN) if leaf.has_column(STORY_COLUMN) else None
        for local, raw_id in enumerate(ids):
            doc = offset + local
            if not arrays.live[doc]:
                continue
            day = int(arrays.ordinal[doc])
            found.append(
                (
                    raw_id.decode("utf-8"),
                    dt.date.fromordinal(day) if day else None,
                    names[first_source[doc]] if first_source[doc] >= 0 else "",
                    texts[local] if texts is not None else b"",
                )
            )
    return found


def _story_codes(ids: np.ndarray, stories: Mapping[str, str]) -> ValueCodes:
    """Each document's group as a code (ids are the ``id`` column's UTF-8 bytes)."""
    names = sorted(set(stories.values()))
    number = {name: i for i, name in enumerate(names)}
    group = {doc_id.encode(): number[name] for doc_id, name in stories.items()}
    code = np.fromiter((group.get(doc_id, -1) for doc_id in ids), np.int32, len(ids))
    return ValueCodes(names, code)


def _column(reader: Any, name: str, dtype: type, size: int, *, raw: bool) -> np.ndarray:
    """A numeric column's values for every document (0 in a segment without it);
    ``raw``: as stored, without the field's conversion (a date's microseconds)."""
    values = np.zeros(size, dtype)
    for leaf, offset in reader.leaf_readers():
        if leaf.has_column(name):
            count = leaf.doc_count_all()
            column = leaf.column_reader(name, translate=not raw)
            values[offset : offset + count] = np.fromiter(column, dtype, count)
    return values


def _lexicon(reader: Any, field: str) -> list[tuple[str, np.ndarray]]:
    out = []
    for term in reader.lexicon(field):
        text = term.decode("utf-8") if isinstance(term, bytes) else term
        out.append((text, read_postings(reader, field, text)[0]))
    return out


def _value_docs(reader: Any, field: str) -> ValueDocs:
    values = _lexicon(reader, field)
    starts = np.zeros(len(values) + 1, np.int64)
    starts[1:] = np.cumsum([len(docs) for _, docs in values])
    docs = np.concatenate([d for _, d in values]) if values else np.zeros(0, np.int32)
    return ValueDocs([name for name, _ in values], docs.astype(np.int32), starts)


def _value_codes(reader: Any, field: str, size: int) -> ValueCodes:
    names = []
    code = np.full(size, -1, np.int32)
    for number, (name, docs) in enumerate(_lexicon(reader, field)):
        names.append(name)
        code[docs] = number
    return ValueCodes(names, code)


def _lengths(reader: Any, field: str, size: int) -> np.ndarray:
    """Every document's quantised length in ``field``, as Whoosh's scorer reads it."""
    quantised = np.zeros(size, np.uint8)
    for leaf, offset in reader.leaf_readers():
        if not leaf._perdoc.has_column(_lenfield(field)):
            continue  # a field no document of this segment has
        column = leaf._perdoc.column_reader(_lenfield(field), LENGTHS_COLUMN)
        # One byte per document, up to the last non-zero one (Whoosh's layout).
        raw = column._dbfile.get(column._basepos, column._count)
        quantised[offset : offset + len(raw)] = np.frombuffer(raw, np.uint8)
    return quantised


# --- files --------------------------------------------------------------------------


def write(
    folder: Path,
    reader: Any,
    *,
    scored_fields: Iterable[str],
    facets: Mapping[str, bool],
    group: StoryGrouping | None = None,
) -> Path:
    """Build the arrays of ``reader``'s commit and store them in ``folder`` (atomically:
    a reader sees all of them or none), removing older commits' arrays."""
    commit = commit_of(reader)
    arrays = build(reader, scored_fields=scored_fields, facets=facets, group=group)
    final = folder / f"{_PREFIX}{commit}"
    # A ``.tmp`` folder: a killed writer's is removed with Whoosh's own leftovers.
    temp = folder / f"{_PREFIX}{commit}.{os.getpid()}.tmp"
    shutil.rmtree(temp, ignore_errors=True)
    temp.mkdir()
    columns = {"live": arrays.live, "ordinal": arrays.ordinal, "id_rank": arrays.id_rank}
    columns |= {f"length.{field}": values for field, values in arrays.lengths.items()}
    meta: dict[str, Any] = {"format": FORMAT, "size": arrays.size, "facets": {}}
    for name, column in arrays.facets.items():
        meta["facets"][name] = {"multi": isinstance(column, ValueDocs), "names": column.names}
        if isinstance(column, ValueDocs):
            columns[f"facet.{name}.docs"] = column.docs
            columns[f"facet.{name}.starts"] = column.starts
        else:
            columns[f"facet.{name}.code"] = column.code
    meta["columns"] = sorted(columns)
    for name, values in columns.items():
        np.save(temp / f"{name}.npy", np.ascontiguousarray(values), allow_pickle=False)
    (temp / _META).write_text(json.dumps(meta, ensure_ascii=False), "utf-8")
    shutil.rmtree(final, ignore_errors=True)
    os.rename(temp, final)
    for older in folder.glob(f"{_PREFIX}*"):
        if older.is_dir() and older.name != final.name and not older.name.endswith(".tmp"):
            shutil.rmtree(older, ignore_errors=True)
    return final


def exists(folder: Path, commit: int) -> bool:
    return (folder / f"{_PREFIX}{commit}" / _META).is_file()


def load(folder: Path, commit: int, size: int) -> DocArrays | None:
    """The stored arrays of ``commit``, memory-mapped; None when there are none usable
    (absent, another format, another document count, a damaged file)."""
    path = folder / f"{_PREFIX}{commit}"
    try:
        meta = json.loads((path / _META).read_text("utf-8"))
        if meta.get("format") != FORMAT or meta.get("size") != size:
            return None
        # Plain arrays over the maps: numpy's memmap subclass adds a Python call to
        # every indexing operation (a third of a millisecond a query at 315k documents).
        columns = {
            name: np.load(path / f"{name}.npy", mmap_mode="r", allow_pickle=False).view(np.ndarray)
            for name in meta["columns"]
        }
        if any(len(columns[name]) != size for name in ("live", "ordinal", "id_rank")):
            return None
        facets: dict[str, FacetColumn] = {}
        for name, facet in meta["facets"].items():
            if facet["multi"]:
                facets[name] = ValueDocs(
                    facet["names"], columns[f"facet.{name}.docs"], columns[f"facet.{name}.starts"]
                )
            else:
                facets[name] = ValueCodes(facet["names"], columns[f"facet.{name}.code"])
        return DocArrays(
            size=size,
            live=columns["live"],
            ordinal=columns["ordinal"],
            id_rank=columns["id_rank"],
            lengths={
                name.removeprefix("length."): values
                for name, values in columns.items()
                if name.startswith("length.")
            },
            facets=facets,
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("ignoring the arrays in %s (%s); building them in memory", path, error)
        return None
