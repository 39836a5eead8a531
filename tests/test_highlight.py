"""Snippets show the original words, marked, and nothing else unescaped."""

from __future__ import annotations

from search.highlight import Highlighter, highlight_all, snippet
from search.query import parse_query


def marker(query: str) -> Highlighter:
    parsed = parse_query(query)
    return Highlighter(parsed.terms, parsed.exacts, parsed.phrases)


def test_the_original_spelling_is_marked() -> None:
    text = "أكّد الرئيسُ أن العلاقاتِ الثنائيّة قوية"
    html = highlight_all(text, marker("علاقات ثنائية"))
    assert "<mark>العلاقاتِ</mark>" in html and "<mark>الثنائيّة</mark>" in html


def test_persian_letters_stay_as_written() -> None:
    assert "<mark>کوریا</mark>" in highlight_all("شمال کوریا", marker("كوريا"))


def test_phrases_mark_only_the_sequence() -> None:
    html = highlight_all("وكالة الأنباء قالت إن وكالة أخرى", marker('"وكالة الأنباء"'))
    assert html.count("<mark>") == 2


def test_escaping() -> None:
    html = highlight_all('<script>alert("كوريا")</script> كوريا', marker("كوريا"))
    assert html.startswith("&lt;script&gt;")
    assert "<mark>كوريا</mark>" in html


def test_bidi_overrides_are_removed() -> None:
    assert "\u202e" not in highlight_all("كوريا \u202eabc", marker("كوريا"))


def test_snippet_fragments_are_around_the_matches_and_cut_at_words() -> None:
    filler = " ".join(["كلام"] * 200)
    text = f"بداية {filler} وفيها كوريا ثم {filler} ثم روسيا {filler}"
    html = snippet(text, marker("كوريا روسيا"))
    assert "<mark>كوريا</mark>" in html and "<mark>روسيا</mark>" in html
    assert html.startswith("… ") and html.endswith(" …")
    assert len(html) < 600
    assert "كلا …" not in html  # never cut inside a word


def test_snippet_without_a_match_is_the_opening() -> None:
    text = "الفقرة الأولى من الخبر. " * 30
    html = snippet(text, marker("غائب"))
    assert html.startswith("الفقرة الأولى") and "<mark>" not in html
