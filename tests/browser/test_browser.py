"""The web app in real headless Chromium, as a reader (and a site owner) uses it.

Typing updates results in place, facets change results and the URL, Back restores the
previous state, articles open, the keyboard alone suffices, the page works with
JavaScript off, the widget resizes itself inside another site's iframe, and no hostile
document ever runs a script. Screenshots are taken in light and dark, desktop and phone
(saved to ``docs/screenshots/`` when ``NABA_SAVE_SCREENSHOTS=1``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, unquote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from search.searching import source_label
from tests.browser.conftest import Watcher
from tests.browser.support import (
    HOSTILE_MARKUP_ID,
    HOSTILE_TXT_ID,
    HOSTILE_URL_ID,
    HOSTILE_WORD,
    expected,
    results_phrase,
)
from tests.support import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"


def phrase(**params: str | list[str]) -> str:
    """The results heading the page should show: ``18 نتيجة``, ``4 نتائج``…"""
    return results_phrase(params)


def query_of(page: Page) -> dict[str, list[str]]:
    return parse_qs(urlsplit(page.url).query)


def mark_page(page: Page) -> None:
    """Set a marker that a full page load would erase."""
    page.evaluate("window.__samePage = true")


def still_same_page(page: Page) -> bool:
    return page.evaluate("window.__samePage === true")


def test_typing_updates_results_in_place(page: Page, base_url: str) -> None:
    searches: list[str] = []
    page.on("request", lambda r: searches.append(r.url) if "/search" in r.url else None)
    page.goto(base_url + "/")
    expect(page.locator("#q")).to_be_focused()  # autofocus
    mark_page(page)
    page.keyboard.type("الجفاف", delay=40)
    expect(page.locator(".results-count")).to_have_text(f"{phrase(q='الجفاف')} لـ «الجفاف»")
    assert still_same_page(page), "results must update without a full reload"
    assert query_of(page) == {"q": ["الجفاف"]}
    assert page.title() == "الجفاف — نبأ"
    assert 1 <= len(searches) <= 2, f"typing should be debounced, not {len(searches)} requests"
    expect(page.locator(".hit-title mark").first).to_have_text(re.compile("الجفاف"))


def test_source_facet_changes_results_and_url_and_back_restores(page: Page, base_url: str) -> None:
    everything = phrase(q="الجفاف")
    one_source = phrase(q="الجفاف", source="Anadolu")
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    mark_page(page)
    expect(page.locator(".results-count")).to_contain_text(everything)
    page.get_by_role("checkbox", name=re.compile("^" + source_label("Anadolu"))).check()
    expect(page.locator(".results-count")).to_contain_text(one_source)
    assert query_of(page) == {"q": ["الجفاف"], "source": ["Anadolu"]}
    assert still_same_page(page)
    for source in page.locator(".hit .source").all_inner_texts():
        assert source == source_label("Anadolu")  # shown by its Arabic name
    # other sources keep their counts: a second one can be added
    page.get_by_role("checkbox", name=re.compile("^" + source_label("AFP"))).check()
    expect(page.locator(".results-count")).to_contain_text(
        phrase(q="الجفاف", source=["Anadolu", "AFP"])
    )
    assert query_of(page)["source"] == ["Anadolu", "AFP"]

    page.go_back()
    expect(page.locator(".results-count")).to_contain_text(one_source)
    assert query_of(page) == {"q": ["الجفاف"], "source": ["Anadolu"]}
    page.go_back()
    expect(page.locator(".results-count")).to_contain_text(everything)
    expect(
        page.get_by_role("checkbox", name=re.compile("^" + source_label("Anadolu")))
    ).not_to_be_checked()
    expect(page.locator("#q")).to_have_value("الجفاف")
    assert still_same_page(page)


def test_year_then_month_drill_down_and_sort(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    page.locator(".years .facet-link", has_text="2023").click()
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف", year="2023"))
    assert query_of(page)["year"] == ["2023"]
    page.locator(".months .facet-link", has_text="أغسطس 2023").click()
    expect(page.locator(".results-count")).to_contain_text(
        phrase(q="الجفاف", year="2023", month="2023-08")
    )
    assert query_of(page)["month"] == ["2023-08"]
    page.get_by_role("link", name="كل السنوات").click()
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف"))
    page.get_by_role("link", name="الأقدم").click()
    expect(page.locator(".sort-link[aria-current=true]")).to_have_text("الأقدم")
    dates = page.locator(".hit time").evaluate_all("els => els.map(e => e.dateTime)")
    assert dates == sorted(dates)


def test_typing_keeps_filters(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?source=Reuters")
    page.locator("#q").fill("الطاقة")
    expect(page.locator(".results-count")).to_contain_text("الطاقة")
    assert query_of(page) == {"q": ["الطاقة"], "source": ["Reuters"]}
    shown = set(page.locator(".hit .source").all_inner_texts())
    assert shown <= {source_label("Reuters"), source_label("AFP")}


def test_did_you_mean_updates_the_box(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("السدوذ"))
    page.locator(".did-you-mean a").click()
    expect(page.locator(".results-count")).to_contain_text(phrase(q="السدود"))
    expect(page.locator("#q")).to_have_value("السدود")


def test_a_sure_correction_is_searched_and_the_typed_words_offered(
    page: Page, base_url: str
) -> None:
    page.goto(base_url + "/search?q=" + quote("الجفاق"))
    expect(page.locator(".corrected")).to_contain_text("الجفاف")
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف"))
    expect(page.locator(".hit").first).to_be_visible()
    page.locator(".corrected a").click()
    expect(page.locator(".results-count")).to_contain_text("لا نتائج")
    expect(page.locator(".corrected")).to_have_count(0)
    assert query_of(page)["spell"] == ["off"]


def test_opening_a_document(page: Page, base_url: str) -> None:
    page.goto(base_url + "/search?q=" + quote("موجة حر"))
    first = page.locator(".hit-title a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1.article-title")).to_have_text(title)
    assert urlsplit(page.url).path.startswith("/doc/")
    expect(page.locator(".article-body mark").first).to_be_visible()
    expect(page.locator(".similar li").first).to_be_visible()
    page.go_back()
    expect(page.locator(".results-count")).to_contain_text(phrase(q="موجة حر"))


def test_keyboard_only_search(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("#q")).to_be_focused()  # autofocus: type straight away
    page.keyboard.type("موجة حر")
    page.keyboard.press("Enter")
    expect(page.locator(".results-count")).to_contain_text(phrase(q="موجة حر"))
    for _ in range(80):  # Tab through the controls to the first result
        page.keyboard.press("Tab")
        if page.evaluate("!!document.activeElement.closest('.hit-title')"):
            break
    else:
        pytest.fail("the results cannot be reached with Tab")
    focused_title = page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("h1.article-title")).to_have_text(focused_title)


def test_the_skip_link_and_suggestions(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    expect(page.locator("#q")).to_be_focused()  # autofocus, then back to the skip links
    for _ in ("the language switch", "the site's name", "the skip link"):
        page.keyboard.press("Shift+Tab")
    expect(page.locator('.skip-link[href="#main"]')).to_be_focused()
    page.locator("#q").focus()
    page.keyboard.type("الجف")
    expect(page.locator("#q-suggestions option")).to_have_count(1)
    assert page.locator("#q-suggestions option").get_attribute("value") == "الجفاف"


def test_a_pasted_paragraph_is_searched_and_said_to_be_cut(page: Page, base_url: str) -> None:
    # About 6,000 letters: six times what the search reads, forty URL-encoded kilobytes.
    paragraph = "الجفاف يهدد المحاصيل في المنطقة " * 200
    page.goto(base_url + "/")
    mark_page(page)
    page.locator("#q").fill(paragraph)  # no maxlength once the script runs
    page.keyboard.press("Enter")
    expect(page.locator(".results-count")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="فبحثنا بأول 1000 حرف")).to_be_visible()
    assert still_same_page(page)
    shown = query_of(page)["q"][0]
    assert 900 < len(shown) <= 1000 and paragraph.startswith(shown)
    page.reload()  # the address pushed is one the server takes
    expect(page.locator(".results-count")).to_be_visible()


def test_works_without_javascript(
    new_context: Callable[..., tuple[BrowserContext, Watcher]], base_url: str
) -> None:
    context, _ = new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(base_url + "/")
    page.locator("#q").fill("الجفاف")
    page.keyboard.press("Enter")
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف"))
    page.get_by_role("checkbox", name=re.compile("^" + source_label("Anadolu"))).check()
    page.locator(".facet noscript button, .facet button", has_text="تطبيق").first.click()
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف", source="Anadolu"))
    assert query_of(page)["source"] == ["Anadolu"]
    page.locator(".pagination a, .years a").first.click()
    expect(page.locator(".results-count")).to_be_visible()


def test_embed_widget_in_another_sites_iframe(page: Page, base_url: str, host_url: str) -> None:
    """The snippet of docs/embedding.md, pasted on a page of another origin."""
    assert urlsplit(host_url).port != urlsplit(base_url).port
    page.goto(host_url + "/")
    frame_element = page.locator("[data-naba-search] iframe")
    expect(frame_element).to_have_count(1)
    assert frame_element.get_attribute("src") == (
        base_url + "/embed?source=Reuters&theme=light&limit=5"
    )
    frame = page.frame_locator("[data-naba-search] iframe")
    expect(frame.locator("#q")).to_be_visible()
    box = "document.querySelector('[data-naba-search] iframe').getBoundingClientRect().height"
    # the widget reported its height and embed.js resized the iframe to fit it
    page.wait_for_function(  # the initial 4.5rem became the reported height in px
        "document.querySelector('[data-naba-search] iframe').style.height.endsWith('px')"
    )
    small = frame_element.bounding_box()["height"]
    assert 40 < small < 120

    frame.locator("#q").fill("الطاقة")
    assert expected({"q": "الطاقة", "source": "Reuters"})["total"] > 5
    expect(frame.locator(".hit")).to_have_count(5)  # data-limit="5"
    expect(frame.locator(".hit .source").first).to_have_text(source_label("Reuters"))
    page.wait_for_function(f"{box} > {small} + 200")
    tall = frame_element.bounding_box()["height"]
    content = frame.locator("html").evaluate("e => e.getBoundingClientRect().height")
    assert abs(tall - content) <= 2, "the iframe fits its content: no inner scrollbar"

    frame.locator("#q").fill("القطار")  # fewer Reuters articles: a shorter widget
    expect(frame.locator(".hit")).to_have_count(
        expected({"q": "القطار", "source": "Reuters"})["total"]
    )
    page.wait_for_function(f"{box} < {tall} - 100")

    # results open the full article in a new tab
    link = frame.locator(".hit-title a").first
    assert link.get_attribute("target") == "_blank"
    assert link.get_attribute("rel") == "noopener"
    with page.context.expect_page() as opened:
        link.click()
    article = opened.value
    expect(article.locator("h1.article-title")).to_be_visible()
    assert article.url.startswith(base_url + "/doc/")

    # a message from anything but the widget's own frame is ignored
    before = frame_element.bounding_box()["height"]
    page.evaluate("window.postMessage({type: 'naba:resize', height: 7}, '*')")
    page.wait_for_timeout(200)
    assert frame_element.bounding_box()["height"] == before


def test_embed_pinned_source_and_dark_theme(page: Page, base_url: str) -> None:
    page.goto(base_url + "/embed?q=" + quote("الجفاف") + "&source=Anadolu&theme=dark")
    total = expected({"q": "الجفاف", "source": "Anadolu"})["total"]
    expect(page.locator(".hit")).to_have_count(min(total, 5))
    background = page.evaluate("getComputedStyle(document.body).backgroundColor")
    assert background == "rgb(29, 32, 38)"  # the dark surface colour


def test_other_pages_refuse_to_be_framed(
    new_context: Callable[..., tuple[BrowserContext, Watcher]], base_url: str, host_url: str
) -> None:
    context, watcher = new_context()
    watcher.expected.append("frame-ancestors")  # the refusal is the point of this test
    page = context.new_page()
    page.goto(host_url + "/blank")
    with page.expect_console_message(lambda m: "frame-ancestors" in m.text) as refusal:
        page.evaluate(
            "url => { const f = document.createElement('iframe'); f.src = url; "
            "document.body.appendChild(f); }",
            base_url + "/search?q=x",
        )
    assert "'self'" in refusal.value.text


@pytest.mark.parametrize(
    "path",
    [
        "/search?q=" + quote(HOSTILE_WORD),
        "/search?q=" + quote('"><img src=x onerror=alert(1)><script>alert(1)</script>'),
        "/doc/" + quote(HOSTILE_TXT_ID) + "?q=" + quote(HOSTILE_WORD),
        "/doc/" + quote(HOSTILE_URL_ID),
        "/doc/" + quote(HOSTILE_MARKUP_ID, safe="") + "?q=" + quote(HOSTILE_WORD),
        "/embed?q=" + quote(HOSTILE_WORD),
    ],
)
def test_hostile_documents_run_no_script(page: Page, base_url: str, path: str) -> None:
    page.goto(base_url + path)
    expect(page.locator("body")).to_contain_text(re.compile(HOSTILE_WORD + "|لا نتائج|نتائج"))
    page.mouse.move(200, 200)
    page.wait_for_timeout(100)
    assert page.evaluate("window.__xss") is None
    injected = (
        "script:not([src]), img, svg:not(.timeline-chart), iframe, [onerror], [onload], "
        "a[href^='javascript' i]"
    )
    assert page.locator(injected).count() == 0
    # the `page` fixture fails the test if a dialog opened or the CSP blocked anything
    assert unquote(urlsplit(page.url).path) == unquote(urlsplit(path).path)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_screenshots(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
    viewport: dict[str, int],
) -> None:
    context, _ = new_context(
        viewport=viewport,
        color_scheme=scheme,
        is_mobile=device == "phone",
        device_scale_factor=1,
        has_touch=device == "phone",
    )
    page = context.new_page()
    page.goto(base_url + "/search?q=" + quote("الجفاف"))
    expect(page.locator(".results-count")).to_contain_text(phrase(q="الجفاف"))
    page.evaluate("document.fonts.ready")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    # nothing wider than the screen (no sideways scrolling on a phone)
    assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
    aside = page.locator(".facets").bounding_box()
    hits = page.locator(".hits").bounding_box()
    if device == "desktop":  # facets on the right, as a right-to-left reader expects
        assert aside["x"] > hits["x"]
    else:  # folded above the results
        expect(page.locator("details.facet-panel")).not_to_have_attribute("open", "")
        assert aside["y"] < hits["y"]
    name = f"search-{scheme}-{device}.png"
    page.screenshot(path=str(tmp_path / name))
    if os.environ.get("NABA_SAVE_SCREENSHOTS") == "1":
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (SCREENSHOTS / name).write_bytes((tmp_path / name).read_bytes())
