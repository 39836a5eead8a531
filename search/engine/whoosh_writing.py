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
* :meth:`SegmentWriter.add_document` hands the pool each posting as its own tuple and
  method call; :func:`add_document` (same stored values, lengths and columns) hands it a
  field's postings at once (:meth:`TermPool.add_field`).
* Whoosh's field writer takes the pool's postings one at a time (a generator step, a
  method call and type checks each) only to cut them back into blocks of 128. With a
  :class:`TermPool`, :class:`LeanFieldWriter` hands each term's arrays to the postings
  writer a block at a time (:meth:`LeanPostingsWriter.add_run`).
* Most terms have one block of a few postings, and ``zlib.compress`` sets up a 256 KB
  deflate state for each: tens of microseconds for a hundred bytes.
  :meth:`LeanPostingsWriter._write_block` compresses with a window and hash table sized
  to the block (output within a few percent of the same size, several times faster);
  any zlib reader inflates it.

The files written are the same W3 format, and segments name the stock ``W3Codec``
(``LeanCodec.new_segment``), so an index stays readable by plain Whoosh and by older
Naba, and indexes written before this module open as before.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import marshal
import operator
import pickle
import zlib
from array import array
from collections.abc import Iterable, Iterator
from typing import Any

from whoosh.codec.whoosh3 import (
    WHOOSH3_HEADER_MAGIC,
    W3Codec,
    W3FieldWriter,
    W3PostingsWriter,
    W3Segment,
)
from whoosh.compat import dumps
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.util.numeric import length_to_byte
from whoosh.writing import PostingPool, SegmentWriter

from search.analysis.stories import story_text

#: The column holding each document's story text (:mod:`search.analysis.stories`).
STORY_FIELD = "story_text"

# A posting as Whoosh's writers pass it around: (field, term, docnum, weight, value).
Posting = tuple[str, bytes, int, float, bytes | None]
# What a field's ``index`` gives for each term of a document: (term, freq, weight, value).
FieldItem = tuple[bytes, int, float, bytes | None]
# A term's postings: (field, term, docnums, weights, values).
_Record = tuple[str, bytes, array, array, list]

# Estimated bytes held per posting (array slots for docnum and weight, a list slot and
# the value's bytes object header, unless the value is shared) and per distinct term
# (three containers and the dictionary slot, plus the term's bytes); measured with
# tracemalloc (about 455 bytes for a term with one posting), so the pool's limit is
# real memory rather than Whoosh's estimate, which undercounts about 3x.
_VALUE_HEADER_BYTES = 33
_POSTING_BYTES = 4 + 8 + 8 + _VALUE_HEADER_BYTES
_TERM_BYTES = 420
# Terms per marshal record when spilling: big enough that marshal, not Python, does the
# work, small enough that merging many runs keeps little of each in memory.
_CHUNK = 512
# Posting values up to this size are shared between postings that have the same value
# (a frequency, a single position): most postings, in a fraction of the memory.
_SHARED_VALUE_BYTES = 16


