"""search.arabic: the one place Arabic character classes are written, and the stages using it.

The classes are only worth having in one module if every stage really takes them
from there and they mean what their names say; both are checked here.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from pathlib import Path

import pytest

from search import arabic
from search.analysis import TOKEN_PATTERN, prepare, strip_marks
from search.analysis.spelling import ARABIC_LETTERS
from search.arabic import (
    ARABIC_BLOCK,
    ARABIC_INDIC_DIGITS,
    ARABIC_LETTER_MARK,
    ARABIC_SUPPLEMENT,
    BASE_LETTERS,
    BIDI_CONTROLS,
    BOM,
    DIGITS,
    DIRECTION_MARKS,
    HAMZA_TO_YEH,
    INVISIBLE,
    MARKS,
    PERSIAN_DIGITS,
    PRESENTATION_FORMS,
    QURANIC_SIGNS,
    QURANIC_SMALL_LETTERS,
    SCRIPT_LETTERS,
    TATWEEL,
    TOKEN_MARKS,
    ZERO_WIDTH,
    chars,
)
from search.corpus.encoding import is_plausible_arabic
from search.metadata.fold import Folded, fold_text

ROOT = Path(__file__).resolve().parents[1]

#: Every code point a class of search.arabic could name (Latin-1 to general
#: punctuation, and the presentation forms up to the BOM).
_CANDIDATES = [chr(c) for c in (*range(0x80, 0x2100), *range(0xFB00, 0x10000))]

_CLASSES = {
    name: value for name, value in vars(arabic).items() if name.isupper() and isinstance(value, str)
}


def _word_with(mark: str) -> str:
    return f"ب{mark}ت"


@pytest.mark.parametrize("name", sorted(_CLASSES))
def test_each_class_is_a_regex_class_body_that_chars_expands_exactly(name: str) -> None:
    """A class must mean the same thing in a regular expression and in a translation table."""
    value = _CLASSES[name]
    pattern = re.compile(f"[{value}]")
    matched = {c for c in _CANDIDATES if pattern.fullmatch(c)}
    assert matched == set(chars(value))
    assert len(chars(value)) == len(set(chars(value)))  # no class names a character twice


def test_chars_expands_ranges_in_order() -> None:
    assert chars("\u0660-\u0663\u0670") == "٠١٢٣\u0670"
    assert chars(ARABIC_INDIC_DIGITS) == "٠١٢٣٤٥٦٧٨٩"
    assert chars(PERSIAN_DIGITS) == "۰۱۲۳۴۵۶۷۸۹"


def test_marks_are_exactly_the_combining_marks_of_the_arabic_block() -> None:
    mn = {c for c in chars(ARABIC_BLOCK) if unicodedata.category(c) == "Mn"}
    assert set(chars(MARKS)) == mn


def test_the_quranic_run_is_marks_small_letters_and_signs() -> None:
    run = set(chars("\u06d6-\u06ed"))
    assert run <= set(chars(TOKEN_MARKS))
    assert {unicodedata.category(c) for c in QURANIC_SMALL_LETTERS} == {"Lm"}
    assert {unicodedata.category(c) for c in QURANIC_SIGNS} <= {"Cf", "So"}


def test_letter_classes_nest_and_are_letters() -> None:
    base, run, script = (
        set(chars(BASE_LETTERS)),
        set(chars(HAMZA_TO_YEH)),
        set(chars(SCRIPT_LETTERS)),
    )
    assert base < run < script
    assert run - base == {TATWEEL, *chars("\u063b-\u063f")}
    assert all(unicodedata.category(c) == "Lo" for c in base)
    assert script <= set(chars(ARABIC_BLOCK + ARABIC_SUPPLEMENT))
    assert not set(chars(MARKS)) - {"\u0670"} & script  # only the superscript alef, on purpose


def test_presentation_forms_stop_before_the_bom() -> None:
    assert BOM not in chars(PRESENTATION_FORMS)
    assert unicodedata.normalize("NFKC", "\ufefb") == "لا"  # lam-alef ligature, form B
    assert "\ufefb" in chars(PRESENTATION_FORMS)


@pytest.mark.parametrize("mark", chars(MARKS + TATWEEL + INVISIBLE + BOM))
def test_the_normaliser_strips_every_mark_and_invisible_character(mark: str) -> None:
    assert strip_marks(_word_with(mark)) == "بت"
    assert prepare(_word_with(mark)) == "بت"


@pytest.mark.parametrize(
    "mark",
    chars(
        MARKS + TATWEEL + ARABIC_LETTER_MARK + ZERO_WIDTH + DIRECTION_MARKS + BIDI_CONTROLS + BOM
    ),
)
def test_metadata_folding_deletes_marks_and_invisible_characters(mark: str) -> None:
    assert fold_text(_word_with(mark)) == "بت"
    assert Folded.of(_word_with(mark)).original_span(0, 2) == _word_with(mark)


@pytest.mark.parametrize("mark", chars(TOKEN_MARKS + INVISIBLE))
def test_a_mark_or_invisible_character_never_splits_a_token(mark: str) -> None:
    assert re.findall(TOKEN_PATTERN, f"{_word_with(mark)} x") == [_word_with(mark), "x"]


def test_digits_map_to_their_values_everywhere() -> None:
    for value, digit in enumerate(DIGITS):
        assert prepare(digit) == str(value % 10)
        assert fold_text(digit) == str(value % 10)


def test_the_spelling_alphabet_is_what_normalising_leaves_of_the_letters() -> None:
    assert ARABIC_LETTERS == "ءابتثجحخدذرزسشصضطظعغفقكلمنهوي"


def test_script_letters_decide_plausible_arabic() -> None:
    assert is_plausible_arabic("کوردی و فارسی")  # Persian/Kurdish letters are Arabic script
    # French decoded as ISO-8859-6: Arabic letters glued to Latin ones.
    assert not is_plausible_arabic("l'\u0649t\u0649 dernier, le pr\u0649sident a d\u0649cid\u0649")


def test_search_arabic_imports_nothing_from_the_project() -> None:
    tree = ast.parse((ROOT / "search" / "arabic.py").read_text(encoding="utf-8"))
    imported = [
        node.module if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert imported == ["__future__"]


_ARABIC_CODE_POINTS = frozenset(
    map(ord, chars(ARABIC_BLOCK + ARABIC_SUPPLEMENT + PRESENTATION_FORMS + BOM))
)
_ESCAPE_RANGE = re.compile(r"\\u([0-9a-f]{4})\s*-\s*\\u([0-9a-f]{4})", re.I)
_HEX_NUMBER = re.compile(r"\b0x([0-9a-f]+)\b", re.I)
_LETTER_RANGE = re.compile(r"\[[^\]\n]*[\u0600-\u06ff\u0750-\u077f]-[\u0600-\u06ff\u0750-\u077f]")


def _writes_an_arabic_range(line: str) -> bool:
    """``"\\u0621-\\u064a"``, ``(0x064B, 0x065F)``/``chr(0x06F0 + d)``, or ``"[ء-ي]"``."""
    ends = [int(end, 16) for match in _ESCAPE_RANGE.finditer(line) for end in match.groups()]
    ends += [int(match[1], 16) for match in _HEX_NUMBER.finditer(line)]
    return any(cp in _ARABIC_CODE_POINTS for cp in ends) or bool(_LETTER_RANGE.search(line))


def test_no_other_module_writes_an_arabic_range() -> None:
    """Ranges of the Arabic blocks are written in search/arabic.py only.

    Single code points (the letter map in ``normalize``) are a different thing and
    allowed. ``evaluation/`` is not scanned: its baseline's regex is switched to
    :mod:`search.arabic` by the engine refactor.
    """
    offenders = []
    for folder in ("search", "web"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            if path == ROOT / "search" / "arabic.py":
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if _writes_an_arabic_range(line):
                    offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offenders, "use search.arabic instead:\n" + "\n".join(offenders)


@pytest.mark.parametrize(
    "line",
    [
        '_X = re.compile(r"[\\u0621-\\u064a]")',
        '_X = "[\\u0610-\\u061a]"',
        "    (0x064B, 0x065F),",
        "chr(0x06F0 + d)",
        '_X = re.compile("[ء-ي]+")',
        '_X = "[\\ufb50-\\ufdff]"',
    ],
)
def test_the_scan_recognises_written_ranges(line: str) -> None:
    assert _writes_an_arabic_range(line)


@pytest.mark.parametrize(
    "line",
    [
        '"\\u066b": ".",  # a single code point in a mapping table',
        '_BIDI = re.compile("[\\u202a-\\u202e\\u2066-\\u2069]")',
        "light stemmer, not every word of the root ع-ل-ق",
        "bytes(range(0xD8, 0xDC))",
    ],
)
def test_the_scan_allows_other_things(line: str) -> None:
    assert not _writes_an_arabic_range(line)
