"""Letter folding for *matching* metadata patterns, never for display.

Raw news text spells the same word many ways: with or without tashkeel and
tatweel, with hamza on the alef or not (أغسطس/اغسطس), with Persian keheh and
yeh (کوریا), with Arabic-Indic or Persian digits. Every pattern in this package
is written once, in folded form, and run over a folded copy of the text.

Folding is one ``str.translate`` call: characters are either mapped one-to-one
or deleted. That keeps it fast and lets :class:`Folded` map a match back to
the exact original characters, so what a rule reports is what the article
says. Decisions: ``أ إ آ ٱ`` → ``ا``; ``ى ی ئ`` → ``ي``; ``ؤ`` → ``و``
(people write وكالة/رؤية both ways, and a hamza seat never distinguishes two
month or outlet names); ``ة`` → ``ه``; ``ک`` → ``ك``. This module depends on no
other Naba module on purpose (only on the leaf :mod:`search.arabic`, for what a
mark is): ``search.analysis`` folds for *indexing*, with its own trade-offs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.arabic import (
    ARABIC_INDIC_DIGITS,
    ARABIC_LETTER_MARK,
    BIDI_CONTROLS,
    BOM,
    DIRECTION_MARKS,
    EXTENDED_HARAKAT,
    HARAKAT,
    MARKS,
    PERSIAN_DIGITS,
    SUPERSCRIPT_ALEF,
    TATWEEL,
    ZERO_WIDTH,
    chars,
)

# Deleted before matching: every Arabic combining mark (harakat, honorific and
# Quranic marks, the superscript alef), tatweel, and the invisible characters
# pasted text carries (zero-width characters, direction marks and bidi controls,
# the BOM, the soft hyphen). The small Quranic waw and yeh are letters and stay.
_DELETED_CHARS = (
    chars(MARKS + TATWEEL + ARABIC_LETTER_MARK + ZERO_WIDTH + DIRECTION_MARKS + BIDI_CONTROLS + BOM)
    + "\u00ad"  # soft hyphen
)

_DELETED = frozenset(map(ord, _DELETED_CHARS))

_MAPPED: dict[str, str] = {
    "أ": "ا",
    "إ": "ا",
    "آ": "ا",
    "ٱ": "ا",
    "ٲ": "ا",
    "ٳ": "ا",
    "ى": "ي",
    "ی": "ي",
    "ې": "ي",
    "ئ": "ي",
    "ؤ": "و",
    "ک": "ك",
    "ڪ": "ك",
    "ة": "ه",
    "ۀ": "ه",
    "ە": "ه",
    "ہ": "ه",
    "\u00a0": " ",
    "\u2007": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u3000": " ",
    "\t": " ",
}
for _i in range(10):
    _MAPPED[ARABIC_INDIC_DIGITS[_i]] = str(_i)
    _MAPPED[PERSIAN_DIGITS[_i]] = str(_i)  # extended Arabic-Indic digits

_TABLE: dict[int, str | None] = {ord(k): v for k, v in _MAPPED.items()}
_TABLE.update(dict.fromkeys(_DELETED))


def fold_text(text: str) -> str:
    """Fold ``text`` for matching (see the module docstring for the choices)."""
    return text.translate(_TABLE)


def compile_folded(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """Compile a pattern written in ordinary spelling so that it matches folded text.

    Patterns stay readable (``على``، ``الرئيسية``) and cannot drift from the
    folding: a hamza or a ta marbuta in a pattern would otherwise never match.
    """
    return re.compile(fold_text(pattern), flags)


_KEY_PUNCT = re.compile(r"[.\-_'’`‐‑–—·]+")
_SPACES = re.compile(r"\s+")


def fold_key(name: str) -> str:
    """The lookup key of a name: folded, case-folded, dots and hyphens read as spaces.

    So ``أ.ف.ب`` meets ``أ ف ب``, ``Al-Jazeera`` meets ``Al Jazeera`` and
    ``العربية.نت`` meets ``العربية نت``; spaces are kept (collapsed), so that
    ``أ ب`` (AP) never meets ``آب`` (August).
    """
    key = _KEY_PUNCT.sub(" ", fold_text(name).casefold())
    return _SPACES.sub(" ", key).strip()


@dataclass(frozen=True, slots=True)
class Folded:
    """A folded copy of a text that can hand back original substrings.

    ``kept`` lists, for each folded character, its index in the original; it is
    ``None`` when nothing was deleted (the common case), so offsets coincide and
    no per-character work is done.
    """

    original: str
    text: str
    kept: tuple[int, ...] | None

    @classmethod
    def of(cls, original: str) -> Folded:
        """Fold ``original`` and remember how to map offsets back."""
        text = original.translate(_TABLE)
        if len(text) == len(original):
            return cls(original, text, None)
        kept = tuple(i for i, ch in enumerate(original) if ord(ch) not in _DELETED)
        return cls(original, text, kept)

    def original_span(self, start: int, end: int) -> str:
        """The original text behind folded offsets ``start:end``.

        Marks written right after the last matched letter (a final haraka or
        tatweel) belong to that word, so they are returned with it.
        """
        if self.kept is None:
            return self.original[start:end]
        if start >= end:
            return ""
        begin = self.kept[start]
        last = self.kept[end - 1] + 1
        while last < len(self.original) and self.original[last] in _WORD_MARKS:
            last += 1
        return self.original[begin:last]


# What :meth:`Folded.original_span` takes along after a word's last letter: the
# harakat, the superscript alef and tatweel (honorific and Quranic marks are not).
_WORD_MARKS = frozenset(chars(HARAKAT + EXTENDED_HARAKAT + SUPERSCRIPT_ALEF + TATWEEL))
