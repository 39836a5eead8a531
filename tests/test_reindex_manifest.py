"""An incremental reindex opens only the corpus files that changed (size or time).

The manifest stored with the index (``search/indexing/manifest.py``) remembers each
file's size, modification time and ids. These tests run real reindexes on a real
index and show which files were opened: a file rewritten with the same size and
the same time stamp is *not* noticed (that is the bargain, and the proof that it was
not read), while anything else that changes is.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from search.corpus import FieldMap
from search.engine import open_index
from search.engine import whoosh_store as store
from search.indexing import reindex
from search.searching import SearchRequest, search
from tests.support import SEEDS, run_cli

HOUR_AGO = time.time() - 3600


def _age(*paths: Path) -> None:
    """Put files' modification times an hour back (no longer 'racily clean')."""
    for path in paths:
        for file in [path] if path.is_file() else path.rglob("*"):
            os.utime(file, (HOUR_AGO, HOUR_AGO))


def _article(title: str, body: str) -> str:
    return f"{title}\n\n{body}\n"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    target = tmp_path / "corpus"
    shutil.copytree(SEEDS, target)
    for n in range(5):
        (target / f"extra-{n}.txt").write_text(
            _article(f"خبر رقم {n}", f"نص الخبر رقم {n} عن الأمطار."), "utf-8"
        )
    _age(target)
    return target


def _files(corpus: Path) -> list[Path]:
    return sorted(p for p in corpus.rglob("*") if p.is_file() and not p.name.endswith(".md"))


def _index_files(generation: Path) -> dict[str, int]:
    """The index's own files (not the manifest) and their modification times."""
    return {p.name: p.stat().st_mtime_ns for p in generation.iterdir() if "manifest" not in p.name}


def _hits(root: Path, text: str) -> set[str]:
    result = search(open_index(str(root)), SearchRequest(q=text, per_page=50))
    return {hit.id for hit in result.hits}


