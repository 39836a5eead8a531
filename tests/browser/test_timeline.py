"""A search's timeline in real Chromium (issue 16, point 2): a bar's click narrows the
results to its period (as many as the bar counts), the chart reads right to left in
Arabic and left to right in English, takes the theme's colours, fits a phone, and its
table of counts opens on request; with screenshots in light and dark mode, desktop and
phone (``NABA_SAVE_SCREENSHOTS=1`` keeps them in ``docs/screenshots/``)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from urllib.parse import parse_qs, quote, urlsplit

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from search.searching import SearchRequest, open_index, timeline
from tests.browser.conftest import Watcher
from tests.browser.support import (
    DEVICES,
    SCREENS,
    expected,
    keep_screenshot,
    results_phrase,
    screen_page,
    shared_index,
)

DROUGHT = quote("الجفاف")


def query_of(url: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}


def test_clicking_a_bar_narrows_the_results_to_its_period(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/search?q={DROUGHT}")
    bar = page.locator("svg.timeline-chart a.timeline-link").last
    href = bar.get_attribute("href") or ""
    params = query_of(href)
    assert {"q", "from", "to"} <= set(params)
    bar.click()
    expect(page).to_have_url(base_url + href)
    # as many results as the bar counted: the search layer's total for its period
    expect(page.locator(".results-count")).to_contain_text(results_phrase(params))
    assert expected(params)["total"] > 0
    expect(page.locator(".active-filters .chip")).to_have_count(2)  # from and to


def test_a_bar_is_reached_by_keyboard_and_followed_with_enter(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/search?q={DROUGHT}")
    bar = page.locator("svg.timeline-chart a.timeline-link").first
    href = bar.get_attribute("href") or ""
    bar.focus()
    expect(bar).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator(".results-count")).to_contain_text(results_phrase(query_of(href)))


@pytest.mark.parametrize("language", ["ar", "en"])
def test_the_earliest_period_is_where_reading_starts(
    page: Page, base_url: str, language: str
) -> None:
    page.goto(f"{base_url}/search?q={DROUGHT}&lang={language}")
    bars = page.locator("svg.timeline-chart .timeline-bar")
    first, last = bars.first.bounding_box(), bars.last.bounding_box()
    assert first and last
    if language == "ar":
        assert first["x"] > last["x"]
    else:
        assert first["x"] < last["x"]


def test_the_table_of_counts_opens_on_request(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/search?q={DROUGHT}")
    table = page.locator(".timeline-table table")
    expect(table).to_be_hidden()
    page.locator(".timeline-table summary").click()
    expect(table).to_be_visible()
    line = timeline(open_index(shared_index()), SearchRequest.from_params({"q": "الجفاف"}))
    expect(table.locator("tbody tr")).to_have_count(len(line["timeline"]["buckets"]))


def test_the_hijri_switch_works_with_htmx(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/search?q={DROUGHT}")
    page.locator(".timeline-switch").click()
    expect(page).to_have_url(f"{base_url}/search?q={DROUGHT}&calendar=hijri")
    expect(page.locator(".timeline-switch")).to_have_text("بالتقويم الميلادي")
    expect(page.locator(".timeline-axis")).to_contain_text("هـ")


@pytest.mark.parametrize(
    ("scheme", "fill"), [("light", "rgb(11, 107, 83)"), ("dark", "rgb(95, 208, 174)")]
)
def test_the_bars_take_the_theme_s_colour(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    scheme: str,
    fill: str,
) -> None:
    context, _ = new_context(color_scheme=scheme)
    page = context.new_page()
    page.goto(f"{base_url}/search?q={DROUGHT}")
    expect(page.locator(".timeline-bar").first).to_have_css("fill", fill)


@pytest.mark.parametrize(("scheme", "device"), SCREENS)
def test_screenshots_of_the_timeline(
    new_context: Callable[..., tuple[BrowserContext, Watcher]],
    base_url: str,
    tmp_path: Path,
    scheme: str,
    device: str,
) -> None:
    page, _ = screen_page(new_context, scheme, device)
    viewport = DEVICES[device]
    states = {
        "timeline": f"/search?q={DROUGHT}",
        "timeline-hijri": "/search?q=" + quote("الخط") + "&calendar=hijri",
        "timeline-english": f"/search?q={DROUGHT}&year=2023&lang=en",
    }
    for name, path in states.items():
        page.goto(base_url + path)
        page.evaluate("document.fonts.ready")
        figure = page.locator("figure.timeline")
        expect(figure).to_be_visible()
        box = figure.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"]
        figure.scroll_into_view_if_needed()
        # The viewport, the chart in it.
        keep_screenshot(page, tmp_path, f"{name}-{scheme}-{device}.png", full_page=False)