class TermRecords:
    """The pool's postings grouped by term, as :meth:`TermPool.items` gives them.

    Iterating yields single postings, which is what Whoosh's own field writers and its
    multi-process merge take; :class:`LeanFieldWriter` takes :meth:`records` whole.
    """

    def __init__(self, records: Iterable[_Record]) -> None:
        self._records = records

    def records(self) -> Iterable[_Record]:
        return self._records

    def __iter__(self) -> Iterator[Posting]:
        for fieldname, tbytes, docnums, weights, values in self._records:
            for docnum, weight, vbytes in zip(docnums, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, vbytes


class TermPool(PostingPool):
    """A posting pool that groups postings by term (see the module docstring).

    It yields exactly what :class:`~whoosh.writing.PostingPool` would: all postings in
    (field, term, docnum) order. That relies on postings of a term arriving in ascending
    document order, which holds for everything a :class:`~whoosh.writing.SegmentWriter`
    adds (documents and merged readers get increasing document numbers).
    """

    def __init__(self, tempstore: Any, segment: Any, limitmb: int = 128, **kwargs: Any) -> None:
        super().__init__(tempstore, segment, limitmb=limitmb, **kwargs)
        # Per field, per term: (docnums, weights, values).
        self._terms: dict[str, dict[bytes, tuple[array, array, list]]] = {}
        self._shared: dict[bytes, bytes] = {}

    def add(self, item: Posting) -> None:
        """One posting (Whoosh's merges add them this way)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, ((tbytes, 0, weight, vbytes),))

    def add_field(self, fieldname: str, docnum: int, items: Iterable[FieldItem]) -> int:
        """All postings of one field of one document (what ``field.index`` gives).

        Returns the field's length, the sum of its terms' frequencies. Short values are
        shared between postings, and counted once.
        """
        terms = self._terms.get(fieldname)
        if terms is None:
            terms = self._terms[fieldname] = {}
            self.fieldnames.add(fieldname)
        shared_values = self._shared
        size = 0
        length = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            entry = terms.get(tbytes)
            if entry is None:
                entry = terms[tbytes] = (array("I"), array("d"), [])
                size += _TERM_BYTES + len(tbytes)
            if not vbytes:
                size += _POSTING_BYTES - _VALUE_HEADER_BYTES
            elif len(vbytes) > _SHARED_VALUE_BYTES:
                size += _POSTING_BYTES + len(vbytes)
            else:
                shared = shared_values.setdefault(vbytes, vbytes)
                if shared is vbytes:
                    size += _POSTING_BYTES + len(vbytes)
                else:
                    size += _POSTING_BYTES - _VALUE_HEADER_BYTES
                    vbytes = shared
            entry[0].append(docnum)
            entry[1].append(weight)
            entry[2].append(vbytes)
        self.currentsize += size
        if self.currentsize > self.limit:
            self.save()
        return length

    def _records(self) -> Iterator[_Record]:
        for fieldname in sorted(self._terms):
            terms = self._terms[fieldname]
            for tbytes in sorted(terms):
                docnums, weights, values = terms[tbytes]
                yield fieldname, tbytes, docnums, weights, values

    def save(self) -> None:
        """Spill the terms in memory to a new run file."""
        if self._terms:
            path, f = self._new_run()
            self._write_records(f, self._records())
            self.runs.append(path)
            self._terms = {}
            self._shared = {}
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
        return iter(TermRecords(self._read_records(path)))

    def items(self, maxfiles: int = 128) -> TermRecords:
        if not self.runs:
            records: Iterable[_Record] = list(self._records())
            self._terms = {}
            self._shared = {}
            return TermRecords(records)
        self.save()
        self.reduce_to(maxfiles, maxfiles)
        runs, self.runs = self.runs, []
        return TermRecords(self._merged(runs))

    def iter_postings(self) -> TermRecords:
        return self.items()

    def cleanup(self) -> None:
        self._terms = {}
        self._shared = {}
        for path in self.runs:
            with contextlib.suppress(OSError):
                self._remove_run(path)
        self.runs = []


def _compress(data: bytes, level: int) -> bytes:
    """zlib at ``level`` with a window no larger than the data (see the module docstring).

    A smaller hash table (``memLevel`` 4) for small blocks compresses as well there and
    sets up faster; full-size blocks keep zlib's default.
    """
    size = len(data)
    window = min(15, max(9, size.bit_length()))
    packer = zlib.compressobj(level, zlib.DEFLATED, window, 4 if size < 4096 else 8)
    return packer.compress(data) + packer.flush()


class LeanPostingsWriter(W3PostingsWriter):
    """W3's postings writer, fed a term's postings a block at a time."""

    def _write_block(self, last: bool = False) -> None:
        """One W3 block: a header before the first, the block's length (negative for the
        last), its info tuple (count, last id, top weight, compression, length bytes), and
        its pickled (id deltas, weights, values), compressed with :func:`_compress`."""
        postfile = self._postfile
        if not self._blockcount:
            postfile.write(WHOOSH3_HEADER_MAGIC)
        self._terminfo.add_block(self)
        ids = self._ids
        weights = self._weights
        count = len(ids)
        if weights.count(1.0) == count:
            packed_weights: Any = None
        elif weights.count(weights[0]) == count:
            packed_weights = weights[0]
        else:
            packed_weights = tuple(weights)
        deltas = tuple(map(operator.sub, ids, (0, *ids[:-1])))
        data = dumps((deltas, packed_weights, self._mini_values()), 2)
        level = self._compression
        if level:
            data = _compress(data, level)
        minimum, maximum = length_to_byte(self._minlength), length_to_byte(self._maxlength)
        info = dumps((count, ids[-1], self._maxweight, level, minimum, maximum), 2)
        size = len(info) + len(data)
        postfile.write_int(-size if last else size)
        postfile.write(info)
        postfile.write(data)
        self._blockcount += 1
        self._new_block()

    def add_run(self, docnums: array, weights: array, values: list) -> None:
        """Buffer and write blocks exactly as one :meth:`add_posting` per posting would.

        A block is written when the next posting arrives at a full buffer, so the last
        block (full or not) stays buffered for :meth:`finish_postings`. Empty values are
        left out, as ``add_posting`` leaves them out; no lengths (see :class:`LeanCodec`).
        """
        limit = self._blocklimit
        for start in range(0, len(docnums), limit):
            if start:
                self._write_block()
            end = start + limit
            block_weights = weights[start:end]
            self._ids = docnums[start:end]
            self._weights = array("f", block_weights)
            self._maxweight = max(0, max(block_weights))
            self._values = [v for v in values[start:end] if v]


class LeanFieldWriter(W3FieldWriter):
    """W3's field writer with a bulk path for the :class:`TermRecords` of a pool."""

    def add_postings(self, schema: Any, lengths: Any, items: Any) -> None:
        if not isinstance(items, TermRecords) or lengths is not None:
            super().add_postings(schema, lengths, items)
            return
        lastfn = None
        for fieldname, tbytes, docnums, weights, values in items.records():
            if fieldname != lastfn:
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn = fieldname
            self.start_term(tbytes)
            self._postwriter.add_run(docnums, weights, values)
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class LeanCodec(W3Codec):
    """Whoosh's W3 codec without per-posting document-length lookups while writing.

    ``length_stats = False`` makes the writer hand the postings writer no lengths, so
    blocks and term infos record 0 for their length bounds (see the module docstring).
    Field lengths per document, which BM25F scores with, are written as before.
    """

    length_stats = False

    def field_writer(self, storage: Any, segment: Any) -> LeanFieldWriter:
        return LeanFieldWriter(self, storage, segment)

    def postings_writer(self, dbfile: Any, byteids: bool = False) -> W3PostingsWriter:
        if byteids:  # term vectors: not used by Naba's schema, written the stock way
            return super().postings_writer(dbfile, byteids=True)
        return LeanPostingsWriter(
            dbfile,
            blocklimit=self._blocklimit,
            byteids=False,
            compression=self._compression,
            inlinelimit=self._inlinelimit,
        )

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


