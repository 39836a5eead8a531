"""The Arabic character classes, named once for every stage of Naba.

Every stage must agree on what an Arabic letter, a mark and a digit are: the
corpus readers (is this decoding Arabic or mojibake?), the metadata rules
(which marks to ignore when matching a month or an outlet), the analysis (what
a token holds, what the normaliser strips) and the highlighter (which original
characters a term covers). When each module wrote its own Unicode ranges, a
deliberate difference could not be told from a slip; here each class has a
name, and where stages want different sets on purpose they compose them from
these names, with the reason next to the composition.

Each constant is the body of a regular-expression character class, written
with escapes so the code points are visible: use it as ``f"[{MARKS}]"``, or
join several (``f"[{MARKS}{TATWEEL}]"``). :func:`chars` expands one into its
characters for sets and translation tables. This module imports nothing from
Naba so that any layer, even the dependency-free :mod:`search.metadata.fold`,
can use it.
"""

from __future__ import annotations

__all__ = [
    "ARABIC_BLOCK",
    "ARABIC_INDIC_DIGITS",
    "ARABIC_LETTER_MARK",
    "ARABIC_SUPPLEMENT",
    "BASE_LETTERS",
    "BIDI_CONTROLS",
    "BOM",
    "DECIMAL_SEPARATORS",
    "DIGITS",
    "DIRECTION_MARKS",
    "EXTENDED_HARAKAT",
    "HAMZA_TO_YEH",
    "HARAKAT",
    "HONORIFIC_SIGNS",
    "INVISIBLE",
    "MARKS",
    "PERSIAN_DIGITS",
    "PRESENTATION_FORMS",
    "QURANIC_MARKS",
    "QURANIC_SIGNS",
    "QURANIC_SMALL_LETTERS",
    "SCRIPT_LETTERS",
    "SUPERSCRIPT_ALEF",
    "TATWEEL",
    "TOKEN_MARKS",
    "WORD_JOINER",
    "ZERO_WIDTH",
    "chars",
]

# --- Blocks ------------------------------------------------------------------

#: The Arabic block, U+0600–U+06FF: "does this string contain Arabic at all?"
ARABIC_BLOCK = "\u0600-\u06ff"
#: Arabic Supplement, U+0750–U+077F: letters of African and Asian languages.
ARABIC_SUPPLEMENT = "\u0750-\u077f"
#: Presentation forms A (U+FB50–U+FDFF) and B (U+FE70–U+FEFE): legacy glyph codes
#: for ordinary letters, which NFKC maps back. U+FEFF closes block B but is the
#: byte-order mark, an invisible character rather than a glyph: see :data:`BOM`.
PRESENTATION_FORMS = "\ufb50-\ufdff\ufe70-\ufefe"

# --- Letters -----------------------------------------------------------------

#: The letters of Arabic proper, hamza ء to ghain غ and feh ف to yeh ي, with the
#: hamza carriers, ة and ى: a word made of these alone needs no mark stripping.
#: Tatweel (U+0640) and the five letters U+063B–U+063F added for other languages
#: sit between the two runs and are not included.
BASE_LETTERS = "\u0621-\u063a\u0641-\u064a"
#: U+0621 ء to U+064A ي in one run: :data:`BASE_LETTERS` plus tatweel and
#: U+063B–U+063F. Enough to recognise a word the normaliser has prepared (which
#: has no tatweel left), and simpler to check than the two runs.
HAMZA_TO_YEH = "\u0621-\u064a"
#: Any Arabic-script letter, for telling real Arabic text from a wrong decoding:
#: the letter runs of the Arabic block (Persian, Urdu, Kurdish letters included)
#: and the whole Arabic Supplement. Generous on purpose: tatweel and the
#: superscript alef fall inside these runs and only make a true Arabic text look
#: more Arabic; the full stop ۔ (U+06D4) and the Quranic marks are left out.
SCRIPT_LETTERS = "\u0620-\u064a\u066e-\u06d3\u06d5\u06fa-\u06ff" + ARABIC_SUPPLEMENT
#: Tatweel (kashida), the stretching stroke: typography, never spelling.
TATWEEL = "\u0640"

