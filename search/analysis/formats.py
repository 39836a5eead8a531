"""Posting formats that index a text's stemmed and exact fields from one analysis.

Every text is indexed twice: stemmed (``title``, ``body``; Whoosh's ``Frequency``) and
exact (``title_exact``, ``body_exact``; ``Positions``), from the very same string. Through
Whoosh's generic path each field runs the tokenizer and the :class:`~.ArabicFilter`
again, one ``Token`` object per word, although both fields need nothing but the
tokenizer's words and their :func:`~.word_forms`. These formats compute that once per
text (the writer indexes a document's fields in name order, so ``body_exact`` follows
``body`` with the same string object) and count terms and positions straight from it.

The result is what the analyzers give, posting for posting: same terms, frequencies,
weights, positions and encoded values (``tests/test_analysis_pipeline.py`` holds the two
paths equal). Anything other than a plain string indexed in ``index`` mode takes
Whoosh's generic path, and the fields' analyzers are unchanged, so query parsing and
highlighting do not depend on these classes.
"""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Iterator
from typing import Any

from whoosh.compat import dumps
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from .analyzers import WordForms, tokenizer, word_forms

# The tokenizer's own compiled pattern, so the words found here are the analyzers' words.
_FIND_WORDS = tokenizer().expression.findall

# The last text analysed and its words' forms, one per tokenizer match (its position).
_last: tuple[str, list[WordForms]] = ("", [])


def _forms(text: str) -> list[WordForms]:
    """Forms of every word of ``text``, reused while the same string object comes back."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    forms = list(map(word_forms, _FIND_WORDS(text)))
    _last = (text, forms)
    return forms


def _fast(value: Any, kwargs: dict[str, Any]) -> bool:
    """True when the generic path would call the analyzer exactly as the fast path assumes."""
    return type(value) is str and kwargs == {"mode": "index"}


class StemmedFrequency(Frequency):
    """``Frequency`` for the stemmed fields: stop words and empty words not indexed."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not _fast(value, kwargs):
            return super().word_values(value, analyzer, **kwargs)
        counts = Counter(term for exact, term, stopped in _forms(value) if exact and not stopped)
        fb = self.field_boost
        # float(freq) * fb: the generic path sums a boost of 1.0 per token, then scales.
        return ((term, freq, float(freq) * fb, pack_uint(freq)) for term, freq in counts.items())


class ExactPositions(Positions):
    """``Positions`` for the exact fields: every word, at its tokenizer position."""

    def word_values(
        self, value: Any, analyzer: Any, **kwargs: Any
    ) -> Iterator[tuple[str, int, float, bytes]]:
        if not _fast(value, kwargs):
            return super().word_values(value, analyzer, **kwargs)
        positions: dict[str, list[int]] = {}
        for pos, forms in enumerate(_forms(value)):
            exact = forms[0]
            if exact:
                found = positions.get(exact)
                if found is None:
                    positions[exact] = [pos]
                else:
                    found.append(pos)
        fb = self.field_boost
        encode = self.encode
        return (
            (exact, len(found), float(len(found)) * fb, encode(found))
            for exact, found in positions.items()
        )

    def encode(self, poslist: list[int]) -> bytes:
        # Positions.encode's bytes (count, then the pickled position deltas), with the
        # deltas computed in C.
        deltas = list(map(operator.sub, poslist, [0, *poslist[:-1]]))
        return pack_uint(len(deltas)) + dumps(deltas, 2)
