"""Each normalisation step, including the ones taken from pyarabic."""

from __future__ import annotations

import pytest
from pyarabic import araby

from search.analysis import fold, normalize, prepare


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("كَتَبَ", "كتب"),  # fatha
        ("الْعَرَبِيَّةُ", "العربيه"),  # sukun, shadda, damma
        ("كتابٌ", "كتاب"),  # tanween
        ("هٰذا", "هذا"),  # superscript alef U+0670
        ("العـــلاقات", "العلاقات"),  # tatweel
        ("كو\u200cريا", "كوريا"),  # zero-width non-joiner
        ("كو\u200dريا", "كوريا"),  # zero-width joiner
        ("أحمد", "احمد"),
        ("إسلام", "اسلام"),
        ("آلاف", "الاف"),
        ("ٱلكتاب", "الكتاب"),  # alef wasla
        ("مستشفى", "مستشفي"),  # alef maqsura
        ("مدرسة", "مدرسه"),  # teh marbuta
        ("مسؤول", "مسءول"),
        ("مسئول", "مسءول"),  # both spellings of "official" meet
        ("کوریا", "كوريا"),  # Persian keheh and farsi yeh
        ("ہے", "هي"),  # Urdu heh goal, yeh barree
        ("رحمۃ", "رحمه"),  # Urdu teh marbuta goal
        ("٢٠٢٣", "2023"),  # Arabic-Indic digits
        ("۱۴۰۲", "1402"),  # Persian digits
        ("٢٫٥", "2.5"),  # Arabic decimal separator
        ("ﻻ", "لا"),  # lam-alef ligature
        ("ﻷن", "لان"),  # lam-alef with hamza ligature keeps its hamza until folding
        ("ﺑﺴﻢ", "بسم"),  # presentation forms
        ("Reuters", "reuters"),
        ("ا\u0654حمد", "احمد"),  # decomposed hamza above
        ("ـ", ""),  # a lone tatweel has nothing to search
    ],
)
def test_normalize(raw: str, expected: str) -> None:
    assert normalize(raw) == expected


def test_prepare_keeps_what_the_stemmer_needs() -> None:
    # Hamza on alef and teh marbuta survive prepare() and go only in fold().
    assert prepare("إلغاءُ") == "إلغاء"
    assert prepare("آليّة") == "آلية"
    assert prepare("ﻷن") == "لأن"
    assert fold("إلغاء") == "الغاء"
    assert fold("آلية") == "اليه"


@pytest.mark.parametrize("word", ["مُحَمَّدٌ", "الْعَرَبِيَّةُ", "كِتَابًا", "سلامٌ"])
def test_pyarabic_strip_tashkeel_is_a_step_we_rely_on(word: str) -> None:
    stripped = araby.strip_tashkeel(word)
    assert not any("\u064b" <= ch <= "\u0652" for ch in stripped)
    assert normalize(word) == fold(stripped)


def test_pyarabic_strip_tashkeel_misses_marks_we_strip_ourselves() -> None:
    # Why normalize.py has its own extra-marks pattern.
    assert araby.strip_tashkeel("هٰذا") == "هٰذا"
    assert normalize("هٰذا") == "هذا"


def test_pyarabic_strip_tatweel() -> None:
    assert araby.strip_tatweel("العـــربية") == "العربية"


@pytest.mark.parametrize("word", ["مدرسة", "رسالة", "ةة", "كلمه"])
def test_teh_folding_matches_pyarabic(word: str) -> None:
    assert fold(word) == araby.normalize_teh(word)


def test_pyarabic_hamza_and_alef_functions_are_not_used_because_they_are_wrong_for_search() -> None:
    # normalize_hamza turns أ into ء, normalize_alef turns ى into ا: neither is
    # what a searcher typing اغسطس or مستشفي means.
    assert araby.normalize_hamza("أغسطس") != "اغسطس"
    assert normalize("أغسطس") == "اغسطس"
    assert normalize("مستشفى") == "مستشفي"
