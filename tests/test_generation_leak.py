"""A replaced index generation is let go (issue 12: "caches are per engine and die with it").

``written_form`` used to be an ``lru_cache`` keyed by the engine: every generation a
reindex replaced stayed referenced from the cache, one more open file and mmap per
reindex in a long-running server. Its memo now lives on the reader
(:class:`search.engine.Memo`), so once a full reindex has switched generations and the
next search has picked up the new one, nothing keeps the old reader alive.
"""

from __future__ import annotations

import gc
import json
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from search.indexing import reindex
from search.searching import SearchRequest, open_index, search
from search.suggest import suggest, written_form
from tests.support import ROOT

CORPUS = ROOT / "corpus"
#: Written with its ة in the articles; the index keeps it folded (برشلونه).
FIRST_WORD = "برتقالة"
SECOND_WORD = "زعفرانة"


class CountingCalls:
    """Stands in for a reader's method and counts how often it is called."""

    def __init__(self, method: Callable[..., Any]) -> None:
        self.method = method
        self.calls: list[tuple[Any, ...]] = []

    def __call__(self, *args: Any) -> Any:
        self.calls.append(args)
        return self.method(*args)


def write_corpus(folder: Path, word: str) -> Path:
    """A one-article corpus whose only unusual word is ``word``."""
    folder.mkdir(parents=True, exist_ok=True)
    record = {
        "id": f"extra-{folder.name}",
        "title": f"مهرجان {word} السنوي في الواحة",
        "date": "2024-04-01",
        "source": "رويترز",
        "category": "ثقافة",
        "content": f"افتتح مهرجان {word} أبوابه أمس، وتحدث المنظمون عن {word} طويلا.",
    }
    (folder / "extra.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", "utf-8")
    return folder


def exact_of(index: Any, word: str) -> str:
    """The folded exact term the index holds for ``word`` (what completions return)."""
    completions = index.reader().complete(word[:4], 20)
    folded = [term for term in completions if term.startswith(word[:4])]
    assert folded, f"no indexed word starts with {word[:4]!r}: {completions}"
    return folded[0]


@pytest.fixture
def root(tmp_path: Path) -> Path:
    index_root = tmp_path / "index"
    reindex([CORPUS, write_corpus(tmp_path / "first", FIRST_WORD)], index=index_root, full=True)
    return index_root


def test_the_memo_of_written_forms_lives_on_the_reader(
    root: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = open_index(root)
    reader = index.reader()
    exact = exact_of(index, FIRST_WORD)
    assert exact != FIRST_WORD  # folded: ة → ه
    counting = CountingCalls(reader.example)
    monkeypatch.setattr(reader, "example", counting)

    assert written_form(reader, exact) == FIRST_WORD
    assert len(counting.calls) == 1
    assert written_form(reader, exact) == FIRST_WORD
    assert len(counting.calls) == 1, "the second call should come from the reader's memo"
    # Another term is looked up, once.
    other = exact_of(index, "الواحة")
    written_form(reader, other)
    written_form(reader, other)
    assert len(counting.calls) == 2
    # Completions go through the same memo.
    assert suggest(index, FIRST_WORD[:5]) == [FIRST_WORD]
    assert len(counting.calls) == 2
    index.close()


def test_a_replaced_reader_is_released_after_two_full_reindexes(root: Path, tmp_path: Path) -> None:
    index = open_index(root)
    first = index.reader()
    before = search(index, SearchRequest(q=FIRST_WORD))
    assert before.total == 1
    first_generation = first.stats().generation
    assert written_form(first, exact_of(index, FIRST_WORD)) == FIRST_WORD  # fills its memo
    gone = weakref.ref(first)
    del first
    gc.collect()
    assert gone() is index.reader()  # the live reader: the weak reference can see a hold

    second_corpus = write_corpus(tmp_path / "second", SECOND_WORD)
    for _ in range(2):
        reindex([CORPUS, second_corpus], index=root, full=True)

    after = search(index, SearchRequest(q=SECOND_WORD))
    assert after.total == 1
    assert search(index, SearchRequest(q=FIRST_WORD)).total == 0
    assert index.reader().stats().generation != first_generation
    gc.collect()
    assert gone() is None, "the first generation's reader is still referenced: " + ", ".join(
        type(r).__name__ for r in gc.get_referrers(gone())
    )

    # Suggestions work on the new generation, as the articles write the word.
    assert suggest(index, SECOND_WORD[:5]) == [SECOND_WORD]
    assert suggest(index, FIRST_WORD[:5]) == []
    index.close()


def test_memo_and_release_together(
    root: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The brief's whole scenario on one reader: its memo serves repeated look-ups, and
    once replaced (and the test's own patch undone) the reader is released."""
    index = open_index(root)
    reader = index.reader()
    search(index, SearchRequest(q=FIRST_WORD))
    counting = CountingCalls(reader.example)
    monkeypatch.setattr(reader, "example", counting)
    exact = exact_of(index, FIRST_WORD)
    for _ in range(3):
        assert written_form(reader, exact) == FIRST_WORD
    assert len(counting.calls) == 1
    gone = weakref.ref(reader)
    monkeypatch.undo()  # the patch itself holds the reader
    del reader, counting

    second_corpus = write_corpus(tmp_path / "second", SECOND_WORD)
    reindex([CORPUS, second_corpus], index=root, full=True)
    reindex([CORPUS, second_corpus], index=root, full=True)
    assert search(index, SearchRequest(q=SECOND_WORD)).total == 1
    gc.collect()
    assert gone() is None

    new_reader = index.reader()
    counting = CountingCalls(new_reader.example)
    monkeypatch.setattr(new_reader, "example", counting)
    new_exact = exact_of(index, SECOND_WORD)
    assert suggest(index, SECOND_WORD[:5]) == [SECOND_WORD]
    assert written_form(new_reader, new_exact) == SECOND_WORD
    assert len(counting.calls) == 1  # the suggestion filled the new reader's own memo
    monkeypatch.undo()
    index.close()
