"""The analysis pipeline: one token pattern and one memoised word → forms mapping.

Plain Python, so every engine calls the same analysis (the Whoosh engine wraps
it in Whoosh's Tokenizer/Filter chain, :mod:`search.engine.whoosh_analysis`).
The same :data:`TOKEN_PATTERN` and :func:`word_forms` feed the index's stemmed
and exact fields, :func:`analyze` (the ``python -m search analyze`` command),
the query parser and the highlighter, so index time, query time and display
can never disagree.

Why memoise: news vocabulary is Zipfian, a few thousand words make up most
tokens, so normalising and stemming each distinct word once makes analysis
cost little more than tokenizing (``python -m benchmarks analysis``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from search.arabic import DECIMAL_SEPARATORS, INVISIBLE, TOKEN_MARKS

from .normalize import fold, prepare
from .stem import light_stem
from .stopwords import is_stopword

# A word keeps its diacritics, tatweel and zero-width (non-)joiners inside
# it: Whoosh's default ``\w+`` would split كَتَبَ into letters because Arabic
# marks are not word characters. Numbers keep their decimal and thousands
# separators (1.5, ٢٫٥, 10,000).
TOKEN_PATTERN = rf"\d+(?:[.,{DECIMAL_SEPARATORS}]\d+)+|[\w{TOKEN_MARKS}{INVISIBLE}]+"

_WORD_CACHE_SIZE = 1 << 18


class WordForms(NamedTuple):
    """What one surface word becomes: its exact term, its stemmed term, and
    whether the stemmed field drops it as a stop word. An empty ``exact``
    means the token has nothing searchable (a lone tatweel). A named tuple
    because one is built per distinct word of a corpus: it must be cheap."""

    exact: str
    term: str
    stopped: bool


@lru_cache(maxsize=_WORD_CACHE_SIZE)
def word_forms(surface: str) -> WordForms:
    """Normalise, stem and stop-check one token (memoised)."""
    prepared = prepare(surface)
    if not prepared:
        return WordForms("", "", True)
    exact = fold(prepared)
    return WordForms(exact, fold(light_stem(prepared)), is_stopword(prepared))


@dataclass(frozen=True, slots=True)
class AnalyzedToken:
    """One token as ``python -m search analyze`` shows it."""

    text: str
    start: int
    end: int
    term: str
    exact: str
    stopped: bool

    def as_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "start": self.start,
            "end": self.end,
            "term": self.term,
            "exact": self.exact,
            "stopped": self.stopped,
        }


_WORDS = re.compile(TOKEN_PATTERN)
#: The words of a text, in order: every engine's tokenizer is this pattern.
find_words = _WORDS.findall


def analyze(text: str) -> Iterator[AnalyzedToken]:
    """Every token of ``text`` with its offsets and both index forms, stop words included."""
    for match in _WORDS.finditer(text):
        word = word_forms(match.group())
        if word.exact:
            yield AnalyzedToken(
                match.group(), match.start(), match.end(), word.term, word.exact, word.stopped
            )
