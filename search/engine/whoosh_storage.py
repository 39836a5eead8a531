"""Whoosh's segment files read in place from their memory map, not copied into the process.

A Whoosh segment is one compound file, memory-mapped when it is opened. Each of its
parts (term dictionary, postings, stored fields, columns) is then opened as a
``BufferFile`` over a view of that map, and ``BufferFile`` wraps the view in
``io.BytesIO``, which *copies* it: opening an index copied every part of every segment
into the process's private memory. That is why a search worker's private memory was
about the index's size (1.73 GB at 315k documents for a 1.66 GB index) and why
opening took seconds (issue 13; ``python -m benchmarks.scale``).

:func:`install` makes :class:`~whoosh.filedb.compound.CompoundStorage` hand out
:class:`InPlaceFile` instead: the same ``BufferFile`` (``get``, ``map`` and friends
already slice the view) whose sequential reads (``read``, ``seek``, ``readline``,
pickles) go through :class:`_Window`, a cursor over the map that copies only the bytes
each read asks for. The pages stay the kernel's page cache, shared by every process
that maps the same file, and are read from disk only when a query touches them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

from whoosh.filedb.compound import CompoundStorage
from whoosh.filedb.filestore import StorageError
from whoosh.filedb.structfile import BufferFile


class _Window:
    """A read-only file over ``length`` bytes of ``source`` (an mmap) from ``offset``."""

    __slots__ = ("_end", "_pos", "_source", "_start")

    def __init__(self, source: Any, offset: int, length: int) -> None:
        self._source = source
        self._start = offset
        self._end = offset + length
        self._pos = offset

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = self._end if size is None or size < 0 else min(start + size, self._end)
        self._pos = max(start, end)
        return self._source[start:end]

    def peek(self, size: int = 0) -> bytes:
        """The bytes ahead without moving: pickle's unpickler prefetches with it, so a
        stored document costs a call or two here instead of one per pickle opcode."""
        return self._source[self._pos : min(self._pos + max(size, 4096), self._end)]

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        start = self._pos
        stop = self._end if size is None or size < 0 else min(start + size, self._end)
        newline = self._source.find(b"\n", start, stop)
        end = stop if newline < 0 else newline + 1
        self._pos = end
        return self._source[start:end]

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, position: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: self._start, io.SEEK_CUR: self._pos, io.SEEK_END: self._end}
        self._pos = min(max(base[whence] + position, self._start), self._end)
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        raise io.UnsupportedOperation("a segment file is read-only")

    def flush(self) -> None:
        pass

    def close(self) -> None:
        self._source = b""


class InPlaceFile(BufferFile):
    """A ``BufferFile`` whose reads come straight from the segment's memory map."""

    def __init__(self, source: Any, offset: int, length: int, name: str | None = None) -> None:
        self._buf = memoryview(source)[offset : offset + length]
        self._name = name
        self.file = _Window(source, offset, length)
        self.onclose = None
        self.is_real = False
        self.is_closed = False


_stock_open_file = CompoundStorage.open_file


def _open_in_place(self: CompoundStorage, name: str, *args: Any, **kwargs: Any) -> BufferFile:
    if self.is_closed:
        raise StorageError("Storage was closed")
    if not self._source:  # no memory map (it could not be made): Whoosh's sub-files
        return _stock_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    return InPlaceFile(self._source, offset, length, name=name)


def install() -> None:
    """Make every compound segment this process opens read in place (idempotent)."""
    CompoundStorage.open_file = _open_in_place  # type: ignore[method-assign]
