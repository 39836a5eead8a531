"""Odd files in a corpus (issue 18, item 5): each is reported, none costs other documents.

A deeply nested JSON Lines record used to raise ``RecursionError`` past the per-line
handler and lose the rest of its file; a link to a file outside the corpus was indexed
(anything the indexer may read became searchable); FIFOs and links to devices were
skipped without a word.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from search.corpus import ReadReport, list_corpus_files, read_corpus

GOOD = {"title": "خبر جيد", "body": "نص الخبر الجيد عن الطقس في المدينة."}


def _read(corpus: Path) -> tuple[list[str], ReadReport]:
    report = ReadReport()
    return [doc.id for doc in read_corpus([corpus], report=report)], report


def test_a_deeply_nested_json_lines_record_costs_only_its_line(tmp_path: Path) -> None:
    deep = '{"id": "deep", "title": "x", "body": ' + "[" * 100_000 + "]" * 100_000 + "}"
    lines = [
        json.dumps({"id": "first", **GOOD}, ensure_ascii=False),
        deep,
        json.dumps({"id": "last", **GOOD}, ensure_ascii=False),
    ]
    (tmp_path / "news.jsonl").write_text("\n".join(lines) + "\n", "utf-8")
    ids, report = _read(tmp_path)
    assert ids == ["first", "last"]
    (problem,) = report.problems
    assert problem.origin.endswith("news.jsonl:2") and problem.reason == "invalid JSON"
    assert "nested too deeply" in problem.detail


def test_a_deeply_nested_json_array_element_is_reported(tmp_path: Path) -> None:
    good = json.dumps({"id": "first", **GOOD}, ensure_ascii=False)
    (tmp_path / "news.json").write_text(f"[{good}, {'[' * 100_000}{']' * 100_000}]", "utf-8")
    ids, report = _read(tmp_path)
    assert ids == ["first"]
    assert [p.reason for p in report.problems] == ["invalid JSON"]
    assert "nested too deeply" in report.problems[0].detail


def test_a_link_out_of_the_corpus_is_not_followed(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    secret = tmp_path / "elsewhere" / "notes.txt"
    secret.parent.mkdir()
    secret.write_text("ملاحظات خاصة\n\nكلمة المرور السرية.\n", "utf-8")
    (corpus / "article.txt").write_text("خبر\n\nنص الخبر.\n", "utf-8")
    (corpus / "notes.txt").symlink_to(secret)
    (corpus / "same.txt").symlink_to(corpus / "article.txt")  # inside: read as usual
    ids, report = _read(corpus)
    assert sorted(ids) == ["article.txt", "same.txt"]
    (problem,) = report.problems
    assert problem.origin.endswith("notes.txt") and problem.reason == "not followed"
    assert "out of the corpus" in problem.detail


def test_fifos_and_links_to_devices_are_reported_not_read(tmp_path: Path) -> None:
    (tmp_path / "article.txt").write_text("خبر\n\nنص الخبر.\n", "utf-8")
    os.mkfifo(tmp_path / "pipe.txt")  # opening it would wait forever for a writer
    (tmp_path / "zero.txt").symlink_to("/dev/zero")  # reading it would never end
    (tmp_path / "broken.txt").symlink_to(tmp_path / "gone.txt")
    report = ReadReport()
    files = [f.id for f in list_corpus_files([tmp_path], report=report)]
    assert files == ["article.txt"]
    reported = sorted((Path(p.origin).name, p.reason) for p in report.problems)
    assert reported == [
        ("broken.txt", "not a regular file"),
        ("pipe.txt", "not a regular file"),
        ("zero.txt", "not a regular file"),
    ]
    ids, _ = _read(tmp_path)
    assert ids == ["article.txt"]