# --- Marks -------------------------------------------------------------------

#: Honorific signs written over a name (U+0610, the mark form of ﷺ, and its
#: kin) and the small high letters and vowels that follow them.
HONORIFIC_SIGNS = "\u0610-\u061a"
#: Tanwin, the three short vowels, shadda and sukun: pyarabic's ``TASHKEEL``.
HARAKAT = "\u064b-\u0652"
#: Maddah, hamza above and below as combining marks, and the rarer vowel signs.
EXTENDED_HARAKAT = "\u0653-\u065f"
#: The superscript (dagger) alef of Quranic spelling (هٰذا).
SUPERSCRIPT_ALEF = "\u0670"
#: The combining marks of the Quranic annotation run U+06D6–U+06ED.
QURANIC_MARKS = "\u06d6-\u06dc\u06df-\u06e4\u06e7\u06e8\u06ea-\u06ed"
#: Small high waw and yeh (U+06E5, U+06E6): written like marks, but Unicode
#: calls them letters, so ``\w`` already matches them.
QURANIC_SMALL_LETTERS = "\u06e5\u06e6"
#: End of ayah, rub el hizb and the place of sajdah: symbols, not marks.
QURANIC_SIGNS = "\u06dd\u06de\u06e9"
#: Every combining mark (category Mn) of the Arabic block: what can sit on a
#: letter without being one.
MARKS = HONORIFIC_SIGNS + HARAKAT + EXTENDED_HARAKAT + SUPERSCRIPT_ALEF + QURANIC_MARKS
#: What the tokenizer keeps inside a word besides word characters: the marks and
#: the whole Quranic annotation run around them, signs included, so that no
#: character of that run splits a word in two.
TOKEN_MARKS = MARKS + QURANIC_SMALL_LETTERS + QURANIC_SIGNS

# --- Invisible characters ----------------------------------------------------

#: Zero-width space, non-joiner and joiner: pasted text carries them inside words.
ZERO_WIDTH = "\u200b-\u200d"
#: Left-to-right and right-to-left marks.
DIRECTION_MARKS = "\u200e\u200f"
#: The word joiner (U+2060), the zero-width space's no-break twin.
WORD_JOINER = "\u2060"
#: Invisible characters found inside words: they must neither split a word nor
#: change its terms.
INVISIBLE = ZERO_WIDTH + DIRECTION_MARKS + WORD_JOINER
#: The Arabic letter mark (U+061C), a direction mark of its own.
ARABIC_LETTER_MARK = "\u061c"
#: Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069).
BIDI_CONTROLS = "\u202a-\u202e\u2066-\u2069"
#: Byte-order mark, also the zero-width no-break space (U+FEFF).
BOM = "\ufeff"

# --- Digits and number punctuation -------------------------------------------

#: Arabic-Indic digits ٠–٩, in value order (``ARABIC_INDIC_DIGITS[7]`` is ٧).
ARABIC_INDIC_DIGITS = "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669"
#: Extended Arabic-Indic (Persian, Urdu) digits ۰–۹, in value order.
PERSIAN_DIGITS = "\u06f0\u06f1\u06f2\u06f3\u06f4\u06f5\u06f6\u06f7\u06f8\u06f9"
#: Both non-ASCII digit sets.
DIGITS = ARABIC_INDIC_DIGITS + PERSIAN_DIGITS
#: The Arabic decimal separator ٫ and thousands separator ٬.
DECIMAL_SEPARATORS = "\u066b\u066c"


def chars(char_class: str) -> str:
    """The characters of a class body from this module, ranges expanded, in order.

    For translation tables and set membership, where a regular expression is
    not wanted. Only handles what this module writes: characters and ``a-b``
    ranges, no escapes or negation.
    """
    out: list[str] = []
    i = 0
    while i < len(char_class):
        if i + 2 < len(char_class) and char_class[i + 1] == "-":
            out.extend(map(chr, range(ord(char_class[i]), ord(char_class[i + 2]) + 1)))
            i += 3
        else:
            out.append(char_class[i])
            i += 1
    return "".join(out)
