"""The analysis pipeline: one tokenizer, one memoised word → forms mapping, two analyzers.

Built from Whoosh's Tokenizer/Filter composition so tokens keep their
positions (phrase search) and character offsets (snippets show the original
words). The same :func:`word_forms` feeds the stemmed analyzer, the exact
analyzer, :func:`analyze` (the ``python -m search analyze`` command) and the
highlighter, so index time, query time and display can never disagree.

Why memoise: news vocabulary is Zipfian, a few thousand words make up most
tokens, so normalising and stemming each distinct word once makes analysis
cost little more than tokenizing (``python -m search bench-analysis``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token

from .normalize import fold, prepare
from .stem import light_stem
from .stopwords import is_stopword

# A word keeps its diacritics, tatweel and zero-width (non-)joiners inside
# it: Whoosh's default ``\w+`` would split كَتَبَ into letters because Arabic
# marks are not word characters. Numbers keep their decimal and thousands
# separators (1.5, ٢٫٥, 10,000).
from search.arabic import DECIMAL_SEPARATORS, INVISIBLE, TOKEN_MARKS as _MARKS  # isort: skip

TOKEN_PATTERN = rf"\d+(?:[.,{DECIMAL_SEPARATORS}]\d+)+|[\w{_MARKS}{INVISIBLE}]+"

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


class ArabicFilter(Filter):
    """Replace each token's text by its exact or stemmed term.

    With ``stemmed=True`` stop words are removed (or, when the caller asks to
    keep them with ``removestops=False``, flagged ``stopped`` as Whoosh's own
    StopFilter does); positions are not renumbered, so a dropped stop word
    still counts as a gap between its neighbours.
    """

    def __init__(self, stemmed: bool = True) -> None:
        self.stemmed = stemmed

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ArabicFilter) and other.stemmed == self.stemmed

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stemmed = self.stemmed
        forms = word_forms
        for token in tokens:
            exact, term, stopped = forms(token.text)  # unpacking: the hot path
            if not exact:
                continue
            if stemmed:
                if stopped:
                    if token.removestops:
                        continue
                    token.stopped = True
                token.text = term
            else:
                token.text = exact
            yield token


def tokenizer() -> RegexTokenizer:
    return RegexTokenizer(TOKEN_PATTERN)


def stemmed_analyzer() -> Analyzer:
    """For the stemmed fields: normalised, light-stemmed, stop words removed."""
    return tokenizer() | ArabicFilter(stemmed=True)


def exact_analyzer() -> Analyzer:
    """For the exact fields (exact-word mode and phrases): normalised only, nothing dropped."""
    return tokenizer() | ArabicFilter(stemmed=False)


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


_TOKENIZER = tokenizer()


def analyze(text: str) -> Iterator[AnalyzedToken]:
    """Every token of ``text`` with its offsets and both index forms, stop words included."""
    for token in _TOKENIZER(text, chars=True, positions=True, mode="index"):
        word = word_forms(token.text)
        if word.exact:
            yield AnalyzedToken(
                token.text, token.startchar, token.endchar, word.term, word.exact, word.stopped
            )
