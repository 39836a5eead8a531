"""The baselines' stemmers: Snowball Arabic, light10 (Lucene-style) and ISRI.

Each takes a token after Naba's :func:`search.analysis.prepare` (tashkeel,
tatweel and letter variants removed, hamza on alef and ة still distinct) and
returns its stem; the caller folds it with :func:`search.analysis.fold`, so a
baseline differs from Naba only in the stemming step.

light10 is written here from its published description (Larkey, Ballesteros
and Connell, "Light Stemming for Arabic Information Retrieval", 2007), in the
form Lucene's ``ArabicStemmer`` implements it:

* remove at most one prefix, the first of ال، وال، بال، كال، فال، لل، و that
  the word starts with, if at least two letters remain (three for و);
* then go once through the suffixes ها، ان، ات، ون، ين، يه، ية، ه، ة، ي in
  that order, removing each one the word ends with, if at least two letters
  remain.

Its own normalisation (hamza on alef → ا, ى → ي, ة → ه, no diacritics) is
Naba's fold, which is applied before light10 here.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from search.analysis import fold

LIGHT10_PREFIXES = ("ال", "وال", "بال", "كال", "فال", "لل", "و")
LIGHT10_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ية", "ه", "ة", "ي")
# After folding (ة → ه) the suffix list must match folded words too.
_LIGHT10_SUFFIXES_FOLDED = tuple(dict.fromkeys(fold(s) for s in LIGHT10_SUFFIXES))


def light10(word: str) -> str:
    """Larkey et al.'s light10 stemmer, Lucene-style (see the module docstring)."""
    word = fold(word)
    for prefix in LIGHT10_PREFIXES:
        # و alone needs three letters left; the articles need two.
        needed = 3 if len(prefix) == 1 else 2
        if word.startswith(prefix) and len(word) - len(prefix) >= needed:
            word = word[len(prefix) :]
            break
    for suffix in _LIGHT10_SUFFIXES_FOLDED:
        if word.endswith(suffix) and len(word) - len(suffix) >= 2:
            word = word[: -len(suffix)]
    return word


@cache
def _snowball() -> Callable[[str], str]:
    import snowballstemmer

    return snowballstemmer.stemmer("arabic").stemWord


@cache
def _isri() -> Callable[[str], str]:
    # nltk's ISRI needs no downloaded data (its affix lists are in the code).
    from nltk.stem.isri import ISRIStemmer

    return ISRIStemmer().stem


def snowball(word: str) -> str:
    """The Snowball Arabic stemmer (``snowballstemmer`` package)."""
    return _snowball()(word)


def isri(word: str) -> str:
    """The ISRI root stemmer (Taghva et al. 2005) as implemented in nltk."""
    return _isri()(word)


def identity(word: str) -> str:
    """No stemming: the "normalisation only" system."""
    return word


STEMMERS: dict[str, Callable[[str], str]] = {
    "none": identity,
    "snowball": snowball,
    "light10": light10,
    "isri": isri,
}
