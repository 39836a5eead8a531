"""Naba's ranking parameters, one set for every engine: the embedded engine and the
PostgreSQL engine score with these same numbers, so they rank alike."""

from __future__ import annotations

#: The title counts this many times a body word.
TITLE_BOOST = 2.5
#: Exact-word matches add a little to the stemmed score: a document with the very word
#: the reader typed ranks above one with only a sibling form.
EXACT_BONUS = 0.3
#: BM25F's length normalisation and term-frequency saturation (Whoosh's defaults).
B = 0.75
K1 = 1.2
