"""Story groups in real Chromium (issue 16, point 1): one result per story with its other
versions folded beside it, unfolded in place; the toggle that shows every version; the
article page's versions and comparison; with screenshots (light and dark, desktop and
phone)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Watcher
from tests.browser.support import SCREENS, keep_screenshot, screen_page

HEAT = "/search?q=" + quote("موجة حر")
ARTICLE = "/doc/articles/2023-water-drought-04.txt"
WIRE = "articles/2023-water-drought-04-wire.txt"


def test_a_story_shows_once_and_unfolds_its_versions_in_place(page: Page, base_url: str) -> None:
    page.goto(base_url + HEAT)
    folded = page.locator(".hit-versions")
    expect(folded).to_have_count(1)
    expect(folded.locator("summary")).to_contain_text("ونسختان أخريان من:")
    assert not folded.evaluate("d => d.open")
    folded.locator("summary").click()
    assert folded.evaluate("d => d.open")
    expect(folded.locator("li a")).to_have_count(2)
    titles = page.locator(".hit-title a").all_inner_texts()
    versions = folded.locator("li a").all_inner_texts()
    assert not set(titles) & set(versions)  # a version is never a result of its own too


def test_the_toggle_shows_every_version(page: Page, base_url: str) -> None:
    page.goto(base_url + HEAT)
    before = page.locator(".hit-title").count()
    page.locator('input[name="group"]').check()
    expect(page.locator(".hit-versions")).to_have_count(0)
    expect(page.locator(".hit-title")).to_have_count(before + 2)
    assert parse_qs(urlsplit(page.url).query)["group"] == ["off"]
    page.locator(".active-filters a", has_text="كل نسخ الخبر").click()
    expect(page.locator(".hit-versions")).to_have_count(1)


def test_the_article_page_compares_two_versions(page: Page, base_url: str) -> None:
    page.goto(base_url + ARTICLE)
    versions = page.locator(".versions li")
    expect(versions).to_have_count(3)
    expect(versions.first).to_contain_text("نُشر أولًا")
    versions.filter(has_text="رويترز").locator(".compare-link").click()
    expect(page.locator(".version-diff h2")).to_contain_text("رويترز")
    expect(page.locator(".version-diff ins").first).to_be_visible()
    expect(page.locator(".version-diff del").first).to_be_visible()


@pytest.mark.parametrize(("scheme", "device"), SCREENS)
def test_screenshots_of_story_groups(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
) -> None:
    page, watcher = screen_page(new_context, scheme, device)
    for name, path in (
        ("stories-results", HEAT),
        ("stories-compare", f"{ARTICLE}?compare={quote(WIRE)}"),
    ):
        page.goto(base_url + path)
        page.evaluate("document.fonts.ready")
        if name == "stories-results":
            page.locator(".hit-versions summary").click()
            page.locator(".hit-versions").scroll_into_view_if_needed()
        keep_screenshot(
            page, tmp_path, f"{name}-{scheme}-{device}.png", full_page=name == "stories-compare"
        )
    assert not watcher.unexpected_errors()
