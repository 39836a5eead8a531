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
other Naba module on purpose: ``search.analysis`` folds for *indexing*, with
its own trade-offs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_DELETED_RANGES = (
    (0x0610, 0x061A),  # honorific signs above/below
    (0x061C, 0x061C),  # Arabic letter mark
    (0x064B, 0x065F),  # harakat, tanwin, shadda, sukun, extended marks
    (0x0670, 0x0670),  # superscript alef
    (0x0640, 0x0640),  # tatweel
    (0x06D6, 0x06DC),  # Quranic annotation marks
    (0x06DF, 0x06E4),
    (0x06E7, 0x06E8),
    (0x06EA, 0x06ED),
    (0x00AD, 0x00AD),  # soft hyphen
    (0x200B, 0x200F),  # zero-width space/joiners, LRM, RLM
    (0x202A, 0x202E),  # bidi embeddings
    (0x2066, 0x2069),  # bidi isolates
    (0xFEFF, 0xFEFF),  # BOM / zero-width no-break space
)

_DELETED = frozenset(cp for lo, hi in _DELETED_RANGES for cp in range(lo, hi + 1))

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
    _MAPPED[chr(0x0660 + _i)] = str(_i)  # Arabic-Indic digits
    _MAPPED[chr(0x06F0 + _i)] = str(_i)  # Persian (extended Arabic-Indic) digits

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


_WORD_MARKS = frozenset(chr(cp) for cp in (*range(0x064B, 0x0660), 0x0670, 0x0640))
