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
The memo is bounded in bytes, not entries: a corpus of unique long "words" (a
hostile file, a base64 blob) would otherwise fill a fixed number of entries with
megabytes each. When it reaches :data:`WORD_CACHE_BYTES` it starts over; the
frequent words are back within a few documents.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass
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

#: What the word memo may hold: about 400,000 Arabic words of ordinary length.
WORD_CACHE_BYTES = 64 << 20
#: Bytes one memo entry costs beside its strings: the tuple, the dict's slot.
_ENTRY_BYTES = 120


class WordForms(NamedTuple):
    """What one surface word becomes: its exact term, its stemmed term, and
    whether the stemmed field drops it as a stop word. An empty ``exact``
    means the token has nothing searchable (a lone tatweel). A named tuple
    because one is built per distinct word of a corpus: it must be cheap."""

    exact: str
    term: str
    stopped: bool


class _WordMemo:
    """The word memo: a dict (a hit costs one lookup, as in ``lru_cache``) whose size
    in bytes is counted as it grows, emptied when over budget."""

    __slots__ = ("budget", "forms", "size")

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.forms: dict[str, WordForms] = {}
        self.size = 0

    def add(self, surface: str, forms: WordForms) -> None:
        cost = (
            sys.getsizeof(surface)
            + sys.getsizeof(forms.exact)
            + sys.getsizeof(forms.term)
            + _ENTRY_BYTES
        )
        if self.size + cost > self.budget:
            self.clear()
        if cost <= self.budget:
            self.forms[surface] = forms
            self.size += cost

    def clear(self) -> None:
        self.forms.clear()
        self.size = 0


WORD_MEMO = _WordMemo(WORD_CACHE_BYTES)
_known = WORD_MEMO.forms


def word_forms(surface: str) -> WordForms:
    """Normalise, stem and stop-check one token (memoised, see the module's docstring)."""
    try:
        return _known[surface]
    except KeyError:
        forms = _word_forms(surface)
        WORD_MEMO.add(surface, forms)
        return forms


def _word_forms(surface: str) -> WordForms:
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


def term_of(word: str) -> str:
    """The stemmed term of a text that is one word ("" otherwise): how the index keeps a
    word an editor wrote or a correction offers, to compare it with a query's."""
    tokens = list(analyze(word))
    return tokens[0].term if len(tokens) == 1 else ""
