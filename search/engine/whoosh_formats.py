"""Posting formats that index a text's stemmed and exact fields from one analysis.

They belong to the engine (Whoosh posting formats and a schema field); from
:mod:`search.analysis` they take its tokenizer pattern and memoised word forms.

Every text is indexed twice: stemmed (``title``, ``body``; Whoosh's ``Frequency``) and
exact (``title_exact``, ``body_exact``; ``Positions``), from the very same string. Through
Whoosh's generic path each field runs the tokenizer and the
:class:`~.whoosh_analysis.FormsFilter` again, one ``Token`` object per word, although both
fields need nothing but the tokenizer's words and their :func:`~search.analysis.word_forms`.
These formats' ``index_items`` compute that once per text (the writer indexes a document's
fields in name order, so ``body_exact`` follows ``body`` with the same string object) and
count terms and positions straight from it, into a list of encoded postings that
:class:`SharedAnalysisText` hands the writer (Whoosh's ``Field.index`` is a generator over
a generator, two steps per posting).

The result is what the analyzers give, posting for posting: same terms, frequencies,
weights, positions and encoded values (``tests/test_engine_writing.py`` holds
``index_items`` equal to Whoosh's generic ``word_values``, which these formats keep).
Anything other than a plain string indexed with no options takes Whoosh's generic path,
and the fields' analyzers are unchanged, so query parsing and highlighting do not
depend on these classes.
"""

from __future__ import annotations

import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from typing import Any

from whoosh.compat import dumps
from whoosh.fields import TEXT
from whoosh.formats import Frequency, Positions
from whoosh.system import pack_uint

from search.analysis import WordForms, find_words, word_forms

# The analysis's own compiled pattern, so the words found here are the analyzers' words.
_FIND_WORDS = find_words

# The last text analysed and its words' forms, one per tokenizer match (its position).
_last: tuple[str, list[WordForms]] = ("", [])

# Encoded values that most postings share: a frequency (stemmed fields) and a single
# position (exact fields; most words occur once in a text). Computed once each.
_MEMO_LIMIT = 1 << 16
_frequency_bytes: dict[int, bytes] = {}
_single_position_bytes: dict[int, bytes] = {}

# (term, frequency, weight, encoded value): a posting of one document, as Whoosh's
# ``Field.index`` yields it.
IndexItem = tuple[bytes, int, float, bytes]


def _forms(text: str) -> list[WordForms]:
    """Forms of every word of ``text``, reused while the same string object comes back."""
    global _last
    last = _last
    if last[0] is text:
        return last[1]
    forms = list(map(word_forms, _FIND_WORDS(text)))
    _last = (text, forms)
    return forms


class StemmedFrequency(Frequency):
    """``Frequency`` for the stemmed fields: stop words and empty words not indexed."""

    def index_items(self, text: str) -> list[IndexItem]:
        """What ``word_values`` gives for ``text`` in index mode, terms UTF-8 encoded."""
        counts = Counter(term for exact, term, stopped in _forms(text) if exact and not stopped)
        fb = self.field_boost
        memo = _frequency_bytes
        # freq * fb: the generic path sums a boost of 1.0 per token, then scales.
        return [
            (term.encode(), freq, freq * fb, memo.get(freq) or _frequency(freq))
            for term, freq in counts.items()
        ]


class ExactPositions(Positions):
    """``Positions`` for the exact fields: every word, at its tokenizer position."""

    def index_items(self, text: str) -> list[IndexItem]:
        """What ``word_values`` gives for ``text`` in index mode, terms UTF-8 encoded."""
        positions: defaultdict[str, list[int]] = defaultdict(list)
        for pos, (exact, _, _) in enumerate(_forms(text)):
            positions[exact].append(pos)
        positions.pop("", None)  # words that normalise to nothing keep their position
        fb = self.field_boost
        encode = self.encode
        return [
            (exact.encode(), len(found), len(found) * fb, encode(found))
            for exact, found in positions.items()
        ]

    def encode(self, poslist: list[int]) -> bytes:
        # Positions.encode's bytes (count, then the pickled position deltas), with the
        # deltas computed in C.
        if len(poslist) == 1:
            position = poslist[0]
            found = _single_position_bytes.get(position)
            if found is None:
                found = pack_uint(1) + dumps(poslist, 2)
                if len(_single_position_bytes) < _MEMO_LIMIT:
                    _single_position_bytes[position] = found
            return found
        deltas = list(map(operator.sub, poslist, [0, *poslist[:-1]]))
        return pack_uint(len(deltas)) + dumps(deltas, 2)


def _frequency(freq: int) -> bytes:
    found = _frequency_bytes.get(freq)
    if found is None:
        found = pack_uint(freq)
        if len(_frequency_bytes) < _MEMO_LIMIT:
            _frequency_bytes[freq] = found
    return found


class SharedAnalysisText(TEXT):
    """A ``TEXT`` field whose format gives its postings as one list (``index_items``)."""

    def index(self, value: Any, **kwargs: Any) -> Iterable[IndexItem]:
        items = getattr(self.format, "index_items", None)
        if items is not None and type(value) is str and not kwargs:
            return items(value)
        return super().index(value, **kwargs)
