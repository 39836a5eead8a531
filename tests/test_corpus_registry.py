"""Corpus readers come from a registry keyed by file type: a new format is one registration.

The next formats (HTML, RSS/Atom) are added this way, so these tests add a throw-away
format and check that it is read like a built-in one through the public API: in folders,
in archives and gzipped, decoded by the project's rules, guarded against its own bugs,
and unsupported again once unregistered.
"""

from __future__ import annotations

import gzip
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

import pytest

from search.corpus import (
    ReadReport,
    read_corpus,
    register_reader,
    registered_readers,
    text_reader,
    unregister_reader,
)
from search.corpus.base import Entry, ReadContext
from search.corpus.files import reader_for
from search.document import Document

SUFFIX = ".cards"
BUILT_IN = {
    ".txt",
    ".text",
    ".sgml",
    ".sgm",
    ".trec",
    ".json",
    ".jsonl",
    ".ndjson",
    ".jsonlines",
    ".csv",
    ".tsv",
    ".zip",
    ".tar",
    ".tar.gz",
    ".tgz",
    ".tar.bz2",
    ".tbz2",
    ".tar.xz",
    ".txz",
    ".gz",
}
CARDS = "زعيم كوريا الشمالية\nقالت الوكالة إن الزعيم تبادل الرسائل.\n---\nعنوان ثان\nنص ثان.\n"


def read_cards(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[Document]:
    """A toy format: articles separated by ``---`` lines, each with its title first."""
    for n, card in enumerate(stream.read().split("\n---\n"), 1):
        title, _, body = card.strip().partition("\n")
        yield Document(id=f"{entry.id}#{n}", title=title, body=body, origin=entry.at(n))


@pytest.fixture
def cards() -> Iterator[None]:
    register_reader(SUFFIX, text_reader(read_cards))
    try:
        yield
    finally:
        unregister_reader(SUFFIX)
    assert SUFFIX not in registered_readers()


def read(*paths: Path) -> tuple[list[Document], ReadReport]:
    report = ReadReport()
    return list(read_corpus(paths, report=report)), report


def test_the_registry_lists_the_built_in_types() -> None:
    readers = registered_readers()
    assert set(readers) >= BUILT_IN
    assert ".md" not in readers  # skipped by rule, not read
    with pytest.raises(TypeError):
        readers[".x"] = readers[".txt"]  # type: ignore[index]  # read-only: use register_reader


def test_the_longest_registered_suffix_wins() -> None:
    readers = registered_readers()
    assert reader_for("news.TAR.GZ") is readers[".tar.gz"]
    assert reader_for("news.jsonl.gz") is readers[".gz"]
    assert reader_for("notes.v2.txt") is readers[".txt"]
    assert reader_for("README") is None


def test_a_registered_format_is_read_from_a_folder(tmp_path: Path, cards: None) -> None:
    corpus = tmp_path / "corpus"
    (corpus / "sub").mkdir(parents=True)
    (corpus / "a.cards").write_text(CARDS, encoding="utf-8")
    (corpus / "sub" / "b.CARDS").write_bytes(CARDS.encode("cp1256"))  # suffixes ignore case
    (corpus / "c.txt").write_text("عنوان\nنص المقال.\n", encoding="utf-8")

    docs, report = read(corpus)

    assert [d.id for d in docs] == [
        "a.cards#1",
        "a.cards#2",
        "c.txt",
        "sub/b.CARDS#1",
        "sub/b.CARDS#2",
    ]
    assert docs[0].title == "زعيم كوريا الشمالية"
    assert docs[0].body == "قالت الوكالة إن الزعيم تبادل الرسائل."
    assert docs[3].title == "زعيم كوريا الشمالية"  # decoded by the project's rules...
    assert docs[3].origin == f"{corpus / 'sub' / 'b.CARDS'}:1"
    assert [p.reason for p in report.notes] == ["decoded as Windows-1256"]  # ...and noted
    assert report.skipped == 0


def test_a_registered_format_is_read_in_archives_and_gzipped(tmp_path: Path, cards: None) -> None:
    archive = tmp_path / "news.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("2023/a.cards", CARDS)
        zf.writestr("2023/b.cards.gz", gzip.compress(CARDS.encode("utf-8")))

    docs, report = read(archive)

    assert [d.id for d in docs] == [
        "news.zip!2023/a.cards#1",
        "news.zip!2023/a.cards#2",
        "news.zip!2023/b.cards.gz#1",
        "news.zip!2023/b.cards.gz#2",
    ]
    assert report.problems == []


def test_an_unregistered_format_is_unsupported(tmp_path: Path) -> None:
    path = tmp_path / "a.cards"
    path.write_text(CARDS, encoding="utf-8")
    register_reader(SUFFIX, text_reader(read_cards))
    unregister_reader(SUFFIX)

    docs, report = read(path)

    assert docs == []
    assert [(p.reason, p.detail) for p in report.problems] == [("unsupported file type", ".cards")]


def test_a_failing_reader_costs_its_file_only(tmp_path: Path) -> None:
    def broken(stream: TextIO, entry: Entry, ctx: ReadContext) -> Iterator[Document]:
        raise ValueError("not a card")

    (tmp_path / "a.cards").write_text(CARDS, encoding="utf-8")
    (tmp_path / "b.txt").write_text("عنوان\nنص المقال.\n", encoding="utf-8")
    register_reader(SUFFIX, text_reader(broken))
    try:
        docs, report = read(tmp_path)
    finally:
        unregister_reader(SUFFIX)

    assert [d.id for d in docs] == ["b.txt"]
    assert [(p.reason, p.detail) for p in report.problems] == [
        ("read error", "ValueError: not a card")
    ]


def test_registering_again_replaces_and_a_suffix_needs_its_dot(cards: None) -> None:
    other = text_reader(read_cards)
    register_reader(".CARDS", other)
    assert registered_readers()[SUFFIX] is other
    with pytest.raises(ValueError, match="suffix"):
        register_reader("cards", other)
