"""The query syntax, parsed without an index."""

from __future__ import annotations

import datetime as dt

import pytest

from search.engine import Phrase, Word
from search.query import MAX_QUERY_CHARS, parse_query, required_matches


def groups(text: str) -> list[list[str]]:
    parsed = parse_query(text)
    return [
        [c.term if isinstance(c, Word) else " ".join(c.exacts) for c in g.alternatives]
        for g in parsed.query.groups
    ]


@pytest.mark.parametrize(
    ("n", "needed"),
    [(0, 0), (1, 1), (2, 2), (3, 3), (4, 3), (5, 4), (6, 5), (8, 6), (10, 8)],
)
def test_required_matches(n: int, needed: int) -> None:
    assert required_matches(n) == needed


def test_plain_words_are_analysed_like_the_index() -> None:
    assert groups("والعلاقات الكوریة") == [["علاق"], ["كور"]]


def test_stop_words_do_not_count_unless_they_are_all_there_is() -> None:
    assert groups("العلاقات في كوريا") == [["علاق"], ["كوريا"]]
    parsed = parse_query("ما بعد")
    assert [c.exact for g in parsed.query.groups for c in g.alternatives] == ["ما", "بعد"]


def test_phrases_keep_every_word_in_exact_form() -> None:
    parsed = parse_query("«وكالة الأنباء» كوريا")
    phrase = parsed.query.groups[0].alternatives[0]
    assert isinstance(phrase, Phrase) and phrase.exacts == ("وكاله", "الانباء")
    assert parsed.phrases == (("وكاله", "الانباء"),)


def test_exclusion_and_not() -> None:
    parsed = parse_query('كوريا -روسيا NOT اليابان -"كيم جونغ"')
    assert groups('كوريا -روسيا NOT اليابان -"كيم جونغ"') == [["كوريا"]]
    excluded = parsed.query.excluded
    assert [getattr(c, "exact", None) for c in excluded[:2]] == ["روسيا", "اليابان"]
    assert isinstance(excluded[2], Phrase)


def test_or_and_its_arabic_spelling_join_alternatives() -> None:
    assert groups("بوتين OR كيم لافروف") == [["بوتين", "كيم"], ["لافروف"]]
    assert groups("بوتين أو كيم") == [["بوتين", "كيم"]]
    assert groups("OR بوتين OR") == [["بوتين"]]


def test_field_filters_in_english_and_arabic() -> None:
    parsed = parse_query('كوريا source:رويترز المصدر:"فرانس 24" date:2023 التاريخ:2024-02')
    assert parsed.typed["source"] == ("Reuters", "France 24")
    assert parsed.typed["year"] == (2023,)
    assert parsed.typed["month"] == ("2024-02",)
    assert parsed.filters["sources"] == ("Reuters", "France 24")
    day = parse_query("date:2023-08-16").filters
    assert day.date_from == day.date_to == dt.date(2023, 8, 16)


def test_bad_filters_are_ignored_with_a_warning() -> None:
    parsed = parse_query("كوريا date:2023-13 source:")
    assert groups("كوريا date:2023-13 source:") == [["كوريا"]]
    assert len(parsed.warnings) == 2


def test_long_queries_are_cut_and_say_so() -> None:
    parsed = parse_query("ك" * (MAX_QUERY_CHARS + 10))
    assert parsed.warnings and len(parsed.query.groups) == 1


def test_control_characters_are_dropped() -> None:
    assert groups("كو\x00ريا \u202eروسيا") == [["كو"], ["ريا"], ["روسيا"]]
    assert groups("كو\u200cريا") == [["كوريا"]]


def test_highlight_terms() -> None:
    parsed = parse_query('والعلاقات "شبه الجزيرة" -روسيا')
    assert parsed.terms == {"علاق"}
    assert parsed.exacts == {"والعلاقات"}
    assert "روسيا" not in parsed.exacts


def test_exact_mode_keeps_stop_words_and_does_not_stem() -> None:
    parsed = parse_query("في العلاقات", mode="exact")
    assert [c.exact for g in parsed.query.groups for c in g.alternatives] == ["في", "العلاقات"]
    assert parsed.terms == frozenset()
