"""Whoosh's writers with a cheaper posting pool and codec (the writing half of the engine).

Profiling a rebuild (``docs/benchmarks.md``, *Indexing*) put most of Naba's cost per
document in Whoosh's own per-posting machinery, not in Naba's analysis:

* :class:`whoosh.writing.PostingPool` keeps every posting as a 5-tuple, sorts them all,
  and once its buffer is full pickles each tuple to a run file and heap-merges them back
  one posting at a time. :class:`TermPool` groups postings by term as they arrive (a
  writer adds documents in ascending order, so each term's postings are already sorted),
  sorts only the distinct terms, and spills a whole term per record, so spilling and
  merging cost per term rather than per posting, and a posting takes about half the
  memory.
* :class:`whoosh.codec.whoosh3.W3Codec` looks up the document's field length for every
  posting to keep per-block length bounds, which only Whoosh's block-quality pruning
  reads. :class:`LeanCodec` skips that; blocks then record 0 as their shortest length,
  which keeps the pruning bound an upper bound (BM25 favours short documents), so
  Whoosh's own searcher still ranks correctly.

The files written are the same W3 format, and segments name the stock ``W3Codec``
(``LeanCodec.new_segment``), so an index stays readable by plain Whoosh and by older
Naba, and indexes written before this module open as before.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import marshal
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.writing import PostingPool, SegmentWriter

# A posting as Whoosh's writers pass it around: (field, term, docnum, weight, value).
Posting = tuple[str, bytes, int, float, bytes | None]
# A term's postings: (field, term, docnums, weights, values).
_Record = tuple[str, bytes, array, array, list]

# Estimated bytes held per posting (array slots for docnum and weight, a list slot and
# the value's bytes object header) and per distinct term (its key, three containers and
# the dictionary slot); measured with sys.getsizeof, so the pool's limit is real memory
# rather than Whoosh's estimate, which undercounts about 3x.
_POSTING_BYTES = 4 + 8 + 8 + 33
_TERM_BYTES = 450
# Terms per marshal record when spilling: big enough that marshal, not Python, does the
# work, small enough that merging many runs keeps little of each in memory.
_CHUNK = 512


class TermPool(PostingPool):
    """A posting pool that groups postings by term (see the module docstring).

    It yields exactly what :class:`~whoosh.writing.PostingPool` would: all postings in
    (field, term, docnum) order. That relies on postings of a term arriving in ascending
    document order, which holds for everything a :class:`~whoosh.writing.SegmentWriter`
    adds (documents and merged readers get increasing document numbers).
    """

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        self._terms: dict[tuple[str, bytes], tuple[array, array, list]] = {}

    def add(self, item: Posting) -> None:
        fieldname, tbytes, docnum, weight, vbytes = item
        key = (fieldname, tbytes)
        entry = self._terms.get(key)
        if entry is None:
            self.fieldnames.add(fieldname)
            entry = self._terms[key] = (array("I"), array("d"), [])
            self.currentsize += _TERM_BYTES + len(tbytes)
        entry[0].append(docnum)
        entry[1].append(weight)
        entry[2].append(vbytes)
        self.currentsize += _POSTING_BYTES + (len(vbytes) if vbytes else 0)
        if self.currentsize > self.limit:
            self.save()

    def _records(self) -> Iterator[_Record]:
        terms = self._terms
        for key in sorted(terms):
            docnums, weights, values = terms[key]
            yield key[0], key[1], docnums, weights, values

    def save(self) -> None:
        """Spill the terms in memory to a new run file."""
        if self._terms:
            path, f = self._new_run()
            self._write_records(f, self._records())
            self.runs.append(path)
            self._terms = {}
        self.currentsize = 0

    @staticmethod
    def _write_records(f: Any, records: Iterable[_Record]) -> None:
        with f:
            it = iter(records)
            while chunk := [
                (fn, t, d.tobytes(), w.tobytes(), v)
                for fn, t, d, w, v in itertools.islice(it, _CHUNK)
            ]:
                marshal.dump(chunk, f)

    def _read_records(self, path: str) -> Iterator[_Record]:
        f = self._open_run(path)
        try:
            while True:
                try:
                    chunk = marshal.load(f)
                except EOFError:
                    return
                for fieldname, tbytes, docnums, weights, values in chunk:
                    yield fieldname, tbytes, array("I", docnums), array("d", weights), values
        finally:
            f.close()
            self._remove_run(path)

    def _merged(self, paths: list[str]) -> Iterator[_Record]:
        """The runs' records in term order, one record per term.

        Runs are listed in the order they were written, so a term's postings from an
        earlier run have the lower document numbers and come first.
        """
        streams = [
            ((fn, t, i, d, w, v) for fn, t, d, w, v in self._read_records(path))
            for i, path in enumerate(paths)
        ]
        for (fieldname, tbytes), group in itertools.groupby(
            heapq.merge(*streams, key=lambda r: (r[0], r[1], r[2])), key=lambda r: (r[0], r[1])
        ):
            parts = list(group)
            if len(parts) == 1:
                _, _, _, docnums, weights, values = parts[0]
            else:
                docnums, weights, values = array("I"), array("d"), []
                for part in parts:
                    docnums.extend(part[3])
                    weights.extend(part[4])
                    values.extend(part[5])
            yield fieldname, tbytes, docnums, weights, values

    @staticmethod
    def _postings(records: Iterable[_Record]) -> Iterator[Posting]:
        for fieldname, tbytes, docnums, weights, values in records:
            for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, vbytes

    def reduce_to(self, target: int, k: int) -> None:
        """Merge runs until at most ``target`` are left (a sub-writer hands over one)."""
        while len(self.runs) > target:
            # Merge the oldest runs first so the merged run keeps its place in the order.
            count = min(k, len(self.runs) - target + 1)
            tomerge, rest = self.runs[:count], self.runs[count:]
            path, f = self._new_run()
            self._write_records(f, self._merged(tomerge))
            self.runs = [path, *rest]

    def _read_run(self, path: str) -> Iterator[Posting]:
        # What MpWriter reads from its sub-writers' single runs.
        return self._postings(self._read_records(path))

    def items(self, maxfiles: int = 128) -> Iterator[Posting]:
        if not self.runs:
            records: Iterable[_Record] = list(self._records())
            self._terms = {}
            return self._postings(records)
        self.save()
        self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return self._postings(self._merged(runs))

    def iter_postings(self) -> Iterator[Posting]:
        return self.items()

    def cleanup(self) -> None:
        self._terms = {}
        for path in self.runs:
            with contextlib.suppress(OSError):
                self._remove_run(path)
        self.runs = []


class LeanCodec(W3Codec):
    """Whoosh's W3 codec without per-posting document-length lookups while writing.

    ``length_stats = False`` makes the writer hand the postings writer no lengths, so
    blocks and term infos record 0 for their length bounds (see the module docstring).
    Field lengths per document, which BM25F scores with, are written as before.
    """

    length_stats = False

    def new_segment(self, storage: Any, indexname: str) -> W3Segment:
        # The segment (pickled into the index's TOC) names the stock codec, which reads
        # these files exactly as it reads its own: nothing Naba-specific is needed to
        # open the index.
        return W3Segment(
            W3Codec(
                blocklimit=self._blocklimit,
                compression=self._compression,
                inlinelimit=self._inlinelimit,
            ),
            indexname,
        )


def _use_term_pool(writer: SegmentWriter) -> None:
    """Give a writer that has not added anything yet a :class:`TermPool`."""
    pool = writer.pool
    if not isinstance(pool, TermPool):
        writer.pool = TermPool(pool.tempstore, pool.segment, limitmb=pool.limit >> 20)


class NabaSegmentWriter(SegmentWriter):
    """A single-process writer with the :class:`TermPool`."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        _use_term_pool(self)


class _SubWriterTask(SubWriterTask):
    """An MpWriter worker process whose writer uses the :class:`TermPool`.

    Its writer is created inside the worker's ``run``; the first batch of documents is
    the first point where it exists and is still empty.
    """

    def _process_file(self, filename: str, doc_count: int) -> None:
        _use_term_pool(self.writer)
        super()._process_file(filename, doc_count)


class NabaMpWriter(MpWriter):
    """Whoosh's multi-process writer with :class:`TermPool` in the parent and workers."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        _use_term_pool(self)

    def _new_task(self) -> SubWriterTask:
        task = _SubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task


def open_writer(ix: Any, *, procs: int, batch: bool, limitmb: int) -> SegmentWriter:
    """A writer on ``ix`` with Naba's pool and codec (``procs > 1``: multi-process)."""
    options: dict[str, Any] = {"limitmb": limitmb, "codec": LeanCodec()}
    if procs > 1:
        return NabaMpWriter(ix, procs=procs, multisegment=batch, **options)
    return NabaSegmentWriter(ix, **options)
