"""Dates: every written form we support, what is refused, and which date is the article's.

The table holds date expressions as news sites write them; each must parse to
exactly the date given, or to ``None`` when the rules refuse it. ``NOW`` is
fixed so the table never changes meaning as time passes.
"""

from __future__ import annotations

import datetime as dt
import time

import pytest

from search.metadata import extract_date, extract_metadata, parse_date
from search.metadata.dates import find_dates, is_date_line

NOW = dt.date(2025, 6, 1)
D = dt.date

DATES: list[tuple[str, dt.date | None]] = [
    # Egyptian / Gulf month names, with spelling variants
    ("16 اغسطس 2023", D(2023, 8, 16)),
    ("16 أغسطس 2023", D(2023, 8, 16)),
    ("1 يناير 2020", D(2020, 1, 1)),
    ("28 فبراير 2021", D(2021, 2, 28)),
    ("3 مارس 2022", D(2022, 3, 3)),
    ("9 ابريل 2019", D(2019, 4, 9)),
    ("9 أبريل 2019", D(2019, 4, 9)),
    ("9 إبريل 2019", D(2019, 4, 9)),
    ("5 مايو 2018", D(2018, 5, 5)),
    ("12 يونيه 2017", D(2017, 6, 12)),
    ("12 يونيو 2017", D(2017, 6, 12)),
    ("4 يوليه 2016", D(2016, 7, 4)),
    ("4 يوليو 2016", D(2016, 7, 4)),
    ("30 سبتمبر 2015", D(2015, 9, 30)),
    ("31 أكتوبر 2014", D(2014, 10, 31)),
    ("31 اكتوبر 2014", D(2014, 10, 31)),
    ("11 نوفمبر 2013", D(2013, 11, 11)),
    ("25 ديسمبر 2012", D(2012, 12, 25)),
    # Levantine / Iraqi
    ("2 كانون الثاني 2024", D(2024, 1, 2)),
    ("14 شباط 2024", D(2024, 2, 14)),
    ("21 آذار 2023", D(2023, 3, 21)),
    ("7 نيسان 2023", D(2023, 4, 7)),
    ("15 أيار 2022", D(2022, 5, 15)),
    ("5 حزيران 2022", D(2022, 6, 5)),
    ("17 تموز 2021", D(2021, 7, 17)),
    ("6 آب 2021", D(2021, 8, 6)),
    ("1 أيلول 2020", D(2020, 9, 1)),
    ("19 تشرين الأول 2023", D(2023, 10, 19)),
    ("9 تشرين الثاني 2019", D(2019, 11, 9)),
    ("24 كانون الأول 2018", D(2018, 12, 24)),
    ("3 تشرين أول 2020", D(2020, 10, 3)),
    # Maghrebi (Algeria/Tunisia) and Moroccan
    ("12 جانفي 2021", D(2021, 1, 12)),
    ("8 فيفري 2022", D(2022, 2, 8)),
    ("20 أفريل 2020", D(2020, 4, 20)),
    ("1 ماي 2019", D(2019, 5, 1)),
    ("18 جوان 2023", D(2023, 6, 18)),
    ("5 جويلية 2022", D(2022, 7, 5)),
    ("15 أوت 2023", D(2023, 8, 15)),
    ("20 يوليوز 2019", D(2019, 7, 20)),
    ("14 غشت 2023", D(2023, 8, 14)),
    ("10 شتنبر 2022", D(2022, 9, 10)),
    ("6 نونبر 2021", D(2021, 11, 6)),
    ("2 دجنبر 2020", D(2020, 12, 2)),
    # Mixed forms: both names must agree
    ("19 تشرين الأول/أكتوبر 2023", D(2023, 10, 19)),
    ("7 أكتوبر/تشرين الأول 2023", D(2023, 10, 7)),
    ("18 أغسطس/ آب 2023", D(2023, 8, 18)),
    ("3 أيار (مايو) 2022", D(2022, 5, 3)),
    ("19 تشرين الأول/نوفمبر 2023", None),
    # English, ordinals, RFC 2822 (the date as written, in its own zone)
    ("16th, August 2023", D(2023, 8, 16)),
    ("August 16th, 2023", D(2023, 8, 16)),
    ("June 19, 2024", D(2024, 6, 19)),
    ("1st of March 2020", D(2020, 3, 1)),
    ("2nd Sept 2022", D(2022, 9, 2)),
    ("16 Aug. 2023", D(2023, 8, 16)),
    ("Sun, 15 Jul 2018 21:56:56 +0400", D(2018, 7, 15)),
    ("Wed, 17 Oct 2018 13:43:04 GMT", D(2018, 10, 17)),
    ("Mon, 31 Dec 2018 23:59:59 -1000", D(2018, 12, 31)),
    # Numeric: day-first, ISO, month-first only when day-first is impossible
    ("20/10/2023", D(2023, 10, 20)),
    ("22/1/2025", D(2025, 1, 22)),
    ("2025/1/22", D(2025, 1, 22)),
    ("2023-08-16", D(2023, 8, 16)),
    ("16-08-2023", D(2023, 8, 16)),
    ("16.08.2023", D(2023, 8, 16)),
    ("6/19/2024", D(2024, 6, 19)),
    ("2015-07-21 02:51:32", D(2015, 7, 21)),
    ("2023-08-16T10:00:00+03:00", D(2023, 8, 16)),
    ("16/8/23", None),
    # Arabic-Indic and Persian digits
    ("١٦ أغسطس ٢٠٢٣", D(2023, 8, 16)),
    ("٢٠/١٠/٢٠٢٣", D(2023, 10, 20)),
    ("۱۶ اوت ۲۰۲۳", D(2023, 8, 16)),
    # Hijri (Umm al-Qura, via hijridate)
    ("5 صفر 1445 هـ", D(2023, 8, 21)),
    ("1 رمضان 1444 هـ", D(2023, 3, 23)),
    ("10 ذو الحجة 1444", D(2023, 6, 28)),
    ("1 محرم 1445هـ", D(2023, 7, 19)),
    ("15 ربيع الأول 1445 هـ", D(2023, 9, 30)),
    ("3 جمادى الآخرة 1440 هـ", D(2019, 2, 8)),
    ("١٤٤٥/٢/٥ هـ", D(2023, 8, 21)),
    ("25 شوال 1436 هـ الموافق 10 اغسطس 2015 م", D(2015, 8, 10)),
    ("5 صفر 1445 هـ الموافق 22 أغسطس 2023", D(2023, 8, 22)),
    ("30 ذو القعدة 1200 هـ", None),
    ("1445/2/5", None),
    # Letters: tatweel, tashkeel, Persian letters, suffixes, weekday, filler words
    ("16 أغـسـطـس 2023", D(2023, 8, 16)),
    ("16 أَغُسْطُس 2023", D(2023, 8, 16)),
    ("2 کانون الثانی 2024", D(2024, 1, 2)),
    ("16 اغسطس 2023م", D(2023, 8, 16)),
    ("الأربعاء 16 أغسطس 2023", D(2023, 8, 16)),
    ("16 من شهر أغسطس من عام 2023", D(2023, 8, 16)),
    # Refused: impossible, yearless, out of range, not a date
    ("31/02/2023", None),
    ("32/01/2023", None),
    ("29 فبراير 2023", None),
    ("29 فبراير 2024", D(2024, 2, 29)),
    ("16 اغسطس", None),
    ("15 أغسطس", None),
    ("أغسطس 2023", None),
    ("16 اغسطس 2099", None),
    ("1 يناير 1899", None),
    ("2023", None),
    ("", None),
    ("بلا تاريخ", None),
]


