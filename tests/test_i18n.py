"""The English interface (issue 19, point 8): Flask-Babel catalogues, CLDR plurals and
dates, the language kept in the URL, Arabic the default; every page type in both
languages, through the real app on the demo index."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from search.arabic import ARABIC_BLOCK
from search.searching import BOX_FACETS, QUICK_RANGES
from tests.browser.support import results_phrase
from tests.support import ROOT
from web import i18n
from web.formatting import count_noun, hijri_date, long_date, month_label

ARABIC = re.compile(f"[{ARABIC_BLOCK}]")
CATALOGUES = ROOT / "web" / "translations"


def catalogue(language: str):
    with (CATALOGUES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def extracted() -> dict[str | tuple[str, ...], None]:
    """Every message the code marks, extracted as ``make translations`` does."""
    method_map = [
        ("web/**.py", "python"),
        ("web/templates/**.html", "jinja2"),
        ("web/templates/**.xml", "jinja2"),
    ]
    options = {"web/templates/**": {"trimmed": "true"}}
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}
    found: dict[str | tuple[str, ...], None] = {}
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options, keywords=keywords
    ):
        found[message] = None
    return found


def fields(text: str) -> list[str]:
    """The placeholders and tags a translation must keep: ``%(q)s``, ``{value}``, ``<bdi>``."""
    return sorted(re.findall(r"%\(\w+\)s|\{\w+\}|</?\w+[^>]*>", text))


# --- the catalogues -------------------------------------------------------------------


def test_every_message_has_its_english_and_no_stale_one_is_kept() -> None:
    english = {m.id: m.string for m in catalogue("en") if m.id}
    marked = extracted()
    assert len(marked) > 150
    missing = [m for m in marked if not english.get(m)]
    assert not missing, f"no English for {missing}: run `make translations`, translate them"
    stale = [m for m in english if m not in marked]
    assert not stale, f"no longer in the code: {stale}"


def test_translations_keep_every_placeholder_and_tag() -> None:
    for message in catalogue("en"):
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for string in strings:
            assert fields(string) == fields(ids[0]), (message.id, string)


def test_arabic_has_all_six_plural_forms_of_each_counted_noun() -> None:
    arabic = catalogue("ar")
    assert arabic.num_plurals == 6
    plurals = [m for m in extracted() if isinstance(m, tuple)]
    assert len(plurals) == 4
    for message in plurals:
        forms = arabic[message[0]].string
        assert len(forms) == 6 and all(forms), message


def test_the_search_layer_s_words_are_in_the_catalogue() -> None:
    words = {p.label for p in BOX_FACETS} | {p.empty for p in BOX_FACETS if p.empty}
    words |= {label for label, _ in QUICK_RANGES}
    assert words <= set(i18n.SEARCH_LAYER_WORDS)


def test_catalogues_are_compiled_once_per_content(tmp_path: Path) -> None:
    source = tmp_path / "translations"
    shutil.copytree(CATALOGUES, source)
    first = i18n.compiled_catalogues(source)
    assert (first / "en" / "LC_MESSAGES" / "messages.mo").stat().st_size > 1000
    assert i18n.compiled_catalogues(source) == first
    po = source / "en" / "LC_MESSAGES" / "messages.po"
    po.write_text(po.read_text("utf-8").replace('"Apply"', '"Use"'), "utf-8")
    second = i18n.compiled_catalogues(source)
    assert second != first and (second / "en" / "LC_MESSAGES" / "messages.mo").is_file()


# --- CLDR plurals and dates ---------------------------------------------------------


def say(language: str, function, *args):
    app = Flask("say")
    i18n.init_app(app)
    with app.test_request_context(f"/?lang={language}"):
        return function(*args)


@pytest.mark.parametrize(
    ("number", "arabic", "english"),
    [
        (0, "لا نتائج", "0 results"),
        (1, "نتيجة واحدة", "1 result"),
        (2, "نتيجتان", "2 results"),
        (7, "7 نتائج", "7 results"),
        (23, "23 نتيجة", "23 results"),
        (100, "100 نتيجة", "100 results"),
        (103, "103 نتائج", "103 results"),
    ],
)
def test_counted_nouns_follow_cldr_plurals(number: int, arabic: str, english: str) -> None:
    assert say("ar", count_noun, number, "result") == arabic
    assert say("en", count_noun, number, "result") == english
    assert say("ar", count_noun, 15, "article") == "15 مقالًا"


def test_dates_are_said_in_the_interface_language() -> None:
    assert say("ar", long_date, "2023-08-16") == "16 أغسطس 2023"
    assert say("en", long_date, "2023-08-16") == "16 August 2023"
    assert say("en", month_label, "2023-08") == "August 2023"
    assert say("ar", month_label, "2023-08") == "أغسطس 2023"
    assert say("en", hijri_date, "2023-08-16") == "29 Muharram 1445 AH"
    assert say("ar", hijri_date, "2023-08-16") == "29 محرم 1445 هـ"


# --- every page type in both languages ----------------------------------------------

DROUGHT = quote("الجفاف")
PAGES = {
    "welcome": "/",
    "results": f"/search?q={DROUGHT}",
    "filtered": f"/search?q={DROUGHT}&source=Reuters&year=2023&mode=exact&from=2023-01-01",
    "empty": "/search?q=" + quote("كلمةلاوجودلها"),
    "bad-parameter": "/search?q=x&month=2023-13",
    "notices": "/search?q=" + quote("الجفاف date:2023-99 المصدر:foo"),
    "page-two": "/search?page=2",
    "timeline-hijri": f"/search?q={DROUGHT}&calendar=hijri",
    "timeline-days-hijri": f"/search?q={DROUGHT}&month=2023-08&calendar=hijri",
    "timeline-weeks": f"/search?q={DROUGHT}&year=2023",
    "timeline-undated": "/search?q=" + quote("الخط") + "&interval=year",
    "timeline-bad-interval": "/search?q=x&interval=hour",
    "article": f"/doc/articles/2023-water-drought-04.txt?q={DROUGHT}",
    "saved-page": "/doc/pages/2024-water-pipeline-01.html",
    "help": "/help",
    "embed": f"/embed?q={DROUGHT}&source=Reuters",
    "embed-error": f"/embed?q={DROUGHT}&mode=nonsense",
    "not-found": "/doc/no-such-article",
}
#: Elements whose words are the archive's or the reader's, not the interface's.
_CONTENT = ("bdi", "code", "kbd", "script", "style", "datalist", "title")


def in_english(url: str) -> str:
    return url + ("&" if "?" in url else "?") + "lang=en"


def interface_text(page: str) -> list[str]:
    """The page's own words: text and labels outside the article's words (``lang="ar"``),
    the reader's values (``<bdi>``) and hidden marks (``aria-hidden``)."""
    tree = lxml_html.fromstring(page)
    words = []
    for element in tree.iter():
        if not isinstance(element.tag, str):
            continue
        if any(is_content(e) or e.get("aria-hidden") for e in [element, *ancestors(element)]):
            continue
        words += [element.text or ""] + [
            value
            for name, value in element.attrib.items()
            if name in ("aria-label", "placeholder", "title", "alt", "content")
        ]
        if element.tail and not any(is_content(e) for e in ancestors(element)):
            words.append(element.tail)
    # «…» quotes the reader's words (the query in a feed's title) and the archive's.
    return [re.sub(r"«[^»]*»", "«»", w).strip() for w in words if w.strip()]