def test_an_unchanged_corpus_opens_no_file(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    first = reindex([corpus], index=root, full=True)
    files = len(_files(corpus))
    assert first.read == files and first.unchanged_files == 0

    second = reindex([corpus], index=root)
    assert second.ok and not second.committed
    assert (second.read, second.unchanged_files, second.unchanged) == (0, files, files)
    assert "files not reopened" in second.format()


def test_a_file_rewritten_with_the_same_size_and_time_is_not_reopened(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    target = corpus / "extra-1.txt"
    stat = target.stat()
    text = target.read_text("utf-8")
    target.write_text(text.replace("الأمطار", "العواصف"), "utf-8")  # same length in bytes
    assert target.stat().st_size == stat.st_size
    os.utime(target, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    summary = reindex([corpus], index=root)
    assert summary.read == 0 and not summary.committed  # it was not read
    assert not _hits(root, "العواصف")

    os.utime(target, (HOUR_AGO + 60, HOUR_AGO + 60))  # a new time: read, and updated
    summary = reindex([corpus], index=root)
    assert (summary.read, summary.updated) == (1, 1)
    assert _hits(root, "العواصف") == {"extra-1.txt"}


def test_new_changed_and_deleted_files_are_the_only_ones_read(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    files = len(_files(corpus))
    (corpus / "extra-0.txt").unlink()
    (corpus / "extra-2.txt").write_text(_article("خبر معدل", "عن الفيضانات الكبيرة."), "utf-8")
    for n in range(3):
        (corpus / f"new-{n}.txt").write_text(_article(f"جديد {n}", "عن الزلازل."), "utf-8")

    summary = reindex([corpus], index=root)
    assert (summary.added, summary.updated, summary.deleted) == (3, 1, 1)
    assert summary.read == 4
    assert summary.unchanged_files == files - 2
    assert _hits(root, "الزلازل") == {f"new-{n}.txt" for n in range(3)}
    assert _hits(root, "الفيضانات") == {"extra-2.txt"}
    assert "extra-0.txt" not in _hits(root, "الأمطار")

    # The four files written just before that run were 'racily clean': read once more.
    _age(corpus)
    again = reindex([corpus], index=root)
    assert (again.read, again.changed) == (4, 0)
    assert reindex([corpus], index=root).read == 0


def test_a_touched_file_is_compared_by_content_then_trusted_again(
    corpus: Path, tmp_path: Path
) -> None:
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    generation = store.live_generation(root)
    os.utime(corpus / "extra-3.txt", (HOUR_AGO + 60, HOUR_AGO + 60))
    before = {
        p.name: p.stat().st_mtime_ns for p in generation.iterdir() if "manifest" not in p.name
    }

    summary = reindex([corpus], index=root)
    assert (summary.read, summary.unchanged, summary.changed) == (1, len(_files(corpus)), 0)
    assert not summary.committed  # the index itself is not touched...
    assert _index_files(generation) == before
    assert reindex([corpus], index=root).read == 0  # ...but the new time is remembered


def test_a_file_changed_within_two_seconds_of_its_reading_is_read_again(
    corpus: Path, tmp_path: Path
) -> None:
    """The same size and time stamp do not prove a file unchanged if it was being
    written when it was read: the next write may land in the same clock tick."""
    root = tmp_path / "index"
    fresh = corpus / "fresh.txt"
    fresh.write_text(_article("خبر طازج", "عن البرد."), "utf-8")
    reindex([corpus], index=root, full=True)
    stat = fresh.stat()
    fresh.write_text(_article("خبر طازج", "عن الحر."), "utf-8")  # same size in bytes
    os.utime(fresh, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    summary = reindex([corpus], index=root)
    assert (summary.read, summary.updated) == (1, 1)
    assert _hits(root, "الحر") == {"fresh.txt"}


def test_other_reading_settings_read_every_file_again(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    summary = reindex([corpus], index=root, field_map=FieldMap(category=""))
    assert summary.unchanged_files == 0 and summary.read == len(_files(corpus))
    assert not summary.committed  # the same documents: nothing rewritten


def test_a_manifest_of_an_older_commit_is_not_trusted(corpus: Path, tmp_path: Path) -> None:
    """A writer killed between its commit and its manifest leaves the previous
    commit's manifest: the next run compares every document instead."""
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    generation = store.live_generation(root)
    (manifest,) = generation.glob("manifest-*.json")
    saved = manifest.read_bytes()
    (corpus / "new.txt").write_text(_article("جديد", "عن الزلازل."), "utf-8")
    _age(corpus / "new.txt")
    reindex([corpus], index=root)
    (current,) = generation.glob("manifest-*.json")
    assert current != manifest
    current.unlink()
    manifest.write_bytes(saved)  # as if the last run had died before writing its own
    (corpus / "new.txt").unlink()

    summary = reindex([corpus], index=root)
    assert summary.unchanged_files == 0 and summary.read == len(_files(corpus))
    assert summary.deleted == 1 and not _hits(root, "الزلازل")
    assert reindex([corpus], index=root).read == 0  # and the manifest is whole again


def test_a_damaged_manifest_is_ignored(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    (manifest,) = store.live_generation(root).glob("manifest-*.json")
    manifest.write_text('{"format": 1, "files": ', "utf-8")
    summary = reindex([corpus], index=root)
    assert summary.ok and summary.read == len(_files(corpus)) and summary.changed == 0


def test_a_repeated_id_resolves_as_a_full_read_would(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    record = {"id": "x", "title": "القديم", "body": "نص قديم عن الأمطار الغزيرة."}
    (corpus / "b.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    _age(corpus)
    root = tmp_path / "index"
    reindex([corpus], index=root, full=True)
    record = {"id": "x", "title": "الجديد", "body": "نص جديد عن الثلوج الكثيفة."}
    (corpus / "a.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")

    incremental = reindex([corpus], index=root)
    full_root = tmp_path / "full"
    full = reindex([corpus], index=full_root, full=True)
    assert incremental.reasons == full.reasons == {"duplicate id": 1}
    assert _hits(root, "الثلوج") == _hits(full_root, "الثلوج") == {"x"}


def test_the_json_summary_counts_the_files_not_reopened(corpus: Path, tmp_path: Path) -> None:
    root = tmp_path / "index"
    assert run_cli("reindex", str(corpus), "--index", str(root)).returncode == 0
    result = run_cli("reindex", str(corpus), "--index", str(root), "--json")
    assert result.returncode == 0, result.stderr.decode()
    data = json.loads(result.stdout)
    assert data["unchanged_files"] == len(_files(corpus)) and data["read"] == 0


def test_a_small_change_is_written_by_one_process(corpus: Path, tmp_path: Path) -> None:
    """Writer processes are forked from the reindex (with all its memory): not worth it
    for a few files."""
    root = tmp_path / "index"
    full = reindex([corpus], index=root, full=True, workers=2)
    assert full.procs == 2
    (corpus / "new.txt").write_text(_article("جديد", "عن الزلازل."), "utf-8")
    small = reindex([corpus], index=root)
    assert small.added == 1 and small.procs == 1
    assert _hits(root, "الزلازل") == {"new.txt"}
