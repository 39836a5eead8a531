"""Reindexing a real index on disk: full builds, incremental changes by content hash,
unreadable files, generations, the lock, and the ``reindex`` command's contract."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from search.engine import whoosh_store as store
from search.engine.whoosh_engine import WhooshEngine
from search.indexing import CorpusMissing, ReindexSummary, reindex
from search.searching import SearchRequest, open_index, search
from tests.support import ROOT, SEEDS, run_cli

SEED_000 = "000_b31131a2f6f79b88.txt"
SEED_003 = "003_a858b1da649fe47d.txt"
SEED_004 = "004_16044da555cd99ef.txt"
DEMO = ROOT / "corpus"
BINARY = bytes(range(256)) * 8  # not text in any encoding the reader accepts


def build(corpus: Path | list[Path], root: Path, **options: object) -> ReindexSummary:
    paths = corpus if isinstance(corpus, list) else [corpus]
    return reindex(paths, index=root, **options)  # type: ignore[arg-type]


def count(root: Path) -> int:
    engine = WhooshEngine.open(store.live_generation(root))
    try:
        return engine.stats().documents
    finally:
        engine.close()


def hits(root: Path, q: str) -> set[str]:
    response = search(open_index(root), SearchRequest.from_params({"q": q, "per_page": 50}))
    return {hit.id for hit in response.hits}


def stored_ids(root: Path) -> set[str]:
    engine = WhooshEngine.open(store.live_generation(root))
    try:
        return {doc_id for doc_id, _ in engine.content_hashes()}
    finally:
        engine.close()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of the five seed articles."""
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    return target


# --- full builds ---------------------------------------------------------------------------


def test_a_first_run_builds_the_seeds_from_scratch(tmp_path: Path) -> None:
    root = tmp_path / "index"
    summary = build(SEEDS, root)
    assert summary.ok and summary.committed
    assert summary.mode == "full"  # no index yet: incremental means full
    assert (summary.added, summary.updated, summary.deleted, summary.read) == (5, 0, 0, 5)
    assert summary.documents == count(root) == 5
    assert summary.generation == store.live_generation(root).name
    assert summary.size_bytes > 0 and summary.seconds > 0
    assert SEED_000 in hits(root, "بوتين")


def test_the_demo_corpus_builds_in_every_format(tmp_path: Path) -> None:
    root = tmp_path / "index"
    summary = build(DEMO, root)
    assert summary.ok and summary.skipped == 0
    assert summary.added == summary.documents == 57
    formats = {re.sub(r":\d+$", "", origin).rsplit(".", 1)[-1] for origin in _origins(root)}
    assert formats == {"txt", "jsonl", "csv", "html", "rss"}


def _origins(root: Path) -> list[str]:
    engine = WhooshEngine.open(store.live_generation(root))
    try:
        return [engine.get(doc_id).origin for doc_id, _ in engine.content_hashes()]  # type: ignore[union-attr]
    finally:
        engine.close()


def test_one_and_two_processes_index_the_same_documents(tmp_path: Path) -> None:
    one = build(DEMO, tmp_path / "one", workers=1)
    two = build(DEMO, tmp_path / "two", workers=2)
    assert one.documents == two.documents == 57
    assert stored_ids(tmp_path / "one") == stored_ids(tmp_path / "two")
    assert hits(tmp_path / "one", "الجفاف") == hits(tmp_path / "two", "الجفاف") != set()


# --- incremental -----------------------------------------------------------------------------


