"""The English interface in real Chromium (issue 19, point 8): the switch follows the
search the reader is on, htmx searches stay English, every page type passes axe-core
and lays out left to right without overflow, with screenshots (light and dark, desktop
and phone)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Watcher
from tests.browser.support import SCREENS, keep_screenshot, results_phrase, screen_page
from tests.browser.test_accessibility import PAGES, assert_no_serious_violation


def english(path: str) -> str:
    return path + ("&" if "?" in path else "?") + "lang=en"


def test_the_switch_follows_the_search_and_htmx_stays_english(page: Page, base_url: str) -> None:
    page.goto(base_url + "/")
    page.locator("#q").fill("الجفاف")
    expect(page.locator(".results-count")).to_contain_text(results_phrase({"q": "الجفاف"}))
    page.locator("a[data-language-switch]").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    assert parse_qs(urlsplit(page.url).query) == {"q": ["الجفاف"], "lang": ["en"]}
    assert page.evaluate("getComputedStyle(document.body).direction") == "ltr"
    expect(page.locator(".results-count")).to_contain_text(
        results_phrase({"q": "الجفاف"}, "en") + " for «الجفاف»"
    )
    # A title is the article's words: Arabic, right to left, inside the English page.
    assert page.locator(".hit-title").first.evaluate("e => getComputedStyle(e).direction") == "rtl"
    # An htmx search (typing) keeps the language: in the results and in the address.
    page.locator("#q").fill("الطاقة الشمسية")
    expect(page.locator(".results-count")).to_contain_text("for «الطاقة الشمسية»")
    expect(page).to_have_url(re.compile(r"[?&]lang=en(&|$)"))
    page.locator(".sort a", has_text="Newest").click()
    expect(page.locator(".sort a[aria-current]")).to_have_text("Newest")
    assert parse_qs(urlsplit(page.url).query)["lang"] == ["en"]
    page.locator("a[data-language-switch]").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    assert "lang" not in parse_qs(urlsplit(page.url).query)
    expect(page.locator(".sort a[aria-current]")).to_have_text("الأحدث")


def test_a_source_ticked_in_english_keeps_the_language(page: Page, base_url: str) -> None:
    page.goto(base_url + english("/search?q=" + quote("الجفاف")))
    page.locator('input[name="source"][value="Reuters"]').check()
    expect(page.locator(".active-filters")).to_contain_text("Reuters")
    query = parse_qs(urlsplit(page.url).query)
    assert query["source"] == ["Reuters"] and query["lang"] == ["en"]
    page.locator(".date-range input[name=from]").fill("1 January 2023")
    page.locator(".date-range button").click()
    expect(page.locator(".active-filters")).to_contain_text("From 1 January 2023")


@pytest.mark.parametrize(("scheme", "device"), [("light", "desktop"), ("dark", "phone")])
def test_no_serious_accessibility_violation_in_english(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    scheme: str,
    device: str,
) -> None:
    pages = {name: english(path) for name, path in PAGES.items()}
    assert_no_serious_violation(new_context, scheme, device, base_url, pages)


@pytest.mark.parametrize(("scheme", "device"), SCREENS)
def test_screenshots_in_english(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
) -> None:
    page, watcher = screen_page(new_context, scheme, device)
    states = {
        "en-results": "/search?q=" + quote("الجفاف") + "&source=Reuters",
        "en-article": "/doc/articles/2023-water-drought-04.txt?q=" + quote("الجفاف"),
        "en-help": "/help",
    }
    for name, path in states.items():
        page.goto(base_url + english(path))
        page.evaluate("document.fonts.ready")
        assert page.evaluate("document.documentElement.dir") == "ltr"
        keep_screenshot(page, tmp_path, f"{name}-{scheme}-{device}.png")
    assert not watcher.unexpected_errors()