def _plain_schema(schema: Any) -> bool:
    """True when no field of ``schema`` has term vectors or a separate spelling field,
    the two things :func:`add_document` does not write."""
    return not any(f.vector or f.separate_spelling() for _, f in schema.items())


def add_document(writer: SegmentWriter, fields: dict[str, Any], *, plain: bool) -> None:
    """Add a document to ``writer`` as ``SegmentWriter.add_document`` does, but hand the
    postings of each field to the :class:`TermPool` in one call.

    Whoosh passes every posting to the pool as its own tuple and method call. The stored
    values, field lengths and columns written here are the ones Whoosh writes; documents
    with boosts or custom stored values (keywords starting with ``_``), and schemas with
    term vectors or spelling fields (``plain`` false, see :func:`_plain_schema`), take
    Whoosh's own method.
    """
    if STORY_FIELD in writer.schema and fields.get("body_exact") is not None:
        # Made here, in the writing process, beside the document's other analysis.
        fields = {**fields, STORY_FIELD: story_text(fields["body_exact"]).to_bytes()}
    pool = writer.pool
    if not plain or not isinstance(pool, TermPool) or any(k[:1] == "_" for k in fields):
        SegmentWriter.add_document(writer, **fields)
        return
    writer._check_state()
    schema = writer.schema
    names = sorted(fields)
    writer._check_fields(schema, names)
    perdoc = writer.perdocwriter
    docnum = writer.docnum
    perdoc.start_doc(docnum)
    try:
        for name in names:
            value = fields[name]
            if value is None:
                continue
            field = schema[name]
            length = 0
            if field.indexed:
                length = pool.add_field(name, docnum, field.index(value))
                if not field.scorable:
                    length = 0
            perdoc.add_field(name, field, value if field.stored else None, length)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
    except BaseException:
        perdoc.cancel_doc()
        raise
    perdoc.finish_doc()
    writer._added = True
    writer.docnum += 1


class NabaSegmentWriter(SegmentWriter):
    """A single-process writer with the :class:`TermPool` and :func:`add_document`."""

    def __init__(self, ix: Any, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        _use_term_pool(self)
        self._plain = _plain_schema(self.schema)

    def add_document(self, **fields: Any) -> None:
        add_document(self, fields, plain=self._plain)


class _SubWriterTask(SubWriterTask):
    """An MpWriter worker process whose writer uses the :class:`TermPool` and
    :func:`add_document`.

    Its writer is created inside the worker's ``run``; the first batch of documents is
    the first point where it exists and is still empty.
    """

    def _process_file(self, filename: str, doc_count: int) -> None:
        writer = self.writer
        _use_term_pool(writer)
        tempstorage = writer.temp_storage()
        plain = _plain_schema(writer.schema)
        # A job file: ``doc_count`` pickled (0, fields) pairs, 0 meaning "add" (the only
        # command MpWriter writes).
        with tempstorage.open_file(filename).raw_file() as f:
            for _ in range(doc_count):
                code, fields = pickle.load(f)
                if code != 0:
                    raise ValueError(f"unexpected command {code!r} in a writer job file")
                add_document(writer, fields, plain=plain)
        tempstorage.delete_file(filename)


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