@pytest.mark.parametrize(("value", "expected"), DATES)
def test_parse_date_table(value: str, expected: dt.date | None) -> None:
    assert parse_date(value, now=NOW) == expected


def test_table_is_large_and_mixed() -> None:
    assert len(DATES) >= 60
    assert sum(1 for _, d in DATES if d is None) >= 10


def test_now_bounds_the_future() -> None:
    assert parse_date("16 اغسطس 2023", now=D(2023, 8, 16)) == D(2023, 8, 16)
    assert parse_date("16 اغسطس 2023", now=D(2023, 8, 15)) is None
    text = "عنوان الخبر\n16 اغسطس 2023\nنص الخبر."
    assert extract_date(text, now=D(2023, 8, 15)) is None
    found = extract_date(text, now=D(2023, 8, 16))
    assert found is not None and found.date == D(2023, 8, 16)


def test_now_defaults_to_today() -> None:
    today = dt.date.today()
    assert parse_date(today.isoformat()) == today
    next_year = today.replace(year=today.year + 1, day=min(today.day, 28))
    assert parse_date(next_year.isoformat()) is None
    assert parse_date(f"{next_year.day}/{next_year.month}/{next_year.year}") is None


def test_hijri_conversion_agrees_with_the_gregorian_equivalent() -> None:
    # SPA prints both; the conversion must land on the printed Gregorian day.
    assert parse_date("25 شوال 1436 هـ", now=NOW) == parse_date("10 اغسطس 2015", now=NOW)


