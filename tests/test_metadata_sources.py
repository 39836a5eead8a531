"""Sources: attribution positions, the false positives they must avoid, and field names.

Texts here are short sentences written for the tests; the field-name tests
stream the real corpora from ``../shared/data`` so that every ``SRC`` and
``source`` value they hold is known to map to an outlet.
"""

from __future__ import annotations

import json
import re
import tarfile
import zipfile
from pathlib import Path

import pytest

from search.metadata import (
    SOURCES,
    Outlet,
    SourceTable,
    canonical_source,
    canonical_source_or_self,
    canonical_sources,
    extract_metadata,
    extract_sources,
)

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

BODY = "وقال المسؤول إن المحادثات ستستمر الأسبوع المقبل في العاصمة."


def _sources(*lines: str) -> dict[str, str]:
    return extract_sources("\n".join(["عنوان الخبر", *lines]))


# --- attribution positions ------------------------------------------------------------------


def test_closing_parenthesis_list_on_its_own_line() -> None:
    assert _sources(BODY, BODY, "(رويترز، أسوشييتد برس)") == {
        "Reuters": "closing-parenthesis",
        "AP": "closing-parenthesis",
    }


def test_closing_parenthesis_after_the_last_sentence() -> None:
    assert _sources(BODY, BODY + " (أ ف ب)") == {"AFP": "closing-parenthesis"}
    assert _sources(BODY, BODY + " (رويترز و أ ف ب).") == {
        "Reuters": "closing-parenthesis",
        "AFP": "closing-parenthesis",
    }


def test_closing_parenthesis_is_found_before_trailing_furniture() -> None:
    assert _sources(BODY, "(رويترز)", "كلمات دلالية: سياسة اقتصاد", "شارك") == {
        "Reuters": "closing-parenthesis"
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("جاكرتا (رويترز) - " + BODY, {"Reuters": "dateline"}),
        ("بيونغ يانغ (أ ف ب) – " + BODY, {"AFP": "dateline"}),
        ("دبي، الإمارات العربية المتحدة (CNN) – " + BODY, {"CNN": "dateline"}),
        ("(CNN)-- " + BODY, {"CNN": "dateline"}),
        ("القاهرة في 16 أغسطس 2023 /أ ش أ/ - " + BODY, {"MENA": "dateline"}),
        ("بريدة 25 شوال 1436 هـ الموافق 10 اغسطس 2015 م واس", {"SPA": "dateline"}),
        ("الرياض (واس) - " + BODY, {"SPA": "dateline"}),
        ("LONDON (Reuters) - " + BODY, {"Reuters": "dateline"}),
    ],
)
def test_datelines(line: str, expected: dict[str, str]) -> None:
    assert _sources(line, BODY) == expected


def test_labels_and_weak_names() -> None:
    assert _sources(BODY, "المصدر : الجزيرة + وكالات") == {"Al Jazeera": "label:المصدر"}
    assert _sources(BODY, "المصدر: العربية") == {"Al Arabiya": "label:المصدر"}
    assert _sources(BODY, "المصدر: الرياض") == {"Al Riyadh": "label:المصدر"}
    assert _sources(BODY, "المصادر: رويترز، وكالة الأنباء السعودية وصحيفة الوطن") == {
        "Reuters": "label:المصدر",
        "SPA": "label:المصدر",
        "Al-Watan": "label:المصدر",
    }
    assert _sources("نص: فرانس24 تابع إعلان", BODY) == {"France 24": "label:نص"}
    assert _sources(BODY, "Source: Reuters") == {"Reuters": "label:Source"}
    assert _sources(BODY, "المصدر: وكالات") == {}


def test_credit_line() -> None:
    assert _sources(BODY, "فرانس 24/ أ ف ب/ رويترز") == {
        "France 24": "credit-line",
        "AFP": "credit-line",
        "Reuters": "credit-line",
    }


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("أبوظبي - سكاي نيوز عربية", {"Sky News Arabia": "byline"}),
        ("دبي - العربية.نت", {"Al Arabiya": "byline"}),
        ("الرياض - واس", {"SPA": "byline"}),
        ("واس (جدة)", {"SPA": "byline"}),
        ("مراسل الصحيفة- سبق- جدة: " + BODY, {"Sabq": "byline"}),
    ],
)
def test_bylines(line: str, expected: dict[str, str]) -> None:
    assert _sources(line, BODY, BODY) == expected


def test_rules_are_ordered_strongest_first() -> None:
    found = _sources("جاكرتا (رويترز) - " + BODY, BODY, "المصدر: الجزيرة")
    assert list(found) == ["Al Jazeera", "Reuters"]
    assert found == {"Al Jazeera": "label:المصدر", "Reuters": "dateline"}


