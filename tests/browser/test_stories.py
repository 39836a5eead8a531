"""Story groups in real Chromium (issue 16, point 1): one result per story with its other
versions folded beside it, unfolded in place; the toggle that shows every version; the
article page's versions and comparison; with screenshots (light and dark, desktop and
phone)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from tests.browser.conftest import Watcher
from tests.support import ROOT

SCREENSHOTS = ROOT / "docs" / "screenshots"
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


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize(
    ("device", "viewport"),
    [("desktop", {"width": 1280, "height": 800}), ("phone", {"width": 390, "height": 844})],
)
def test_screenshots_of_story_groups(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
    viewport: dict[str, int],
) -> None:
    context, watcher = new_context(
        viewport=viewport, color_scheme=scheme, is_mobile=device == "phone"
    )
    page = context.new_page()
    for name, path in (
        ("stories-results", HEAT),
        ("stories-compare", f"{ARTICLE}?compare={quote(WIRE)}"),
    ):
        page.goto(base_url + path)
        page.evaluate("document.fonts.ready")
        if name == "stories-results":
            page.locator(".hit-versions summary").click()
            page.locator(".hit-versions").scroll_into_view_if_needed()
        assert page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
        shot = f"{name}-{scheme}-{device}.png"
        page.screenshot(path=str(tmp_path / shot), full_page=name == "stories-compare")
        if os.environ.get("NABA_SAVE_SCREENSHOTS") == "1":
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            (SCREENSHOTS / shot).write_bytes((tmp_path / shot).read_bytes())
    assert not watcher.unexpected_errors()
