"""Titles are headlines, not dumps (issue 18, item 2): a "title" over
``MAX_TITLE_CHARS`` is cut at a word with ``…`` and noted; from a text file's first
line, the line's words stay searchable in the body. A 5-million-character first line
had been indexed as the title of an article shown on every results page."""

from __future__ import annotations

import json
from pathlib import Path

from search.corpus import ReadReport, read_corpus
from search.corpus.base import MAX_TITLE_CHARS

LONG = " ".join(f"كلمة{n}" for n in range(8000)) + " خاتمةفريدة"


def _read(path: Path) -> tuple[list, ReadReport]:
    report = ReadReport()
    return list(read_corpus([path], report=report)), report


def test_a_huge_first_line_is_cut_and_its_words_kept_in_the_body(tmp_path: Path) -> None:
    (tmp_path / "dump.txt").write_text(f"{LONG}\n\nنص المقال بعد السطر الأول.\n", "utf-8")
    (doc,), report = _read(tmp_path)
    assert len(doc.title) <= MAX_TITLE_CHARS + 2 and doc.title.endswith(" …")
    assert doc.title.startswith("كلمة0 كلمة1 ")
    assert "خاتمةفريدة" in doc.body and "نص المقال" in doc.body
    assert [(n.reason, n.origin.endswith("dump.txt")) for n in report.notes] == [
        ("title cut", True)
    ]


def test_a_huge_title_field_is_cut(tmp_path: Path) -> None:
    record = {"id": "r1", "title": LONG, "body": "نص المقال."}
    (tmp_path / "news.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    (doc,), report = _read(tmp_path)
    assert len(doc.title) <= MAX_TITLE_CHARS + 2 and doc.title.endswith(" …")
    assert [n.reason for n in report.notes] == ["title cut"]


def test_an_ordinary_title_is_left_alone(tmp_path: Path) -> None:
    title = "عنوان " * 40  # 240 characters: a long headline, still a headline
    (tmp_path / "a.txt").write_text(f"{title.strip()}\n\nنص المقال.\n", "utf-8")
    (doc,), report = _read(tmp_path)
    assert doc.title == title.strip() and doc.body == "نص المقال."
    assert not report.notes
