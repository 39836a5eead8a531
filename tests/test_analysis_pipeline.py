"""The tokenizer and the two analyzers, on made-up text and on the seed articles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from whoosh.analysis import RegexTokenizer

from search.analysis import analyze, word_forms
from search.engine.whoosh_analysis import exact_analyzer, stemmed_analyzer
from tests.support import run_cli


def terms(text: str, analyzer=None) -> list[str]:
    return [t.text for t in (analyzer or stemmed_analyzer())(text)]


def test_diacritics_stay_inside_the_word() -> None:
    # Whoosh's stock \w+ tokenizer splits a diacritised word into letters.
    assert [t.text for t in RegexTokenizer()("كَتَبَ")] == ["ك", "ت", "ب"]
    tokens = list(analyze("كَتَبَ الطالبُ"))
    assert [t.text for t in tokens] == ["كَتَبَ", "الطالبُ"]
    assert [t.exact for t in tokens] == ["كتب", "الطالب"]


def test_tatweel_and_zero_width_joiners_do_not_split_a_word() -> None:
    assert [t.exact for t in analyze("العـــلاقات كو\u200cريا")] == ["العلاقات", "كوريا"]


def test_offsets_point_at_the_original_text() -> None:
    text = "قالَ (رويترز) إنّ كوریا، و2023 Putin"
    for token in analyze(text):
        assert text[token.start : token.end] == token.text
    assert [t.text for t in analyze(text)][-2:] == ["و2023", "Putin"]


def test_numbers_keep_their_separators() -> None:
    assert [t.exact for t in analyze("نما 2.5% إلى ٢٫٥ من 10,000")] == [
        "نما",
        "2.5",
        "الي",
        "2.5",
        "من",
        "10,000",
    ]


def test_latin_is_lowercased_and_kept() -> None:
    assert terms("Kim Jong Un REUTERS") == ["kim", "jong", "un", "reuters"]


def test_stop_words_are_dropped_from_the_stemmed_field_only() -> None:
    text = "في العاصمة وفي المدينة"
    assert terms(text) == ["عاصم", "مدين"]
    assert terms(text, exact_analyzer()) == ["في", "العاصمه", "وفي", "المدينه"]
    assert [t.stopped for t in analyze(text)] == [True, False, True, False]


def test_stopped_tokens_keep_their_position_gap() -> None:
    positions = [t.pos for t in stemmed_analyzer()("العاصمة في المدينة", positions=True)]
    assert positions == [0, 2]


def test_hamza_word_is_not_taken_for_a_stop_word() -> None:
    # آلية ("mechanism") folds to the same letters as إليه ("to him").
    assert not word_forms("آلية").stopped
    assert word_forms("إليه").stopped


def test_query_and_index_analysis_agree() -> None:
    analyzer = stemmed_analyzer()
    indexed = [t.text for t in analyzer("والعلاقات الكورية", mode="index")]
    queried = [t.text for t in analyzer("العلاقات كوریة", mode="query")]
    assert indexed == queried


def test_empty_and_punctuation_only_text() -> None:
    assert list(analyze("")) == []
    assert list(analyze("... !!! ،؛؟ ـــ")) == []


SEED_VARIANTS = [
    # (a spelling found in the seeds, a spelling a reader might type)
    ("كوریا", "كوريا"),  # Persian yeh in seed 001
    ("الإستراتيجية", "الاستراتيجية"),
    ("أغسطس", "اغسطس"),
    ("إنّ", "ان"),
    ("بالكوريتين", "الكوريتين"),
    ("والعلاقات", "العلاقات"),
]


@pytest.mark.parametrize(("written", "typed"), SEED_VARIANTS)
def test_seed_spelling_variants_meet(written: str, typed: str) -> None:
    assert word_forms(written).term == word_forms(typed).term


def test_every_seed_word_survives_analysis(seeds_dir: Path) -> None:
    """Each seed's Arabic words, diacritised or not, come out as clean Arabic terms."""
    arabic_letter = re.compile(r"[\u0621-\u064a]")
    for path in sorted(seeds_dir.glob("*.txt")):
        text = path.read_text("utf-8")
        tokens = list(analyze(text))
        assert tokens, path.name
        for token in tokens:
            assert text[token.start : token.end] == token.text
            assert not re.search("[\u064b-\u065f\u0670\u0640\u06cc\u06a9]", token.exact)
            if arabic_letter.search(token.text):
                assert token.term, (path.name, token.text)


def test_seed_words_with_tatweel_and_shadda(seeds_dir: Path) -> None:
    tokens = {t.text: t for path in seeds_dir.glob("*.txt") for t in analyze(path.read_text())}
    with_tatweel = [t for text, t in tokens.items() if "ـ" in text]
    with_shadda = [t for text, t in tokens.items() if "\u0651" in text]
    assert with_tatweel and with_shadda
    for token in with_tatweel + with_shadda:
        assert "ـ" not in token.exact and "\u0651" not in token.exact


def test_analyze_command_prints_one_json_object_per_token() -> None:
    result = run_cli("analyze", "في والعلاقاتُ")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert rows == [
        {"text": "في", "start": 0, "end": 2, "term": "في", "exact": "في", "stopped": True},
        {
            "text": "والعلاقاتُ",
            "start": 3,
            "end": 13,
            "term": "علاق",
            "exact": "والعلاقات",
            "stopped": False,
        },
    ]


def test_analyze_command_reads_standard_input() -> None:
    result = run_cli("analyze", "-", stdin="Hello كوریا\n".encode())
    rows = [json.loads(line) for line in result.stdout.decode().splitlines()]
    assert [(r["text"], r["exact"]) for r in rows] == [("Hello", "hello"), ("كوریا", "كوريا")]


def test_analyze_command_empty_input() -> None:
    result = run_cli("analyze", "-", stdin=b"")
    assert result.returncode == 0
    assert result.stdout == b""


def test_analyze_command_rejects_invalid_utf8_clearly() -> None:
    result = run_cli("analyze", "-", stdin=b"\xd9\x83\xff\xfe")
    assert result.returncode == 2
    assert b"not valid UTF-8" in result.stderr