# --- photo credits: a fallback only ---------------------------------------------------------

CAPTION = "الرئيس يصافح ضيفه في قاعة الاستقبال (رويترز)"
WIRE_CAPTION = "Two leaders meet in the capital June 19, 2024. Pool via REUTERS"


def test_photo_credit_counts_when_nothing_else_names_a_source() -> None:
    assert _sources(CAPTION, BODY, BODY) == {"Reuters": "photo-credit"}
    assert _sources(WIRE_CAPTION, BODY, BODY) == {"Reuters": "photo-credit"}
    assert _sources("© AFP", BODY, BODY) == {"AFP": "photo-credit"}


def test_photo_credit_does_not_count_beside_an_attribution() -> None:
    assert _sources(CAPTION, WIRE_CAPTION, BODY, "المصدر: الجزيرة") == {
        "Al Jazeera": "label:المصدر"
    }


def test_photo_agencies_are_never_sources() -> None:
    assert _sources("الرئيس في قاعة الاستقبال (Getty)", BODY, BODY) == {}


def test_reported_speech_is_not_a_photo_credit() -> None:
    line = "واستمرت المحادثات ساعتين، حسبما أوردت وكالة الأنباء السعودية (واس)"
    assert _sources(line, BODY) == {}
    assert _sources(BODY, "واستمرت المحادثات ساعتين، وفق ما نقلت وكالة الأنباء (واس).") == {}


# --- false positives ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "lines",
    [
        # "العربية" as an adjective, even alone on a line or in parentheses at the end
        ("وتعهدت الدول العربية بدعم الاتفاق.", "الدول العربية"),
        ("العربية",),
        (BODY, "وشارك في الاجتماع وزراء الخارجية (العربية)"),
        # "الجزيرة" as the peninsula
        ("وناقش الطرفان الأمن في شبه الجزيرة الكورية.", "شبه الجزيرة الكورية"),
        (BODY, "وأكد دعمه للاستقرار. (شبه الجزيرة الكورية)"),
        # an agency quoted in the body is not the article's source
        ("قالت وكالة الأنباء المركزية الكورية إن الزعيم استقبل الوفد.", BODY),
        ("ونقلت وكالة ريا نوفوستي عن الوزير قوله إن التعاون سيستمر.", BODY),
        # "آب" (August) is not "أ ب" (AP)
        (BODY, "وسيعقد الاجتماع في 18 أغسطس (آب)"),
        # a reporter and a city in a dateline are not outlets
        ("منصور الشهري (الرياض) - " + BODY, BODY),
        # a long caption ending in a credit is not a byline
        ("وزيرا الخارجية يعقدان مؤتمرا صحفيا مشتركا بعد لقائهما (رويترز).", BODY),
    ],
)
def test_false_positives(lines: tuple[str, ...]) -> None:
    assert _sources(*lines) == {}


def test_quoted_agency_beside_the_real_source() -> None:
    found = _sources(
        "بيونغ يانغ (أ ف ب) – ذكرت وكالة الأنباء المركزية الكورية أن الزعيم استقبل الوزير.",
        "وأفادت وكالة الأنباء المركزية الكورية بأن الزيارة استمرت يومين.",
    )
    assert found == {"AFP": "dateline"}


def test_read_also_story_cannot_lend_its_sources() -> None:
    story = [BODY, BODY, "اقرأ أيضاً:", "عنوان قصة أخرى", CAPTION, BODY, "(رويترز)"]
    assert _sources(*story) == {}


def test_inline_read_also_teaser_does_not_end_the_article() -> None:
    assert _sources(BODY, "اقرأ أيضا: عنوان خبر آخر", BODY, "(رويترز)") == {
        "Reuters": "closing-parenthesis"
    }


def test_letters_do_not_decide() -> None:
    assert _sources(BODY, "(رُويتَرز)") == {"Reuters": "closing-parenthesis"}
    assert _sources(BODY, "(رويـتـرز)") == {"Reuters": "closing-parenthesis"}
    assert _sources(BODY, "المصدر: الجزیرة") == {"Al Jazeera": "label:المصدر"}
    assert _sources(BODY, "(أ.ف.ب)") == {"AFP": "closing-parenthesis"}
    assert _sources(BODY, "(ا ف ب)") == {"AFP": "closing-parenthesis"}


def test_metadata_sources_and_rules_agree() -> None:
    meta = extract_metadata("عنوان\n" + BODY + "\n(رويترز، أسوشييتد برس)")
    assert meta.sources == ["Reuters", "AP"]
    assert meta.source_rules == {"Reuters": "closing-parenthesis", "AP": "closing-parenthesis"}


# --- field names ----------------------------------------------------------------------------

