"""How fast Naba's analyzers are, next to Whoosh's (``python -m benchmarks analysis``).

Naba's analyzers normalise and stem every Arabic word, yet the goal is to cost at most
1.2× Whoosh's stock ``StandardAnalyzer`` (a regex tokenizer, lower-casing and an English
stop list), because analysis runs on every document at index time and on every query.
The trick is :func:`search.analysis.word_forms`' memo: news vocabulary is Zipfian, so
after the first few thousand articles nearly every word is a cache hit. Hence two
figures per analyzer: *cold* (first pass over the text, the memo emptied first) and
*warm* (second pass, every word cached, as in a long-running server or late in a big
reindex).

Each analyzer runs over the same texts (title and body of each article, as indexed)
with positions on, as the index asks; the best of ``--rounds`` rounds is kept because
other work on the machine only ever makes a pass slower. The figures are recorded in
``docs/benchmarks.md`` by ``python -m benchmarks analysis``, which calls :func:`measure`.
The analyzers measured are the Whoosh engine's (:mod:`search.engine.whoosh_analysis`):
the plain-Python analysis inside the Whoosh chain the index runs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from whoosh.analysis import StandardAnalyzer

from search.analysis.analyzers import WORD_MEMO
from search.corpus import read_corpus
from search.engine.whoosh_analysis import exact_analyzer, stemmed_analyzer

#: Goal: Naba's stemmed analyzer costs at most this many times the stock analyzer.
GOAL = 1.2


@dataclass(slots=True)
class AnalyzerFigures:
    """One analyzer's speed; ``ratio_*`` are times relative to the stock analyzer."""

    name: str
    tokens: int
    cold_mb_s: float
    warm_mb_s: float
    ratio_cold: float = 1.0
    ratio_warm: float = 1.0


@dataclass(slots=True)
class AnalysisBench:
    documents: int
    megabytes: float
    rounds: int
    distinct_words: int
    analyzers: list[AnalyzerFigures]
    goal: float = GOAL

    @property
    def meets_goal(self) -> bool:
        stemmed = next(a for a in self.analyzers if a.name == "naba stemmed")
        return stemmed.ratio_warm <= self.goal

    def as_dict(self) -> dict[str, Any]:
        return {**asdict(self), "meets_goal": self.meets_goal}

    def table(self) -> str:
        """A Markdown table of the figures (printed, and recorded by the benchmark)."""
        lines = [
            "| analyzer | tokens | cold MB/s | warm MB/s | time vs stock (cold) "
            "| time vs stock (warm) |",
            "|---|---:|---:|---:|---:|---:|",
        ]
        for a in self.analyzers:
            lines.append(
                f"| {a.name} | {a.tokens:,} | {a.cold_mb_s:.1f} | {a.warm_mb_s:.1f} "
                f"| {a.ratio_cold:.2f}× | {a.ratio_warm:.2f}× |"
            )
        return "\n".join(lines)


def _pass(analyze: Callable[[str], Iterable[Any]], texts: list[str]) -> tuple[float, int]:
    started = time.perf_counter()
    tokens = 0
    for text in texts:
        for _ in analyze(text):
            tokens += 1
    return time.perf_counter() - started, tokens


def measure(texts: list[str], rounds: int = 2) -> AnalysisBench:
    """Cold and warm throughput of stock, stemmed, exact, and stemmed+exact analysis.

    ``stemmed + exact`` is what indexing one text field costs Naba (each text is
    indexed twice: stemmed for ranking, exact for exact-word mode and phrases).
    """
    stock, stemmed, exact = StandardAnalyzer(), stemmed_analyzer(), exact_analyzer()

    def index_mode(analyzer: Any) -> Callable[[str], Iterable[Any]]:
        return lambda text: analyzer(text, positions=True, mode="index")

    def both(text: str) -> Iterable[Any]:
        yield from stemmed(text, positions=True, mode="index")
        yield from exact(text, positions=True, mode="index")

    candidates: list[tuple[str, Callable[[str], Iterable[Any]]]] = [
        ("whoosh StandardAnalyzer (stock)", index_mode(stock)),
        ("naba stemmed", index_mode(stemmed)),
        ("naba exact", index_mode(exact)),
        ("naba stemmed + exact", both),
    ]
    megabytes = sum(len(t.encode("utf-8")) for t in texts) / 1e6
    best: dict[str, list[float]] = {name: [float("inf"), float("inf")] for name, _ in candidates}
    counts: dict[str, int] = {}
    distinct = 0
    for _ in range(max(1, rounds)):
        for name, run in candidates:  # interleaved, so a busy spell hits every analyzer
            WORD_MEMO.clear()
            cold, counts[name] = _pass(run, texts)
            warm, _ = _pass(run, texts)
            best[name][0] = min(best[name][0], cold)
            best[name][1] = min(best[name][1], warm)
            distinct = max(distinct, len(WORD_MEMO.forms))
    base_cold, base_warm = best[candidates[0][0]]
    figures = [
        AnalyzerFigures(
            name=name,
            tokens=counts[name],
            cold_mb_s=megabytes / best[name][0],
            warm_mb_s=megabytes / best[name][1],
            ratio_cold=best[name][0] / base_cold,
            ratio_warm=best[name][1] / base_warm,
        )
        for name, _ in candidates
    ]
    return AnalysisBench(len(texts), megabytes, max(1, rounds), distinct, figures)


def load_texts(paths: list[Path], limit: int | None = None) -> list[str]:
    """Title and body of each document, as the index sees them."""
    texts = []
    for doc in read_corpus(paths):
        texts.append(f"{doc.title}\n{doc.body}")
        if limit and len(texts) >= limit:
            break
    return texts