def test_incremental_adds_changes_and_deletes_by_content_hash(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    generation = store.live_generation(root)

    shutil.copy(DEMO / "articles" / "2022-water-drought-01.txt", corpus / "new.txt")
    changed = corpus / SEED_004
    changed.write_text(changed.read_text("utf-8") + "\nكلمةمضافةللاختبار\n", "utf-8")
    (corpus / SEED_003).unlink()
    # Touching a file without changing it is not a change: hashes, not file times, decide.
    os.utime(corpus / SEED_000, (time.time() + 60, time.time() + 60))

    summary = build(corpus, root)
    assert summary.mode == "incremental" and summary.committed
    assert (summary.added, summary.updated, summary.deleted, summary.unchanged) == (1, 1, 1, 3)
    assert summary.documents == count(root) == 5
    assert store.live_generation(root) == generation  # updated in place, one commit
    assert hits(root, "كلمةمضافةللاختبار") == {SEED_004}
    assert "new.txt" in hits(root, "الجفاف")
    assert SEED_003 not in stored_ids(root)


def test_an_unchanged_corpus_writes_nothing(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    generation = store.live_generation(root)
    before = {p.name: p.stat().st_mtime_ns for p in generation.iterdir()}

    summary = build(corpus, root)
    assert summary.ok and not summary.committed and summary.changed == 0
    assert summary.unchanged == 5
    assert {p.name: p.stat().st_mtime_ns for p in generation.iterdir()} == before
    assert "nothing to commit" in summary.format()


def test_a_file_that_became_unreadable_keeps_its_documents(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    broken = corpus / SEED_003
    good = broken.read_bytes()
    broken.write_bytes(BINARY)

    summary = build(corpus, root)
    assert summary.ok
    assert (summary.deleted, summary.kept, summary.skipped) == (0, 1, 1)
    assert summary.kept_from == [str(broken)]
    assert len(summary.problems) == 1 and str(broken) in summary.problems[0]
    assert "kept 1 previously indexed" in summary.format()
    assert count(root) == 5 and SEED_003 in stored_ids(root)

    # A full rebuild carries the old documents of the unreadable file over as well.
    full = build(corpus, root, full=True)
    assert (full.added, full.kept, full.documents) == (4, 1, 5)
    assert SEED_003 in stored_ids(root)

    broken.write_bytes(good)  # repaired: same content, nothing to do
    repaired = build(corpus, root)
    assert (repaired.unchanged, repaired.changed, repaired.kept) == (5, 0, 0)

    broken.unlink()  # gone for good: now its document goes
    assert build(corpus, root).deleted == 1
    assert count(root) == 4


def test_a_broken_record_keeps_only_its_own_document(tmp_path: Path) -> None:
    corpus, root = tmp_path / "feed", tmp_path / "index"
    corpus.mkdir()
    records = [
        {
            "id": f"r{i}",
            "title": f"عنوان {i}",
            "body": f"نص الخبر رقم {i} عن الأمطار",
            "source": "واس",
        }
        for i in range(4)
    ]
    feed = corpus / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), "utf-8")
    build(corpus, root)
    assert count(root) == 4

    lines = feed.read_text("utf-8").splitlines()
    lines[1] = '{"id": "r1", "title": broken'  # record r1 (line 2) no longer parses
    del lines[3]  # record r3 was removed on purpose
    feed.write_text("\n".join(lines), "utf-8")
    summary = build(corpus, root)
    assert (summary.kept, summary.deleted, summary.unchanged) == (1, 1, 2)
    assert stored_ids(root) == {"r0", "r1", "r2"}


def test_reading_nothing_changes_nothing(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    for path in corpus.iterdir():
        path.write_bytes(BINARY)
    for full in (False, True):
        summary = build(corpus, root, full=full)
        assert not summary.ok and summary.error
        assert count(root) == 5
    assert len(list(root.glob(f"{store.PREFIX}*"))) == 1  # no half-built generation left


# --- generations ---------------------------------------------------------------------------


def test_full_switches_generation_and_the_next_run_removes_the_older_one(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    first = build(corpus, root).generation
    second = build(corpus, root, full=True)
    assert second.generation != first and second.previous_generation == first
    assert (root / first).is_dir()  # kept for searchers that still have it open
    third = build(corpus, root, full=True)
    assert not (root / first).exists() and (root / second.generation).is_dir()
    assert third.removed_generations == [first]
    incremental = build(corpus, root)
    assert incremental.removed_generations == [second.generation]
    assert sorted(p.name for p in root.glob(f"{store.PREFIX}*")) == [third.generation]
    assert count(root) == 5


def test_a_missing_corpus_path_raises_before_touching_anything(tmp_path: Path) -> None:
    with pytest.raises(CorpusMissing):
        build(tmp_path / "nowhere", tmp_path / "index")
    assert not (tmp_path / "index").exists()


# --- the command ---------------------------------------------------------------------------


def test_the_command_prints_a_json_summary(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    result = run_cli("reindex", str(corpus), "--index", str(root), "--json", "--procs", "1")
    assert result.returncode == 0, result.stderr.decode()
    summary = json.loads(result.stdout)
    assert summary["ok"] and summary["mode"] == "full" and summary["added"] == 5
    assert summary["documents"] == 5 and summary["procs"] == 1
    assert summary["docs_per_second"] > 0 and summary["generation"].startswith(store.PREFIX)

    (corpus / SEED_003).write_bytes(BINARY)
    again = run_cli("reindex", str(corpus), "--index", str(root), "--json")
    summary = json.loads(again.stdout)
    assert again.returncode == 0 and summary["mode"] == "incremental"
    assert summary["kept"] == 1 and summary["skipped"] == 1 and summary["problems"]
    assert SEED_003 in again.stderr.decode()  # the problem is reported as it happens


def test_the_command_honours_naba_index_and_naba_corpus(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "from-env"
    env = {"NABA_INDEX": str(root), "NABA_CORPUS": str(corpus)}
    result = run_cli("reindex", env=env)
    assert result.returncode == 0, result.stderr.decode()
    assert "added 5" in result.stdout.decode()
    assert count(root) == 5
    stats = run_cli("stats", "--json", env=env)
    assert json.loads(stats.stdout)["documents"] == 5


def test_a_missing_corpus_exits_2_and_leaves_the_index_alone(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    pointer = (root / store.POINTER).read_text()
    result = run_cli("reindex", str(tmp_path / "nowhere"), "--index", str(root), "--full")
    assert result.returncode == 2
    assert "no such file or directory" in result.stderr.decode()
    assert (root / store.POINTER).read_text() == pointer and count(root) == 5


def test_nothing_readable_exits_1(tmp_path: Path) -> None:
    corpus = tmp_path / "junk"
    corpus.mkdir()
    (corpus / "a.txt").write_bytes(BINARY)
    result = run_cli("reindex", str(corpus), "--index", str(tmp_path / "index"))
    assert result.returncode == 1
    assert "nothing indexed" in result.stderr.decode()
    with pytest.raises(store.IndexMissing):
        store.live_generation(tmp_path / "index")


def test_a_second_reindex_refuses_while_one_runs(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    build(corpus, root)
    with store.reindex_lock(root):
        result = run_cli("reindex", str(corpus), "--index", str(root))
        assert result.returncode == 75
        assert "another reindex" in result.stderr.decode()

        command = ["reindex", str(corpus), "--index", str(root), "--wait", "--json"]
        waiting = subprocess.Popen(
            [sys.executable, "-m", "search", *command],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        time.sleep(1.5)
        assert waiting.poll() is None  # still waiting for the lock
    out, err = waiting.communicate(timeout=60)
    assert waiting.returncode == 0, err.decode()
    assert json.loads(out)["unchanged"] == 5


def test_progress_lines_without_a_terminal_and_a_bar_on_one(corpus: Path, tmp_path: Path) -> None:
    result = run_cli(
        "reindex", str(corpus), "--index", str(tmp_path / "a"), env={"NABA_PROGRESS_SECONDS": "0"}
    )
    lines = [line for line in result.stderr.decode().splitlines() if line.startswith("reindex:")]
    assert lines and "docs/s" in lines[-1]

    main, child = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "search", "reindex", str(corpus), "--index", str(tmp_path / "b")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=child,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    os.close(child)
    chunks: list[bytes] = []

    def drain() -> None:  # read as it comes, so the child never blocks on a full pty
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child side is closed and everything was read
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain)
    reader.start()
    out, _ = proc.communicate(timeout=120)
    reader.join(timeout=30)
    os.close(main)
    screen = b"".join(chunks)
    assert proc.returncode == 0
    assert b"reindex:" in screen and b"docs" in screen  # the tqdm bar
    assert b"added 5" in out