def test_find_dates_keeps_invalid_expressions_without_a_date() -> None:
    hits = find_dates("من 31/02/2023 الى 16/08/2023", NOW)
    assert [h.date for h in hits] == [None, D(2023, 8, 16)]


def test_is_date_line() -> None:
    assert is_date_line("الأربعاء 16 أغسطس 2023 - 10:30 ص")
    assert is_date_line("Tuesday, 09 June 2015 - 17:04 pm")
    assert is_date_line("16 اغسطس 2099")  # furniture even when refused as a date
    assert not is_date_line("قال الوزير في 16 أغسطس 2023 إن المحادثات مستمرة")
    assert not is_date_line("عنوان بلا تاريخ")


# --- which date is the article's ------------------------------------------------------------


def _date(text: str) -> tuple[dt.date, str] | None:
    found = extract_date(text, now=NOW)
    return (found.date, found.rule) if found else None


def test_labelled_line_beats_earlier_unlabelled_date() -> None:
    text = "عنوان\n16 اغسطس 2023\nفقرة أولى من الخبر.\nتاريخ النشر: 17/08/2023\nفقرة ثانية."
    assert _date(text) == (D(2023, 8, 17), "labelled")


def test_publication_label_beats_update_label() -> None:
    text = "عنوان\nآخر تحديث: 18/08/2023 | تاريخ النشر: 16/08/2023\nنص الخبر."
    assert _date(text) == (D(2023, 8, 16), "labelled")
    assert _date("عنوان\nآخر تحديث: 18/08/2023\nنص الخبر.") == (D(2023, 8, 18), "labelled-update")


@pytest.mark.parametrize(
    "line",
    [
        "تاريخ النشر: 16th, August 2023 GMT",
        "نشرت في: 16/08/2023",
        "نشر بتاريخ 16 أغسطس 2023",
        "نشر في 16 آب 2023 - 10:15",
        "Published: 16 August 2023",
        "الكاتب: فلان | تاريخ النشر: الأربعاء 16 أغسطس 2023",
    ],
)
def test_publication_labels(line: str) -> None:
    assert _date(f"عنوان\n{line}\nنص الخبر.") == (D(2023, 8, 16), "labelled")


def test_label_alone_with_date_on_next_line() -> None:
    assert _date("عنوان\nتاريخ النشر:\n16/08/2023\nنص الخبر.") == (D(2023, 8, 16), "labelled")


def test_label_in_the_middle_of_a_caption_is_not_a_label() -> None:
    text = "عنوان\nصورة وزعتها الوزارة بتاريخ 19 تشرين الأول/أكتوبر 2023 للقاء الوزيرين\nنص الخبر."
    assert _date(text) is None


