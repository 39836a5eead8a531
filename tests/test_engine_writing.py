"""Naba's Whoosh writers (``search.engine.whoosh_writing``) and posting formats
(``search.engine.whoosh_formats``) write what stock Whoosh writes."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage

from search.corpus import read_corpus
from search.engine.whoosh_analysis import exact_analyzer, stemmed_analyzer
from search.engine.whoosh_engine import WEIGHTING, WhooshWriter, build_schema
from search.engine.whoosh_writing import STORY_FIELD, TermPool, open_writer
from tests.support import ROOT


def test_term_pool_sorts_like_whoosh_through_spills_and_merges(tmp_path: Path) -> None:
    rng = random.Random(4)
    pool = TermPool(FileStorage(str(tmp_path)), None, limitmb=1)
    pool.limit = 4000  # spill every few dozen postings
    added = []
    for docnum in range(2000):
        for term in rng.sample(range(150), 4):
            posting = (f"f{term % 3}", str(term).encode(), docnum, float(term % 5), bytes([term]))
            added.append(posting)
            pool.add(posting)
    assert len(pool.runs) > 8
    assert list(pool.items(maxfiles=3)) == sorted(added)
    assert not list(tmp_path.glob("*.run"))


def _documents() -> list:
    return list(read_corpus([ROOT / "corpus"]))


def _postings(ix) -> list[tuple]:
    """Every posting with document ids instead of numbers (workers number differently)."""
    with ix.reader() as reader:
        ids = [fields["id"] for fields in reader.all_stored_fields()]
        return sorted((f, t, ids[d], w, v) for f, t, d, w, v in reader.iter_postings())


def _documents_as_stored(ix) -> dict[str, tuple]:
    """Per document id: stored fields, every field's length and every column's value
    (but the story text, which only Naba's writer makes: compared apart)."""
    schema = ix.schema
    out = {}
    with ix.reader() as reader:
        columns = {
            name: reader.column_reader(name, translate=False)
            for name in schema.names()
            if reader.has_column(name) and name != STORY_FIELD
        }
        for docnum, fields in reader.iter_docs():
            lengths = tuple(
                reader.doc_field_length(docnum, name, 0)
                for name, field in schema.items()
                if field.scorable
            )
            values = tuple((name, column[docnum]) for name, column in sorted(columns.items()))
            out[fields["id"]] = (sorted(fields.items()), lengths, values)
    return out


@pytest.mark.parametrize("limitmb", [1, 64])
@pytest.mark.parametrize("procs, batch", [(1, False), (2, True), (2, False)])
def test_index_equals_stock_whoosh_writer(
    tmp_path: Path, procs: int, batch: bool, limitmb: int
) -> None:
    """Spilling to run files (1 MB) or not (64 MB); one process, or two writing
    separate segments (a full rebuild) or merged into one (an incremental update)."""
    docs = _documents()
    assert len(docs) > 20
    built = {}
    for name, naba in (("stock", False), ("naba", True)):
        path = tmp_path / name
        path.mkdir()
        ix = whoosh_index.create_in(str(path), build_schema())
        options = {"procs": procs, "multisegment": batch} if procs > 1 else {}
        writer = (
            open_writer(ix, procs=procs, batch=batch, limitmb=limitmb)
            if naba
            else ix.writer(limitmb=limitmb, **options)
        )
        wrapped = WhooshWriter(writer)
        for doc in docs:
            wrapped.add(doc)
        wrapped.commit()
        built[name] = whoosh_index.open_dir(str(path))
    stock, naba = built["stock"], built["naba"]
    with naba.reader() as reader:  # made by the writing processes, one per document
        stories = list(reader.column_reader(STORY_FIELD))
        assert len(stories) == len(docs) and all(stories)
    assert _postings(naba) == _postings(stock)
    assert _documents_as_stored(naba) == _documents_as_stored(stock)
    # The TOC names only stock Whoosh classes for the segments' codec.
    assert {type(s.codec()).__name__ for s in naba._segments()} == {"W3Codec"}
    queries = [
        wq.Term("body", next(t for f, t, *_ in _postings(stock) if f == "body").decode()),
        wq.Or([wq.Term("body", "حكوم"), wq.Term("title", "رءيس")]),
    ]
    for query in queries:
        with stock.searcher(weighting=WEIGHTING) as a, naba.searcher(weighting=WEIGHTING) as b:
            hits_a = sorted((h["id"], round(h.score, 6)) for h in a.search(query, limit=None))
            hits_b = sorted((h["id"], round(h.score, 6)) for h in b.search(query, limit=None))
            assert hits_a == hits_b


def test_documents_with_special_keywords_take_whooshs_own_path(tmp_path: Path) -> None:
    """A keyword Naba's add_document does not handle (a custom stored value) still works."""
    from whoosh.fields import ID, TEXT, Schema

    schema = Schema(id=ID(stored=True), body=TEXT(stored=True))
    ix = whoosh_index.create_in(str(tmp_path), schema)
    writer = open_writer(ix, procs=1, batch=False, limitmb=8)
    writer.add_document(id="a", body="news today")
    writer.add_document(id="b", body="news today", _stored_body="shown instead")
    writer.commit()
    with ix.reader() as reader:
        assert [f["body"] for f in reader.all_stored_fields()] == ["news today", "shown instead"]
        assert [d for d, _ in reader.postings("body", "news").items_as("weight")] == [0, 1]


_FORMAT_TEXTS = [
    "",
    "ـــ _ ،",
    "قالَ (رويترز) إنّ كوریا، و2023 Putin في في في من العـــلاقات كو\u200cريا",
    "نما 2.5% إلى ٢٫٥ من 10,000 ثم إلى 10,000 والعلاقات العلاقات علاقاتهما",
    "ﻻ ﷲ ﺍﻟﻌﺮﺑﻴﺔ هو هي هم و وال ـ 3",
]


@pytest.mark.parametrize("boost", [1.0, 2.5])
def test_shared_analysis_formats_index_what_the_analyzers_give(
    seeds_dir: Path, boost: float
) -> None:
    """The formats' one-pass ``index_items`` give Whoosh's generic postings, value for value."""
    from whoosh.formats import Frequency, Positions

    from search.engine.whoosh_formats import ExactPositions, StemmedFrequency

    texts = _FORMAT_TEXTS + [p.read_text("utf-8") for p in sorted(seeds_dir.glob("*.txt"))]
    pairs = [
        (StemmedFrequency(field_boost=boost), Frequency(field_boost=boost), stemmed_analyzer()),
        (ExactPositions(field_boost=boost), Positions(field_boost=boost), exact_analyzer()),
    ]
    for text in texts:
        # Each text twice in a row, as the stemmed and exact fields of one document see it.
        for fast, generic, analyzer in pairs + pairs:
            got = sorted(fast.index_items(text))
            want = generic.word_values(text, analyzer, mode="index")
            assert got == sorted((t.encode(), f, w, v) for t, f, w, v in want), text[:40]


def test_shared_analysis_is_not_fooled_by_an_equal_string() -> None:
    from search.engine.whoosh_formats import ExactPositions

    positions = ExactPositions()
    first = "".join(["كتب ", "الطالب"])
    second = "".join(["كتب ", "الطالب"])
    assert first == second and first is not second
    a = positions.index_items(first)
    b = positions.index_items(second)
    assert a == b and [w.decode() for w, *_ in a] == ["كتب", "الطالب"]
    assert [w.decode() for w, *_ in positions.index_items("قال")] == ["قال"]


def test_shared_analysis_field_leaves_other_values_to_whoosh() -> None:
    from search.engine.whoosh_formats import ExactPositions, SharedAnalysisText

    field = SharedAnalysisText(analyzer=exact_analyzer(), phrase=True)
    field.format = ExactPositions()
    assert isinstance(field.index("كتب الطالب"), list)
    # A pre-tokenized value, or options, take Whoosh's generic path.
    assert [w for w, *_ in field.index(["a", "b"])] == [b"a", b"b"]
    assert [w for w, *_ in field.index("كتب", mode="index")] == ["كتب".encode()]
