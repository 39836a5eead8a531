"""Per-document arrays stored with each commit (``search/engine/whoosh_arrays.py``).

The writer stores them after every commit; search workers map them instead of
reading every document's date, id and facets from Whoosh. These tests use a real
index with two segments and deleted documents, and check that the stored arrays
are the ones a worker would build, that searches answer the same from either,
and that an index without them (an older version, a damaged file, a writer
killed before writing them) still answers correctly.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pytest

from search.engine import STORY_FACET, FacetSpec, Filters, open_index
from search.engine import whoosh_arrays as arrays
from search.engine import whoosh_store as store
from search.engine.counting import story_count
from search.engine.whoosh_engine import ARRAYS_GRACE_S, WhooshEngine
from search.indexing import reindex
from search.query import parse_query
from tests.support import ROOT, SEEDS

QUERIES = ["", "الحكومة", "كوريا الشمالية", '"رئيس الوزراء"', "الصين -اليابان"]


def _corpus(tmp: Path) -> Path:
    corpus = tmp / "corpus"
    shutil.copytree(SEEDS, corpus / "seeds")
    shutil.copytree(ROOT / "corpus" / "articles", corpus / "articles")
    return corpus


def _change(corpus: Path) -> None:
    """Delete two articles, edit two, add one: the next reindex adds a segment and
    deletes documents of the first."""
    articles = sorted((corpus / "articles").rglob("*.txt"))
    for path in articles[:2]:
        path.unlink()
    for path in articles[2:4]:
        path.write_text(path.read_text("utf-8") + "\n\nكوريا الشمالية والصين.", "utf-8")
    (corpus / "new.txt").write_text("رئيس الوزراء يزور الصين\n\nقال رئيس الوزراء.", "utf-8")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("doc-arrays")
    corpus = _corpus(tmp)
    root = tmp / "index"
    reindex([corpus], index=root, full=True)
    _change(corpus)
    reindex([corpus], index=root)
    return root, corpus


def _mapped(values: np.ndarray) -> bool:
    """Whether an array is a view of a memory-mapped file (not built in this process)."""
    return isinstance(values.base, np.memmap)


def _engine(root: Path) -> WhooshEngine:
    return WhooshEngine.open(store.live_generation(root))


def _answers(engine: WhooshEngine) -> list[object]:
    """What a set of searches answers: ids in order, totals, facet counts, stats."""
    out: list[object] = []
    spec = FacetSpec({"sources": Filters(), "year": Filters(), "month": Filters()})
    for text in QUERIES:
        query = parse_query(text).query
        for sort in ("relevance", "newest", "oldest"):
            result = engine.search(query, Filters(), sort=sort, offset=0, limit=50, facets=spec)
            out.append((text, sort, result.total, [h.document.id for h in result.hits]))
            out.append(result.facets)
        year = Filters(values={"year": ("2023",)})
        out.append(engine.search(query, year, sort="newest", offset=0, limit=50).total)
    stats = engine.stats()
    out.append((stats.documents, stats.date_min, stats.date_max, stats.sources))
    return out


def test_each_commit_stores_its_arrays_and_drops_the_previous_ones(built) -> None:
    root, _ = built
    generation = store.live_generation(root)
    stored = sorted(p.name for p in generation.glob("arrays-*"))
    engine = _engine(root)
    commit = arrays.commit_of(engine._searcher.reader())
    assert commit >= 2  # the full build's commit, then the incremental one
    assert stored == [f"arrays-{commit}"]


def test_workers_map_the_stored_arrays_and_they_equal_built_ones(built) -> None:
    root, _ = built
    engine = _engine(root)
    reader = engine._searcher.reader()
    assert len(reader.leaf_readers()) >= 2 and reader.doc_count() < reader.doc_count_all()
    snap = engine._snapshot()
    assert _mapped(snap.ordinal) and _mapped(snap.live)
    fresh = WhooshEngine.build_arrays(reader)
    assert fresh.size == snap.size
    for name in ("live", "ordinal", "id_rank"):
        assert np.array_equal(getattr(fresh, name), getattr(snap, name)), name
    assert fresh.lengths.keys() == snap.lengths.keys()
    for field, values in fresh.lengths.items():
        assert np.array_equal(values, snap.lengths[field]), field
    # The story groups come from the reindex that made the commit (stored with its
    # arrays); arrays built afresh from the commit alone cannot know them.
    assert STORY_FACET in snap.facets
    assert fresh.facets.keys() == snap.facets.keys() - {STORY_FACET}
    for name, column in fresh.facets.items():
        assert column.names == snap.facets[name].names
        assert column.count(fresh.live) == snap.facets[name].count(snap.live)
    assert not snap.live.all()  # the deleted documents are not live


@pytest.mark.parametrize("packed", [arrays.PACKED_VALUES, 0])
@pytest.mark.parametrize("share", [0.0, 0.03, 0.5, 1.0])
def test_facet_counts_are_the_matches_per_value_however_many_match(
    built, share: float, packed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A few matches are counted by their codes, many by each value's bit mask or (a
    # facet of many values) each value's documents: all must give what counting
    # document by document gives, and the story count what sorting the codes gives.
    monkeypatch.setattr(arrays, "PACKED_VALUES", packed)
    root, _ = built
    snap = _engine(root)._snapshot()
    rng = np.random.default_rng(7)
    base = (rng.random(snap.size) < share) & snap.live
    for name, column in snap.facets.items():
        expected: dict[str, int] = {}
        for doc in np.flatnonzero(base):
            if isinstance(column, arrays.ValueCodes):
                values = [column.names[column.code[doc]]] if column.code[doc] >= 0 else []
            else:
                values = [n for i, n in enumerate(column.names) if doc in column._of(i)]
            for value in values:
                expected[value] = expected.get(value, 0) + 1
        assert column.count(base) == expected, name
    codes = snap.facets[STORY_FACET].code[np.flatnonzero(base)]
    assert story_count(codes) == np.count_nonzero(codes < 0) + len(np.unique(codes[codes >= 0]))


def test_stored_and_built_arrays_answer_the_same(built, tmp_path: Path) -> None:
    root, _ = built
    expected = _answers(_engine(root))
    copy = tmp_path / "index"
    shutil.copytree(root, copy)
    for folder in store.live_generation(copy).glob("arrays-*"):
        shutil.rmtree(folder)
    engine = _engine(copy)
    assert not _mapped(engine._snapshot().ordinal)  # built in memory
    assert _answers(engine) == expected
    # The order is not the order of document numbers: the id tie-break is real.
    assert any(isinstance(a, tuple) and len(a) == 4 and a[3] != sorted(a[3]) for a in expected)


@pytest.mark.parametrize("damage", ["truncated", "other-format", "other-size", "no-meta"])
def test_damaged_arrays_are_ignored_and_rebuilt_in_memory(
    built, tmp_path: Path, damage: str, caplog: pytest.LogCaptureFixture
) -> None:
    root, _ = built
    expected = _answers(_engine(root))
    copy = tmp_path / "index"
    shutil.copytree(root, copy)
    (folder,) = store.live_generation(copy).glob("arrays-*")
    meta = folder / "meta.json"
    if damage == "truncated":
        path = folder / "ordinal.npy"
        path.write_bytes(path.read_bytes()[:-20])
    elif damage == "other-format":
        meta.write_text(meta.read_text("utf-8").replace('"format": 1', '"format": 99'), "utf-8")
    elif damage == "other-size":
        meta.write_text(meta.read_text("utf-8").replace('"size": ', '"size": 1'), "utf-8")
    else:
        meta.unlink()
    engine = _engine(copy)
    with caplog.at_level(logging.WARNING, logger="search.engine"):
        assert _answers(engine) == expected
    assert not _mapped(engine._snapshot().ordinal)
    if damage == "truncated":
        assert "ignoring the arrays" in caplog.text


def test_a_commit_is_served_once_its_arrays_are_written(tmp_path: Path) -> None:
    """A search worker does not take up a commit whose arrays the writer is still
    writing (it would build them itself), unless the writer died: then after a grace."""
    corpus = _corpus(tmp_path)
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    index = open_index(str(root))
    before = index.reader().stats().documents

    (corpus / "late.txt").write_text("خبر متأخر عن الأمطار\n\nهطلت أمطار غزيرة.", "utf-8")
    reindex([corpus], index=root)
    generation = store.live_generation(root)
    (folder,) = generation.glob("arrays-*")
    hidden = folder.rename(generation / "hidden")  # as if the writer had not got there yet
    assert index.reader().stats().documents == before

    toc = max(generation.glob("_MAIN_*.toc"), key=lambda p: p.stat().st_mtime)
    old = time.time() - ARRAYS_GRACE_S - 5
    os.utime(toc, (old, old))  # the writer died long ago: build them in memory
    assert index.reader().stats().documents == before + 1
    assert hidden.exists()


def test_a_killed_writers_half_written_arrays_are_removed(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path)
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    generation = store.live_generation(root)
    leftover = generation / "arrays-7.12345.tmp"
    leftover.mkdir()
    (leftover / "live.npy").write_bytes(b"half")
    (corpus / "late.txt").write_text("خبر متأخر\n\nنص الخبر.", "utf-8")
    reindex([corpus], index=root)
    assert not leftover.exists()
    assert len(list(generation.glob("arrays-*"))) == 1