def test_top_line_with_weekday_and_time() -> None:
    text = "عنوان\nالأربعاء 16 أغسطس 2023 - 10:30 ص\nنص الخبر."
    assert _date(text) == (D(2023, 8, 16), "top-line")


def test_written_gregorian_beats_hijri_conversion() -> None:
    text = "عنوان\n5 صفر 1445 هـ الموافق 22 أغسطس 2023\nنص الخبر."
    assert _date(text) == (D(2023, 8, 22), "top-line")


def test_dateline_date() -> None:
    text = "عنوان\nواشنطن، 16 أغسطس 2023 (رويترز) - قال مسؤول إن الاجتماع انتهى."
    assert _date(text) == (D(2023, 8, 16), "dateline")


def test_timeline_entries_are_not_datelines() -> None:
    text = (
        "أبرز المحطات\n"
        "30 يناير 2013: وقع الحدث الأول في المدينة.\n"
        "- 26 يونيو 2018: وقع الحدث الثاني قرب المطار.\n"
        "منذ تأسيسها في 16 رمضان 1395 - 1975 توسعت الهيئة."
    )
    assert _date(text) is None


def test_date_inside_a_sentence_is_not_the_article_date() -> None:
    text = "عنوان\nقال الوزير في 16 أغسطس 2023 إن المحادثات ستستمر.\nوأضاف أن الوفد سيعود."
    assert _date(text) is None


def test_english_caption_date_is_a_photo_date() -> None:
    text = (
        "عنوان\n"
        "Two leaders shake hands during a ceremony in the capital June 19, 2024. REUTERS/Staff\n"
        "نص الخبر."
    )
    assert _date(text) is None


def test_date_lines_in_the_body_are_list_headings_not_the_article_date() -> None:
    long = " ".join(["كلمة"] * 30)
    text = "\n".join(["عنوان", long, long, "14 فبراير 2018", long, long, "فقرة", "فقرة", "فقرة"])
    assert _date(text) is None


def test_footer_date() -> None:
    long = " ".join(["كلمة"] * 30)
    text = "\n".join(["عنوان", long, long, long, "الكاتب", "17/07/2018"])
    assert _date(text) == (D(2018, 7, 17), "footer")


def test_read_also_story_cannot_lend_its_date() -> None:
    long = " ".join(["كلمة"] * 30)
    text = "\n".join(["عنوان", long, long, "اقرأ أيضاً:", "عنوان قصة أخرى", long, long, "22/1/2025"])
    assert _date(text) is None
    # without the header the footer date would be read: the header is what stops it
    assert _date(text.replace("اقرأ أيضاً:\n", "")) == (D(2025, 1, 22), "footer")


def test_matched_is_the_original_text() -> None:
    found = extract_date("عنوان\n16 أَغُسْطُس 2023\nنص.", now=NOW)
    assert found is not None
    assert found.matched == "16 أَغُسْطُس 2023"
    found = extract_date("عنوان\nتاريخ النشر: ١٦ أغـسـطـس ٢٠٢٣\nنص.", now=NOW)
    assert found is not None
    assert found.matched == "١٦ أغـسـطـس ٢٠٢٣"


def test_metadata_date_source_names_the_rule() -> None:
    meta = extract_metadata("عنوان\n16 اغسطس 2023\nنص.", now=NOW)
    assert (meta.date, meta.date_source) == (D(2023, 8, 16), "text:top-line")
    meta = extract_metadata("عنوان\nنص بلا تاريخ.", now=NOW)
    assert (meta.date, meta.date_source) == (None, None)


def test_fast_enough_for_index_time() -> None:
    # A pathological regex would take seconds here; the real cost is ~1 ms.
    paragraph = "قال المسؤول إن الاجتماع عقد في 16 أغسطس 2023 في العاصمة (رويترز). " * 40
    text = "عنوان\n" + "\n".join([paragraph] * 20)
    start = time.perf_counter()
    for _ in range(10):
        extract_metadata(text, now=NOW)
    assert (time.perf_counter() - start) / 10 < 0.25
