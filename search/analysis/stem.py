"""A light Arabic stemmer for news search.

Why light: a news reader searching العلاقات wants والعلاقات, علاقات and
علاقاتهما, but not every word of the root ع-ل-ق; root stemmers (ISRI,
Khoja) put المعلمون, الإعلام, العالم and معلومات in one bucket. This stemmer
only removes affixes a reader sees as "the same word", in the order Arabic
morphology stacks them (outermost first)::

    [proclitic + article] stem [nisba ي] [ة | dual/plural] [pronoun]

Rules, each with a minimum stem length so short words survive:

* **Proclitics with the article**: وبال فبال وكال فكال ولل فلل وال فال بال كال
  لل ال (at least two letters must remain). The article is matched on the
  hamza-preserving form (see :mod:`.normalize`), so إلغاء, ألعاب and آلية keep
  their first letters.
* **Bare proclitics**: one of و ف (three letters must remain), then one of
  ب ل ك (four must remain): وبمشاركة → مشاركة, لتحرير → تحرير. Hundreds of
  common words begin with these letters as their own (وزير, فرنسا,
  بريطانيا, لاعب, كوريا), so a word whose stem is in
  :data:`FIRST_LETTER_STEMS` keeps its first letter; that list is measured on
  a news corpus (see its data file), not typed from memory.
* **Pronoun suffixes** هما كما هم هن كم كن نا ها ه; ه is kept after ا
  (اتجاه, مياه). A ت left at the end after a pronoun is a teh marbuta written
  open (رسالته → رسالة) and is removed like ة.
* **Dual and plural** تين تان ات ون ين ان; after ات/تين/تان a stem's own
  ان/ين/ون is removed too, so حيوانات and حيوان agree.
* **Feminine ة** and **nisba ي** (الدولية → دولي → دول), except for the
  few :data:`FEMININE_NOUNS` whose ة makes another word (مكتبة / مكتب).

* **Accusative alef**, last: the alef of tanween (عاما → عام, مسؤولا →
  مسؤول, شعيبا → شعيب) and the ending وا of plural verbs (قالوا → قال).
  Names in يا keep it (تركيا is not the verb ترك, سوريا not سور).
  Measured on the retrieval test collections (``python -m evaluation``,
  ``docs/quality.md``): questions say عام where the text says عاما.

Words in :data:`PROTECTED` stop the stripping as soon as they are reached:
names and nouns whose ending only looks like a suffix and whose truncation
would collide with another word (لبنان/لبن, زيتون/زيت, ثلاثين/ثلاث, بوتين).
Reaching the protected form from an inflection still works (اللبنانيين →
لبنان).

The input is a token after :func:`.normalize.prepare`; the output still has to
go through :func:`.normalize.fold`. Latin words and numbers pass unchanged.
"""

from __future__ import annotations

import re
from pathlib import Path

from search.arabic import HAMZA_TO_YEH

from .normalize import normalize as _fold_for_lists

# The suffix loop compares forms against the lists at every step; a single
# translate is much cheaper than the full fold, and equivalent here because
# the stemmer's input has been through ``prepare`` already.
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "ء", "ئ": "ء", "ة": "ه"})


def fold(word: str) -> str:
    return word.translate(_FOLD)


_ARABIC_WORD = re.compile(f"^[{HAMZA_TO_YEH}]+$")

_ARTICLE_PREFIXES = (
    "وبال",
    "فبال",
    "وكال",
    "فكال",
    "ولل",
    "فلل",
    "وال",
    "فال",
    "بال",
    "كال",
    "لل",
    "ال",
)
_PRONOUNS = ("هما", "كما", "هم", "هن", "كم", "كن", "نا", "ها", "ه")
_NUMBER = ("تين", "تان", "ات", "ون", "ين", "ان")
_STEM_OWN_ENDINGS = ("ون", "ين", "ان")
_MIN_STEM = 3
_BARE_PROCLITICS = (("وف", 3), ("بلك", 4))


def _folded_set(words: str) -> frozenset[str]:
    return frozenset(_fold_for_lists(w) for w in words.split())


def _load_first_letter_stems() -> frozenset[str]:
    path = Path(__file__).with_name("data") / "first_letter_stems.txt"
    lines = path.read_text("utf-8").splitlines()
    return frozenset(line.strip() for line in lines if line.strip() and not line.startswith("#"))


# Stems whose first letter و ف ب ل ك is their own (وزير, فرنسا, بريطانيا,
# لاعب, كوريا): the bare proclitic rule must not take it (see the data file
# for how the list was made).
FIRST_LETTER_STEMS = _load_first_letter_stems()

