"""The scale benchmark's corpus copies: every copy's documents get ids of their own."""

from __future__ import annotations

import shutil
import tarfile
from pathlib import Path

from benchmarks.scale import multiply_corpus
from search.corpus import ReadReport, read_corpus
from search.indexing import reindex

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "corpus" / "articles"
ANT = ROOT.parent / "shared" / "data" / "ant-v2.1.tar.gz"


def _ids(path: Path) -> tuple[list[str], ReadReport]:
    report = ReadReport()
    return [doc.id for doc in read_corpus([path], report=report)], report


def test_copies_have_their_own_ids(tmp_path: Path) -> None:
    source = tmp_path / "source"
    (source / "articles").mkdir(parents=True)
    for path in sorted(ARTICLES.glob("*.txt"))[:3]:  # one article per file: id from the path
        shutil.copy2(path, source / "articles" / path.name)
    with tarfile.open(ANT, "r:gz") as tar:  # ANT's first article: a TREC file, id from DOCNO
        member = next(m for m in tar if m.isfile() and m.name.endswith(".txt"))
        (source / "ant").mkdir()
        (source / "ant" / "one.txt").write_bytes(tar.extractfile(member).read())  # type: ignore[union-attr]

    written = multiply_corpus(source, tmp_path / "copies", 3)

    original, _ = _ids(source)
    first, _ = _ids(tmp_path / "copies" / "copy-01")
    ids, report = _ids(tmp_path / "copies")
    assert written == 3 * 4
    assert len(original) == 4
    assert sorted(first) == sorted(original)  # copy 1 alone is the 1× corpus, ANT's ids
    assert len(ids) == 3 * len(original)
    assert len(set(ids)) == len(ids)
    assert not report.problems  # no "duplicate id" skipped
    docno = next(i for i in original if "/" not in i)
    assert {f"c02-{docno}", f"c03-{docno}"} <= set(ids)
    # The benchmark's own check: the index of the copies holds three times the documents.
    built = reindex([tmp_path / "copies"], index=tmp_path / "index", full=True, workers=1)
    assert built.documents == 3 * len(original)
