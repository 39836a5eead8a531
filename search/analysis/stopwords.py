"""Arabic stop words, from the Arabic-Stopwords package (Taha Zerrouki).

Why that list: it is maintained by the author of pyarabic and lists the
inflected forms (وفي, بأنه, فإنها …), about 13,000 of them, so a stop word
with a proclitic attached is recognised without stemming it first. A list of
a few dozen words typed by hand would miss most of them.

Entries are folded with the same :func:`~.normalize.normalize` as the text,
so a stop word written without hamza or with ى/ي swapped is still one.
Stop words are dropped from the stemmed field only: the exact field keeps
them, so a phrase like "ما بعد الحرب" still matches word for word.
"""

from __future__ import annotations

from functools import cache

from arabicstopwords import arabicstopwords

from .normalize import fold, normalize, prepare

_HAMZA_ON_ALEF = frozenset("\u0623\u0625\u0622")


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    words = arabicstopwords.stopwords_list()
    return frozenset(prepare(w) for w in words), frozenset(normalize(w) for w in words)


def stopwords() -> frozenset[str]:
    """The folded stop-word set, built once per process on first use."""
    return _lists()[1]


def is_stopword(prepared: str) -> bool:
    """Whether a prepared token (see :func:`~.normalize.prepare`) is a stop word.

    A word written with hamza on its alef is compared as written, because
    folding would make آلية ("mechanism", everywhere in news) the stop word
    إليه ("to him"). A word written without hamza cannot be told apart, so it
    is compared folded, the way a hamza-less writer meant it.
    """
    as_written, folded = _lists()
    if _HAMZA_ON_ALEF.isdisjoint(prepared):
        return fold(prepared) in folded
    return prepared in as_written
