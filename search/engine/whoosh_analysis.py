"""Naba's analysis as Whoosh analyzers: the adapter between plain-Python analysis and Whoosh.

:mod:`search.analysis` is plain Python that every engine calls: a token pattern
and a memoised word → (exact, stemmed, stop word) mapping. Whoosh wants a
``Tokenizer | Filter`` chain that keeps token positions (phrases) and character
offsets; this module builds that chain from the same pattern and the same
forms, so index time, query time and display cannot disagree. The analyzers are
pickled into each index's schema, which is why they live at a stable address
inside the engine.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from whoosh.analysis import Analyzer, Filter, RegexTokenizer, Token

from search.analysis import TOKEN_PATTERN, WordForms, word_forms


class FormsFilter(Filter):
    """Replace each token's text by its exact or stemmed term from a forms function.

    With ``stemmed=True`` stop words are removed (or, when the caller asks to
    keep them with ``removestops=False``, flagged ``stopped`` as Whoosh's own
    StopFilter does); positions are not renumbered, so a dropped stop word
    still counts as a gap between its neighbours. ``forms`` is Naba's
    :func:`~search.analysis.word_forms` unless another analysis is compared
    (``python -m evaluation``); it must be a module-level function (it is pickled).
    """

    def __init__(
        self, stemmed: bool = True, forms: Callable[[str], WordForms] = word_forms
    ) -> None:
        self.stemmed = stemmed
        self.forms = forms

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, FormsFilter)
            and other.stemmed == self.stemmed
            and other.forms is self.forms
        )

    def __hash__(self) -> int:
        return hash((self.stemmed, self.forms))

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        stemmed = self.stemmed
        forms = self.forms
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
    """Whoosh's tokenizer with Naba's word pattern (:data:`search.analysis.TOKEN_PATTERN`)."""
    return RegexTokenizer(TOKEN_PATTERN)


def stemmed_analyzer(forms: Callable[[str], WordForms] = word_forms) -> Analyzer:
    """For the stemmed fields: normalised, light-stemmed, stop words removed."""
    return tokenizer() | FormsFilter(stemmed=True, forms=forms)


def exact_analyzer(forms: Callable[[str], WordForms] = word_forms) -> Analyzer:
    """For the exact fields (exact-word mode and phrases): normalised only, nothing dropped."""
    return tokenizer() | FormsFilter(stemmed=False, forms=forms)