ANT_SOURCES = {
    "alarabia": "Al Arabiya",
    "BBC": "BBC",
    "CNN": "CNN",
    "france24": "France 24",
    "skynews": "Sky News Arabia",
}
SAUDINEWSNET_SOURCES = {
    "3alyoum": "Ain Alyoum",
    "aawsat": "Asharq Al-Awsat",
    "aleqtisadiya": "Al Eqtisadiah",
    "aljazirah": "Al-Jazirah",
    "almadina": "Al-Madina",
    "alriyadh": "Al Riyadh",
    "alwatan": "Al-Watan",
    "alweeam": "Al-Weeam",
    "alyaum": "Al-Yaum",
    "arreyadi": "Arriyadi",
    "arriyadiyah": "Arriyadiyah",
    "okaz": "Okaz",
    "sabq": "Sabq",
    "was": "SPA",
}


def test_every_ant_src_value_maps_to_an_outlet() -> None:
    seen: set[str] = set()
    src = re.compile(rb"<SRC>(.*?)</SRC>", re.S)
    with tarfile.open(DATA / "ant-v2.1.tar.gz", "r|gz") as archive:
        for member in archive:
            if not (member.isfile() and member.name.endswith(".txt")):
                continue
            stream = archive.extractfile(member)
            assert stream is not None
            match = src.search(stream.read(4096))
            if match:
                seen.add(match.group(1).decode().strip())
    assert seen == set(ANT_SOURCES)
    assert {value: canonical_source(value) for value in seen} == ANT_SOURCES


def test_every_saudinewsnet_source_value_maps_to_an_outlet() -> None:
    seen: set[str] = set()
    for path in sorted((DATA / "saudinewsnet").glob("*.zip")):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if name.endswith(".json"):
                    seen.update(r["source"] for r in json.loads(archive.read(name)))
    assert seen == set(SAUDINEWSNET_SOURCES)
    assert {value: canonical_source(value) for value in seen} == SAUDINEWSNET_SOURCES


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Reuters", "Reuters"),
        ("رُويتَرز", "Reuters"),
        ("أ.ف.ب", "AFP"),
        ("فرانس برس", "AFP"),
        ("France24", "France 24"),
        ("فرانس ٢٤", "France 24"),
        ("Al-Jazeera", "Al Jazeera"),
        ("الجزيرة", "Al Jazeera"),
        ("العربية", "Al Arabiya"),
        ("alarabiya", "Al Arabiya"),
        ("arreyadiyah", "Arriyadiyah"),
        ("بي بي سي", "BBC"),
        ("سي إن إن", "CNN"),
        ("KCNA", "KCNA"),
        ("ريا نوفوستي", "RIA Novosti"),
        ("إنترفاكس", "Interfax"),
        ("سبوتنيك", "Sputnik"),
        ("الأناضول", "Anadolu"),
        ("واس", "SPA"),
        ("وام", "WAM"),
        ("قنا", "QNA"),
        ("أ ش أ", "MENA"),
        ("الشرق الأوسط", "Asharq Al-Awsat"),
        ("أسوشييتد برس", "AP"),
        ("أ ب", "AP"),
        ("آب", None),
        ("Daily Planet", None),
        ("", None),
        ("وكالات", None),
    ],
)
def test_canonical_source(name: str, expected: str | None) -> None:
    assert canonical_source(name) == expected


def test_canonical_names_map_to_themselves() -> None:
    for name in SOURCES.names:
        assert canonical_source(name) == name


def test_canonical_source_or_self() -> None:
    assert canonical_source_or_self("  Daily Planet ") == "Daily Planet"
    assert canonical_source_or_self("skynews") == "Sky News Arabia"


def test_source_table_refuses_a_spelling_given_to_two_outlets() -> None:
    with pytest.raises(ValueError, match="both"):
        SourceTable((Outlet("One", ("اسم",)), Outlet("Two", ("إسم",))))


def test_custom_table() -> None:
    table = SourceTable((Outlet("Daily Planet", ("ديلي بلانيت",)),))
    text = "عنوان\n" + BODY + "\n(ديلي بلانيت)"
    assert extract_sources(text, table=table) == {"Daily Planet": "closing-parenthesis"}
    assert extract_sources(text) == {}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Reuters / AFP", ["Reuters", "AFP"]),
        ("رويترز، أ ف ب", ["Reuters", "AFP"]),
        ("BBC News عربي", ["BBC"]),
        ("alarabia", ["Al Arabiya"]),
        ("Unknown Gazette / Other Daily", ["Unknown Gazette / Other Daily"]),
        ("  ", []),
    ],
)
def test_a_source_field_may_name_several_outlets(value: str, expected: list[str]) -> None:
    assert canonical_sources(value) == expected
