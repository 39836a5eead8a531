"""Segment files are read in place from their memory map (``search.engine.whoosh_storage``):
every read gives what Whoosh's own copying ``BufferFile`` gives."""

from __future__ import annotations

import io
import mmap
import pickle
from pathlib import Path

import pytest
from whoosh.filedb.structfile import BufferFile

from search.engine.whoosh_storage import InPlaceFile
from search.searching import SearchRequest, open_index, search
from tests.support import SEEDS, build_index


@pytest.fixture
def mapped(tmp_path: Path):
    payload = b"head\n" + pickle.dumps({"a": [1, 2, 3]}, 2) + b"line one\nline two\ntail"
    path = tmp_path / "seg"
    path.write_bytes(b"XXXX" + payload + b"YYYY")
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as m:
        yield m, payload
        # (views must go before the map closes)


def test_reads_match_whoosh_buffer_file(mapped) -> None:
    source, payload = mapped
    ours = InPlaceFile(source, 4, len(payload), name="seg")
    stock = BufferFile(memoryview(payload), name="seg")
    for f in (ours, stock):
        f.seek(0)
    assert ours.read(5) == stock.read(5) == b"head\n"
    assert ours.file.peek(4).startswith(b"\x80\x02")  # the pickle ahead, not consumed
    assert ours.tell() == 5
    assert ours.read_pickle() == stock.read_pickle() == {"a": [1, 2, 3]}
    assert ours.file.readline() == stock.file.readline() == b"line one\n"
    assert list(ours.file) == list(stock.file) == [b"line two\n", b"tail"]
    assert ours.read(10) == stock.read(10) == b""  # at the end, never past the window
    assert ours.seek(-4, io.SEEK_END) == stock.seek(-4, io.SEEK_END)
    assert ours.tell() == stock.tell() == len(payload) - 4
    assert ours.get(0, 4) == stock.get(0, 4) == b"head"
    assert ours.read() == b"tail"  # never reads the bytes after its part of the map
    with pytest.raises(io.UnsupportedOperation):
        ours.file.write(b"x")
    del ours, stock


def test_an_index_reads_its_segments_in_place(tmp_path: Path) -> None:
    index = open_index(build_index(tmp_path / "index", SEEDS))
    reader = index.reader()
    assert search(index, SearchRequest(q="كوريا", per_page=50)).total == 5
    segment_files = [leaf._terms._dbfile for leaf, _ in reader._searcher.reader().leaf_readers()]
    assert segment_files and all(isinstance(f, InPlaceFile) for f in segment_files)
