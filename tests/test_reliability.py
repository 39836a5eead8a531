"""Corpus faults and a full disk during a reindex: reported, skipped, nothing lost."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

from search.indexing import reindex
from search.searching import SearchRequest, open_index, search
from tests.support import ROOT, SEEDS

GOOD = "خبر جيد\n16 أغسطس 2023\nنص الخبر عن الطاقة الشمسية في المدينة (رويترز)\n"


def faulty_corpus(folder: Path) -> Path:
    """Good articles next to every kind of bad input a corpus folder meets."""
    folder.mkdir(parents=True)
    for n in range(3):
        (folder / f"good-{n}.txt").write_text(GOOD.replace("جيد", f"جيد {n}"), "utf-8")
    (folder / "windows-1256.txt").write_bytes(GOOD.replace("جيد", "قديم").encode("cp1256"))
    (folder / "binary.txt").write_bytes(bytes(range(256)) * 64)
    (folder / "empty.txt").write_bytes(b"")
    records = [{"id": "r1", "title": "سجل", "content": "سجل عن الطاقة الشمسية"}]
    line = json.dumps(records[0], ensure_ascii=False)
    (folder / "feed.jsonl").write_text(line + "\n" + line[: len(line) // 2] + "\n", "utf-8")
    whole = folder / "whole.zip"
    with zipfile.ZipFile(whole, "w") as archive:
        archive.writestr("inner.txt", GOOD)
    (folder / "truncated.zip").write_bytes(whole.read_bytes()[:-30])
    whole.unlink()
    # 50 MB in one "article": far beyond any news story, refused as such.
    with (folder / "huge.txt").open("w", encoding="utf-8") as handle:
        handle.write("عنوان ضخم\n")
        chunk = "كلمة " * 100_000
        while handle.tell() < 50 << 20:
            handle.write(chunk)
    return folder


def test_every_fault_is_reported_and_the_rest_is_indexed(tmp_path: Path) -> None:
    corpus = faulty_corpus(tmp_path / "corpus")
    summary = reindex([corpus], index=tmp_path / "index", full=True)
    # 3 good articles, the Windows-1256 one, and the one complete JSON line.
    assert summary.added == 5, summary.format()
    problems = "\n".join(summary.problems)
    for name in ("binary.txt", "empty.txt", "feed.jsonl", "truncated.zip", "huge.txt"):
        assert name in problems, (name, problems)
    assert summary.reasons.get("too large for one article") == 1
    handle = open_index(tmp_path / "index")
    assert search(handle, SearchRequest(q="الطاقة الشمسية", per_page=50)).total == 5


def test_a_file_deleted_during_a_reindex_is_reported_not_fatal(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    count = 3000
    for n in range(count):
        (corpus / f"a-{n:04d}.txt").write_text(GOOD.replace("جيد", f"جيد {n}"), "utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "reindex", str(corpus), "--index", str(tmp_path / "ix")],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", "NABA_PROGRESS_SECONDS": "0"},
    )
    assert process.stderr is not None
    # Once the reindex is reading (its first progress line), the last files vanish.
    for line in process.stderr:
        if b"docs" in line:
            break
    for n in range(count - 1, count // 2, -1):
        (corpus / f"a-{n:04d}.txt").unlink()
    _, err = process.communicate(timeout=300)
    assert process.returncode in (0, 1), err.decode()
    total = search(open_index(tmp_path / "ix"), SearchRequest(q="الطاقة")).total
    assert count // 2 < total <= count  # what was still there when read; never a crash
    assert b"Traceback" not in err


def test_a_full_disk_during_a_full_rebuild_keeps_the_old_index(tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex([SEEDS], index=root, full=True)
    before = search(open_index(root), SearchRequest(q="كوريا")).total
    assert before == 5
    # A file-size limit makes the writer fail the way a full disk does.
    # (SIGXFSZ ignored, so writing past the limit fails with EFBIG like ENOSPC.)
    script = (
        "import resource, signal, sys\n"
        "from search.cli import main\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (200_000, 200_000))\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    big = tmp_path / "big"
    big.mkdir()
    for n in range(300):
        (big / f"{n}.txt").write_text(GOOD + ("نص إضافي طويل " * 200), "utf-8")
    result = subprocess.run(
        [sys.executable, "-c", script, "reindex", str(big), "--index", str(root), "--full"],
        cwd=ROOT,
        capture_output=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
        timeout=300,
    )
    assert result.returncode == 1
    assert b"previous index is unchanged" in result.stderr
    assert b"Traceback" not in result.stderr
    after = search(open_index(root), SearchRequest(q="كوريا", per_page=50))
    assert after.total == before  # the previous generation still serves everything
