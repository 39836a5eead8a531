"""The word-form memos are bounded in bytes (issue 18, item 7).

Both were bounded in entries: ``word_forms`` kept 262,144 words and each reader's memo
4,096 derived values, whatever their length. A corpus of unique long "words" (a base64
blob, a hostile file: a token may be as long as an article) made the first grow to
gigabytes. Measured here with tracemalloc, as memory actually held.
"""

from __future__ import annotations

import tracemalloc

import pytest

from search.analysis import word_forms
from search.analysis.analyzers import WORD_CACHE_BYTES, WORD_MEMO
from search.engine.base import Memo


def long_words(count: int, length: int) -> list[str]:
    letters = "ابتثجحخدذرزسشصضطظعغفقكلمنهوي"
    return [
        "".join(letters[(n // len(letters) ** k) % len(letters)] for k in range(4)) * (length // 4)
        for n in range(count)
    ]


def test_the_word_memo_holds_at_most_its_budget_of_long_words(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A small budget, so that the test takes seconds: 512 KB instead of 64 MB.
    budget = 512 << 10
    monkeypatch.setattr(WORD_MEMO, "budget", budget)
    words = long_words(50, 8_000)  # 3 × 16 KB per word: 2.4 MB if all were kept
    word_forms("والمعلمين")  # the stop-word list, built on first use, is not the memo
    WORD_MEMO.clear()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for word in words:
            assert word_forms(word).exact
        held = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
        WORD_MEMO.clear()
    assert WORD_MEMO.size == 0
    assert held < budget * 1.2, f"{held / 1e6:.1f} MB held"
    assert WORD_CACHE_BYTES == 64 << 20


def test_the_word_memo_still_remembers_ordinary_words() -> None:
    WORD_MEMO.clear()
    first = word_forms("والمعلمين")
    assert word_forms("والمعلمين") is first
    assert 0 < WORD_MEMO.size < 1000


def test_a_readers_memo_is_bounded_in_bytes() -> None:
    memo = Memo(size=4096, max_bytes=4 << 20)
    for n in range(200):
        value = memo.get(("written", f"{n}" + "ك" * 100_000), lambda key: key[1] * 2)
        assert len(value) > 200_000
    assert memo.bytes <= 4 << 20
    assert 1 <= len(memo) <= 12
    small = Memo(size=3)
    for n in range(10):
        small.get(n, str)
    assert len(small) == 3
    assert small.get(9, lambda key: "recomputed") == "9"  # the newest stayed
