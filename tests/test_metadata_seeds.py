"""The five seed articles: title, date and sources as a reader of each would state them.

The seeds are read from ``../shared/seeds`` (never copied here). Variants built
from them (a line removed, furniture added) check that each answer comes from
the rule it claims, not from luck.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from search.metadata import extract_date, extract_metadata, extract_sources, extract_title

SEEDS = Path(__file__).resolve().parents[1].parent / "shared" / "seeds"
NOW = dt.date(2025, 6, 1)


def seed(number: int) -> str:
    (path,) = SEEDS.glob(f"{number:03d}_*.txt")
    return path.read_text(encoding="utf-8")


def first_line(text: str) -> str:
    return next(line for line in text.splitlines() if line.strip()).strip()


def without_lines(text: str, needle: str) -> str:
    """The text minus every line containing ``needle`` (which must occur)."""
    lines = text.splitlines()
    kept = [line for line in lines if needle not in line]
    assert len(kept) < len(lines), needle
    return "\n".join(kept)


CLOSING = "closing-parenthesis"
EXPECTED = {
    0: (dt.date(2023, 8, 16), "text:top-line", {"Reuters": CLOSING, "AP": CLOSING}),
    1: (dt.date(2023, 8, 16), "text:labelled", {"France 24": "label:نص", "AFP": "credit-line"}),
    2: (dt.date(2023, 10, 20), "text:labelled", {"AFP": "dateline"}),
    3: (None, None, {"Al Jazeera": "label:المصدر"}),
    4: (None, None, {"Reuters": "dateline"}),
}


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_seed_metadata(number: int) -> None:
    text = seed(number)
    date, date_source, rules = EXPECTED[number]
    meta = extract_metadata(text, now=NOW)
    assert meta.title == first_line(text)
    assert (meta.date, meta.date_source) == (date, date_source)
    assert meta.source_rules == rules
    assert meta.sources == list(rules)


def test_seed_dates_match_what_the_article_prints() -> None:
    matched = {n: extract_date(seed(n), now=NOW) for n in (0, 1, 2)}
    assert {n: m.matched if m else None for n, m in matched.items()} == {
        0: "16 اغسطس 2023",
        1: "16th, August 2023",
        2: "20/10/2023",
    }


def test_seed_000_date_is_refused_before_it_happened() -> None:
    assert extract_date(seed(0), now=dt.date(2023, 8, 15)) is None
    assert extract_metadata(seed(0), now=dt.date(2023, 8, 15)).date_source is None


def test_seed_001_later_story_never_lends_its_date_or_sources() -> None:
    text = seed(1)
    assert "22/1/2025" in text and "(رويترز)" in text
    # Even without the labelled line, the second story's dates stay out.
    assert extract_date(without_lines(text, "تاريخ النشر"), now=NOW) is None
    assert "Reuters" not in extract_sources(text)


def test_seed_001_quoted_agency_is_not_a_source() -> None:
    assert "نوفوستي" in seed(1)
    assert "RIA Novosti" not in extract_sources(seed(1))


def test_seed_002_caption_date_is_not_the_publication_date() -> None:
    text = without_lines(seed(2), "نشرت في")
    assert "2023" in text  # the caption's date is still there
    assert extract_date(text, now=NOW) is None


def test_seed_002_kcna_is_quoted_not_the_source() -> None:
    assert "وكالة الأنباء المركزية الكورية" in seed(2)
    assert extract_sources(seed(2)) == {"AFP": "dateline"}


def test_seed_003_caption_dates_are_photo_dates() -> None:
    assert "June 19, 2024" in seed(3)
    assert extract_date(seed(3), now=NOW) is None


def test_seed_003_photo_credits_only_when_no_attribution() -> None:
    text = seed(3)
    assert extract_sources(text) == {"Al Jazeera": "label:المصدر"}
    # Without its source label the article has only its Reuters photo credits.
    assert extract_sources(without_lines(text, "المصدر")) == {"Reuters": "photo-credit"}


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(lambda: seed(1), id="001"),
        pytest.param(lambda: without_lines(seed(3), "المصدر"), id="003-without-label"),
        pytest.param(lambda: seed(4), id="004"),
    ],
)
def test_peninsula_is_not_al_jazeera(text: Callable[[], str]) -> None:
    body = text()
    assert "شبه الجزيرة" in body
    assert "Al Jazeera" not in extract_sources(body)


def test_seed_004_yearless_event_is_no_date() -> None:
    text = seed(4)
    assert "15 أغسطس" in text
    assert extract_date(text, now=NOW) is None
    assert extract_date(text, now=dt.date(2023, 8, 20)) is None


def test_seed_004_dateline_agency_not_the_quoted_one() -> None:
    assert extract_sources(seed(4)) == {"Reuters": "dateline"}


# --- titles ---------------------------------------------------------------------------------


@pytest.mark.parametrize("number", sorted(EXPECTED))
def test_title_skips_furniture_above_the_headline(number: int) -> None:
    text = seed(number)
    furniture = "\n\nأنشرها:\n+ الخط -\nشارك: فيسبوك تويتر واتساب\nاقرأ المزيد\n16 اغسطس 2023\n"
    assert extract_title(furniture + text) == first_line(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("  عنوان الخبر  \nنص", "عنوان الخبر"),
        ("\n\n\nعنوان الخبر\nنص", "عنوان الخبر"),
        ("أنشرها:\nعنوان الخبر", "عنوان الخبر"),
        ("+ الخط -\nعنوان الخبر", "عنوان الخبر"),
        ("A+ A-\nعنوان الخبر", "عنوان الخبر"),
        ("الأربعاء 16 أغسطس 2023 - 10:30 ص\nعنوان الخبر", "عنوان الخبر"),
        ("Share | Tweet | Email\nعنوان الخبر", "عنوان الخبر"),
        ("الرئيسية > أخبار > عالم\nعنوان الخبر", "عنوان الخبر"),
        ("***\nعنوان الخبر", "عنوان الخبر"),
        ("عُنْوَانُ الخَبَرِ\nنص", "عُنْوَانُ الخَبَرِ"),
        ("حدث في 7 سبتمبر.. ذكرى تأسيس المنظمة\nنص", "حدث في 7 سبتمبر.. ذكرى تأسيس المنظمة"),
        ("أنشرها:\n+ الخط -\n", ""),
        ("", ""),
    ],
)
def test_extract_title(text: str, expected: str) -> None:
    assert extract_title(text) == expected
