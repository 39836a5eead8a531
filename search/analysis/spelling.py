"""One-edit spelling variants of an exact (normalised) term, for "did you mean".

Hamza, ة/ه and ى/ي variants never need correcting: :mod:`.normalize` folds them
to one form on both sides. What is left is a typist's slip: a letter missing,
doubled or extra, two letters swapped, or a neighbouring key. Generating those
few hundred variants and asking the index which exist is cheap, whereas walking
the whole vocabulary with an edit-distance automaton (Whoosh's ``terms_within``)
took two to three seconds per word on ANT's vocabulary.

Letters come from the folded alphabet of the word's own script: a Latin word is
not corrected with Arabic letters, nor the other way round.
"""

from __future__ import annotations

from search.arabic import BASE_LETTERS, chars

from .normalize import normalize

# What :func:`~.normalize.normalize` leaves of the Arabic letters (no أ إ آ ٱ ة ى ؤ ئ),
# derived from it so that a variant can never hold a letter no indexed term has.
ARABIC_LETTERS = "".join(sorted({normalize(letter) for letter in chars(BASE_LETTERS)}))
LATIN_LETTERS = "abcdefghijklmnopqrstuvwxyz"
DIGITS = "0123456789"
_SCRIPTS = (frozenset(ARABIC_LETTERS), frozenset(LATIN_LETTERS), frozenset(DIGITS))


def _alphabet(word: str) -> str:
    present = set(word)
    return "".join(sorted(set().union(*(script for script in _SCRIPTS if present & script))))


def one_edit_variants(word: str) -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away."""
    letters = _alphabet(word)
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    variants = {a + b[1:] for a, b in splits if b}
    variants.update(a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1)
    variants.update(a + c + b[1:] for a, b in splits if b for c in letters)
    variants.update(a + c + b for a, b in splits for c in letters)
    variants.discard(word)
    variants.discard("")
    return variants