# Forms where stripping must stop (compared after folding).
PROTECTED = _folded_set(
    """
    لبنان ايران يابان سودان باكستان افغانستان اذربيجان كازاخستان اوزبكستان
    طاجيكستان تركمانستان قرغيزستان كردستان يونان تايوان بلقان فلسطين بحرين
    ارجنتين فلبين برلين بكين طهران جولان عمان تهران ميلان عدن
    بوتين ماكرون اردوغان عثمان سليمان رمضان شعبان عدنان مروان عمران زيدان
    حمدان سلمان نعمان لقمان ياسين نسرين شيرين لينين ستالين جونسون نيلسون
    برلمان قانون انسان ميزان عنوان ميدان طيران سلطان بستان شيطان عدوان بركان
    زيتون ليمون تلفزيون مليون بليون تأمين كورونا
    عشرين ثلاثين اربعين خمسين ستين سبعين ثمانين تسعين
    عشرون ثلاثون اربعون خمسون ستون سبعون ثمانون تسعون اثنين اثنان
    مساهم متهم ملهم مبهم
    والدين والدان
    كرملين نيسان ألمان كانون حماية عدوى دوري
    """
)

# Feminine nouns that are another word without their ة (مكتبة library /
# مكتب office, جامعة university / جامع mosque): their ة, or the ات of their
# plural, is kept as part of the stem.
FEMININE_NOUNS = _folded_set("مكتب جامع قطر")


def _strip_suffixes(word: str) -> str:
    """Remove suffixes outermost first; stop at a protected form."""
    if fold(word) in PROTECTED:
        return word
    feminine = False

    # Pronoun.
    for suffix in _PRONOUNS if word.endswith(_PRONOUNS) else ():
        if (
            word.endswith(suffix)
            and len(word) - len(suffix) >= _MIN_STEM
            and not (suffix == "ه" and word[-2] == "ا")
        ):
            word = word[: -len(suffix)]
            if fold(word) in PROTECTED:
                return word
            # رسالته → رسالت: the ة written open before a pronoun.
            if word.endswith("ت") and not word.endswith("ات") and len(word) - 1 >= _MIN_STEM:
                word = word[:-1]
                feminine = True
            break

    # Dual and plural.
    for suffix in _NUMBER if word.endswith(_NUMBER) else ():
        if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
            word = word[: -len(suffix)]
            if fold(word) in PROTECTED:
                return word
            if suffix in ("ات", "تين", "تان"):
                feminine = True
                for own in _STEM_OWN_ENDINGS:
                    if word.endswith(own) and len(word) - len(own) >= _MIN_STEM:
                        word = word[: -len(own)]
                        break
            break

    # Feminine, then nisba.
    if word.endswith("ة") and len(word) - 1 >= _MIN_STEM:
        word = word[:-1]
        feminine = True
    if fold(word) in PROTECTED:
        return word
    if feminine and fold(word) in FEMININE_NOUNS:
        return word + "ة"
    if word.endswith("ي") and len(word) - 1 >= _MIN_STEM:
        word = word[:-1]
    return word


def _drop_accusative_alef(stem: str) -> str:
    """عاما → عام, قالوا → قال; names in يا (تركيا, سوريا) and protected words stay."""
    if not stem.endswith("ا") or stem.endswith("يا") or fold(stem) in PROTECTED:
        return stem
    if stem.endswith("وا") and len(stem) - 2 >= _MIN_STEM:
        return stem[:-2]
    if len(stem) - 1 >= _MIN_STEM:
        return stem[:-1]
    return stem


def light_stem(word: str) -> str:
    """Stem a prepared (not yet folded) token; see the module docstring for the rules."""
    if len(word) < _MIN_STEM or not _ARABIC_WORD.match(word):
        return word
    return _drop_accusative_alef(_stem(word))


def _stem(word: str) -> str:
    """Affixes in the order the module docstring gives, all but the accusative alef."""
    whole = None
    if word[0] in "وفبلك":
        # والدة is not و + ال + دة, nor بريطانيا ب + ريطانيا: a word whose
        # first letter is its own wins over every prefix rule.
        whole = _strip_suffixes(word)
        if fold(whole) in FIRST_LETTER_STEMS or fold(word) in PROTECTED:
            return whole
    if word.startswith(_ARTICLE_PREFIXES):
        for prefix in _ARTICLE_PREFIXES:
            if word.startswith(prefix) and len(word) - len(prefix) >= 2:
                return _strip_suffixes(word[len(prefix) :])
    # Bare proclitics: at most one of و/ف, then at most one of ب/ل/ك.
    for letters, min_rest in _BARE_PROCLITICS:
        if word[0] in letters and len(word) - 1 >= min_rest:
            if whole is None:
                whole = _strip_suffixes(word)
                if fold(whole) in FIRST_LETTER_STEMS or fold(word) in PROTECTED:
                    return whole
            word = word[1:]
            whole = None
    return _strip_suffixes(word)