def ancestors(element):
    """An element's ancestors below ``<html>`` (whose ``lang`` is the interface's)."""
    return [e for e in element.iterancestors() if e.tag != "html"]


def is_content(element) -> bool:
    return element.tag in _CONTENT or (element.tag != "html" and element.get("lang") == "ar")


#: Arabic the English catalogue quotes on purpose («(أ ف ب)» (AFP)), with its meaning.
QUOTED = {
    word
    for message in catalogue("en")
    if message.id and isinstance(message.string, str)
    for word in re.findall(f"[{ARABIC_BLOCK}]+", message.string)
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_speaks_english_when_asked(client: FlaskClient, name: str) -> None:
    response = client.get(in_english(PAGES[name]), follow_redirects=True)
    assert response.status_code in (200, 400, 404), response.status_code
    page = response.get_data(as_text=True)
    assert re.search(r'<html lang="en" dir="ltr"', page)
    arabic = [
        text
        for text in interface_text(page)
        if any(word not in QUOTED for word in re.findall(f"[{ARABIC_BLOCK}]+", text))
    ]
    assert not arabic, arabic


@pytest.mark.parametrize("name", sorted(PAGES))
def test_every_page_speaks_arabic_by_default(client: FlaskClient, name: str) -> None:
    response = client.get(PAGES[name], follow_redirects=True)
    page = response.get_data(as_text=True)
    assert re.search(r'<html lang="ar" dir="rtl"', page)
    english = [m.string for m in catalogue("en") if isinstance(m.string, str)]
    shown = "\n".join(interface_text(page))
    leaked = [s for s in english if len(s) > 12 and s in shown]
    assert not leaked, leaked
    assert ARABIC.search(shown)


def test_the_english_results_page_reads_in_english(client: FlaskClient) -> None:
    page = client.get(f"/search?q={DROUGHT}&lang=en&from=2023-01-01").get_data(as_text=True)
    assert results_phrase({"q": "الجفاف", "from": "2023-01-01"}, "en") in page
    assert re.search(r"\d+ results for «<bdi>الجفاف</bdi>»", page)
    assert "From 1 January 2023" in page  # the date chip, CLDR's English month
    assert ">Reuters</bdi>" in page  # a source by its own name, not رويترز
    assert 'lang="ar" dir="rtl"><a href="/doc/' in page  # the titles are the article's words
    bad = client.get("/search?q=x&month=2023-13&lang=en").get_data(as_text=True)
    assert "a month is written like 2023-08, not" in bad
    missing = client.get("/doc/no-such-article?lang=en").get_data(as_text=True)
    assert "Page not found" in missing


def test_the_language_stays_in_every_link_and_form(client: FlaskClient) -> None:
    page = client.get(f"/search?q={DROUGHT}&lang=en").get_data(as_text=True)
    tree = lxml_html.fromstring(page)
    links = [a.get("href") for a in tree.iter("a") if a.get("href", "").startswith("/")]
    own = [href for href in links if not href.startswith(("/api/", "/static/"))]
    assert len(own) > 20
    for href in own:
        query = parse_qs(urlsplit(href).query)
        if href == switch_href(tree):  # the way back to Arabic, the default
            assert "lang" not in query
        else:
            assert query.get("lang") == ["en"], href
    for form in tree.iter("form"):
        assert form.xpath('.//input[@name="lang"][@value="en"]'), form.get("action")
    # hx-post URLs carry it too: an htmx search stays English.
    assert all("lang=en" in url for url in tree.xpath("//@hx-post"))


def switch_href(tree) -> str:
    (link,) = tree.xpath("//a[@data-language-switch]")
    return str(link.get("href"))


def test_the_switch_leads_to_this_page_in_the_other_language(client: FlaskClient) -> None:
    url = f"/search?q={DROUGHT}&source=Reuters&page=1"
    arabic = lxml_html.fromstring(client.get(url).get_data(as_text=True))
    to_english = urlsplit(switch_href(arabic))
    assert to_english.path == "/search"
    assert parse_qs(to_english.query) == {
        "q": ["الجفاف"],
        "source": ["Reuters"],
        "page": ["1"],
        "lang": ["en"],
    }
    english = lxml_html.fromstring(client.get(switch_href(arabic)).get_data(as_text=True))
    assert parse_qs(urlsplit(switch_href(english)).query) == {
        "q": ["الجفاف"],
        "source": ["Reuters"],
        "page": ["1"],
    }
    assert [a.text for a in english.xpath("//a[@data-language-switch]")] == ["العربية"]
    assert [a.text for a in arabic.xpath("//a[@data-language-switch]")] == ["English"]


def test_an_unknown_language_is_the_default_one(client: FlaskClient) -> None:
    response = client.get(f"/search?q={DROUGHT}&lang=fr")
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl"' in response.get_data(as_text=True)


def test_english_dates_typed_in_the_boxes_are_taken(client: FlaskClient) -> None:
    response = client.get(
        "/search", query_string={"q": "الجفاف", "from": "16 August 2023", "lang": "en"}
    )
    assert response.status_code == 303
    assert parse_qs(urlsplit(response.headers["Location"]).query) == {
        "q": ["الجفاف"],
        "from": ["2023-08-16"],
        "lang": ["en"],
    }


def test_feeds_widget_and_opensearch_in_english(client: FlaskClient) -> None:
    feed = client.get(f"/search.atom?q={DROUGHT}&lang=en").get_data(as_text=True)
    assert 'xml:lang="en"' in feed and "<title>Naba: «الجفاف»</title>" in feed
    assert '<entry xml:lang="ar">' in feed and "lang=en" in feed
    description = client.get("/opensearch.xml?lang=en").get_data(as_text=True)
    assert "<ShortName>Naba</ShortName>" in description
    assert "/search?lang=en&amp;q={searchTerms}" in description
    widget = client.get(f"/embed?q={DROUGHT}&lang=en").get_data(as_text=True)
    assert "Search on Naba" in widget or "results on Naba" in widget


def test_the_json_api_is_the_same_in_any_language(client: FlaskClient) -> None:
    plain = client.get(f"/api/search?q={DROUGHT}").get_json()
    english = client.get(f"/api/search?q={DROUGHT}&lang=en").get_json()
    assert plain == english
    assert all("lang=" not in (hit.get("url") or "") for hit in english["hits"])


def test_catalogues_are_never_taken_from_a_folder_someone_else_could_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(i18n.tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / f"naba-translations-{i18n.os.getuid()}"
    shared.mkdir(mode=0o777)
    shared.chmod(0o777)  # as another user's, or a careless one, would leave it
    compiled = i18n.compiled_catalogues()
    assert shared not in compiled.parents
    assert compiled.parent.stat().st_mode & 0o077 == 0
    shared.chmod(0o700)
    assert shared in i18n.compiled_catalogues().parents
