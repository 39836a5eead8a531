"""No input makes a corpus reader, the metadata extraction or the analysis take more
than linear time (issue 18): each case is read at two sizes, and four times the input
may cost about four times as much, not sixteen. Growth, not an absolute time: these
machines are shared and noisy, and the best of three runs is compared.

The inputs are what defeats a careless pattern: long runs without the character a
pattern waits for (no newline, no closing parenthesis or quote), many near-misses of a
date or a source line, one endless word. ``tests/test_trec_linear.py`` does the same for
TREC records.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from search.analysis import analyze
from search.corpus import read_corpus
from search.corpus.report import ReadReport
from search.metadata import extract_metadata
from tests.support import best_of

#: Linear reading gives a ratio near 4; quadratic, 16. The margin absorbs noise.
MAX_GROWTH = 8.0


def _read(path: Path) -> int:
    report = ReadReport()
    return sum(len(doc.body) for doc in read_corpus([path], report=report))


#: name -> (file suffix, content of about n characters).
CASES: dict[str, tuple[str, Callable[[int], str]]] = {
    "text: one line, no newline": (".txt", lambda n: "كلمة " * (n // 5)),
    "text: open parentheses, no close": (".txt", lambda n: "عنوان\n" + "(رويترز " * (n // 8)),
    "text: date near-misses": (".txt", lambda n: "عنوان\n" + "12/12/ 2023- أغسطس " * (n // 19)),
    "text: source line near-misses": (".txt", lambda n: "عنوان\n" + "المصدر: " * (n // 8)),
    "text: one endless word": (".txt", lambda n: "عنوان\n\n" + "ب" * n),
    "jsonl: one long record": (
        ".jsonl",
        lambda n: '{"id": "x", "title": "t", "content": "' + "نص " * (n // 3) + '"}\n',
    ),
    "jsonl: many small records": (
        ".jsonl",
        lambda n: "".join(
            f'{{"id": "r{i}", "title": "t", "content": "نص قصير"}}\n' for i in range(n // 50)
        ),
    ),
    "json: an unclosed string": (".json", lambda n: '[{"id": "x", "content": "' + "نص " * (n // 3)),
    "json: deep nesting": (".json", lambda n: "[" * (n // 2)),
    "csv: an unclosed quote": (".csv", lambda n: 'id,title,content\nx,t,"' + "نص، " * (n // 4)),
    "csv: many columns": (".csv", lambda n: "id,title,content\n" + "x," * (n // 2) + "\n"),
}


@pytest.mark.parametrize("name", list(CASES))
def test_a_reader_takes_linear_time(name: str, tmp_path: Path) -> None:
    suffix, make = CASES[name]
    small, big = tmp_path / f"small{suffix}", tmp_path / f"big{suffix}"
    small.write_text(make(40_000), encoding="utf-8")
    big.write_text(make(160_000), encoding="utf-8")
    growth = best_of(3, lambda: _read(big)) / best_of(3, lambda: _read(small))
    assert growth < MAX_GROWTH, f"{name}: 4x the input took {growth:.1f}x the time"


ANALYSIS_CASES: dict[str, Callable[[int], str]] = {
    "words": lambda n: "والمعلمين يدرسون " * (n // 17),
    "one endless word": lambda n: "ب" * n,
    "marks and tatweel": lambda n: "كَـتَـبَ" * (n // 7),
    "digits and separators": lambda n: "1,2.3٫4" * (n // 7),
}


@pytest.mark.parametrize("name", list(ANALYSIS_CASES))
def test_analysis_and_metadata_take_linear_time(name: str) -> None:
    make = ANALYSIS_CASES[name]
    little, large = make(40_000), make(160_000)

    def work(text: str) -> Callable[[], object]:
        return lambda: (list(analyze(text)), extract_metadata(text))

    growth = best_of(3, work(large)) / best_of(3, work(little))
    assert growth < MAX_GROWTH, f"{name}: 4x the input took {growth:.1f}x the time"
