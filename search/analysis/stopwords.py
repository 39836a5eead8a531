"""Arabic stop words, from the Arabic-Stopwords package (Taha Zerrouki).

Why that list: it is maintained by the author of pyarabic and lists the
inflected forms (وفي, بأنه, فإنها …), about 13,000 of them, so a stop word
with a proclitic attached is recognised without stemming it first. A list of
a few dozen words typed by hand would miss most of them.

Naba changes the list a little (``data/stopwords_changes.txt``, each change
measured with ``python -m evaluation``): question words and auxiliaries it
misses (لماذا, ماهي, كانت, يتم) are added, and a few content words it lists
(the directions شمال جنوب شرق غرب, شهر, أول) are searchable again.

Entries are folded with the same :func:`~.normalize.normalize` as the text,
so a stop word written without hamza or with ى/ي swapped is still one.
Stop words are dropped from the stemmed field only: the exact field keeps
them, so a phrase like "ما بعد الحرب" still matches word for word.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from arabicstopwords import arabicstopwords

from .normalize import fold, normalize, prepare

_HAMZA_ON_ALEF = frozenset("\u0623\u0625\u0622")


_CHANGES = Path(__file__).with_name("data") / "stopwords_changes.txt"


def _changes() -> tuple[set[str], set[str]]:
    """(words to add, words to drop with all their forms) from the data file."""
    added: set[str] = set()
    dropped: set[str] = set()
    for line in _CHANGES.read_text("utf-8").splitlines():
        sign, _, word = line.strip().partition(" ")
        if sign == "+" and word:
            added.add(word.strip())
        elif sign == "-" and word:
            word = word.strip()
            dropped.update(arabicstopwords.stopword_forms(word) or (), (word,))
    return added, dropped


@cache
def _lists() -> tuple[frozenset[str], frozenset[str]]:
    added, dropped = _changes()
    words = (set(arabicstopwords.stopwords_list()) - dropped) | added
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
