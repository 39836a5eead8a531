"""Arabic orthographic normalisation, in two halves around the stemmer.

Writers of Arabic news disagree on hamza, final yeh, teh marbuta, diacritics,
tatweel and even on the letters themselves (text pasted from Persian keyboards
carries ک and ی). A reader searching must not have to guess which spelling the
writer chose, so index terms and query terms are folded to one form.

The folding is split in two because the stemmer needs some distinctions that
search does not:

* :func:`prepare` runs *before* stemming. It removes what never carries
  meaning for search (tashkeel, tatweel, zero-width joiners, presentation
  forms), maps Persian/Urdu letters and non-ASCII digits, folds ى → ي and
  ٱ → ا, and lower-cases Latin. It keeps أ إ آ and ة, because the stemmer
  uses them: the article ``ال`` is never written ``أل``/``إل``/``آل``, so
  keeping hamza keeps إلغاء, ألعاب and آلية from losing a false "article";
  and ة tells the feminine ending from the pronoun ه.
* :func:`fold` runs *after* stemming: أ إ آ → ا, ة → ه, and ؤ ئ → ء.

``ؤ`` and ``ئ`` both become a bare hamza ``ء`` so the two accepted spellings
of the same word meet (مسؤول / مسئول, شؤون / شئون); a hamza carried by alef
becomes a bare alef instead because that is what hamza-less typists write
(اغسطس for أغسطس).

From pyarabic we take :func:`~pyarabic.araby.strip_tashkeel` and
:func:`~pyarabic.araby.strip_tatweel` (tested in
``tests/test_analysis_normalize.py``); ة → ه is done by the same single
``str.translate`` as the hamza folding because :func:`fold` runs on every
stemming step, and a test holds it equal to pyarabic's ``normalize_teh``. Its
``normalize_hamza`` (أ → ء) and ``normalize_alef`` (ى → ا) are not what
search needs, and it knows nothing of Persian letters or digits, so those
steps are written here.
"""

from __future__ import annotations

import re
import unicodedata

from pyarabic import araby

from search.arabic import (
    ARABIC_INDIC_DIGITS,
    BASE_LETTERS,
    BOM,
    EXTENDED_HARAKAT,
    HONORIFIC_SIGNS,
    INVISIBLE,
    PERSIAN_DIGITS,
    PRESENTATION_FORMS,
    QURANIC_MARKS,
    QURANIC_SMALL_LETTERS,
    SUPERSCRIPT_ALEF,
)

# Marks pyarabic's strip_tashkeel leaves behind (it removes the harakat only):
# maddah/hamza above and below as combining marks, the rarer vowel signs, the
# superscript (dagger) alef and the Quranic annotation marks with the small
# waw and yeh written among them; the Quranic signs (end of ayah...) are kept.
# Zero-width (non-)joiners, direction marks and the BOM inside a word are
# invisible and must not split or change a term.
_EXTRA_MARKS = re.compile(
    f"[{HONORIFIC_SIGNS}{EXTENDED_HARAKAT}{SUPERSCRIPT_ALEF}{QURANIC_MARKS}{QURANIC_SMALL_LETTERS}"
    f"{INVISIBLE}{BOM}]"
)

# Presentation forms are legacy glyph codes for the same letters; NFKC maps
# them back. NFKC is applied to these characters only: on whole text it would
# also rewrite things search should keep apart (superscripts, compatibility
# digits in Latin text).
_PRESENTATION_FORM = re.compile(f"[{PRESENTATION_FORMS}]")

# A word of base Arabic letters, ASCII lower-case letters or digits only:
# nothing in it needs more than the letter map.
_PLAIN = re.compile(f"[{BASE_LETTERS}a-z0-9]+")

# Persian, Urdu and other Arabic-script letters that stand for an Arabic
# letter in pasted text.
_LETTER_MAP = str.maketrans(
    {
        "\u06a9": "\u0643",  # ک keheh → ك
        "\u06aa": "\u0643",  # ڪ swash kaf → ك
        "\u06cc": "\u064a",  # ی farsi yeh → ي
        "\u06d2": "\u064a",  # ے yeh barree → ي
        "\u0649": "\u064a",  # ى alef maqsura → ي (writers swap them freely)
        "\u06c1": "\u0647",  # ہ heh goal → ه
        "\u06be": "\u0647",  # ھ heh doachashmee → ه
        "\u06d5": "\u0647",  # ە ae → ه
        "\u06c3": "\u0629",  # ۃ teh marbuta goal → ة
        "\u0671": "\u0627",  # ٱ alef wasla → ا (Quranic article ٱل)
        "\u066b": ".",  # ٫ Arabic decimal separator
        "\u066c": ",",  # ٬ Arabic thousands separator
        **{digit: str(value) for value, digit in enumerate(ARABIC_INDIC_DIGITS)},  # ٠-٩
        **{digit: str(value) for value, digit in enumerate(PERSIAN_DIGITS)},  # ۰-۹
    }
)

_HAMZA_FOLD = str.maketrans(
    {
        "\u0623": "\u0627",  # أ → ا
        "\u0625": "\u0627",  # إ → ا
        "\u0622": "\u0627",  # آ → ا
        "\u0624": "\u0621",  # ؤ → ء
        "\u0626": "\u0621",  # ئ → ء
        "\u0629": "\u0647",  # ة → ه, as pyarabic's normalize_teh (a test holds them equal)
    }
)


def prepare(word: str) -> str:
    """Normalise a token for the stemmer (hamza on alef and ة still distinct).

    Returns an empty string for a token with nothing searchable in it (a lone
    tatweel, an underscore run, marks only).
    """
    if not word:
        return ""
    if _PLAIN.fullmatch(word):
        # Most words of a news text: base letters only, nothing to strip.
        return word.translate(_LETTER_MAP)
    if _PRESENTATION_FORM.search(word):
        word = _PRESENTATION_FORM.sub(
            lambda m: unicodedata.normalize("NFKC", m.group()).replace(" ", ""), word
        )
    # Decomposed hamza (ا + U+0654) must become أ before marks are stripped,
    # or the stripping would silently drop the hamza's letter identity.
    word = unicodedata.normalize("NFC", word)
    word = araby.strip_tashkeel(word)
    word = araby.strip_tatweel(word)
    word = _EXTRA_MARKS.sub("", word)
    word = word.translate(_LETTER_MAP).lower()
    return word.strip("_")


def strip_marks(text: str) -> str:
    """Text as written minus diacritics, tatweel and invisible marks (for display)."""
    return _EXTRA_MARKS.sub("", araby.strip_tatweel(araby.strip_tashkeel(text)))


def fold(word: str) -> str:
    """Fold what :func:`prepare` kept for the stemmer: hamza carriers and ة."""
    return word.translate(_HAMZA_FOLD)


def normalize(word: str) -> str:
    """The unstemmed ("exact") form of a token: everything folded, nothing stripped."""
    return fold(prepare(word))
