"""Naba's ranking parameters, one set for every engine: the embedded engine and the
PostgreSQL engine score with these same numbers, so they rank alike."""

from __future__ import annotations

import bisect

#: The title counts this many times a body word.
TITLE_BOOST = 2.5
#: Exact-word matches add a little to the stemmed score: a document with the very word
#: the reader typed ranks above one with only a sibling form.
EXACT_BONUS = 0.3
#: BM25F's length normalisation and term-frequency saturation (Whoosh's defaults).
B = 0.75
K1 = 1.2

#: Field lengths are kept as one byte per document and field, on a logarithmic scale:
#: exact for short fields, coarser for long ones. The lengths each byte stands for;
#: the embedded engine's index format (Whoosh's) uses this very scale.
LENGTHS = [round((1.033**n - 1) * 27) for n in range(256)]


def quantised(length: int) -> int:
    """``length`` as the scale keeps it: the first of :data:`LENGTHS` not below it (the
    last, for longer fields)."""
    return LENGTHS[min(bisect.bisect_left(LENGTHS, length), 255)]
